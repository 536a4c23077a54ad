import { useStore } from '../store/store'
import { loadActivity } from './activity'
import { loadComments } from './comments'
import { loadShares } from './ideas'

/** Opens an idea's card on the Collaboration page (from a notification). Answers false when it is not here. */
export function openIdea(ideaId: string): boolean {
  const s = useStore.getState()
  const idea = s.ideas[ideaId]
  if (!idea) return false
  s.setPage('collaboration')
  s.setCollabTab(idea.readOnly ? 'shared' : 'mine')
  s.setExpanded(ideaId, true)
  void loadComments(ideaId)
  void loadActivity(ideaId)
  if (!idea.readOnly) void loadShares(ideaId)
  return true
}
