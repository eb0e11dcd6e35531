/**
 * `*( SEMI generic-param )` as used after name-addrs and in Via (RFC 3261 25.1):
 * SEMI = SWS ";" SWS, generic-param = token [ EQUAL gen-value ],
 * gen-value = token / host / quoted-string. Names are lower-cased; values are kept as
 * written (a quoted value keeps its quotes). The first occurrence of a name wins.
 */
import { scanQuoted, scanToken, skipWs } from './chars.js';

/**
 * Parses params from s[i, end) (s[i] must be ';' or i === end) into `params`.
 * Returns '' on success or a short description of the first syntax error.
 */
export function parseGenericParams(s: string, i: number, end: number, params: Map<string, string | null>): string {
  while (i < end) {
    if (s.charCodeAt(i) !== 0x3b) return 'expected ";"';
    i = skipWs(s, i + 1, end);
    const n0 = i;
    i = scanToken(s, i, end);
    if (i === n0) return 'empty parameter';
    const name = s.slice(n0, i).toLowerCase();
    i = skipWs(s, i, end);
    let value: string | null = null;
    if (i < end && s.charCodeAt(i) === 0x3d) {
      i = skipWs(s, i + 1, end);
      const v0 = i;
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        i = scanQuoted(s, i, end);
        if (i < 0) return 'unterminated quoted string';
      } else if (c === 0x5b) {
        const close = s.indexOf(']', i);
        if (close < 0 || close >= end) return 'bad IPv6 reference';
        i = close + 1;
      } else {
        i = scanToken(s, i, end);
      }
      if (i === v0) return `empty value of ${name}`;
      value = s.slice(v0, i);
      i = skipWs(s, i, end);
    }
    if (!params.has(name)) params.set(name, value);
  }
  return '';
}

