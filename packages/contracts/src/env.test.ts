import { describe, expect, it } from 'vitest'
import { BackendEnv, RelayEnv } from './env.js'
import { EnvError, loadEnv } from './env-load.js'

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

  it('signs in with a token by default and takes the sign-in settings', () => {
    const env = loadEnv(BackendEnv, guideEnv)
    expect(env.BACKEND_AUTH).toBe('token')
    expect(env.BACKEND_API_TOKEN).toBeUndefined()
    expect(env.ALLOWED_HOSTS).toEqual([])
    const set = loadEnv(BackendEnv, {
      ...guideEnv,
      BACKEND_AUTH: 'none',
      BACKEND_API_TOKEN: 'a-long-enough-api-token',
      ALLOWED_HOSTS: 'pp.example, backend-a',
      BACKEND_WEB_URL: 'http://localhost:3000',
    })
    expect(set).toMatchObject({
      BACKEND_AUTH: 'none',
      BACKEND_API_TOKEN: 'a-long-enough-api-token',
      ALLOWED_HOSTS: ['pp.example', 'backend-a'],
      BACKEND_WEB_URL: 'http://localhost:3000',
    })
    expect(() => loadEnv(BackendEnv, { ...guideEnv, BACKEND_AUTH: 'off' })).toThrow(
      'BACKEND_AUTH: must be token or none',
    )
    expect(() => loadEnv(BackendEnv, { ...guideEnv, BACKEND_API_TOKEN: 'short' })).toThrow(
      'BACKEND_API_TOKEN: must be at least 16 characters',
    )
  })

  it('keeps CORS origins as origins and refuses what is not one', () => {
    const env = loadEnv(BackendEnv, {
      ...guideEnv,
      CORS_ORIGINS: 'http://LOCALHOST:3000/, https://a.example',
    })
    expect(env.CORS_ORIGINS).toEqual(['http://localhost:3000', 'https://a.example'])
    expect(() => loadEnv(BackendEnv, { ...guideEnv, CORS_ORIGINS: '*' })).toThrow(
      /^[\s\S]*CORS_ORIGINS: must list/,
    )
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
