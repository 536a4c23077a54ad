import { API_PREFIX } from '@pp/contracts'

/** Where the backend answers in development when VITE_API_URL is not set. */
export const DEV_API_URL = `http://localhost:8000${API_PREFIX}`

export type ApiEnv = {
  VITE_API_URL?: string | undefined
  /** The testing guide's name (`.env.local`); VITE_API_URL wins when both are set. */
  REACT_APP_API_URL?: string | undefined
  DEV: boolean
}

/**
 * The REST base URL: VITE_API_URL (or REACT_APP_API_URL) when set; in development the local backend on :8000; in a
 * production build served by the backend itself, the same origin.
 */
export function resolveApiUrl(env: ApiEnv, origin: string): string {
  const fromEnv = env.VITE_API_URL?.trim() || env.REACT_APP_API_URL?.trim()
  if (fromEnv) return fromEnv.replace(/\/+$/, '')
  if (env.DEV) return DEV_API_URL
  return `${origin}${API_PREFIX}`
}

/** socket.io connects to the origin of the API URL (default path /socket.io). */
export function liveOrigin(apiUrl: string): string {
  return new URL(apiUrl).origin
}
