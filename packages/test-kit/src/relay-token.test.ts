import { TokenAudience } from '@pp/contracts'
import { secretKey, verifyToken } from '@pp/contracts/tokens'
import { describe, expect, it } from 'vitest'
import { relayToken, TEST_RELAY_SECRET } from './tokens.js'

const USER = { id: '00000000-0000-0000-0000-00000000000a', displayName: 'User A' }

describe('relayToken', () => {
  it('is a backend token the relay verifies: sub, name, aud, exp', async () => {
    const key = secretKey(TEST_RELAY_SECRET)
    const r = await verifyToken(await relayToken(USER), [key], TokenAudience.BACKEND)
    expect(r.ok && r.payload).toMatchObject({ sub: USER.id, name: 'User A', aud: TokenAudience.BACKEND })
    const bare = await verifyToken(await relayToken(USER, { name: undefined }), [key], TokenAudience.BACKEND)
    expect(bare.ok && bare.payload.name).toBeUndefined()
  })
})
