import { z } from 'zod'

/**
 * The trade plan of an idea: entry, target and stop prices, and the option legs of an option strategy.
 * The shapes bound every value; `tradePlanProblem` holds the rules that relate them.
 */

/** A price in dollars: positive, at most 1,000,000. */
export const Price = z
  .number()
  .positive('must be a positive price')
  .max(1_000_000, 'must be at most 1,000,000')
  .describe('a price in dollars: positive, at most 1,000,000')

export const PRICE_FIELDS = ['entryPrice', 'targetPrice', 'stopPrice'] as const
export type PriceField = (typeof PRICE_FIELDS)[number]

export const OPTION_TYPES = ['call', 'put'] as const
export const OPTION_SIDES = ['buy', 'sell'] as const
/** Most legs one idea may have (an Iron Condor has four). */
export const MAX_LEGS = 8

export const OptionLeg = z
  .strictObject({
    type: z.enum(OPTION_TYPES).describe('call or put'),
    side: z.enum(OPTION_SIDES).describe('buy (long) or sell (short, written)'),
    strike: Price.describe('strike price in dollars: positive, at most 1,000,000'),
    expiry: z.iso.date({ message: 'must be a date (YYYY-MM-DD)' }).describe('expiry date, YYYY-MM-DD'),
    premium: z
      .number()
      .min(0, 'must not be negative')
      .max(1_000_000, 'must be at most 1,000,000')
      .describe('premium per share in dollars: 0 or more, at most 1,000,000'),
    quantity: z
      .number()
      .int('must be a whole number of contracts')
      .min(1, 'must be at least 1 contract')
      .max(10_000, 'must be at most 10,000 contracts')
      .describe('number of contracts: a whole number from 1 to 10,000'),
  })
  .describe('one option leg')
export type OptionLeg = z.infer<typeof OptionLeg>

export const OptionLegs = z
  .array(OptionLeg)
  .max(MAX_LEGS, `must have at most ${MAX_LEGS} legs`)
  .describe(`option legs, at most ${MAX_LEGS}; only for option strategies (not Stock)`)

/** Strategies that make money when the price rises, and the one that does when it falls. */
const BULLISH = new Set(['Covered Call', 'Cash-Secured Put', 'Long Call'])
const BEARISH = new Set(['Long Put'])

/** What the rules read: the strategy, the three prices (null: not set) and how many legs. */
export type TradePlan = {
  strategy: string
  entryPrice: number | null
  targetPrice: number | null
  stopPrice: number | null
  legs: readonly unknown[]
}

/** A broken rule: the field to fix and what is wrong, and the other field the rule compares it with. */
export type TradePlanProblem = { field: 'legs' | PriceField; message: string; other?: PriceField }

/** The rules of a trade plan, as the API documents them. */
export const TRADE_PLAN_RULES =
  'Prices are optional. A long idea has stop < entry < target, a short idea target < entry < stop. ' +
  'Covered Call, Cash-Secured Put and Long Call are long; Long Put is short; for Stock, Vertical Spread ' +
  'and Iron Condor the target (else the stop) says which side of the entry the idea is on. ' +
  'Option legs are for option strategies only: a Stock idea has none.'

/**
 * The first rule a plan breaks, or null:
 * - a Stock idea has no option legs;
 * - a long idea has stop < entry < target, a short one target < entry < stop, for whichever of the
 *   three are set. Covered Call, Cash-Secured Put and Long Call are long, Long Put short; for the
 *   others the target (or else the stop) against the entry, or the target against the stop, decides.
 */
export function tradePlanProblem(plan: TradePlan): TradePlanProblem | null {
  if (plan.strategy === 'Stock' && plan.legs.length > 0) {
    return { field: 'legs', message: 'a Stock idea has no option legs' }
  }
  const { entryPrice: entry, targetPrice: target, stopPrice: stop } = plan
  const long = BULLISH.has(plan.strategy)
    ? true
    : BEARISH.has(plan.strategy)
      ? false
      : entry !== null && target !== null
        ? target > entry
        : entry !== null && stop !== null
          ? stop < entry
          : target !== null && stop !== null
            ? target > stop
            : true
  const side = long ? 'long' : 'short'
  const why =
    BULLISH.has(plan.strategy) || BEARISH.has(plan.strategy)
      ? `a ${plan.strategy} is ${side}`
      : `a ${side} idea`
  if (entry !== null && target !== null && (long ? target <= entry : target >= entry)) {
    return {
      field: 'targetPrice',
      other: 'entryPrice',
      message: `must be ${long ? 'above' : 'below'} the entry price (${why})`,
    }
  }
  if (entry !== null && stop !== null && (long ? stop >= entry : stop <= entry)) {
    return {
      field: 'stopPrice',
      other: 'entryPrice',
      message: `must be ${long ? 'below' : 'above'} the entry price (${why})`,
    }
  }
  if (target !== null && stop !== null && (long ? stop >= target : stop <= target)) {
    return {
      field: 'stopPrice',
      other: 'targetPrice',
      message: `must be ${long ? 'below' : 'above'} the target price (${why})`,
    }
  }
  return null
}
