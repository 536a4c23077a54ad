import { ErrorResponse } from '@pp/contracts'

/**
 * The sign-in code of a sign-in link (`http://localhost:3000/?code=…`), and the same address without it
 * (what the address bar shows once the code is used). Null when the URL carries no code.
 */
export function codeFromUrl(href: string): { code: string; cleanUrl: string } | null {
  const url = new URL(href)
  const code = url.searchParams.get('code')
  if (code === null || code === '') return null
  url.searchParams.delete('code')
  return { code, cleanUrl: `${url.pathname}${url.search}${url.hash}` }
}

/**
 * Exchanges a sign-in code for the backend's session cookie (set on the answer, sent with every later
 * request). Resolves to null on success, or to the reason it did not work.
 */
export async function signInWithCode(
  apiUrl: string,
  code: string,
  fetchImpl: typeof fetch = (...a) => fetch(...a),
): Promise<string | null> {
  let res: Response
  try {
    res = await fetchImpl(`${apiUrl}/auth/session`, {
      method: 'POST',
      credentials: 'include',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    })
  } catch {
    return 'Cannot reach the backend to sign in'
  }
  if (res.ok) return null
  let data: unknown = null
  try {
    data = await res.json()
  } catch {
    data = null
  }
  const err = ErrorResponse.safeParse(data)
  return err.success ? err.data.message : `Signing in failed (${res.status})`
}

/**
 * Signs in with the code of the page's own address, if it has one. The code leaves the address bar (and
 * the history entry) at once, before it is sent: it works once, and nothing else needs it.
 */
export function signInFromLocation(apiUrl: string, fetchImpl?: typeof fetch): Promise<string | null> {
  const found = codeFromUrl(window.location.href)
  if (found === null) return Promise.resolve(null)
  window.history.replaceState(window.history.state, '', found.cleanUrl)
  return signInWithCode(apiUrl, found.code, fetchImpl)
}
