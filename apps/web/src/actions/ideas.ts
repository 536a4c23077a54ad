import {
  CreateIdeaBody,
  type IdeaResponse,
  type IdeaStatus,
  issuePath,
  type PatchIdeaBody,
  type Strategy,
} from '@pp/contracts'
import { friendName, shareConfirmation } from '../store/selectors'
import { useStore } from '../store/store'
import { transport } from '../transport/current'
import { ApiError } from '../transport/types'
import { refreshCollabSoon } from './collab-refresh'
import { errorText } from './errors'

export type IdeaForm = {
  symbol: string
  strategy: Strategy | ''
  status: IdeaStatus
  tags: string
  notes: string
}
export type IdeaFormField = 'symbol' | 'strategy' | 'status' | 'tags' | 'notes' | 'form'
export type FieldErrors = { [K in IdeaFormField]?: string | undefined }

/** "bullish, short-term" → ['bullish', 'short-term'] (trimmed, no empties, no repeats). */
export function parseTags(text: string): string[] {
  const seen = new Set<string>()
  for (const t of text.split(',')) {
    const tag = t.trim()
    if (tag) seen.add(tag)
  }
  return [...seen]
}

const FIELD_WORDS: Record<Exclude<IdeaFormField, 'form'>, string> = {
  symbol: 'Enter a ticker: 1–10 letters, digits, "." or "-", starting with a letter',
  strategy: 'Choose a strategy',
  status: 'Choose a status',
  tags: 'Tags: up to 20, each 1–32 characters',
  notes: 'Notes: up to 5000 characters',
}

function fieldOf(path: string): IdeaFormField {
  const head = path.split('.')[0] ?? ''
  return head === 'symbol' || head === 'strategy' || head === 'status' || head === 'tags' || head === 'notes'
    ? head
    : 'form'
}

/** Checks the form with the contract's schema; the answer is the body to send or the errors per field. */
export function validateIdeaForm(
  form: IdeaForm,
): { ok: true; body: CreateIdeaBody } | { ok: false; errors: FieldErrors } {
  const tags = parseTags(form.tags)
  const candidate = {
    symbol: form.symbol,
    strategy: form.strategy,
    status: form.status,
    ...(tags.length ? { tags } : {}),
    ...(form.notes.trim() ? { notes: form.notes.trim() } : {}),
  }
  const r = CreateIdeaBody.safeParse(candidate)
  if (r.success) return { ok: true, body: r.data }
  const errors: FieldErrors = {}
  for (const issue of r.error.issues) {
    const field = fieldOf(issuePath(issue.path))
    if (errors[field]) continue
    errors[field] = field === 'form' ? issue.message : FIELD_WORDS[field]
  }
  return { ok: false, errors }
}

/** Creates an idea; the card appears as soon as the backend answers. */
export async function createIdea(
  form: IdeaForm,
): Promise<{ ok: true; idea: IdeaResponse } | { ok: false; errors: FieldErrors }> {
  const v = validateIdeaForm(form)
  if (!v.ok) return v
  try {
    const idea = await transport().api.createIdea(v.body)
    useStore.getState().upsertIdea(idea)
    return { ok: true, idea }
  } catch (err) {
    if (err instanceof ApiError && err.field) {
      const field = fieldOf(err.field)
      return { ok: false, errors: { [field]: err.message } }
    }
    return { ok: false, errors: { form: errorText(err) } }
  }
}

/** Patches of my ideas still waiting for the backend's answer, per idea. */
const patching = new Map<string, number>()

/** True while a change of mine to this idea is on its way: echoes of earlier versions must not undo it on screen. */
export function isPatching(ideaId: string): boolean {
  return (patching.get(ideaId) ?? 0) > 0
}

export function resetPatching(): void {
  patching.clear()
}

/**
 * Changes one of my ideas at once on screen, then as the backend answers (put back if it refuses). While
 * several changes are on their way only the last answer is shown, so the screen never steps back.
 */
