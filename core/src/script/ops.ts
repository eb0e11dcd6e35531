import type { ScriptValue } from './values.js';

/**
 * Operator semantics of the script language (OpenSIPS):
 * - `+` concatenates when either side is a string, else adds integers;
 * - comparisons of an int with a string compare numerically when the string is an integer
 *   ("10" == 10), else as strings; null equals only null and orders with nothing.
 */
const INT_TEXT = /^-?\d+$/;

export function add(a: ScriptValue, b: ScriptValue): ScriptValue {
  if (typeof a === 'string' || typeof b === 'string') return (a === null ? '' : String(a)) + (b === null ? '' : String(b));
  return ((a ?? 0) + (b ?? 0)) | 0;
}

export function looseEq(a: ScriptValue, b: ScriptValue): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (typeof a === 'number') return typeof b === 'string' && INT_TEXT.test(b) && Number.parseInt(b, 10) === a;
  return typeof b === 'number' && INT_TEXT.test(a) && Number.parseInt(a, 10) === b;
}

/** <0, 0, >0 like a comparator, or NaN when the values do not order (null). */
export function compare(a: ScriptValue, b: ScriptValue): number {
  if (a === null || b === null) return Number.NaN;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number' && INT_TEXT.test(b as string)) return a - Number.parseInt(b as string, 10);
  if (typeof b === 'number' && INT_TEXT.test(a as string)) return Number.parseInt(a as string, 10) - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Integer operators on 32-bit ints (C int semantics); division by zero gives 0. */
export const INT_OPS: Record<string, (x: number, y: number) => number> = {
  '-': (x, y) => (x - y) | 0,
  '*': (x, y) => Math.imul(x, y),
  '/': (x, y) => (y === 0 ? 0 : Math.trunc(x / y) | 0),
  '%': (x, y) => (y === 0 ? 0 : x % y),
  '&': (x, y) => x & y,
  '|': (x, y) => x | y,
  '^': (x, y) => x ^ y,
};
