import { IDEA_STATUSES, STRATEGIES } from '@pp/contracts'
import { type FormEvent, useEffect, useId, useRef, useState } from 'react'
import { createIdea, type FieldErrors, type IdeaForm as FormValues } from '../actions/ideas'
import { oneOf } from './select-field'

const EMPTY: FormValues = { symbol: '', strategy: '', status: 'Planned', tags: '', notes: '' }

const isStrategy = oneOf(STRATEGIES)
const isStatus = oneOf(IDEA_STATUSES)

/** "Create New Idea": symbol, strategy, status, tags, notes, with an error next to each wrong field. */
export function IdeaForm({
  onCreated,
  onCancel,
}: {
  onCreated: (ideaId: string) => void
  onCancel: () => void
}) {
  const [values, setValues] = useState<FormValues>(EMPTY)
  const [errors, setErrors] = useState<FieldErrors>({})
  const [busy, setBusy] = useState(false)
  const symbolRef = useRef<HTMLInputElement>(null)
  const id = useId()

  useEffect(() => symbolRef.current?.focus(), [])

  const set = <K extends keyof FormValues>(key: K, value: FormValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }))
    setErrors((e) => ({ ...e, [key]: undefined, form: undefined }))
  }

  async function submit(e: FormEvent) {
    e.preventDefault()
    if (busy) return
    setBusy(true)
    const r = await createIdea(values)
    setBusy(false)
    if (r.ok) {
      setValues(EMPTY)
      setErrors({})
      onCreated(r.idea.id)
    } else {
      setErrors(r.errors)
    }
  }

  const err = (field: keyof FieldErrors) =>
    errors[field] ? (
      <p role="alert" id={`${id}-${field}-error`} className="field-error">
        {errors[field]}
      </p>
    ) : null
  const described = (field: keyof FieldErrors) => (errors[field] ? `${id}-${field}-error` : undefined)

  return (
    <form aria-label="New idea" className="panel idea-form" onSubmit={submit} noValidate>
      <h2>New idea</h2>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={`${id}-symbol`}>Symbol</label>
          <input
            id={`${id}-symbol`}
            ref={symbolRef}
            value={values.symbol}
            onChange={(e) => set('symbol', e.target.value.toUpperCase())}
            autoComplete="off"
            spellCheck={false}
            placeholder="AAPL"
            aria-invalid={errors.symbol ? true : undefined}
            aria-describedby={described('symbol')}
          />
          {err('symbol')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-strategy`}>Strategy</label>
          <select
            id={`${id}-strategy`}
            value={values.strategy}
            onChange={(e) => set('strategy', isStrategy(e.target.value) ? e.target.value : '')}
            aria-invalid={errors.strategy ? true : undefined}
            aria-describedby={described('strategy')}
          >
            <option value="" disabled>
              Choose a strategy
            </option>
            {STRATEGIES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          {err('strategy')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-status`}>Status</label>
          <select
            id={`${id}-status`}
            value={values.status}
            onChange={(e) => {
              if (isStatus(e.target.value)) set('status', e.target.value)
            }}
            aria-describedby={described('status')}
          >
            {IDEA_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          {err('status')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-tags`}>Tags</label>
          <input
            id={`${id}-tags`}
            value={values.tags}
            onChange={(e) => set('tags', e.target.value)}
            placeholder="bullish, short-term"
            aria-invalid={errors.tags ? true : undefined}
            aria-describedby={described('tags')}
          />
          {err('tags')}
        </div>
        <div className="field field-wide">
          <label htmlFor={`${id}-notes`}>Notes</label>
          <textarea
            id={`${id}-notes`}
            value={values.notes}
            rows={3}
            onChange={(e) => set('notes', e.target.value)}
            aria-invalid={errors.notes ? true : undefined}
            aria-describedby={described('notes')}
          />
          {err('notes')}
        </div>
      </div>
      {err('form')}
      <div className="form-actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={busy}>
          Create
        </button>
      </div>
    </form>
  )
}
