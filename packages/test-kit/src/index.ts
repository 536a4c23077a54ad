export { freePort } from './ports.js'
export { type Service, type SpawnOptions, spawnService } from './spawn.js'
export { relayToken, TEST_RELAY_SECRET } from './tokens.js'
export { until, type WaitOptions } from './wait.js'
