import { IDEA_STATUSES, type IdeaStatus, STRATEGIES, type Strategy } from '@pp/contracts'
import { useId } from 'react'
import { IDEA_SORTS, type IdeaFilter, type IdeaSort } from '../store/idea-filter'

const SORT_NAMES: Record<IdeaSort, string> = {
  updated: 'Last updated',
  created: 'Newest',
  symbol: 'Symbol (A–Z)',
}

const isStatus = (v: string): v is IdeaStatus => (IDEA_STATUSES as readonly string[]).includes(v)
const isStrategy = (v: string): v is Strategy => (STRATEGIES as readonly string[]).includes(v)
const isSort = (v: string): v is IdeaSort => (IDEA_SORTS as readonly string[]).includes(v)

/** Search, filter and sort for a list of ideas. */
export function IdeaFilters({ value, onChange }: { value: IdeaFilter; onChange: (f: IdeaFilter) => void }) {
  const id = useId()
  return (
    <search className="idea-filters" aria-label="Find ideas">
      <div className="field">
        <label htmlFor={`${id}-q`}>Search</label>
        <input
          id={`${id}-q`}
          type="search"
          placeholder="Symbol, notes or tag"
          maxLength={100}
          value={value.query}
          onChange={(e) => onChange({ ...value, query: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-status`}>Filter by status</label>
        <select
          id={`${id}-status`}
          value={value.status}
          onChange={(e) => onChange({ ...value, status: isStatus(e.target.value) ? e.target.value : '' })}
        >
          <option value="">Any status</option>
          {IDEA_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-strategy`}>Filter by strategy</label>
        <select
          id={`${id}-strategy`}
          value={value.strategy}
          onChange={(e) => onChange({ ...value, strategy: isStrategy(e.target.value) ? e.target.value : '' })}
        >
          <option value="">Any strategy</option>
          {STRATEGIES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-sort`}>Sort by</label>
        <select
          id={`${id}-sort`}
          value={value.sort}
          onChange={(e) => {
            if (isSort(e.target.value)) onChange({ ...value, sort: e.target.value })
          }}
        >
          {IDEA_SORTS.map((s) => (
            <option key={s} value={s}>
              {SORT_NAMES[s]}
            </option>
          ))}
        </select>
      </div>
    </search>
  )
}
