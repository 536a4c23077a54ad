import { describe, expect, it } from 'vitest'
import { BackendEnv, EnvError, loadEnv, RelayEnv } from './env.js'

const guideEnv = {
  DATABASE_URL: 'sqlite:///./portfolio_user_a.db',
  SECRET_KEY: 'dev-secret-key-user-a',
  CORS_ORIGINS: 'http://localhost:3000',
  USE_MOCK_SCHWAB_DATA: 'true',
  LOG_LEVEL: 'INFO',
  ENABLE_COLLABORATION: 'true',
  COLLABORATION_SERVICE_URL: 'http://localhost:9000',
  BACKEND_USER_ID: '00000000-0000-0000-0000-000000000001',
  BACKEND_URL: 'http://localhost:8000',
  BACKEND_DISPLAY_NAME: 'User A',
}

describe('backend env', () => {
  it('takes the guide’s .env as written', () => {
    const env = loadEnv(BackendEnv, guideEnv)
    expect(env.DATABASE_URL).toBe('file:./portfolio_user_a.db')
    expect(env.LOG_LEVEL).toBe('info')
    expect(env.CORS_ORIGINS).toEqual(['http://localhost:3000'])
    expect(env.COLLABORATION_SERVICE_URL).toEqual(['http://localhost:9000'])
    expect(env.PORT).toBe(8000)
  })

  it('accepts a list of relay URLs', () => {
    const env = loadEnv(BackendEnv, {
      ...guideEnv,
      COLLABORATION_SERVICE_URL: 'http://r1:9000, http://r2:9000',
    })
    expect(env.COLLABORATION_SERVICE_URL).toEqual(['http://r1:9000', 'http://r2:9000'])
  })

  it('reports one line per bad variable', () => {
    try {
      loadEnv(BackendEnv, {
        ...guideEnv,
        BACKEND_USER_ID: 'alice',
        PORT: 'eighty',
        ENABLE_COLLABORATION: 'maybe',
      })
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(EnvError)
      const lines = (e as EnvError).lines
      expect(lines).toHaveLength(3)
      expect(lines.map((l) => l.split(':')[0]).sort()).toEqual([
        'BACKEND_USER_ID',
        'ENABLE_COLLABORATION',
        'PORT',
      ])
    }
  })

  it('says a missing required variable is required', () => {
    const { BACKEND_USER_ID: _, ...rest } = guideEnv
    expect(() => loadEnv(BackendEnv, rest)).toThrow('BACKEND_USER_ID: is required')
  })
})

describe('relay env', () => {
  it('has the documented defaults', () => {
    const env = loadEnv(RelayEnv, {})
    expect(env).toMatchObject({
      PORT: 9000,
      RATE_LIMIT_PER_SEC: 2000,
      RATE_LIMIT_BURST: 4000,
      SESSION_AUTH: 'open',
    })
    expect(env.MAX_PAYLOAD_BYTES).toBe(1024 * 1024)
  })

  it('refuses a short secret and a non-redis REDIS_URL', () => {
    expect(() => loadEnv(RelayEnv, { COLLAB_JWT_SECRET: 'short', REDIS_URL: 'http://x' })).toThrow(
      /COLLAB_JWT_SECRET[\s\S]*REDIS_URL/,
    )
  })
})
