import { defineConfig } from 'vitest/config'
import { reporters } from '../../tooling/vitest-reporters.mjs'

const shared = {
  fileParallelism: false,
  testTimeout: 120_000,
  hookTimeout: 180_000,
}

/**
 * Two runs of the suite, one after the other: on SQLite (every file, the embedded default), then on a
 * real PostgreSQL server the run starts itself (src/test-support/postgres-server.ts) for the files
 * whose behaviour goes through the database: domain, delivery, REST, sign-in and the multi-process
 * flows, plus the Postgres-only files (`*.postgres.test.ts`). Each test backend gets its own database
 * (a temp file, or a schema) through src/test-support/database.ts.
 */
export default defineConfig({
  test: {
    reporters,
    ...shared,
    projects: [
      {
        test: {
          name: 'sqlite',
          include: ['src/**/*.test.ts'],
          exclude: ['src/**/*.postgres.test.ts'],
          ...shared,
        },
      },
      {
        test: {
          name: 'postgres',
          include: [
            'src/domain/*.test.ts',
            'src/delivery/{dispatcher,reshare-misses-comments-that-overtake-it,share-and-revoke-overtake-each-other}.test.ts',
            'src/routes/rest-api.test.ts',
            'src/auth/{sign-in-required,api-token-file}.test.ts',
            'src/typing-only-from-people-on-the-idea.test.ts',
            'src/integration/{delivery,seed-flows,crash-durability}.integration.test.ts',
            'src/**/*.postgres.test.ts',
          ],
          // Reads the SQLite file from a second connection to see what is on disk.
          exclude: ['src/domain/group-commit.test.ts'],
          globalSetup: ['src/test-support/postgres-server.ts'],
          ...shared,
        },
      },
    ],
  },
})
