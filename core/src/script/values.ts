/** Script values: strings, integers and null (OpenSIPS' "null"/unset). */
export type ScriptValue = string | number | null;

/** OpenSIPS truthiness for conditions built from values: non-empty string or non-zero int. */
export function isTruthy(v: ScriptValue): boolean {
  return v !== null && v !== '' && v !== 0;
}

/** The int view of a value (`$var(x) + 1`): strings parse as decimal, anything else is 0. */
export function toInt(v: ScriptValue): number {
  if (typeof v === 'number') return v;
  if (v === null) return 0;
  const n = Number.parseInt(v, 10);
  return Number.isNaN(n) ? 0 : n;
}

export function toStr(v: ScriptValue): string {
  return v === null ? '<null>' : typeof v === 'number' ? String(v) : v;
}
