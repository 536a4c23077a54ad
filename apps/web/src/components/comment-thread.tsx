import { type FormEvent, useState } from 'react'
import { notifyTyping, retryComment, sendComment } from '../actions/comments'
import { formatTime } from '../format'
import { useStore } from '../store/store'
import type { ClientComment } from '../store/types'

const EMPTY: ClientComment[] = []

export function CommentThread({ ideaId }: { ideaId: string }) {
  const comments = useStore((s) => s.comments[ideaId] ?? EMPTY)
  const meId = useStore((s) => s.me?.id)
  const [text, setText] = useState('')

  function submit(e: FormEvent) {
    e.preventDefault()
    const body = text.trim()
    if (!body) return
    setText('')
    void sendComment(ideaId, body)
  }

  return (
    <section className="comments" aria-label="Discussion">
      <h3 className="section-title">Comments</h3>
      {comments.length === 0 && <p className="muted small">No comments yet.</p>}
      <ul aria-label="Comments" className="comment-list">
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
        <input
          aria-label="Comment"
          placeholder="Write a comment…"
          value={text}
          maxLength={5000}
          onChange={(e) => {
            setText(e.target.value)
            if (e.target.value.trim()) notifyTyping(ideaId)
          }}
        />
        <button type="submit" className="button button-primary" disabled={!text.trim()}>
          Send
        </button>
      </form>
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
