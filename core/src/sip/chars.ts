/**
 * Character classes and small scanners shared by the SIP parsers. Everything works on
 * char codes of latin1/UTF-16 strings; tables are indexed by code < 256 (callers check).
 */

function table(chars: string, ranges: Array<[number, number]> = []): Uint8Array {
  const t = new Uint8Array(256);
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  for (const [a, b] of ranges) for (let c = a; c <= b; c++) t[c] = 1;
  return t;
}

const ALNUM: Array<[number, number]> = [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]];

/** RFC 3261 token: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" */
export const TOKEN = table("-.!%*_+`'~", ALNUM);
/** RFC 3261 word (Call-ID): token chars plus ( ) < > : \ " / [ ] ? { } */
export const WORD = table("-.!%*_+`'~()<>:\\\"/[]?{}", ALNUM);
/** hostname / IPv4 characters (underscore accepted: common in the wild). */
export const HOST = table('-._', ALNUM);
/** IPv6 reference content between the brackets. */
export const IPV6 = table(':.%', [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]]);
/** URI scheme after the first ALPHA. */
export const SCHEME = table('+-.', ALNUM);

export const LOWER = new Uint8Array(256);
for (let c = 0; c < 256; c++) LOWER[c] = c >= 0x41 && c <= 0x5a ? c + 32 : c;

export function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 255 || TOKEN[c] === 0) return false;
  }
  return true;
}

/** Index of the first char at or after `i` that is not SP/HT/CR/LF. */
export function skipWs(s: string, i: number, end: number): number {
  while (i < end && isWs(s.charCodeAt(i))) i++;
  return i;
}

/** Index after the last token char starting at `i`. */
export function scanToken(s: string, i: number, end: number): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c > 255 || TOKEN[c] === 0) break;
    i++;
  }
  return i;
}

/**
 * Given `s[i] === '"'`, the index just after the closing quote, or -1 when the quoted
 * string does not end (quoted-pair: a backslash escapes any next char, NUL included).
 */
export function scanQuoted(s: string, i: number, end: number): number {
  for (i++; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c === 0x5c) {
      i++;
      if (i >= end) return -1;
      const n = s.charCodeAt(i);
      if (n === 10 || n === 13) return -1; // CR/LF may not be quoted
    }
  }
  return -1;
}

/** Content of a quoted string (from its opening quote to `close` exclusive) with quoted-pairs resolved. */
export function unquote(s: string, open: number, close: number): string {
  const inner = s.slice(open + 1, close - 1);
  return inner.indexOf('\\') < 0 ? inner : inner.replace(/\\([\s\S])/g, '$1');
}

/**
 * Unsigned decimal in s[start, end): 1*DIGIT, leading zeros allowed, value <= max.
 * Returns -1 when it is not all digits, empty or larger than max (never overflows).
 */
export function parseDec(s: string, start: number, end: number, max: number): number {
  if (start >= end) return -1;
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
    if (v > max) return -1;
  }
  return v;
}

/** Like parseDec but values above `cap` are clamped to `cap` instead of rejected. */
export function parseDecCapped(s: string, start: number, end: number, cap: number): number {
  if (start >= end) return -1;
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    if (v <= cap) v = v * 10 + d;
  }
  return v > cap ? cap : v;
}

/** True when some char is >= 0x80 (the value then needs UTF-8 decoding from the bytes). */
export function hasHigh(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return true;
  return false;
}
