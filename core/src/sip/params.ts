/**
 * `*( SEMI generic-param )` as used after name-addrs and in Via (RFC 3261 25.1):
 * SEMI = SWS ";" SWS, generic-param = token [ EQUAL gen-value ],
 * gen-value = token / host / quoted-string (and received= may hold a bare IPv6 address).
 *
 * lexParam() reads one parameter and leaves where its name and value are in a scratch
 * array (parsing is synchronous, so one array serves every parse): callers pick the few
 * parameters they need without building strings; the full Map is built on demand.
 */
import { type Bytes, IPV6, LOWER, PVALUE, TOKEN, WS, scanQuoted, textAt } from './chars.js';

/** name start, name end, value start, value end (-1, -1 when valueless) of the last lexParam() */
export const P = new Int32Array(4);

const ERRORS = ['', 'expected ";"', 'empty parameter', 'unterminated quoted string', 'bad IPv6 reference', 'empty parameter value'];

/** Description of a negative lexParam() result. */
export function paramError(code: number): string {
  return ERRORS[-code] ?? 'bad parameter';
}

/**
 * Lexes the parameter at b[i] (which must be ';') up to `end`; returns the index after it
 * (and after trailing blanks) or a negative error code.
 */
export function lexParam(b: Bytes, i: number, end: number): number {
  const tokenTab = TOKEN;
  const wsTab = WS;
  const ipv6Tab = IPV6;
  if (b[i] !== 0x3b) return -1;
  i++;
  while (i < end && wsTab[b[i]!] === 1) i++;
  const n0 = i;
  while (i < end && tokenTab[b[i]!] === 1) i++;
  if (i === n0) return -2;
  P[0] = n0;
  P[1] = i;
  while (i < end && wsTab[b[i]!] === 1) i++;
  if (i < end && b[i] === 0x3d) {
    i++;
    while (i < end && wsTab[b[i]!] === 1) i++;
    const v0 = i;
    const c = i < end ? b[i] : -1;
    if (c === 0x22) {
      i = scanQuoted(b, i, end);
      if (i < 0) return -3;
    } else if (c === 0x5b) {
      i++;
      while (i < end && ipv6Tab[b[i]!] === 1) i++;
      if (i === end || b[i] !== 0x5d) return -4;
      i++;
    } else {
      const pvalueTab = PVALUE;
      while (i < end && pvalueTab[b[i]!] === 1) i++;
    }
    if (i === v0) return -5;
    P[2] = v0;
    P[3] = i;
    while (i < end && wsTab[b[i]!] === 1) i++;
  } else {
    P[2] = -1;
    P[3] = -1;
  }
  return i;
}

/** Lower-case ASCII bytes of a parameter name, for nameIs(). */
export function nameBytes(lname: string): Uint8Array {
  return Buffer.from(lname, 'latin1');
}

/** Is the last lexed parameter named `name` (lower-case bytes)? */
export function nameIs(b: Bytes, name: Uint8Array): boolean {
  const lowerTab = LOWER;
  const n0 = P[0]!;
  if (P[1]! - n0 !== name.length) return false;
  for (let k = 0; k < name.length; k++) if (lowerTab[b[n0 + k]!] !== name[k]) return false;
  return true;
}

/** Value of the last lexed parameter (null when valueless); only a quoted value may need decoding. */
export function paramValue(b: Bytes, s: string, folded: boolean): string | null {
  const v0 = P[2]!;
  if (v0 < 0) return null;
  return b[v0] === 0x22 ? textAt(b, s, v0, P[3]!, folded) : s.slice(v0, P[3]);
}

/** All parameters of b[i, end) as a Map (names lower-cased, values as written, first occurrence wins). */
export function paramsMap(b: Bytes, s: string, i: number, end: number, folded: boolean): Map<string, string | null> {
  const map = new Map<string, string | null>();
  while (i < end && i >= 0) {
    i = lexParam(b, i, end);
    if (i < 0) break;
    const name = s.slice(P[0], P[1]).toLowerCase();
    if (!map.has(name)) map.set(name, paramValue(b, s, folded));
  }
  return map;
}
