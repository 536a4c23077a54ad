import type { Position } from '@pp/contracts'
import { loadPositions } from '../actions/load'
import { formatAgo, formatMoney, formatPercentPoints, formatQuantity, formatSignedMoney } from '../format'
import { useStore } from '../store/store'
import { DemoBadge } from './demo-badge'

const COLORS = ['#2563eb', '#0d9488', '#d97706', '#7c3aed', '#db2777', '#059669', '#64748b', '#ea580c']

export function Dashboard() {
  const positions = useStore((s) => s.positions)
  const load = useStore((s) => s.loads.positions)
  const total = positions.reduce((a, p) => a + p.marketValue, 0)
  const pnl = positions.reduce((a, p) => a + p.unrealizedPnl, 0)
  return (
    <div className="page">
      <div className="page-head">
        <h1>Dashboard</h1>
      </div>
      {positions.length > 0 && (
        <p className="demo-note small">
          <DemoBadge /> These positions are a sample portfolio for trying Portfolio Planner, not your
          brokerage account.
        </p>
      )}
      <div className="summary">
        <div className="summary-item">
          <span className="muted small">Market value</span>
          <strong>{load.status === 'ready' ? formatMoney(total) : '—'}</strong>
        </div>
        <div className="summary-item">
          <span className="muted small">Unrealized P/L</span>
          <strong className={pnl >= 0 ? 'gain' : 'loss'}>
            {load.status === 'ready' ? formatSignedMoney(pnl) : '—'}
          </strong>
        </div>
        <div className="summary-item">
          <span className="muted small">Positions</span>
          <strong>{load.status === 'ready' ? positions.length : '—'}</strong>
        </div>
      </div>
      <div className="dashboard-grid">
        <section className="panel" aria-labelledby="positions-title">
          <h2 id="positions-title">Positions {positions.length > 0 && <DemoBadge />}</h2>
          {load.status === 'error' ? (
            <div className="error-box">
              <p>Could not load positions: {load.error}</p>
              <button type="button" className="button" onClick={() => void loadPositions()}>
                Retry
              </button>
            </div>
          ) : (
            <PositionsTable positions={positions} loading={load.status !== 'ready'} />
          )}
        </section>
        <div className="side-column">
          <section className="panel" aria-labelledby="allocation-title">
            <h2 id="allocation-title">Allocation</h2>
            <AllocationChart positions={positions} />
          </section>
          <ActivityFeed />
        </div>
      </div>
    </div>
  )
}

function PositionsTable({ positions, loading }: { positions: Position[]; loading: boolean }) {
  return (
    <div className="table-wrap">
      <table aria-label="Positions" aria-busy={loading} className="positions">
        <thead>
          <tr>
            <th scope="col">Symbol</th>
            <th scope="col" className="num">
              Quantity
            </th>
            <th scope="col" className="num">
              Cost
            </th>
            <th scope="col" className="num">
              Price
            </th>
            <th scope="col" className="num">
              Market Value
            </th>
            <th scope="col" className="num">
              P/L
            </th>
          </tr>
        </thead>
        <tbody>
          {loading &&
            [0, 1, 2].map((i) => (
              <tr key={i} className="skeleton-row">
                <td colSpan={6}>
                  <span className="skeleton" />
                </td>
              </tr>
            ))}
          {!loading && positions.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                No positions.
              </td>
            </tr>
          )}
          {!loading &&
            positions.map((p) => (
              <tr key={p.symbol}>
                <th scope="row">
                  <span className="symbol">{p.symbol}</span>
                  <span className="muted small block">{p.description}</span>
                </th>
                <td className="num">{formatQuantity(p.quantity)}</td>
                <td className="num">{formatMoney(p.averageCost)}</td>
                <td className="num">{formatMoney(p.price)}</td>
                <td className="num">{formatMoney(p.marketValue)}</td>
                <td className={`num ${p.unrealizedPnl >= 0 ? 'gain' : 'loss'}`}>
                  {formatSignedMoney(p.unrealizedPnl)}
                  <span className="small block">{formatPercentPoints(p.unrealizedPnlPercent)}</span>
                </td>
              </tr>
            ))}
        </tbody>
      </table>
    </div>
  )
}

/** A donut of market value by symbol, with a legend. */
export function AllocationChart({ positions }: { positions: Position[] }) {
  const items = positions.filter((p) => p.marketValue > 0).sort((a, b) => b.marketValue - a.marketValue)
  const total = items.reduce((a, p) => a + p.marketValue, 0)
  const r = 40
  const c = 2 * Math.PI * r
  let offset = 0
  const summary = items.map((p) => `${p.symbol} ${Math.round((p.marketValue / total) * 100)}%`).join(', ')
  return (
    <figure className="allocation" aria-label="Allocation">
      <svg viewBox="0 0 100 100" width="140" height="140" aria-hidden="true">
        <circle cx="50" cy="50" r={r} fill="none" stroke="#e5e7eb" strokeWidth="14" />
        {total > 0 &&
          items.map((p, i) => {
            const len = (p.marketValue / total) * c
            const seg = (
              <circle
                key={p.symbol}
                cx="50"
                cy="50"
                r={r}
                fill="none"
                stroke={COLORS[i % COLORS.length]}
                strokeWidth="14"
                strokeDasharray={`${len} ${c - len}`}
                strokeDashoffset={-offset}
                transform="rotate(-90 50 50)"
              />
            )
            offset += len
            return seg
          })}
      </svg>
      <figcaption className="legend">
        {items.length === 0 ? (
          <span className="muted">No holdings to chart.</span>
        ) : (
          <ul title={summary}>
            {items.map((p, i) => (
              <li key={p.symbol}>
                <span className="swatch" style={{ background: COLORS[i % COLORS.length] }} />
                <span className="symbol">{p.symbol}</span>
                <span className="muted">{((p.marketValue / total) * 100).toFixed(1)}%</span>
              </li>
            ))}
          </ul>
        )}
      </figcaption>
    </figure>
  )
}

/** What friends did lately, from the notifications. */
export function ActivityFeed() {
  const items = useStore((s) => s.notifications).slice(0, 8)
  return (
    <section className="panel" aria-labelledby="activity-title">
      <h2 id="activity-title">Recent activity</h2>
      {items.length === 0 ? (
        <p className="muted">No activity from friends yet.</p>
      ) : (
        <ul className="activity" aria-label="Recent activity">
          {items.map((n) => (
            <li key={n.id}>
              <span>{n.text}</span>
              <span className="muted small">{formatAgo(n.createdAt)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
