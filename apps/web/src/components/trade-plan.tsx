import {
  type IdeaResponse,
  MAX_LEGS,
  OPTION_SIDES,
  OPTION_TYPES,
  type OptionLeg,
  type PriceField,
} from '@pp/contracts'
import { type FormEvent, useId, useState } from 'react'
import {
  addLeg,
  EMPTY_LEG,
  type LegDraft,
  type PlanErrors,
  priceDraftOf,
  removeLeg,
  savePrices,
} from '../actions/trade-plan'
import { formatMoney, formatQuantity } from '../format'
import { SelectField } from './select-field'

const PRICES: { field: PriceField; label: string }[] = [
  { field: 'entryPrice', label: 'Entry' },
  { field: 'targetPrice', label: 'Target' },
  { field: 'stopPrice', label: 'Stop' },
]

/** Entry, target and stop, as a row of figures ("—" when not set). */
export function PriceFigures({ idea }: { idea: IdeaResponse }) {
  return (
    <dl className="plan-grid" aria-label="Prices">
      {PRICES.map(({ field, label }) => (
        <div key={field}>
          <dt>{label}</dt>
          <dd>{idea[field] === null ? '—' : formatMoney(idea[field])}</dd>
        </div>
      ))}
    </dl>
  )
}

/** The option legs of an idea; on my idea each has a Remove button. */
export function LegsTable({ idea, onRemove }: { idea: IdeaResponse; onRemove?: (index: number) => void }) {
  if (idea.legs.length === 0) return <p className="muted small">No option legs.</p>
  return (
    <div className="table-wrap">
      <table aria-label="Option legs" className="legs">
        <thead>
          <tr>
            <th scope="col" className="leg-cell">
              Leg
            </th>
            <th scope="col" className="leg-cell num">
              Strike
            </th>
            <th scope="col" className="leg-cell">
              Expiry
            </th>
            <th scope="col" className="leg-cell num">
              Premium
            </th>
            <th scope="col" className="leg-cell num">
              Contracts
            </th>
            {onRemove && (
              <th scope="col" className="leg-cell">
                Remove
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {idea.legs.map((leg, i) => (
            // Legs have no id: a leg is its place in the list.
            <tr key={i}>
              <td className="leg-cell">{legName(leg)}</td>
              <td className="leg-cell num">{formatMoney(leg.strike)}</td>
              <td className="leg-cell">{leg.expiry}</td>
              <td className="leg-cell num">{formatMoney(leg.premium)}</td>
              <td className="leg-cell num">{formatQuantity(leg.quantity)}</td>
              {onRemove && (
                <td className="leg-cell">
                  <button
                    type="button"
                    className="link-button small"
                    aria-label={`Remove leg ${i + 1}: ${legName(leg)} ${leg.strike}`}
                    onClick={() => onRemove(i)}
                  >
                    Remove
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function legName(leg: OptionLeg): string {
  return `${leg.side === 'buy' ? 'Buy' : 'Sell'} ${leg.type}`
}

/** A shared idea's plan, read-only. */
export function TradePlanView({ idea }: { idea: IdeaResponse }) {
  return (
    <section className="trade-plan" aria-label="Trade plan">
      <PriceFigures idea={idea} />
      {idea.strategy !== 'Stock' && <LegsTable idea={idea} />}
    </section>
  )
}

/** My idea's plan: the prices edited in place, option legs added and removed. */
export function TradePlanEditor({ idea }: { idea: IdeaResponse }) {
  const [editing, setEditing] = useState(false)
  return (
    <section className="trade-plan" aria-label="Trade plan">
      {editing ? (
        <PricesForm idea={idea} onDone={() => setEditing(false)} />
      ) : (
        <div className="plan-row">
          <PriceFigures idea={idea} />
          <button type="button" className="link-button small" onClick={() => setEditing(true)}>
            Edit prices
          </button>
        </div>
      )}
      {idea.strategy !== 'Stock' && (
        <>
          <LegsTable idea={idea} onRemove={(i) => removeLeg(idea, i)} />
          {idea.legs.length < MAX_LEGS ? (
            <LegForm idea={idea} />
          ) : (
            <p className="muted small">An idea has at most {MAX_LEGS} legs.</p>
          )}
        </>
      )}
    </section>
  )
}

function PricesForm({ idea, onDone }: { idea: IdeaResponse; onDone: () => void }) {
  const [draft, setDraft] = useState(() => priceDraftOf(idea))
  const [errors, setErrors] = useState<PlanErrors>({})
  const id = useId()

  function submit(e: FormEvent) {
    e.preventDefault()
    const problems = savePrices(idea, draft)
    if (problems === null) onDone()
    else setErrors(problems)
  }

  return (
    <form aria-label="Prices" className="plan-form" onSubmit={submit} noValidate>
      <div className="form-grid">
        {PRICES.map(({ field, label }) => (
          <div key={field} className="field">
            <label htmlFor={`${id}-${field}`}>{label} price</label>
            <input
              id={`${id}-${field}`}
              inputMode="decimal"
              value={draft[field]}
              placeholder="Not set"
              aria-invalid={errors[field] ? true : undefined}
              aria-describedby={errors[field] ? `${id}-${field}-error` : undefined}
              onChange={(e) => {
                setDraft((d) => ({ ...d, [field]: e.target.value }))
                setErrors({})
              }}
            />
            {errors[field] && (
              <p role="alert" id={`${id}-${field}-error`} className="field-error">
                {errors[field]}
              </p>
            )}
          </div>
        ))}
      </div>
      <p className="muted small">
        Optional. Long: stop below entry, target above. Short (a Long Put): the other way round.
      </p>
      <div className="form-actions">
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button button-primary">
          Save prices
        </button>
      </div>
    </form>
  )
}

function LegForm({ idea }: { idea: IdeaResponse }) {
  const [draft, setDraft] = useState<LegDraft>(EMPTY_LEG)
  const [errors, setErrors] = useState<Partial<Record<keyof LegDraft | 'legs', string>>>({})
  const id = useId()
  const set = (key: keyof LegDraft, value: string) => {
    setDraft((d) => ({ ...d, [key]: value }))
    setErrors({})
  }

  function submit(e: FormEvent) {
    e.preventDefault()
    const problems = addLeg(idea, draft)
    if (problems === null) setDraft(EMPTY_LEG)
    else setErrors(problems)
  }

  const input = (key: 'strike' | 'expiry' | 'premium' | 'quantity', label: string, type = 'text') => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <input
        id={`${id}-${key}`}
        type={type}
        inputMode={type === 'text' ? 'decimal' : undefined}
        value={draft[key]}
        aria-invalid={errors[key] ? true : undefined}
        aria-describedby={errors[key] ? `${id}-${key}-error` : undefined}
        onChange={(e) => set(key, e.target.value)}
      />
      {errors[key] && (
        <p role="alert" id={`${id}-${key}-error`} className="field-error">
          {errors[key]}
        </p>
      )}
    </div>
  )

  return (
    <form aria-label="Add option leg" className="plan-form" onSubmit={submit} noValidate>
      <div className="form-grid legs-grid">
        <SelectField
          id={`${id}-type`}
          label="Type"
          value={draft.type}
          options={OPTION_TYPES}
          labelOf={(t) => (t === 'call' ? 'Call' : 'Put')}
          onChange={(v) => set('type', v)}
        />
        <SelectField
          id={`${id}-side`}
          label="Side"
          value={draft.side}
          options={OPTION_SIDES}
          labelOf={(s) => (s === 'buy' ? 'Buy' : 'Sell')}
          onChange={(v) => set('side', v)}
        />
        {input('strike', 'Strike')}
        {input('expiry', 'Expiry', 'date')}
        {input('premium', 'Premium')}
        {input('quantity', 'Contracts')}
      </div>
      {errors.legs && (
        <p role="alert" className="field-error">
          {errors.legs}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="button">
          Add leg
        </button>
      </div>
    </form>
  )
}
