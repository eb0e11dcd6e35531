/**
 * Character classes and small scanners shared by the SIP parsers. Scanners read bytes
 * (a Uint8Array: the received Buffer, or the latin1 bytes of a string given to a public
 * parser) and the caller slices its latin1 string at the same offsets: indexing a Buffer
 * is several times faster than String.charCodeAt in V8, slicing a string is cheap.
 * Hot loops copy these tables into locals first: V8 then keeps them in a register instead
 * of reloading the module binding on every byte (about a third faster).
 */

export type Bytes = Buffer;

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
/** SP, HT, CR, LF: blanks inside a (possibly folded) header value */
export const WS = table(' \t\r\n');
/** an unquoted parameter value: token chars, and ':' for an IPv6 address (Via received=) */
export const PVALUE = table("-.!%*_+`'~:", ALNUM);
/** token chars and blanks: a display-name of tokens */
export const TOKEN_WS = table("-.!%*_+`'~ \t\r\n", ALNUM);

export const LOWER = new Uint8Array(256);
for (let c = 0; c < 256; c++) LOWER[c] = c >= 0x41 && c <= 0x5a ? c + 32 : c;

/** Index of the first byte at or after `i` that is not SP/HT/CR/LF. */
export function skipWs(b: Bytes, i: number, end: number): number {
  const wsTab = WS;
  while (i < end && wsTab[b[i]!] === 1) i++;
  return i;
}

/** Index just after the last SP/HT/CR/LF-free byte before `end`. */
export function trimEnd(b: Bytes, start: number, end: number): number {
  const wsTab = WS;
  while (end > start && wsTab[b[end - 1]!] === 1) end--;
  return end;
}

/** Index after the last token byte starting at `i`. */
export function scanToken(b: Bytes, i: number, end: number): number {
  const tokenTab = TOKEN;
  while (i < end && tokenTab[b[i]!] === 1) i++;
  return i;
}

export function isTokenRange(b: Bytes, a: number, end: number): boolean {
  return a < end && scanToken(b, a, end) === end;
}

/**
 * Given `b[i] === '"'`, the index just after the closing quote, or -1 when the quoted
 * string does not end (quoted-pair: a backslash escapes any next byte except CR/LF).
 */
export function scanQuoted(b: Bytes, i: number, end: number): number {
  for (i++; i < end; i++) {
    const c = b[i]!;
    if (c === 0x22) return i + 1;
    if (c === 0x5c) {
      i++;
      if (i >= end || b[i] === 10 || b[i] === 13) return -1;
    }
  }
  return -1;
}

/** Content of a quoted string (quotes included) with quoted-pairs resolved. */
export function unquote(q: string): string {
  const inner = q.slice(1, -1);
  return inner.indexOf('\\') < 0 ? inner : inner.replace(/\\([\s\S])/g, '$1');
}

/**
 * Unsigned decimal in b[start, end): 1*DIGIT, leading zeros allowed, value <= max.
 * Returns -1 when it is not all digits, empty or larger than max (never overflows).
 */
export function parseDec(b: Bytes, start: number, end: number, max: number): number {
  if (start >= end) return -1;
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = b[i]! - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
    if (v > max) return -1;
  }
  return v;
}

/** Like parseDec but values above `cap` are clamped to `cap` instead of rejected. */
export function parseDecCapped(b: Bytes, start: number, end: number, cap: number): number {
  if (start >= end) return -1;
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = b[i]! - 48;
    if (d < 0 || d > 9) return -1;
    if (v <= cap) v = v * 10 + d;
  }
  return v > cap ? cap : v;
}

/** True when some char is >= 0x80. */
export function hasHigh(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return true;
  return false;
}

/** A string as one char per byte: UTF-8 encoded when it has non-ASCII characters. */
export function binary(s: string): string {
  return hasHigh(s) ? Buffer.from(s, 'utf8').toString('latin1') : s;
}

/** The bytes of a one-char-per-byte string. */
export function bytesOf(bin: string): Buffer {
  return Buffer.from(bin, 'latin1');
}

/**
 * The text of b[a, e) (s is the latin1 text of b) as presented to callers: UTF-8 octets
 * decoded and, when the range may hold header folding, each fold turned into one SP.
 */
export function textAt(b: Bytes, s: string, a: number, e: number, folded: boolean): string {
  let i = a;
  while (i < e && b[i]! < 0x80) i++;
  const t = i === e ? s.slice(a, e) : b.toString('utf8', a, e);
  return folded && t.indexOf('\n') >= 0 ? unfold(t) : t;
}

/** Header folding (CRLF followed by SP/HT, with surrounding blanks) becomes one SP. */
function unfold(v: string): string {
  return v.replace(/[ \t]*\r?\n[ \t]*/g, ' ');
}
