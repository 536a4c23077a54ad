/** What a handler made of a received event, before its inbox row records it. */
export type Handled = { outcome: 'applied' | 'ignored' | 'refused'; why?: string }
export const applied: Handled = { outcome: 'applied' }
export const ignored = (why: string): Handled => ({ outcome: 'ignored', why })
export const refused = (why: string): Handled => ({ outcome: 'refused', why })

/** The event cannot be applied yet (a comment for an idea not here yet): rolled back, not recorded, not acked. */
export class Deferred extends Error {}
