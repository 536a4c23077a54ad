/** WebSocket close codes used by the relay and the session rooms. */
export const CloseCode = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  UNSUPPORTED_DATA: 1003,
  POLICY_VIOLATION: 1008,
  MESSAGE_TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
  TRY_AGAIN_LATER: 1013,
  /** A newer connection of the same user (or the same user in the same session) took over. */
  REPLACED: 4000,
  /** The connection's token expired while it was open. */
  TOKEN_EXPIRED: 4001,
} as const
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode]

export const CloseReason = {
  [CloseCode.REPLACED]: 'replaced',
  [CloseCode.TOKEN_EXPIRED]: 'token expired',
} as const
