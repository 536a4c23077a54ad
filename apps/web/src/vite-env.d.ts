/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_API_URL?: string
  /** The testing guide's name for the same setting (`.env.local`); VITE_API_URL wins when both are set. */
  readonly REACT_APP_API_URL?: string
}
interface ImportMeta {
  readonly env: ImportMetaEnv
}
