/** What every side of the storage scenario shares: the users, the ideas, and the operations measured. */
import { uuidv7 } from 'uuidv7'

export const ME = '00000000-0000-0000-0000-000000000001'
export const PEER = '00000000-0000-0000-0000-000000000002'
export const OWN_IDEA = uuidv7()
export const RECEIVED_IDEA = uuidv7()

export type Op = (i: number) => Promise<void> | void
export interface Side {
  postComment: Op
  ack: Op
  applyInbound: Op
  close(): Promise<void> | void
}

export function ideaRow(id: string, ownerId: string) {
  const now = new Date()
  return {
    id,
    ownerId,
    ownerName: 'User',
    symbol: 'AAPL',
    strategy: 'Covered Call',
    status: 'Planned',
    tags: '["bench"]',
    notes: '',
    version: 1,
    createdAt: now,
    updatedAt: now,
  }
}

export const EVENT = (commentId: string, ideaId: string) =>
  JSON.stringify({
    type: 'comment_added',
    comment: {
      id: commentId,
      ideaId,
      author: { id: ME, displayName: 'User A' },
      body: 'benchmark comment body of a typical length, a sentence or two about the position',
      createdAt: new Date().toISOString(),
    },
  })
