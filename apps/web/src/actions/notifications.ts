import { useStore } from '../store/store'
import { transport } from '../transport/current'

export async function markRead(ids: string[]): Promise<void> {
  if (ids.length === 0) return
  useStore.getState().markNotificationsRead(ids, new Date().toISOString())
  await Promise.allSettled(ids.map((id) => transport().api.markNotificationRead(id)))
}

export function markAllRead(): Promise<void> {
  return markRead(
    useStore
      .getState()
      .notifications.filter((n) => !n.readAt)
      .map((n) => n.id),
  )
}
