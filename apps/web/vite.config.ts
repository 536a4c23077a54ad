import react from '@vitejs/plugin-react'
import { defineConfig, loadEnv } from 'vite'
import { resolveApiUrl } from './src/config'
import { precompress } from './src/precompress'
import { securityHeaders } from './src/security-headers'

// VITE_API_URL, or REACT_APP_API_URL as the testing guide writes it in `.env.local`.
const ENV_PREFIXES = ['VITE_', 'REACT_APP_']

/**
 * `PORT` chooses the port of `pnpm dev` and `pnpm start` (a `--port` flag wins); without it, 3000 (or the
 * next free one). `pnpm start` serves the build and passes `/api` and `/socket.io` through to the backend
 * the API URL names (default http://localhost:8000), so a bundle that calls its own origin works there.
 */
export default defineConfig(({ mode }) => {
  const env = { ...loadEnv(mode, process.cwd(), ENV_PREFIXES), ...process.env }
  const fixed = Number(env.PORT)
  const port = Number.isInteger(fixed) && fixed > 0 ? { port: fixed, strictPort: true } : { port: 3000 }
  // The backend the app itself would call (the local one on :8000 unless the API URL says otherwise).
  const apiEnv = { VITE_API_URL: env.VITE_API_URL, REACT_APP_API_URL: env.REACT_APP_API_URL, DEV: true }
  const backend = new URL(resolveApiUrl(apiEnv, '')).origin
  return {
    plugins: [react(), precompress()],
    envPrefix: ENV_PREFIXES,
    server: { host: 'localhost', ...port },
    preview: {
      host: 'localhost',
      ...port,
      proxy: { '/api': backend, '/socket.io': { target: backend, ws: true } },
      headers: securityHeaders(backend),
    },
    // No source maps in the production bundle: nothing to serve, nothing to leak.
    build: {
      outDir: 'dist',
      sourcemap: false,
      // Libraries in their own chunks: they change less often than the app, so a browser keeps them cached.
      rollupOptions: {
        output: {
          manualChunks(id: string) {
            if (/node_modules\/(react|react-dom|scheduler)\//.test(id)) return 'react'
            if (
              /node_modules\/(socket\.io-client|engine\.io-client|socket\.io-parser|engine\.io-parser)\//.test(
                id,
              )
            )
              return 'socket'
            if (/node_modules\/zod\//.test(id)) return 'zod'
            return undefined
          },
        },
      },
    },
  }
})
