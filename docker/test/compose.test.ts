import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { expect, test } from 'vitest'

const DOCKER_DIR = join(import.meta.dirname, '..')

// No Docker engine runs here: docker-compose v1 validates the file offline (variables, anchors, secrets).
test('docker/compose.yml is a valid compose file', () => {
  const r = spawnSync('docker-compose', ['-f', join(DOCKER_DIR, 'compose.yml'), 'config', '-q'], {
    encoding: 'utf8',
  })
  expect(r.error).toBeUndefined()
  expect(r.stderr).toBe('')
  expect(r.status).toBe(0)
})
