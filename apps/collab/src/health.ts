import type { RelayHealth, SessionHealthFields } from '@pp/contracts'

/**
 * What `/health` reports. Parts of the relay add their own fields (and connection counts) here:
 *
 *   fastify.health.contribute(() => ({ session_connections: n }), () => n)
 */
export type HealthFields = Partial<Pick<RelayHealth, 'backend_connections' | keyof SessionHealthFields>>

export class HealthReport {
  readonly #sections: Array<() => HealthFields> = []
  readonly #connectionCounters: Array<() => number> = []

  /** `fields` is merged into `/health`; `connections`, if given, adds to `total_connections`. */
  contribute(fields: () => HealthFields, connections?: () => number): void {
    this.#sections.push(fields)
    if (connections !== undefined) this.#connectionCounters.push(connections)
  }

  connections(): number {
    let n = 0
    for (const count of this.#connectionCounters) n += count()
    return n
  }

  fields(): HealthFields {
    const out: HealthFields = {}
    for (const section of this.#sections) Object.assign(out, section())
    return out
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    health: HealthReport
  }
}
