/** Comment drafts per idea, kept in this browser's storage so a reload does not lose what was typed. */
const key = (ideaId: string) => `pp:draft:${ideaId}`

export function readDraft(ideaId: string): string {
  try {
    return window.localStorage.getItem(key(ideaId)) ?? ''
  } catch {
    return ''
  }
}

export function writeDraft(ideaId: string, text: string): void {
  try {
    if (text === '') window.localStorage.removeItem(key(ideaId))
    else window.localStorage.setItem(key(ideaId), text)
  } catch {
    // Storage full or turned off: the draft lives only on screen.
  }
}
