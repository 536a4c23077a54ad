/** The users a launcher can start: A = …0001 "User A", B = …0002 "User B", … Z = …0026 "User Z". */
export interface UserSpec {
  /** Lower-case letter used in file and log names: a, b, c… */
  key: string
  id: string
  displayName: string
}

export const MAX_USERS = 26
export const MIN_USERS = 2

export function userSpecs(count: number): UserSpec[] {
  return Array.from({ length: count }, (_, i) => {
    const letter = String.fromCharCode(65 + i)
    return {
      key: letter.toLowerCase(),
      id: `00000000-0000-0000-0000-${String(i + 1).padStart(12, '0')}`,
      displayName: `User ${letter}`,
    }
  })
}
