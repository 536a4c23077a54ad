import { describe, expect, it } from 'vitest'
import { securityHeaders } from './security-headers'

describe('headers of the production bundle (vite preview)', () => {
  it('forbid framing and sniffing, and let the page reach its backend', () => {
    const h = securityHeaders('http://localhost:8000')
    expect(h['Content-Security-Policy']).toContain("default-src 'self'")
    expect(h['Content-Security-Policy']).toContain("frame-ancestors 'none'")
    expect(h['Content-Security-Policy']).toContain(
      "connect-src 'self' http://localhost:8000 ws://localhost:8000",
    )
    expect(h['X-Content-Type-Options']).toBe('nosniff')
  })
})
