import { PROTOCOL_VERSION } from '@pp/contracts'
import { describe, expect, it } from 'vitest'
import { USER_B } from '../test/fake-transport'
import {
  BROWSER_LINK_DOWN,
  RELAY_LINK_DOWN,
  selectConnection,
  selectSyncLine,
  shareConfirmation,
  syncText,
} from './selectors'
import { useStore } from './store'

const IDEA = '20000000-0000-4000-8000-000000000001'
const collab = (connected: boolean) => ({
  enabled: true,
  connected,
  since: null,
  relayUrl: null,
  protocol: { backend: PROTOCOL_VERSION, relay: PROTOCOL_VERSION },
  peers: [],
})

describe('connection badge state', () => {
  it('is Offline with the browser link named while socket.io is down', () => {
    useStore.getState().setCollab(collab(true))
    expect(selectConnection(useStore.getState())).toEqual({ live: false, reason: BROWSER_LINK_DOWN })
  })
  it('is Offline with the relay link named while the backend has no relay', () => {
    useStore.getState().setSocketConnected(true)
    useStore.getState().setCollab(collab(false))
    expect(selectConnection(useStore.getState())).toEqual({ live: false, reason: RELAY_LINK_DOWN })
  })
  it('is Live when both links are up', () => {
    useStore.getState().setSocketConnected(true)
    useStore.getState().setCollab(collab(true))
    expect(selectConnection(useStore.getState()).live).toBe(true)
  })
})

describe('share confirmation words', () => {
  it('follows the number of friends in the answer', () => {
    const name = (id: string) => (id === USER_B.id ? 'User B' : 'User C')
    expect(shareConfirmation('DIS', [USER_B.id])).toBe('Position shared with 1 friend')
    expect(shareConfirmation('DIS', [USER_B.id, 'x'])).toBe('Position shared with 2 friends')
    expect(shareConfirmation('DIS', [], [USER_B.id], name)).toBe('Stopped sharing DIS with User B')
    expect(shareConfirmation('DIS', [], [USER_B.id, 'x'], name)).toBe(
      'Stopped sharing DIS with User B and User C',
    )
    expect(shareConfirmation('DIS', ['x'], [USER_B.id], name)).toBe(
      'Position shared with 1 friend; stopped sharing DIS with User B',
    )
    // Sharing a never-shared idea with nobody removes nothing, and says so.
    expect(shareConfirmation('DIS', [], [])).toBe('DIS is not shared with anyone')
  })
})

describe('sync line', () => {
  it('counts waiting changes for an offline friend, then says Synced', () => {
    const s = useStore.getState()
    s.setSocketConnected(true)
    s.setShares(IDEA, [USER_B.id])
    s.setFriends([{ ...USER_B, status: 'accepted', online: false, fingerprint: null, newFingerprint: null }])
    s.setCollab({
      ...collab(true),
      peers: [
        { user: USER_B, online: false, pending: 2, oldestPendingAgeMs: 1000, pendingByIdea: { [IDEA]: 2 } },
      ],
    })
    expect(syncText(selectSyncLine(useStore.getState(), IDEA, USER_B.id))).toBe(
      '2 changes waiting for User B — offline',
    )
    s.setCollab({ ...collab(true), peers: [] })
    expect(syncText(selectSyncLine(useStore.getState(), IDEA, USER_B.id))).toBe('Synced')
  })
})
