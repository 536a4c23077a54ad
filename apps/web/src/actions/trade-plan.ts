import {
  type IdeaResponse,
  issuePath,
  OptionLeg,
  OptionLegs,
  Price,
  type PriceField,
  tradePlanProblem,
} from '@pp/contracts'
import { patchIdea } from './ideas'

/** The price inputs as typed: '' is "not set". */
export type PriceDraft = Record<PriceField, string>
export type PlanErrors = Partial<Record<PriceField | 'legs', string>>

const WORDS: Record<PriceField, string> = { entryPrice: 'Entry', targetPrice: 'Target', stopPrice: 'Stop' }

export function priceDraftOf(idea: Pick<IdeaResponse, PriceField>): PriceDraft {
  const s = (n: number | null) => (n === null ? '' : String(n))
  return { entryPrice: s(idea.entryPrice), targetPrice: s(idea.targetPrice), stopPrice: s(idea.stopPrice) }
}

/**
 * Reads the price inputs with the contract's rules: each a positive number or empty, and together as
 * the trade plan wants them (stop < entry < target on a long idea). The prices, or an error per field.
 */
export function readPrices(
  strategy: string,
  draft: PriceDraft,
  legs: readonly unknown[] = [],
): { ok: true; prices: Record<PriceField, number | null> } | { ok: false; errors: PlanErrors } {
  const errors: PlanErrors = {}
  const prices = { entryPrice: null, targetPrice: null, stopPrice: null } as Record<PriceField, number | null>
  for (const field of Object.keys(WORDS) as PriceField[]) {
    const text = draft[field].trim().replace(/^\$/, '')
    if (text === '') continue
    const r = Price.safeParse(Number(text))
    if (!r.success || !/^\d*\.?\d+$/.test(text)) {
      errors[field] = `${WORDS[field]}: a price above 0, at most 1,000,000`
    } else prices[field] = r.data
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors }
  const problem = tradePlanProblem({ strategy, ...prices, legs })
  if (problem !== null) {
    const field = problem.field
    return {
      ok: false,
      errors: { [field]: field === 'legs' ? problem.message : `${WORDS[field]}: ${problem.message}` },
    }
  }
  return { ok: true, prices }
}

/** Saves changed prices of my idea; the errors per field when they break the rules (nothing sent). */
export function savePrices(idea: IdeaResponse, draft: PriceDraft): PlanErrors | null {
  const r = readPrices(idea.strategy, draft, idea.legs)
  if (!r.ok) return r.errors
  const patch: Partial<Record<PriceField, number | null>> = {}
  for (const field of Object.keys(WORDS) as PriceField[]) {
    if (r.prices[field] !== idea[field]) patch[field] = r.prices[field]
  }
  if (Object.keys(patch).length > 0) void patchIdea(idea.id, patch)
  return null
}

/** A leg as its inputs hold it. */
export type LegDraft = {
  type: string
  side: string
  strike: string
  expiry: string
  premium: string
  quantity: string
}
export const EMPTY_LEG: LegDraft = {
  type: 'call',
  side: 'buy',
  strike: '',
  expiry: '',
  premium: '',
  quantity: '1',
}

const LEG_WORDS: Record<keyof LegDraft, string> = {
  type: 'Type: call or put',
  side: 'Side: buy or sell',
  strike: 'Strike: a price above 0',
  expiry: 'Expiry: a date',
  premium: 'Premium: 0 or more',
  quantity: 'Contracts: a whole number from 1 to 10,000',
}

/** Adds a leg to my idea; the error per input when it is not a valid leg or one too many. */
export function addLeg(
  idea: IdeaResponse,
  draft: LegDraft,
): Partial<Record<keyof LegDraft | 'legs', string>> | null {
  const num = (s: string) => (s.trim() === '' ? Number.NaN : Number(s))
  const r = OptionLeg.safeParse({
    type: draft.type,
    side: draft.side,
    strike: num(draft.strike),
    expiry: draft.expiry,
    premium: num(draft.premium),
    quantity: num(draft.quantity),
  })
  if (!r.success) {
    const errors: Partial<Record<keyof LegDraft, string>> = {}
    for (const issue of r.error.issues) {
      const key = issuePath(issue.path) as keyof LegDraft
      if (key in LEG_WORDS && !errors[key]) errors[key] = LEG_WORDS[key]
    }
    return errors
  }
  const legs = [...idea.legs, r.data]
  const all = OptionLegs.safeParse(legs)
  if (!all.success) return { legs: all.error.issues[0]?.message ?? 'too many legs' }
  void patchIdea(idea.id, { legs })
  return null
}

export function removeLeg(idea: IdeaResponse, index: number): void {
  void patchIdea(idea.id, { legs: idea.legs.filter((_, i) => i !== index) })
}
