/** Byte classes of the MSRP grammar (msrp.md §1), shared by the framer and the parser. */
export const CR = 0x0d;
export const LF = 0x0a;
export const SP = 0x20;
export const HTAB = 0x09;
export const DASH = 0x2d;
export const COLON = 0x3a;

/** "MSRP " as bytes: every frame starts with it */
export const MSRP_PREFIX = Buffer.from('MSRP ', 'latin1');
/** what precedes the transaction id of an end-line that follows a body: CRLF + 7 dashes */
export const BODY_END = Buffer.from('\r\n-------', 'latin1');
export const DASHES = 7;

/** ident = ALPHANUM 3*31ident-char (transaction ids, Message-IDs) */
export const IDENT_MIN = 4;
export const IDENT_MAX = 32;

const ALNUM = 1;
const IDENT_EXTRA = 2;
const CLASS = new Uint8Array(256);
for (let c = 0x30; c <= 0x39; c++) CLASS[c] = ALNUM;
for (let c = 0x41; c <= 0x5a; c++) CLASS[c] = ALNUM;
for (let c = 0x61; c <= 0x7a; c++) CLASS[c] = ALNUM;
for (const c of '.-+%=') CLASS[c.charCodeAt(0)] = IDENT_EXTRA;

export const isAlnum = (c: number): boolean => CLASS[c] === ALNUM;
export const isIdentChar = (c: number): boolean => CLASS[c] !== 0;
export const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** b[s, e) is an ident */
export function isIdent(b: Buffer, s: number, e: number): boolean {
  const n = e - s;
  if (n < IDENT_MIN || n > IDENT_MAX || CLASS[b[s]!] !== ALNUM) return false;
  for (let i = s + 1; i < e; i++) if (CLASS[b[i]!] === 0) return false;
  return true;
}

/** the end-line continuation flag for a byte, or undefined */
export function flagOf(c: number): '$' | '+' | '#' | undefined {
  return c === 0x24 ? '$' : c === 0x2b ? '+' : c === 0x23 ? '#' : undefined;
}
