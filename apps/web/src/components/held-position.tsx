import { formatMoney, formatPercentPoints, formatQuantity, formatSignedMoney } from '../format'
import { useStore } from '../store/store'
import { DemoBadge } from './demo-badge'

/** The Dashboard position in an idea's symbol, when I hold one: quantity, cost and P/L. */
export function HeldPosition({ symbol }: { symbol: string }) {
  const p = useStore((s) => s.positions.find((x) => x.symbol === symbol))
  if (p === undefined) return null
  return (
    <section className="held-position" aria-label={`Your ${symbol} position`}>
      <p className="small">
        <strong>Your position</strong> <DemoBadge />
      </p>
      <dl className="plan-grid">
        <div>
          <dt>Quantity</dt>
          <dd>{formatQuantity(p.quantity)}</dd>
        </div>
        <div>
          <dt>Cost</dt>
          <dd>{formatMoney(p.averageCost)}</dd>
        </div>
        <div>
          <dt>P/L</dt>
          <dd className={p.unrealizedPnl >= 0 ? 'gain' : 'loss'}>
            {formatSignedMoney(p.unrealizedPnl)} ({formatPercentPoints(p.unrealizedPnlPercent)})
          </dd>
        </div>
      </dl>
    </section>
  )
}
