/** Names of settings the children get from the launcher only, never from the launcher's own env. */
const OWN_ENV = [
  'PORT',
  'HOST',
  'DATABASE_URL',
  'CORS_ORIGINS',
  'COLLABORATION_SERVICE_URL',
  'BACKEND_USER_ID',
  'BACKEND_URL',
  'BACKEND_DISPLAY_NAME',
  'COLLAB_TOKEN',
  'COLLAB_TOKEN_FILE',
  'WEB_DIST',
  'VITE_API_URL',
  'BACKEND_WEB_URL',
  'BACKEND_AUTH',
  'BACKEND_API_TOKEN',
  'NODE_ENV',
]

/** Keys and secrets that no child gets from the launcher's own env: the issuer keeps them. */
const NEVER_PASSED = [
  'COLLAB_JWT_SECRET',
  'COLLAB_JWT_PRIVATE_KEY',
  'COLLAB_JWT_PUBLIC_KEY',
  'OPERATOR_TOKEN',
]

/** The launcher's own environment without what only the launcher sets or keeps. */
export function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !OWN_ENV.includes(k) && !NEVER_PASSED.includes(k)) env[k] = v
  return env
}
