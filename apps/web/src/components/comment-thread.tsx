import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from 'react'
import { notifyTyping, retryComment, sendComment } from '../actions/comments'
import { readDraft, writeDraft } from '../actions/drafts'
import { formatTime } from '../format'
import { useStore } from '../store/store'
import type { ClientComment } from '../store/types'

const EMPTY: ClientComment[] = []
/** The longest comment the backend takes (CommentBody in the contract). */
export const COMMENT_LIMIT = 5000
/** The counter shows from here on, before the limit bites. */
const COUNT_FROM = 4000

export function CommentThread({ ideaId }: { ideaId: string }) {
  const comments = useStore((s) => s.comments[ideaId] ?? EMPTY)
  const meId = useStore((s) => s.me?.id)
  const [text, setTextState] = useState(() => readDraft(ideaId))
  const setText = (t: string) => {
    setTextState(t)
    writeDraft(ideaId, t)
  }
  const list = useRef<HTMLUListElement>(null)
  const last = comments.at(-1)
  const lastId = last?.id
  const lastMine = last !== undefined && last.author.id === meId

  // The thread follows its newest comment: always after one of mine, and for anyone else's when the
  // reader was already at the bottom (not while they read further up).
  const atBottom = useRef(true)
  useEffect(() => {
    const el = list.current
    if (el === null || lastId === undefined) return
    if (lastMine || atBottom.current) el.scrollTop = el.scrollHeight
  }, [lastId, lastMine])

  function submit(e?: FormEvent) {
    e?.preventDefault()
    const body = text.trim()
    if (!body || body.length > COMMENT_LIMIT) return
    setText('')
    void sendComment(ideaId, body)
  }

  // Enter sends, Shift+Enter starts a new line.
  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault()
      submit()
    }
  }
  const over = text.trim().length > COMMENT_LIMIT

  return (
    <section className="comments" aria-label="Discussion">
      <h3 className="section-title">Comments</h3>
      {comments.length === 0 && <p className="muted small">No comments yet.</p>}
      <ul
        aria-label="Comments"
        className="comment-list"
        ref={list}
        onScroll={(e) => {
          const el = e.currentTarget
          atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24
        }}
      >
        {comments.map((c) => (
          <li
            key={c.id}
            className={`comment${c.author.id === meId ? ' mine' : ''}${c.pending ? ' pending' : ''}`}
          >
            <div className="comment-meta">
              <span className="comment-author">{c.author.displayName}</span>
              <time className="muted small" dateTime={c.createdAt}>
                {formatTime(c.createdAt)}
              </time>
              {c.pending && !c.failed && <span className="muted small sending">Sending…</span>}
              {c.failed && (
                <>
                  <span className="error-text small">Not sent</span>
                  <button
                    type="button"
                    className="link-button small"
                    onClick={() => retryComment(ideaId, c.id)}
                  >
                    Retry
                  </button>
                </>
              )}
            </div>
            <p className="comment-body">{c.body}</p>
          </li>
        ))}
      </ul>
      <TypingLine ideaId={ideaId} />
      <form className="comment-form" onSubmit={submit}>
        <textarea
          aria-label="Comment"
          aria-describedby={`comment-help-${ideaId}`}
          placeholder="Write a comment… (Shift+Enter for a new line)"
          rows={2}
          value={text}
          onKeyDown={onKeyDown}
          onChange={(e) => {
            setText(e.target.value)
            if (e.target.value.trim()) notifyTyping(ideaId)
          }}
        />
        <button type="submit" className="button button-primary" disabled={!text.trim() || over}>
          Send
        </button>
      </form>
      <p
        id={`comment-help-${ideaId}`}
        className={`small ${over ? 'error-text' : 'muted'}`}
        aria-live="polite"
      >
        {over
          ? `Too long: ${text.trim().length.toLocaleString('en-US')} of ${COMMENT_LIMIT.toLocaleString('en-US')} characters. Shorten it to send.`
          : text.length >= COUNT_FROM
            ? `${text.trim().length.toLocaleString('en-US')} of ${COMMENT_LIMIT.toLocaleString('en-US')} characters`
            : ''}
      </p>
    </section>
  )
}

/** "User B is typing…" for a few seconds after their last typing event; its line keeps its height. */
function TypingLine({ ideaId }: { ideaId: string }) {
  const typing = useStore((s) => s.typing[ideaId])
  const names = typing ? Object.values(typing).map((t) => t.user.displayName) : []
  const text =
    names.length === 0
      ? ''
      : names.length === 1
        ? `${names[0]} is typing…`
        : `${names.join(', ')} are typing…`
  return (
    <p className="typing-line muted small" aria-live="polite">
      {text}
    </p>
  )
}
