/** A guard for one of a fixed list of strings (a status, a strategy, a sort). */
export function oneOf<T extends string>(values: readonly T[]): (v: string) => v is T {
  return (v: string): v is T => (values as readonly string[]).includes(v)
}

type Props<T extends string> = {
  id: string
  label: string
  /** The chosen value ("" for none). */
  value: string
  options: readonly T[]
  /** The words shown for an option (the value itself by default). */
  labelOf?: (v: T) => string
  /** A first option meaning "none" (value ""), with these words. */
  none?: string
  onChange: (v: T | '') => void
  className?: string
}

/** A labelled drop-down of fixed choices; only one of `options` (or "" with `none`) reaches `onChange`. */
export function SelectField<T extends string>({
  id,
  label,
  value,
  options,
  labelOf = (v) => v,
  none,
  onChange,
  className = 'field',
}: Props<T>) {
  const isOption = oneOf(options)
  return (
    <div className={className}>
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        onChange={(e) => {
          const v = e.target.value
          if (isOption(v)) onChange(v)
          else if (v === '' && none !== undefined) onChange('')
        }}
      >
        {none !== undefined && <option value="">{none}</option>}
        {options.map((o) => (
          <option key={o} value={o}>
            {labelOf(o)}
          </option>
        ))}
      </select>
    </div>
  )
}
