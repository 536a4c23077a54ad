import type { Friend } from '@pp/contracts'
import { useEffect } from 'react'
import { acceptFriend, acceptFriendKey, requestFriend } from '../actions/friends'
import { loadFriends, loadOnlineUsers } from '../actions/load'
import { useStore } from '../store/store'

/** How often the Friends page re-reads who is online at the relay. */
export const ONLINE_REFRESH_MS = 5000

function Dot({ online }: { online: boolean }) {
  return (
    <span
      className={`dot ${online ? 'dot-online' : 'dot-offline'}`}
      role="img"
      aria-label={online ? 'online' : 'offline'}
    />
  )
}

/** A friend's safety number, or why there is none yet. */
function Fingerprint({ friend }: { friend: Friend }) {
  return friend.fingerprint === null ? (
    <span className="muted small">Keys not exchanged yet</span>
  ) : (
    <span className="fingerprint small" title="Safety number: compare it with what your friend sees">
      Safety number <code>{friend.fingerprint}</code>
    </span>
  )
}

/** Shown while a friend's backend presents keys other than the pinned ones. */
function KeyWarning({ friend }: { friend: Friend }) {
  if (friend.newFingerprint === null) return null
  return (
    <div className="key-warning" role="alert">
      <p>
        <strong>{friend.displayName}’s keys changed.</strong> Nothing from them is accepted until you trust
        the new keys. Compare the new safety number <code>{friend.newFingerprint}</code> with what{' '}
        {friend.displayName} sees on their Friends page before you do.
      </p>
      <button type="button" className="button" onClick={() => void acceptFriendKey(friend.id)}>
        Trust the new keys
      </button>
    </div>
  )
}

export function Friends() {
  const me = useStore((s) => s.me)
  const friends = useStore((s) => s.friends)
  const onlineUsers = useStore((s) => s.onlineUsers)
  const friendsLoad = useStore((s) => s.loads.friends)
  const onlineLoad = useStore((s) => s.loads.onlineUsers)
  const relayUp = useStore((s) => s.socketConnected && s.collab?.connected === true)

  useEffect(() => {
    void loadOnlineUsers()
    void loadFriends()
    // Users who are not friends yet send no presence events: look again now and then while this page is open.
    const timer = setInterval(() => {
      if (useStore.getState().socketConnected) void loadOnlineUsers()
    }, ONLINE_REFRESH_MS)
    return () => clearInterval(timer)
  }, [])

  const known = new Map(friends.map((f) => [f.id, f]))
  const others = onlineUsers.filter((u) => u.id !== me?.id)
  const incoming = friends.filter((f) => f.status === 'incoming')
  const accepted = friends.filter((f) => f.status === 'accepted')
  const outgoing = friends.filter((f) => f.status === 'outgoing')

  return (
    <div className="page">
      <div className="page-head">
        <h1>Friends</h1>
        {me && (
          <p className="muted small">
            Your safety number <code>{me.fingerprint}</code>
          </p>
        )}
      </div>
      <div className="friends-grid">
        <section className="panel" aria-labelledby="online-title">
          <h2 id="online-title">Online users</h2>
          {onlineLoad.status === 'error' && (
            <p className="error-text">Could not load online users: {onlineLoad.error}</p>
          )}
          {others.length === 0 ? (
            <p className="muted">
              {onlineLoad.status === 'loading'
                ? 'Loading…'
                : relayUp
                  ? 'Nobody else is online.'
                  : 'Who is online is not known while the collaboration service is unreachable.'}
            </p>
          ) : (
            <ul className="people" aria-label="Online users">
              {others.map((u) => {
                const f = known.get(u.id)
                return (
                  <li key={u.id}>
                    <Dot online />
                    <span className="person-name">{u.displayName}</span>
                    {!f && (
                      <button type="button" className="button" onClick={() => void requestFriend(u.id)}>
                        Add friend
                      </button>
                    )}
                    {f?.status === 'outgoing' && <span className="muted small">Request sent</span>}
                    {f?.status === 'incoming' && <span className="muted small">Wants to be friends</span>}
                    {f?.status === 'accepted' && <span className="muted small">Friend</span>}
                  </li>
                )
              })}
            </ul>
          )}
        </section>
        <section className="panel" aria-labelledby="incoming-title">
          <h2 id="incoming-title">Incoming requests</h2>
          {incoming.length === 0 ? (
            <p className="muted">No requests.</p>
          ) : (
            <ul className="people" aria-label="Incoming requests">
              {incoming.map((f) => (
                <li key={f.id}>
                  <Dot online={f.online} />
                  <span className="person-name">{f.displayName}</span>
                  <Fingerprint friend={f} />
                  <button
                    type="button"
                    className="button button-primary"
                    onClick={() => void acceptFriend(f.id)}
                  >
                    Accept
                  </button>
                  <KeyWarning friend={f} />
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="panel" aria-labelledby="list-title">
          <h2 id="list-title">Your friends</h2>
          {friendsLoad.status === 'error' && (
            <p className="error-text">Could not load friends: {friendsLoad.error}</p>
          )}
          {accepted.length === 0 && outgoing.length === 0 ? (
            <p className="muted">{friendsLoad.status === 'loading' ? 'Loading…' : 'No friends yet.'}</p>
          ) : (
            <ul className="people" aria-label="Friend list">
              {accepted.map((f) => (
                <li key={f.id} className="friend-row">
                  <Dot online={f.online} />
                  <span className="person-name">{f.displayName}</span>
                  <span className="muted small">{f.online ? 'Online' : 'Offline'}</span>
                  <Fingerprint friend={f} />
                  <KeyWarning friend={f} />
                </li>
              ))}
              {outgoing.map((f) => (
                <li key={f.id}>
                  <Dot online={f.online} />
                  <span className="person-name">{f.displayName}</span>
                  <span className="muted small">Request sent</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  )
}
