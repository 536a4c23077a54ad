import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadDotEnv } from './env-load.js'

const NAMES = ['PP_DOTENV_FROM_FILE', 'PP_DOTENV_SET', 'PP_DOTENV_PEM']

describe('loadDotEnv', () => {
  afterEach(() => {
    for (const name of NAMES) delete process.env[name]
  })

  it('reads a .env file; a variable already set wins; quoted values span lines', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pp-dotenv-')), '.env')
    writeFileSync(
      file,
      'PP_DOTENV_FROM_FILE=file # a comment\nPP_DOTENV_SET=file\nPP_DOTENV_PEM="-----BEGIN-----\nabc\n-----END-----"\n',
    )
    process.env.PP_DOTENV_SET = 'env'
    loadDotEnv(file)
    expect(process.env.PP_DOTENV_FROM_FILE).toBe('file')
    expect(process.env.PP_DOTENV_SET).toBe('env')
    expect(process.env.PP_DOTENV_PEM).toBe('-----BEGIN-----\nabc\n-----END-----')
  })

  it('does nothing without a file', () => {
    expect(() => loadDotEnv(join(tmpdir(), 'pp-no-such-dir', '.env'))).not.toThrow()
  })
})
