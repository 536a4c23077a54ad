import { afterEach, describe, expect, it } from 'vitest'
import { codeFromUrl, signInFromLocation, signInWithCode } from './sign-in'

type Seen = { url: string; init: RequestInit | undefined }

function fakeFetch(status: number, answer: unknown, seen: Seen[]): typeof fetch {
  return async (input, init) => {
    seen.push({ url: String(input), init })
    return new Response(answer === undefined ? null : JSON.stringify(answer), {
      status,
      headers: { 'content-type': 'application/json' },
    })
  }
}

describe('sign-in link', () => {
  afterEach(() => window.history.replaceState(null, '', '/'))

  it('finds the code and the address without it', () => {
    expect(codeFromUrl('http://localhost:3000/')).toBeNull()
    expect(codeFromUrl('http://localhost:3000/?code=abc')).toEqual({ code: 'abc', cleanUrl: '/' })
    expect(codeFromUrl('http://localhost:3000/x?a=1&code=abc#/friends')).toEqual({
      code: 'abc',
      cleanUrl: '/x?a=1#/friends',
    })
  })

  it('posts the code to /auth/session with credentials, as JSON', async () => {
    const seen: Seen[] = []
    expect(
      await signInWithCode('http://localhost:8000/api/v1', 'abc', fakeFetch(204, undefined, seen)),
    ).toBeNull()
    expect(seen).toHaveLength(1)
    expect(seen[0]?.url).toBe('http://localhost:8000/api/v1/auth/session')
    expect(seen[0]?.init).toMatchObject({ method: 'POST', credentials: 'include', body: '{"code":"abc"}' })
    expect(seen[0]?.init?.headers).toMatchObject({ 'content-type': 'application/json' })
  })

  it('says why a used code did not work', async () => {
    const answer = {
      statusCode: 401,
      error: 'Unauthorized',
      message: 'This sign-in link is not valid',
      field: 'code',
    }
    expect(await signInWithCode('http://x/api/v1', 'old', fakeFetch(401, answer, []))).toBe(
      'This sign-in link is not valid',
    )
  })

  it('drops the code from the address bar before it is sent', async () => {
    window.history.replaceState(null, '', '/?code=secret#/collaboration')
    let addressWhenSent = ''
    const fetchImpl: typeof fetch = async () => {
      addressWhenSent = window.location.href
      return new Response(null, { status: 204 })
    }
    expect(await signInFromLocation('http://x/api/v1', fetchImpl)).toBeNull()
    expect(addressWhenSent).not.toContain('secret')
    expect(window.location.search).toBe('')
    expect(window.location.hash).toBe('#/collaboration')
    // Without a code nothing is sent.
    let sent = false
    await signInFromLocation('http://x/api/v1', async () => {
      sent = true
      return new Response(null, { status: 204 })
    })
    expect(sent).toBe(false)
  })
})
