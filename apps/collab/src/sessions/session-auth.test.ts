import { execFileSync } from 'node:child_process'
import { TokenAudience } from '@pp/contracts'
import { mintBackendToken, secretKey } from '@pp/contracts/tokens'
import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEBIAN_PYTHON } from './test-support/python-script.js'
import { readmePythonBlock } from './test-support/readme.js'
import { type RelayProcess, startRelay } from './test-support/relay-process.js'
import { SessionClient } from './test-support/session-client.js'

const SECRET = 'session-auth-test-secret-0123456789'
let relay: RelayProcess
const clients: SessionClient[] = []

const token = (sub: string, secret = SECRET, expiresIn = '5m', claims: Record<string, unknown> = {}) =>
  new SignJWT({ aud: TokenAudience.SESSION, ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret))

const open = async (user: string, query: string) => {
  const c = await SessionClient.open(relay.wsUrl, 'auth-room', user, query)
  clients.push(c)
  return c
}

beforeAll(async () => {
  relay = await startRelay({ SESSION_AUTH: 'required', COLLAB_JWT_SECRET: SECRET })
})
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await relay.stop()
})

describe('SESSION_AUTH=required', () => {
  it('admits a client whose token names its user id', async () => {
    const c = await open('alice', `?token=${await token('alice')}`)
    const ack = await c.next((m) => m.type === 'connection:ack')
    expect(ack.user_id).toBe('alice')
  })

  it('admits a token scoped to the session joined', async () => {
    const c = await open(
      'erin',
      `?token=${await token('erin', SECRET, '5m', { sessions: ['x', 'auth-room'] })}`,
    )
    const ack = await c.next((m) => m.type === 'connection:ack')
    expect(ack.user_id).toBe('erin')
  })

  it('holds messages sent while the token is checked and handles them in order', async () => {
    const c = new SessionClient(`${relay.wsUrl}/ws/auth-room/early?token=${await token('early')}`)
    clients.push(c)
    c.ws.once('open', () => c.send({ type: 'ping' }))
    await c.next((m) => m.type === 'pong')
    expect(c.messages.map((m) => m.type)).toEqual(['connection:ack', 'pong'])
  })

  it.each([
    ['no token', async () => '', /token required/],
    ['a token of another user', async () => `?token=${await token('mallory')}`, /does not match/],
    [
      'a token signed with another secret',
      async () => `?token=${await token('bob', 'x'.repeat(32))}`,
      /invalid token/,
    ],
    ['an expired token', async () => `?token=${await token('bob', SECRET, '-10m')}`, /expired/],
    ['garbage', async () => '?token=not-a-jwt', /invalid token/],
    [
      'a backend token',
      async () =>
        `?token=${await mintBackendToken(secretKey(SECRET), { userId: '00000000-0000-0000-0000-00000000000b', name: 'bob' })}`,
      /audience|does not match/,
    ],
    [
      'a token without the session audience',
      async () => `?token=${await token('bob', SECRET, '5m', { aud: undefined })}`,
      /audience/,
    ],
    [
      'a token without exp',
      async () =>
        `?token=${await new SignJWT({ aud: TokenAudience.SESSION }).setProtectedHeader({ alg: 'HS256' }).setSubject('bob').sign(new TextEncoder().encode(SECRET))}`,
      /exp/,
    ],
    [
      'a token for other sessions',
      async () => `?token=${await token('bob', SECRET, '5m', { sessions: ['other-room'] })}`,
      /does not allow this session/,
    ],
  ])('closes a client with %s with 1008 and a reason', async (_name, query, reason) => {
    const c = await open('bob', await query())
    const closed = await c.closed
    expect(closed.code).toBe(1008)
    expect(closed.reason).toMatch(reason)
    expect(c.ofType('connection:ack')).toEqual([])
  })

  it('never shows a refused client to the members', async () => {
    const member = await open('carol', `?token=${await token('carol')}`)
    await member.next((m) => m.type === 'connection:ack')
    const intruder = await open('dave', `?token=${await token('carol')}`)
    await intruder.closed
    member.send({ type: 'ping' })
    await member.next((m) => m.type === 'pong')
    expect(member.ofType('user:joined').map((m) => m.user_id)).not.toContain('dave')
  })
})

describe('the README’s token snippet', () => {
  it('mints a token the relay accepts', async () => {
    const snippet = readmePythonBlock('def session_token')
    const program = `${snippet}\nimport sys\nprint(session_token(sys.argv[1], sys.argv[2]))\n`
    const minted = execFileSync(DEBIAN_PYTHON, ['-c', program, 'readme-user', SECRET]).toString().trim()
    const c = await open('readme-user', `?token=${minted}`)
    const ack = await c.next((m) => m.type === 'connection:ack')
    expect(ack.user_id).toBe('readme-user')
  })
})

describe('open sessions (the default)', () => {
  it('admits a client without a token, and refuses an invalid session id with 1008', async () => {
    const openRelay = await startRelay()
    try {
      const c = await SessionClient.join(openRelay.wsUrl, 'open-room', 'anyone')
      expect(c.messages[0]?.type).toBe('connection:ack')
      await c.close()
      const bad = await SessionClient.open(openRelay.wsUrl, 'bad%09room', 'anyone')
      const closed = await bad.closed
      expect(closed.code).toBe(1008)
      expect(closed.reason).toMatch(/invalid session id/)
    } finally {
      await openRelay.stop()
    }
  })
})
