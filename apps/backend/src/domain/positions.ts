import type { Position } from '@pp/contracts'
import type { Db } from '../db/client.js'

/** Mock brokerage positions seeded when USE_MOCK_SCHWAB_DATA=true. */
export const MOCK_POSITIONS = [
  { symbol: 'AAPL', description: 'Apple Inc.', quantity: 100, averageCost: 172.5, price: 189.84 },
  { symbol: 'MSFT', description: 'Microsoft Corporation', quantity: 50, averageCost: 335.2, price: 378.91 },
  { symbol: 'NVDA', description: 'NVIDIA Corporation', quantity: 40, averageCost: 455.0, price: 495.22 },
  { symbol: 'TSLA', description: 'Tesla, Inc.', quantity: 30, averageCost: 255.4, price: 234.3 },
  { symbol: 'SPY', description: 'SPDR S&P 500 ETF Trust', quantity: 25, averageCost: 430.1, price: 455.72 },
] as const

export async function seedMockPositions(db: Db): Promise<void> {
  if ((await db.position.count()) > 0) return
  await db.$transaction(async (tx) => {
    await tx.position.createMany({ data: MOCK_POSITIONS.map((p) => ({ ...p })) })
  })
}

export async function listPositions(db: Db, useMock: boolean): Promise<Position[]> {
  if (!useMock) return []
  const rows = await db.position.findMany({ orderBy: { symbol: 'asc' } })
  return rows.map((r) => {
    const marketValue = round(r.quantity * r.price)
    const cost = r.quantity * r.averageCost
    const unrealizedPnl = round(marketValue - cost)
    return {
      symbol: r.symbol,
      description: r.description,
      quantity: r.quantity,
      averageCost: r.averageCost,
      price: r.price,
      marketValue,
      unrealizedPnl,
      unrealizedPnlPercent: cost === 0 ? 0 : round((unrealizedPnl / cost) * 100),
    }
  })
}

function round(n: number): number {
  return Math.round(n * 100) / 100
}
