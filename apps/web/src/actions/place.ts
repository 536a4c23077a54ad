import { useStore } from '../store/store'
import { type CollabTab, PAGES, type Page } from '../store/types'

/** Where the user is: the page, the Collaboration tab and the cards open there. */
export type Place = { page: Page; tab: CollabTab; open: string[] }

const TABS: readonly CollabTab[] = ['mine', 'shared']

/** `#/collaboration?tab=shared&open=<id>,<id>` → the place it names; null for a hash that names no page. */
export function placeFromHash(hash: string): Place | null {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?')
  if (!(PAGES as readonly string[]).includes(path)) return null
  const q = new URLSearchParams(query)
  const tab = q.get('tab')
  return {
    page: path as Page,
    tab: tab !== null && (TABS as readonly string[]).includes(tab) ? (tab as CollabTab) : 'mine',
    open: (q.get('open') ?? '').split(',').filter((id) => /^[0-9a-f-]{36}$/i.test(id)),
  }
}

/** The hash that names a place; the Collaboration page alone carries its tab and open cards. */
export function hashOf(place: Place): string {
  if (place.page !== 'collaboration') return `#/${place.page}`
  const q = new URLSearchParams({ tab: place.tab })
  if (place.open.length > 0) q.set('open', place.open.join(','))
  return `#/collaboration?${q.toString().replaceAll('%2C', ',')}`
}

export function currentPlace(): Place {
  const s = useStore.getState()
  return { page: s.page, tab: s.collabTab, open: Object.keys(s.expanded).filter((id) => s.expanded[id]) }
}

/** Puts the store where a hash says (at start, and when the user edits the address or goes back). */
export function applyPlace(place: Place): void {
  const s = useStore.getState()
  s.setPage(place.page)
  s.setCollabTab(place.tab)
  if (place.page !== 'collaboration') return
  for (const id of Object.keys(s.expanded)) if (!place.open.includes(id)) s.setExpanded(id, false)
  for (const id of place.open) s.setExpanded(id, true)
}
