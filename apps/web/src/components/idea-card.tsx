import { IDEA_STATUSES, type IdeaResponse } from '@pp/contracts'
import { type FormEvent, useEffect, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { loadActivity } from '../actions/activity'
import { loadComments } from '../actions/comments'
import { deleteIdea, UNDO_DELETE_MS } from '../actions/delete-idea'
import { addTags, loadShares, MAX_TAG_LENGTH, MAX_TAGS, patchIdea, removeTag } from '../actions/ideas'
import { markRead } from '../actions/notifications'
import { startViewing, stopViewing } from '../actions/presence'
import { formatAgo } from '../format'
import { selectSyncLine, selectUnreadComments, syncText } from '../store/selectors'
import { useStore } from '../store/store'
import { ThreadPresence } from './avatars'
import { CommentThread } from './comment-thread'
import { ConfirmDialog } from './confirm-dialog'
import { HeldPosition } from './held-position'
import { IdeaHistory } from './idea-history'
import { SelectField } from './select-field'
import { ShareDialog } from './share-dialog'
import { TradePlanEditor, TradePlanView } from './trade-plan'

export function IdeaCard({ idea }: { idea: IdeaResponse }) {
  const expanded = useStore((s) => s.expanded[idea.id] ?? false)
  const setExpanded = useStore((s) => s.setExpanded)
  const bodyId = `idea-${idea.id}`

  // While the thread is open, the others on the idea see me in it.
  useEffect(() => {
    if (!expanded) return
    startViewing(idea.id)
    return () => stopViewing(idea.id)
  }, [expanded, idea.id])

  // Opening the thread reads its new comments: the card's count clears, here and in the bell.
  const unread = useStore(useShallow((s) => selectUnreadComments(s, idea.id)))
  useEffect(() => {
    if (expanded && unread.length > 0 && document.visibilityState === 'visible') void markRead(unread)
  }, [expanded, unread])

  function toggle() {
    const open = !expanded
    setExpanded(idea.id, open)
    if (open) {
      void loadComments(idea.id)
      void loadActivity(idea.id)
      if (!idea.readOnly) void loadShares(idea.id)
    }
  }

  return (
    <article data-testid="idea-card" data-symbol={idea.symbol} className={`card${expanded ? ' open' : ''}`}>
      <div className="card-head">
        {/* A heading per card, so its Notes and Comments sit under it in the page's outline. */}
        <h2 className="card-title">
          <button
            type="button"
            className="card-toggle"
            aria-expanded={expanded}
            aria-controls={expanded ? bodyId : undefined}
            onClick={toggle}
          >
            <span className="chevron" aria-hidden="true" />
            <span className="symbol">{idea.symbol}</span> <span className="strategy">{idea.strategy}</span>{' '}
            <span className={`status-pill status-${idea.status.toLowerCase()}`}>{idea.status}</span>
          </button>
        </h2>
        <div className="card-meta">
          <ThreadPresence ideaId={idea.id} open={expanded} />
          {unread.length > 0 && !expanded && (
            <span className="unread-pill" data-testid="unread-comments">
              {unread.length === 1 ? '1 new comment' : `${unread.length} new comments`}
            </span>
          )}
          {idea.readOnly ? (
            <>
              <span className="tag-readonly">Read-only</span>
              <span className="muted small">Shared by {idea.owner.displayName}</span>
            </>
          ) : (
            <ShareCount ideaId={idea.id} />
          )}
        </div>
      </div>
      {expanded && (
        <div id={bodyId} className="card-body">
          {idea.readOnly ? <ReadOnlyDetails idea={idea} /> : <OwnDetails idea={idea} />}
          {idea.readOnly ? <TradePlanView idea={idea} /> : <TradePlanEditor idea={idea} />}
          <HeldPosition symbol={idea.symbol} />
          <CommentThread ideaId={idea.id} />
          <IdeaHistory ideaId={idea.id} />
        </div>
      )}
    </article>
  )
}

function ShareCount({ ideaId }: { ideaId: string }) {
  const n = useStore((s) => s.shares[ideaId]?.length)
  if (!n) return null
  return <span className="muted small">Shared with {n === 1 ? '1 friend' : `${n} friends`}</span>
}

function Notes({ idea }: { idea: IdeaResponse }) {
  return idea.notes ? <p className="notes">{idea.notes}</p> : null
}

function Updated({ idea }: { idea: IdeaResponse }) {
  return <p className="muted small">Updated {formatAgo(idea.updatedAt)}</p>
}

function ReadOnlyDetails({ idea }: { idea: IdeaResponse }) {
  return (
    <div className="details">
      <p>
        <span className="muted">Status:</span> {idea.status}
      </p>
      <Notes idea={idea} />
      {idea.tags.length > 0 && (
        <ul aria-label="Tags" className="tags">
          {idea.tags.map((t) => (
            <li key={t} className="chip">
              {t}
            </li>
          ))}
        </ul>
      )}
      <Updated idea={idea} />
    </div>
  )
}

function OwnDetails({ idea }: { idea: IdeaResponse }) {
  const [tagText, setTagText] = useState('')
  const [tagProblem, setTagProblem] = useState<string | null>(null)
  const [sharing, setSharing] = useState(false)
  const [confirming, setConfirming] = useState(false)
  const sharedWith = useStore((s) => s.shares[idea.id]?.length ?? 0)
  const statusId = `status-${idea.id}`

  function submitTag(e: FormEvent) {
    e.preventDefault()
    const problem = addTags(idea.id, tagText)
    setTagProblem(problem)
    if (problem === null) setTagText('')
  }

  return (
    <div className="details">
      <div className="details-row">
        <SelectField
          className="field field-inline"
          id={statusId}
          label="Status"
          value={idea.status}
          options={IDEA_STATUSES}
          onChange={(status) => {
            if (status !== '') void patchIdea(idea.id, { status })
          }}
        />
        <div className="card-actions">
          <button type="button" className="button" onClick={() => setSharing(true)}>
            Share
          </button>
          <button
            type="button"
            className="button button-quiet"
            aria-label={`Delete ${idea.symbol}`}
            onClick={() => setConfirming(true)}
          >
            Delete
          </button>
        </div>
      </div>
      <NotesEditor idea={idea} />
      <ul aria-label="Tags" className="tags">
        {idea.tags.map((t) => (
          <li key={t} className="chip">
            {t}
            <button
              type="button"
              className="chip-remove"
              aria-label={`Remove tag ${t}`}
              onClick={() => removeTag(idea.id, t)}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <form className="tag-form" onSubmit={submitTag}>
        <input
          aria-label="Add tag"
          placeholder="New tag"
          value={tagText}
          aria-describedby={`tag-help-${idea.id}`}
          onChange={(e) => {
            setTagText(e.target.value)
            setTagProblem(null)
          }}
        />
        <button type="submit" className="button" disabled={!tagText.trim()}>
          Add tag
        </button>
      </form>
      <p
        id={`tag-help-${idea.id}`}
        className={`small ${tagProblem ? 'error-text' : 'muted'}`}
        aria-live="polite"
      >
        {tagProblem ??
          `Up to ${MAX_TAGS} tags of at most ${MAX_TAG_LENGTH} characters; commas separate several.`}
      </p>
      <SyncLines ideaId={idea.id} />
      <Updated idea={idea} />
      {sharing && <ShareDialog idea={idea} onClose={() => setSharing(false)} />}
      {confirming && (
        <ConfirmDialog
          title={`Delete ${idea.symbol}?`}
          confirmLabel="Delete"
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false)
            deleteIdea(idea.id)
          }}
        >
          <p>
            {sharedWith > 0
              ? `${sharedWith === 1 ? 'The friend' : `The ${sharedWith} friends`} you shared it with lose it too, with its comments.`
              : 'Its notes, tags and comments go with it.'}{' '}
            You can undo for {UNDO_DELETE_MS / 1000} seconds.
          </p>
        </ConfirmDialog>
      )}
    </div>
  )
}

/** My idea's notes: shown as text, edited in place, saved with Save. */
function NotesEditor({ idea }: { idea: IdeaResponse }) {
  const [draft, setDraft] = useState<string | null>(null)
  const id = `notes-${idea.id}`
  if (draft === null) {
    return (
      <div className="notes-view">
        {idea.notes && <p className="notes">{idea.notes}</p>}
        <button type="button" className="link-button small" onClick={() => setDraft(idea.notes)}>
          {idea.notes ? 'Edit notes' : 'Add notes'}
        </button>
      </div>
    )
  }
  return (
    <form
      className="notes-form"
      onSubmit={(e) => {
        e.preventDefault()
        if (draft !== idea.notes) void patchIdea(idea.id, { notes: draft })
        setDraft(null)
      }}
    >
      <label htmlFor={id} className="small">
        Notes
      </label>
      <textarea id={id} rows={3} value={draft} maxLength={5000} onChange={(e) => setDraft(e.target.value)} />
      <div className="form-actions">
        <button type="button" className="button" onClick={() => setDraft(null)}>
          Cancel
        </button>
        <button type="submit" className="button button-primary">
          Save notes
        </button>
      </div>
    </form>
  )
}

const NONE: string[] = []

/** Per friend: has every change of this idea reached them? */
function SyncLines({ ideaId }: { ideaId: string }) {
  const userIds = useStore((s) => s.shares[ideaId] ?? NONE)
  if (userIds.length === 0) return null
  return (
    <ul aria-label="Sync status" className="sync-lines">
      {userIds.map((userId) => (
        <SyncLineItem key={userId} ideaId={ideaId} userId={userId} />
      ))}
    </ul>
  )
}

function SyncLineItem({ ideaId, userId }: { ideaId: string; userId: string }) {
  const line = useStore(useShallow((s) => selectSyncLine(s, ideaId, userId)))
  const synced = line.pending === 0 && !line.unknown
  if (line.unknown) {
    return (
      <li className="waiting">
        <span className="dot dot-offline" aria-hidden="true" />
        <span className="muted">{line.displayName}:</span> <span>{syncText(line)}</span>
      </li>
    )
  }
  return (
    <li className={synced ? 'synced' : 'waiting'}>
      <span className={`dot ${synced ? 'dot-online' : 'dot-waiting'}`} aria-hidden="true" />
      {synced ? (
        <>
          <span className="muted">{line.displayName}:</span> <span>Synced</span>
        </>
      ) : (
        <span>{syncText(line)}</span>
      )}
    </li>
  )
}
