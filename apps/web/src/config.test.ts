import { describe, expect, it } from 'vitest'
import { DEV_API_URL, liveOrigin, resolveApiUrl } from './config'

describe('API base URL', () => {
  it('uses VITE_API_URL when set, without a trailing slash', () => {
    expect(resolveApiUrl({ VITE_API_URL: 'http://localhost:8001/api/v1/', DEV: true }, 'http://x')).toBe(
      'http://localhost:8001/api/v1',
    )
  })
  it("takes the testing guide's REACT_APP_API_URL when VITE_API_URL is not set", () => {
    expect(
      resolveApiUrl(
        { REACT_APP_API_URL: 'http://localhost:8001/api/v1', DEV: true },
        'http://localhost:3001',
      ),
    ).toBe('http://localhost:8001/api/v1')
    expect(
      resolveApiUrl(
        {
          VITE_API_URL: 'http://localhost:8002/api/v1',
          REACT_APP_API_URL: 'http://localhost:8001/api/v1',
          DEV: true,
        },
        'http://x',
      ),
    ).toBe('http://localhost:8002/api/v1')
  })
  it('defaults to the local backend on :8000 in development', () => {
    expect(resolveApiUrl({ DEV: true }, 'http://localhost:3000')).toBe(DEV_API_URL)
    expect(DEV_API_URL).toBe('http://localhost:8000/api/v1')
  })
  it('uses the same origin in a production build without VITE_API_URL', () => {
    expect(resolveApiUrl({ VITE_API_URL: '', DEV: false }, 'http://host:8001')).toBe(
      'http://host:8001/api/v1',
    )
  })
  it('connects socket.io to the origin of the API URL', () => {
    expect(liveOrigin('http://localhost:8001/api/v1')).toBe('http://localhost:8001')
  })
})
