import type { CommentResponse, Friend, IdeaResponse, Notification } from '@pp/contracts'
import type { rest } from '../test-support/clients.js'
import { waitFor } from '../test-support/processes.js'

export type Idea = IdeaResponse
export type Comment = CommentResponse
export type Note = Notification
type Client = ReturnType<typeof rest>

/** x asks y, y accepts; both sides end with an accepted friendship. */
export async function makeFriends(x: Client, y: Client, xId: string, yId: string): Promise<void> {
  await x.ok('POST', '/friends', { userId: yId })
  await waitFor(
    async () => (await y.get<Friend[]>('/friends')).some((f) => f.id === xId && f.status === 'incoming'),
    'request arrives',
  )
  await y.ok('POST', `/friends/${xId}/accept`)
  await waitFor(
    async () => (await x.get<Friend[]>('/friends')).some((f) => f.id === yId && f.status === 'accepted'),
    'acceptance arrives',
  )
}
