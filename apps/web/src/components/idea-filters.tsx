import { IDEA_STATUSES, STRATEGIES } from '@pp/contracts'
import { useId } from 'react'
import { IDEA_SORTS, type IdeaFilter, type IdeaSort } from '../store/idea-filter'
import { SelectField } from './select-field'

const SORT_NAMES: Record<IdeaSort, string> = {
  updated: 'Last updated',
  created: 'Newest',
  symbol: 'Symbol (A–Z)',
}

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
      <SelectField
        id={`${id}-status`}
        label="Filter by status"
        value={value.status}
        options={IDEA_STATUSES}
        none="Any status"
        onChange={(status) => onChange({ ...value, status })}
      />
      <SelectField
        id={`${id}-strategy`}
        label="Filter by strategy"
        value={value.strategy}
        options={STRATEGIES}
        none="Any strategy"
        onChange={(strategy) => onChange({ ...value, strategy })}
      />
      <SelectField
        id={`${id}-sort`}
        label="Sort by"
        value={value.sort}
        options={IDEA_SORTS}
        labelOf={(s) => SORT_NAMES[s]}
        onChange={(sort) => {
          if (sort !== '') onChange({ ...value, sort })
        }}
      />
    </search>
  )
}
