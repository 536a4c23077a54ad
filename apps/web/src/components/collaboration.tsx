import { useMemo, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { loadIdeas, loadShared } from '../actions/load'
import { filterIdeas, type IdeaFilter, NO_FILTER } from '../store/idea-filter'
import { selectMyIdeas, selectSharedIdeas } from '../store/selectors'
import { useStore } from '../store/store'
import type { CollabTab, Load } from '../store/types'
import { IdeaCard } from './idea-card'
import { IdeaFilters } from './idea-filters'
import { IdeaForm } from './idea-form'

export function Collaboration() {
  const tab = useStore((s) => s.collabTab)
  const setTab = useStore((s) => s.setCollabTab)
  const [creating, setCreating] = useState(false)
  const mine = useStore(useShallow(selectMyIdeas))
  const shared = useStore(useShallow(selectSharedIdeas))
  const mineLoad = useStore((s) => s.loads.ideas)
  const sharedLoad = useStore((s) => s.loads.shared)
  const setExpanded = useStore((s) => s.setExpanded)

  const tabs: { key: CollabTab; label: string; count: number }[] = [
    { key: 'mine', label: 'My Ideas', count: mine.length },
    { key: 'shared', label: 'Shared With Me', count: shared.length },
  ]
  // Each tab keeps its own search, filter and sort.
  const [filters, setFilters] = useState<Record<CollabTab, IdeaFilter>>({
    mine: NO_FILTER,
    shared: NO_FILTER,
  })
  const all = tab === 'mine' ? mine : shared
  const filter = filters[tab]
  const list = useMemo(() => filterIdeas(all, filter), [all, filter])
  const filtering = filter.query.trim() !== '' || filter.status !== '' || filter.strategy !== ''
  const load = tab === 'mine' ? mineLoad : sharedLoad

  return (
    <div className="page">
      <div className="page-head">
        <h1>Collaboration</h1>
        {/* Hidden while the form is open, so the form's "Create" is the only button of that name. */}
        {!creating && (
          <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
            Create New Idea
          </button>
        )}
      </div>
      {creating && (
        <IdeaForm
          onCancel={() => setCreating(false)}
          onCreated={(ideaId) => {
            setCreating(false)
            setTab('mine')
            setExpanded(ideaId, false)
          }}
        />
      )}
      <div role="tablist" aria-label="Ideas" className="tabs">
        {tabs.map((t) => (
          <button
            key={t.key}
            type="button"
            role="tab"
            id={`tab-${t.key}`}
            aria-selected={tab === t.key}
            aria-controls={tab === t.key ? `panel-${t.key}` : undefined}
            tabIndex={tab === t.key ? 0 : -1}
            className="tab"
            onClick={() => setTab(t.key)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowRight' || e.key === 'ArrowLeft')
                setTab(t.key === 'mine' ? 'shared' : 'mine')
            }}
          >
            <span className="tab-label">{t.label}</span>
            <span className="tab-count" aria-hidden="true">
              {t.count}
            </span>
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="tabpanel">
        {all.length > 0 && (
          <IdeaFilters value={filter} onChange={(f) => setFilters((all) => ({ ...all, [tab]: f }))} />
        )}
        {filtering && (
          <p className="muted small" aria-live="polite">
            Showing {list.length} of {all.length} ideas
            {list.length === 0 && ' — no idea matches the search and filters.'}
          </p>
        )}
        <IdeaList
          load={load}
          count={all.length}
          empty={
            tab === 'mine' ? 'No ideas yet. Create one to plan a trade.' : 'Nothing shared with you yet.'
          }
          retry={tab === 'mine' ? loadIdeas : loadShared}
        >
          {list.map((idea) => (
            <IdeaCard key={idea.id} idea={idea} />
          ))}
        </IdeaList>
      </div>
    </div>
  )
}

function IdeaList({
  load,
  count,
  empty,
  retry,
  children,
}: {
  load: Load
  count: number
  empty: string
  retry: () => Promise<boolean>
  children: React.ReactNode
}) {
  if (load.status === 'error' && count === 0) {
    return (
      <div className="error-box">
        <p>Could not load ideas: {load.error}</p>
        <button type="button" className="button" onClick={() => void retry()}>
          Retry
        </button>
      </div>
    )
  }
  if (count === 0 && (load.status === 'loading' || load.status === 'idle')) {
    return <p className="muted">Loading ideas…</p>
  }
  if (count === 0) return <p className="muted empty">{empty}</p>
  return <div className="card-list">{children}</div>
}
