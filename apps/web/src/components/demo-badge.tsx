/** Marks numbers that come from the built-in sample portfolio, not a real brokerage account. */
export function DemoBadge() {
  return (
    <span className="demo-badge" title="Sample positions for trying the app, not a real brokerage account">
      Demo data
    </span>
  )
}
