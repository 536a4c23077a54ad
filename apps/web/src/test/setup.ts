import '@testing-library/jest-dom/vitest'
import { cleanup } from '@testing-library/react'
import { afterEach } from 'vitest'
import { resetTypingThrottle } from '../actions/comments'
import { resetPatching } from '../actions/ideas'
import { resetLiveState } from '../actions/live'
import { resetPendingDeletes } from '../actions/pending-deletes'
import { resetViewing } from '../actions/presence'
import { resetStore } from '../store/store'
import { setTransport } from '../transport/current'

afterEach(() => {
  cleanup()
  resetLiveState()
  resetPendingDeletes()
  resetViewing()
  resetTypingThrottle()
  resetPatching()
  resetStore()
  setTransport(null)
  window.location.hash = ''
  window.localStorage.clear()
})
