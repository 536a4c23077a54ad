import { BACKEND_SOCKET_PATH } from '@pp/contracts'
import type { RelayConfig } from '../config.js'

const RULE = '='.repeat(70)

/** The startup banner, in the shape of the session-server guide's (endpoints and configuration). */
export function startupBanner(config: RelayConfig, port: number): string {
  const base = `${config.tls ? 'wss' : 'ws'}://${config.HOST}:${port}`
  return [
    RULE,
    'PORTFOLIO PLANNER COLLABORATION RELAY',
    RULE,
    `Starting on ${base}`,
    'Configuration:',
    '  - ping_interval: None (disabled)',
    '  - ping_timeout: None (disabled)',
    '  - compression: None (disabled)',
    `  - max message: ${config.MAX_PAYLOAD_BYTES} bytes`,
    `  - session idle timeout: ${config.SESSION_IDLE_TIMEOUT_MS / 1000} s`,
    `  - session auth: ${config.SESSION_AUTH}`,
    '  - Application-level heartbeat: session clients send {"type":"ping"}; the relay never pings them',
    'Press Ctrl+C to stop',
    RULE,
    '✓ Server ready and listening',
    `✓ Backends connect to: ${base}${BACKEND_SOCKET_PATH}`,
    `✓ Clients can connect to: ${base}/ws/{session_id}/{user_id}`,
    '',
  ].join('\n')
}
