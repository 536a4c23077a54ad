/**
 * Headers of the production web bundle when `vite preview` serves it (the backend sends its own when it
 * serves WEB_DIST): a CSP that allows this origin plus the backend it calls, no framing, no sniffing.
 */
export function securityHeaders(backendOrigin: string): Record<string, string> {
  const ws = backendOrigin.replace(/^http/, 'ws')
  const csp = [
    "default-src 'self'",
    "base-uri 'self'",
    "script-src 'self'",
    // React's style props go through the CSSOM, which style-src does not restrict.
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "object-src 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    `connect-src 'self' ${backendOrigin} ${ws}`,
  ].join('; ')
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
  }
}
