import type { IdeaResponse } from '@pp/contracts'
import { useEffect, useId, useRef, useState } from 'react'
import { loadShares, saveShares } from '../actions/ideas'
import { useModalFocus } from '../hooks/use-modal-focus'
import { useStore } from '../store/store'

/** Friend picker for one of my ideas: one checkbox per friend, with an online dot. */
export function ShareDialog({ idea, onClose }: { idea: IdeaResponse; onClose: () => void }) {
  const friends = useStore((s) => s.friends).filter((f) => f.status === 'accepted')
  const [initial, setInitial] = useState<string[] | null>(null)
  const [selected, setSelected] = useState<Set<string>>(new Set())
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const titleId = useId()
  const dialog = useRef<HTMLDivElement>(null)

  useEffect(() => {
    let live = true
    void loadShares(idea.id).then((ids) => {
      if (!live) return
      if (ids === null) {
        setError('Could not read who this idea is shared with')
        setInitial([])
        return
      }
      setInitial(ids)
      setSelected(new Set(ids))
    })
    return () => {
      live = false
    }
  }, [idea.id])

  useModalFocus(dialog, onClose)

  const toggle = (userId: string, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s)
      if (on) next.add(userId)
      else next.delete(userId)
      return next
    })

  async function confirm() {
    setBusy(true)
    setError(null)
    const r = await saveShares(idea.id, [...selected])
    setBusy(false)
    if (r.ok) onClose()
    else setError(r.error)
  }

  const loading = initial === null
  const hadShares = (initial?.length ?? 0) > 0
  return (
    <div className="backdrop">
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        className="dialog"
        ref={dialog}
        tabIndex={-1}
      >
        <h2 id={titleId}>Share {idea.symbol}</h2>
        <p className="muted small">Friends you pick can read this idea and comment on it.</p>
        {loading ? (
          <p className="muted">Loading…</p>
        ) : friends.length === 0 ? (
          <p className="muted">No friends yet. Add one on the Friends page.</p>
        ) : (
          <ul className="friend-picker">
            {friends.map((f) => {
              const inputId = `${titleId}-${f.id}`
              return (
                <li key={f.id}>
                  <input
                    id={inputId}
                    type="checkbox"
                    checked={selected.has(f.id)}
                    onChange={(e) => toggle(f.id, e.target.checked)}
                  />
                  <label htmlFor={inputId}>{f.displayName}</label>
                  <span
                    className={`dot ${f.online ? 'dot-online' : 'dot-offline'}`}
                    role="img"
                    aria-label={f.online ? 'online' : 'offline'}
                  />
                </li>
              )
            })}
          </ul>
        )}
        {error && (
          <p role="alert" className="error-text">
            {error}
          </p>
        )}
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-primary"
            onClick={() => void confirm()}
            disabled={loading || busy}
          >
            {hadShares ? 'Update Sharing' : 'Share Position'}
          </button>
        </div>
      </div>
    </div>
  )
}
