/**
 * Comma lists (RFC 3261 7.3.1: `#element`): split on commas that are outside quoted strings
 * and outside <...>, items trimmed of LWS. Works on offsets so the builder can cut the raw
 * bytes of a header line at a value boundary.
 */
import { isWs } from './chars.js';

/**
 * Item boundaries of the list in s[start, end) as [start0, end0, start1, end1, ...].
 * Empty items are reported as empty ranges (callers that forbid them check), and an
 * unterminated quote or '<' makes the rest of the text one item.
 */
export function listRanges(s: string, start: number, end: number): number[] {
  const out: number[] = [];
  let itemStart = start;
  let quoted = false;
  let angle = false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (quoted) {
      if (c === 0x5c) i++;
      else if (c === 0x22) quoted = false;
    } else if (c === 0x22) quoted = true;
    else if (c === 0x3c) angle = true;
    else if (c === 0x3e) angle = false;
    else if (c === 0x2c && !angle) {
      pushTrimmed(out, s, itemStart, i);
      itemStart = i + 1;
    }
  }
  pushTrimmed(out, s, itemStart, end);
  return out;
}

function pushTrimmed(out: number[], s: string, a: number, b: number): void {
  while (a < b && isWs(s.charCodeAt(a))) a++;
  while (b > a && isWs(s.charCodeAt(b - 1))) b--;
  out.push(a, b);
}

/** The items of a comma list as strings (empty items kept as ''). */
export function splitList(s: string): string[] {
  const r = listRanges(s, 0, s.length);
  const out = new Array<string>(r.length >> 1);
  for (let k = 0; k < r.length; k += 2) out[k >> 1] = s.slice(r[k], r[k + 1]);
  return out;
}

/** First item of a comma list; the whole string when it has no top-level comma (the usual case). */
export function firstItem(s: string): string {
  const comma = s.indexOf(',');
  if (comma < 0) return s;
  const r = listRanges(s, 0, s.length);
  return r.length === 2 && r[0] === 0 && r[1] === s.length ? s : s.slice(r[0], r[1]);
}

/** Header folding (CRLF followed by SP/HT, with surrounding blanks) becomes one SP. */
export function unfold(v: string): string {
  return v.replace(/[ \t]*\r?\n[ \t]*/g, ' ');
}