export async function patchIdea(ideaId: string, patch: PatchIdeaBody): Promise<void> {
  const store = useStore.getState()
  const before = store.ideas[ideaId]
  if (!before || before.readOnly) return
  store.upsertIdea(
    {
      ...before,
      ...(patch.tags !== undefined ? { tags: patch.tags } : {}),
      ...(patch.status !== undefined ? { status: patch.status } : {}),
      ...(patch.notes !== undefined ? { notes: patch.notes } : {}),
      ...(patch.entryPrice !== undefined ? { entryPrice: patch.entryPrice } : {}),
      ...(patch.targetPrice !== undefined ? { targetPrice: patch.targetPrice } : {}),
      ...(patch.stopPrice !== undefined ? { stopPrice: patch.stopPrice } : {}),
      ...(patch.legs !== undefined ? { legs: patch.legs } : {}),
    },
    true,
  )
  patching.set(ideaId, (patching.get(ideaId) ?? 0) + 1)
  const done = () => {
    const left = (patching.get(ideaId) ?? 1) - 1
    if (left > 0) patching.set(ideaId, left)
    else patching.delete(ideaId)
    return left === 0
  }
  try {
    const idea = await transport().api.patchIdea(ideaId, patch)
    if (done()) useStore.getState().upsertIdea(idea)
    refreshCollabSoon()
  } catch (err) {
    const last = done()
    if (last) {
      // Show what the backend holds now.
      try {
        const ideas = await transport().api.ideas()
        const now = ideas.find((i) => i.id === ideaId)
        if (now) useStore.getState().upsertIdea(now, true)
      } catch {
        useStore.getState().upsertIdea(before, true)
      }
    }
    useStore.getState().pushToast(`Could not update ${before.symbol}: ${errorText(err)}`, 'error')
  }
}

/** The most tags an idea has, and the longest tag (Tags in the contract). */
export const MAX_TAGS = 20
export const MAX_TAG_LENGTH = 32

/**
 * Adds the comma-separated tags to an idea, or says in plain words why not (nothing is sent then): a
 * tag over 32 characters, more than 20 in all, or only tags the idea already has.
 */
export function addTags(ideaId: string, text: string): string | null {
  const idea = useStore.getState().ideas[ideaId]
  if (!idea) return null
  const tags = parseTags(text)
  const long = tags.find((t) => t.length > MAX_TAG_LENGTH)
  if (long !== undefined)
    return `“${long.slice(0, 20)}…” is ${long.length} characters long; a tag can have at most ${MAX_TAG_LENGTH}.`
  const added = tags.filter((t) => !idea.tags.includes(t))
  if (added.length === 0 && tags.length > 0) {
    return tags.length === 1
      ? `${idea.symbol} already has the tag “${tags[0]}”.`
      : `${idea.symbol} already has these tags.`
  }
  if (idea.tags.length + added.length > MAX_TAGS)
    return `An idea can have at most ${MAX_TAGS} tags; ${idea.symbol} has ${idea.tags.length}.`
  if (added.length > 0) void patchIdea(ideaId, { tags: [...idea.tags, ...added] })
  return null
}

export function removeTag(ideaId: string, tag: string): void {
  const idea = useStore.getState().ideas[ideaId]
  if (!idea) return
  void patchIdea(ideaId, { tags: idea.tags.filter((t) => t !== tag) })
}

export async function loadShares(ideaId: string): Promise<string[] | null> {
  try {
    const userIds = await transport().api.shares(ideaId)
    useStore.getState().setShares(ideaId, userIds)
    return userIds
  } catch {
    return null
  }
}

/** Sets who sees an idea; the toast words follow the backend's answer. */
export async function saveShares(
  ideaId: string,
  userIds: string[],
): Promise<{ ok: true } | { ok: false; error: string }> {
  try {
    const answer = await transport().api.putShares(ideaId, userIds)
    const store = useStore.getState()
    store.setShares(ideaId, answer.userIds)
    const symbol = store.ideas[ideaId]?.symbol ?? 'The idea'
    store.pushToast(shareConfirmation(symbol, answer.userIds, answer.removed, (id) => friendName(store, id)))
    refreshCollabSoon()
    return { ok: true }
  } catch (err) {
    return { ok: false, error: errorText(err) }
  }
}
