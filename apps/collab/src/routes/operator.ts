import { createHash, timingSafeEqual } from 'node:crypto'
import { isLoopbackAddress } from '@pp/contracts'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { RelayConfig } from '../config.js'

const digest = (s: string) => createHash('sha256').update(s).digest()

/**
 * Guard of the operator endpoints (`/api/users/online`, `/api/sessions`, `/metrics`): who is online and
 * where is not for anyone who reaches the relay. With OPERATOR_TOKEN, every request must carry
 * `Authorization: Bearer <OPERATOR_TOKEN>`; without it, only clients on this machine (loopback) pass.
 */
export function operatorGuard(
  config: Pick<RelayConfig, 'OPERATOR_TOKEN'>,
): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const expected = config.OPERATOR_TOKEN === undefined ? undefined : digest(config.OPERATOR_TOKEN)
  return async (request, reply) => {
    if (expected === undefined) {
      if (isLoopbackAddress(request.socket.remoteAddress)) return
      await reply.code(403).send({
        error: 'forbidden',
        message: 'operator endpoint: loopback clients only (set OPERATOR_TOKEN to allow others)',
      })
      return
    }
    const match = /^Bearer\s+(\S{1,512})\s*$/i.exec(request.headers.authorization ?? '')
    if (match?.[1] !== undefined && timingSafeEqual(digest(match[1]), expected)) return
    await reply.code(401).header('www-authenticate', 'Bearer').send({
      error: 'unauthorized',
      message: 'operator token required: Authorization: Bearer <OPERATOR_TOKEN>',
    })
  }
}
