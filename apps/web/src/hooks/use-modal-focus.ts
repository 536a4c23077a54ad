import { type RefObject, useEffect } from 'react'

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'

/**
 * A modal dialog's focus: focus moves into the dialog when it opens, Tab and Shift+Tab cycle through its
 * controls and never leave it, Escape calls `onClose`, and when the dialog goes away focus returns to
 * whatever had it before (the button that opened it).
 */
export function useModalFocus(dialog: RefObject<HTMLElement | null>, onClose: () => void): void {
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    dialog.current?.focus()
    return () => {
      if (opener?.isConnected) opener.focus()
    }
  }, [dialog])

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        onClose()
        return
      }
      const root = dialog.current
      if (e.key !== 'Tab' || !root) return
      const stops = Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
        (el) => el.getClientRects().length > 0,
      )
      const first = stops[0]
      const last = stops[stops.length - 1]
      if (!first || !last) {
        e.preventDefault()
        root.focus()
        return
      }
      const active = document.activeElement
      const inside = active instanceof Node && root.contains(active)
      if (e.shiftKey && (active === first || active === root || !inside)) {
        e.preventDefault()
        last.focus()
      } else if (!e.shiftKey && (active === last || !inside)) {
        e.preventDefault()
        first.focus()
      }
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [dialog, onClose])
}
