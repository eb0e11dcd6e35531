import { createHash } from 'node:crypto';
import { intOf, strOf, textOf, unary, type TrSpec } from './transform-spec.js';
import type { ScriptValue } from './values.js';

/**
 * The s.* transformations, with Kamailio's results (checked against kamailio 5.6):
 * out-of-range substr gives null, out-of-range select gives '', strip/striptail past the end
 * give '', s.int of anything but an integer gives null. Bytes (md5, hexa) are the latin1
 * view of the string, as SIP messages are held.
 */

const INT_TEXT = /^[+-]?\d+$/;
const BLANK = /^[ \t\r\n]+|[ \t\r\n]+$/g;
const HEX_TEXT = /^(?:[0-9a-fA-F]{2})*$/;
const ESCAPE_COMMON = /['"\\\0]/g;
const UNESCAPE_COMMON = /\\(['"\\0])/g;

function hash(algorithm: string): TrSpec {
  return unary((s) => createHash(algorithm).update(s, 'latin1').digest('hex'));
}

function substr(s: string, offset: number, length: number): ScriptValue {
  const off = offset < 0 ? s.length + offset : offset;
  if (off < 0 || off >= s.length || length < 0) return null;
  return length === 0 ? s.slice(off) : s.slice(off, off + length);
}

/** Field `index` of `s` split on `sep` (negative: from the end); '' when there is none. */
function select(s: string, index: number, sep: string): string {
  const parts = s.split(sep);
  const i = index < 0 ? parts.length + index : index;
  return parts[i] ?? '';
}

const nonNegative = (what: string) => (l: readonly (string | number | undefined)[]) =>
  typeof l[0] === 'number' && l[0] < 0 ? `${what} cannot be negative` : undefined;

export const STRING_TRANSFORMS: Record<string, TrSpec> = {
  's.len': unary((s) => s.length),
  's.int': { args: [], make: () => (v) => (typeof v === 'number' ? v : INT_TEXT.test(v) ? Number.parseInt(v, 10) : null) },
  's.tolower': unary((s) => s.toLowerCase()),
  's.toupper': unary((s) => s.toUpperCase()),
  's.trim': unary((s) => s.replace(BLANK, '')),
  's.ltrim': unary((s) => s.replace(/^[ \t\r\n]+/, '')),
  's.rtrim': unary((s) => s.replace(/[ \t\r\n]+$/, '')),
  's.md5': hash('md5'),
  's.sha256': hash('sha256'),
  's.encode.hexa': unary((s) => Buffer.from(s, 'latin1').toString('hex')),
  's.decode.hexa': unary((s) => (HEX_TEXT.test(s) ? Buffer.from(s, 'hex').toString('latin1') : null)),
  's.encode.base64': unary((s) => Buffer.from(s, 'latin1').toString('base64')),
  's.decode.base64': unary((s) => Buffer.from(s, 'base64').toString('latin1')),
  's.escape.common': unary((s) => s.replace(ESCAPE_COMMON, (c) => (c === '\0' ? '\\0' : `\\${c}`))),
  's.unescape.common': unary((s) => s.replace(UNESCAPE_COMMON, (_m, c: string) => (c === '0' ? '\0' : c))),
  's.substr': {
    usage: 'offset,length',
    args: ['int', 'int'],
    check: (l) => (typeof l[1] === 'number' && l[1] < 0 ? 'length cannot be negative (0 means to the end)' : undefined),
    make: ([offset, length]) => (v, ctx) => {
      const o = intOf(offset!(ctx));
      const n = intOf(length!(ctx));
      return o === null || n === null ? null : substr(strOf(v), o, n);
    },
  },
  's.select': {
    usage: 'index,separator',
    args: ['int', 'char'],
    make: ([index, sep]) => (v, ctx) => {
      const i = intOf(index!(ctx));
      const c = textOf(sep!(ctx));
      return i === null || c.length !== 1 ? null : select(strOf(v), i, c);
    },
  },
  's.strip': {
    usage: 'count',
    args: ['int'],
    check: nonNegative('count'),
    make: ([count]) => (v, ctx) => {
      const n = intOf(count!(ctx));
      return n === null || n < 0 ? null : strOf(v).slice(n);
    },
  },
  's.striptail': {
    usage: 'count',
    args: ['int'],
    check: nonNegative('count'),
    make: ([count]) => (v, ctx) => {
      const n = intOf(count!(ctx));
      if (n === null || n < 0) return null;
      const s = strOf(v);
      return n >= s.length ? '' : s.slice(0, s.length - n);
    },
  },
};
