/** Makes every pair of users friends through their backends' REST APIs; safe to run on every start. */

export interface FriendTarget {
  id: string
  displayName: string
  /** e.g. http://localhost:8000/api/v1 */
  apiUrl: string
  /** The backend's API token (Authorization: Bearer). */
  apiToken: string
}

interface FriendRow {
  id: string
  status: 'accepted' | 'incoming' | 'outgoing'
}

async function api(as: FriendTarget, method: string, url: string, body?: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${as.apiToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? null : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${text.slice(0, 200)}`)
  return text.length > 0 ? JSON.parse(text) : null
}

async function friendStatus(of: FriendTarget, other: FriendTarget): Promise<FriendRow['status'] | 'none'> {
  const rows = (await api(of, 'GET', `${of.apiUrl}/friends`)) as FriendRow[]
  return rows.find((r) => r.id === other.id)?.status ?? 'none'
}

async function poll<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 150))
  }
}

/** Befriends `a` and `b`: a request from `a` (unless one is already on its way), accepted by `b`. */
/** A fresh one-time sign-in code for `as`'s web app, as its link (the web URL with `?code=`). */
export async function signInLink(as: FriendTarget, webUrl: string): Promise<string> {
  const { code } = (await api(as, 'POST', `${as.apiUrl}/auth/sign-in-codes`)) as { code: string }
  const url = new URL(webUrl)
  url.searchParams.set('code', code)
  return url.toString()
}

export async function befriend(
  a: FriendTarget,
  b: FriendTarget,
  timeoutMs = 30_000,
): Promise<'already' | 'made'> {
  const fromA = await friendStatus(a, b)
  if (fromA === 'accepted') return 'already'
  if (fromA === 'incoming') {
    // b asked a earlier: a accepts.
    await api(a, 'POST', `${a.apiUrl}/friends/${b.id}/accept`)
  } else {
    if (fromA === 'none') await api(a, 'POST', `${a.apiUrl}/friends`, { userId: b.id })
    await poll(`${b.displayName} to receive the friend request of ${a.displayName}`, timeoutMs, async () => {
      const s = await friendStatus(b, a)
      return s === 'incoming' || s === 'accepted' ? s : undefined
    }).then(async (s) => {
      if (s === 'incoming') await api(b, 'POST', `${b.apiUrl}/friends/${a.id}/accept`)
    })
  }
  await poll(`${a.displayName} and ${b.displayName} to be friends on both sides`, timeoutMs, async () => {
    const [x, y] = await Promise.all([friendStatus(a, b), friendStatus(b, a)])
    return x === 'accepted' && y === 'accepted' ? true : undefined
  })
  return 'made'
}

/** Every pair, one after another (so a backend never sees two crossing requests from the same peer). */
export async function befriendAll(users: FriendTarget[]): Promise<{ made: number; already: number }> {
  let made = 0
  let already = 0
  for (let i = 0; i < users.length; i++) {
    for (let j = i + 1; j < users.length; j++) {
      const a = users[i]
      const b = users[j]
      if (!a || !b) continue
      if ((await befriend(a, b)) === 'made') made++
      else already++
    }
  }
  return { made, already }
}
