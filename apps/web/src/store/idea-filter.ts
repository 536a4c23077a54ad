import type { IdeaResponse, IdeaStatus, Strategy } from '@pp/contracts'

export const IDEA_SORTS = ['updated', 'created', 'symbol'] as const
export type IdeaSort = (typeof IDEA_SORTS)[number]

/** How a list of ideas is narrowed and ordered: '' for "any". */
export type IdeaFilter = { query: string; status: IdeaStatus | ''; strategy: Strategy | ''; sort: IdeaSort }
export const NO_FILTER: IdeaFilter = { query: '', status: '', strategy: '', sort: 'updated' }

function matches(idea: IdeaResponse, words: readonly string[]): boolean {
  const text = [idea.symbol, idea.notes, ...idea.tags].join('\n').toLowerCase()
  return words.every((w) => text.includes(w))
}

const byTime = (key: 'updatedAt' | 'createdAt') => (a: IdeaResponse, b: IdeaResponse) =>
  Date.parse(b[key]) - Date.parse(a[key]) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)

/**
 * The ideas that match: every word of the search in the symbol, notes or tags (any case), the status
 * and strategy if chosen; newest change first, newest first, or by symbol.
 */
export function filterIdeas(list: readonly IdeaResponse[], f: IdeaFilter): IdeaResponse[] {
  const words = f.query.toLowerCase().split(/\s+/).filter(Boolean)
  const out = list.filter(
    (i) =>
      (f.status === '' || i.status === f.status) &&
      (f.strategy === '' || i.strategy === f.strategy) &&
      matches(i, words),
  )
  if (f.sort === 'symbol')
    return out.sort((a, b) => a.symbol.localeCompare(b.symbol) || byTime('updatedAt')(a, b))
  return out.sort(byTime(f.sort === 'created' ? 'createdAt' : 'updatedAt'))
}
