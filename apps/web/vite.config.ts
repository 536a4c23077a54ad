import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// The port comes from the command line (`vite --port 3000 --strictPort`); only the host is fixed here.
export default defineConfig({
  plugins: [react()],
  server: { host: 'localhost' },
  preview: { host: 'localhost' },
  build: { outDir: 'dist', sourcemap: true },
})
