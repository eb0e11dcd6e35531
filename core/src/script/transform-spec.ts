import type { ScriptContext } from './context.js';
import type { ScriptValue } from './values.js';

/**
 * What a transformation (`{s.substr,1,2}`) is made of. Each class (s.*, uri.*, param.*,
 * nameaddr.*) exports a table of these; script/transforms.ts compiles them once per use.
 */

/**
 * Argument kinds: 'int' (a literal must be an integer, a variable that is not one makes the
 * result null), 'str', 'char' (one character: a separator; as the last argument it takes the
 * rest of the text, so `{s.select,1,,}` splits on ','). A trailing '?' makes it optional.
 */
export type TrArgKind = 'int' | 'str' | 'char' | 'int?' | 'str?' | 'char?';

/** An argument, read per use (a literal is a constant read). Ints are numbers or null. */
export type TrArg = (ctx: ScriptContext) => ScriptValue;

/** One compiled transformation: `v` is never null (a null value skips the chain). */
export type TrFn = (v: string | number, ctx: ScriptContext) => ScriptValue;

export interface TrSpec {
  /** what the arguments mean, for messages: `offset,length` */
  usage?: string;
  args: readonly TrArgKind[];
  /** a check of the literal arguments (undefined for a variable one): returns what is wrong */
  check?(literals: readonly (string | number | undefined)[]): string | undefined;
  make(args: readonly TrArg[]): TrFn;
}

/** The string view of a value: ints print in decimal. */
export function strOf(v: string | number): string {
  return typeof v === 'number' ? String(v) : v;
}

/** An int argument's value: null when a variable held something else. */
export function intOf(v: ScriptValue): number | null {
  return typeof v === 'number' ? v : null;
}

/** A string argument's value ('' for null). */
export function textOf(v: ScriptValue): string {
  return v === null ? '' : typeof v === 'number' ? String(v) : v;
}

/** A transformation of the value alone (no arguments). */
export function unary(f: (s: string) => ScriptValue): TrSpec {
  return { args: [], make: () => (v) => f(strOf(v)) };
}

/** Memoises a parse of the last input: `$(ru{uri.user})` and `$(ru{uri.host})` on one message parse once each. */
export function lastParse<T>(parse: (s: string) => T): (s: string) => T {
  let lastIn: string | undefined;
  let lastOut: T;
  return (s) => {
    if (s !== lastIn) {
      lastOut = parse(s);
      lastIn = s;
    }
    return lastOut;
  };
}
