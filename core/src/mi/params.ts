/**
 * Typed getters for MI handler parameters, with OpenSIPS' coercion rules (mi/item.c):
 * an int getter takes a JSON number or a numeric string, a string getter takes a string or a
 * number (printed in decimal), an array getter takes a non-empty array of strings/numbers.
 * Failures throw the MiError the dispatcher turns into the JSON-RPC error object.
 */
import { MiError, MI_INVALID_PARAMS, MI_SERVER_ERROR, type MiParams } from './types.js';

const INT_RE = /^[+-]?\d+$/;

const badType = (name: string): MiError => new MiError(MI_INVALID_PARAMS, 'Invalid params', `Bad type for parameter '${name}'`);

/** The recipe matched, so a missing declared param means the handler asked for a wrong name. */
function present(params: MiParams, name: string): unknown {
  const v = Object.hasOwn(params, name) ? params[name] : undefined;
  if (v === undefined) throw new MiError(MI_SERVER_ERROR, 'Server error', 'Failed to handle parameter');
  return v;
}

function toInt(v: unknown): number | undefined {
  // OpenSIPS reads cJSON's valueint: a fractional number is truncated, not refused
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : undefined;
  if (typeof v === 'string' && INT_RE.test(v)) return Number.parseInt(v, 10);
  return undefined;
}

function toStr(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

export function miInt(params: MiParams, name: string): number {
  const n = toInt(present(params, name));
  if (n === undefined) throw badType(name);
  return n;
}

export function miStr(params: MiParams, name: string): string {
  const s = toStr(present(params, name));
  if (s === undefined) throw badType(name);
  return s;
}

/** A non-empty array whose items are strings (numbers are printed in decimal). */
export function miArray(params: MiParams, name: string): string[] {
  const v = present(params, name);
  if (!Array.isArray(v)) throw badType(name);
  if (v.length === 0) throw new MiError(MI_INVALID_PARAMS, 'Invalid params', `Empty array in parameter '${name}'`);
  return v.map((item) => {
    const s = toStr(item);
    if (s === undefined) throw new MiError(MI_INVALID_PARAMS, 'Invalid params', `Bad type for array item in parameter '${name}'`);
    return s;
  });
}
