/**
 * Header names: ids of the headers the parser knows, canonical spellings, compact forms
 * (RFC 3261 7.3.3 and the IANA registry; a compact form shares the id of its long form)
 * and the name matching used by lookups.
 */
import { type Bytes, LOWER } from './chars.js';

export const H_OTHER = 0;
export const H_VIA = 1;
export const H_FROM = 2;
export const H_TO = 3;
export const H_CALL_ID = 4;
export const H_CSEQ = 5;
export const H_CONTACT = 6;
export const H_MAX_FORWARDS = 7;
export const H_CONTENT_LENGTH = 8;
export const H_CONTENT_TYPE = 9;
export const H_ROUTE = 10;
export const H_RECORD_ROUTE = 11;
export const H_EXPIRES = 12;

/** Canonical spelling by id (index = id); ids above H_EXPIRES only name headers. */
export const CANONICAL: readonly string[] = [
  '', 'Via', 'From', 'To', 'Call-ID', 'CSeq', 'Contact', 'Max-Forwards', 'Content-Length',
  'Content-Type', 'Route', 'Record-Route', 'Expires', 'Require', 'Proxy-Require', 'Supported',
  'Unsupported', 'Allow', 'Content-Encoding', 'Subject', 'Event', 'Refer-To', 'Referred-By',
  'Allow-Events', 'Session-Expires', 'Accept-Contact', 'Reject-Contact', 'Request-Disposition',
  'Identity', 'Identity-Info', 'Authorization', 'Proxy-Authorization', 'WWW-Authenticate',
  'Proxy-Authenticate', 'Accept', 'Accept-Encoding', 'Accept-Language', 'Date', 'User-Agent',
  'Server', 'Path', 'Timestamp', 'Min-Expires', 'Retry-After', 'Warning', 'Organization',
  'Priority', 'Reply-To', 'In-Reply-To', 'Alert-Info', 'Call-Info', 'Error-Info', 'MIME-Version',
  'Content-Disposition', 'Content-Language', 'Authentication-Info', 'Min-SE', 'RAck', 'RSeq',
  'Privacy', 'P-Asserted-Identity', 'P-Preferred-Identity', 'Diversion', 'Replaces', 'Reason',
  'Service-Route', 'Subscription-State',
];

/** Compact form (lower case) → long name. */
export const COMPACT: Readonly<Record<string, string>> = {
  i: 'Call-ID', m: 'Contact', e: 'Content-Encoding', l: 'Content-Length', c: 'Content-Type',
  f: 'From', s: 'Subject', k: 'Supported', t: 'To', v: 'Via', o: 'Event', r: 'Refer-To',
  b: 'Referred-By', u: 'Allow-Events', x: 'Session-Expires', a: 'Accept-Contact',
  j: 'Reject-Contact', d: 'Request-Disposition', y: 'Identity', n: 'Identity-Info',
};

const byLower = new Map<string, number>();
for (let id = 1; id < CANONICAL.length; id++) byLower.set(CANONICAL[id]!.toLowerCase(), id);
for (const [c, long] of Object.entries(COMPACT)) byLower.set(c, byLower.get(long.toLowerCase())!);
// Callers mostly pass the canonical spelling: let it hit without a toLowerCase().
for (let id = 1; id < CANONICAL.length; id++) byLower.set(CANONICAL[id]!, id);

/**
 * The scanner records, per header line, a signature of its name: length, and the first
 * char in lower case (plus the FOLDED bit, see scan.ts). Looking a header up compares
 * signatures and confirms a match char by char, so no name string is ever made.
 */
export const FOLDED = 0x100;
const MAX_NAME = 1 << 21;

export function signature(b: Bytes, start: number, len: number): number {
  return len >= MAX_NAME ? 0 : (len << 9) | LOWER[b[start]!]!;
}

function sigOf(lname: string): number {
  return lname ? signature(Buffer.from(lname, 'latin1'), 0, lname.length) : -1;
}

/** What a lookup compares: the signatures of the long and compact forms and the lower-case long name. */
export interface NameMatch {
  long: number;
  short: number;
  lname: Uint8Array;
}

const MATCH: NameMatch[] = CANONICAL.map((name) => {
  const lname = name.toLowerCase();
  return { long: sigOf(lname), short: -1, lname: Buffer.from(lname, 'latin1') };
});
for (const [c, long] of Object.entries(COMPACT)) MATCH[byLower.get(long.toLowerCase())!]!.short = sigOf(c);

/** The matcher of a known header id. */
export function matcherOf(id: number): NameMatch {
  return MATCH[id]!;
}

const NO_MATCH: NameMatch = { long: -2, short: -2, lname: new Uint8Array(0) };
/** matchers of other names asked for (scripts use a handful; bounded anyway) */
const others = new Map<string, NameMatch>();

/** The matcher for a header name given by a caller (long or compact form, any case). */
export function matcherFor(name: string): NameMatch {
  const id = headerId(name);
  if (id !== H_OTHER) return MATCH[id]!;
  let m = others.get(name);
  if (m === undefined) {
    const lname = name.toLowerCase();
    // header names are ASCII tokens: anything else can name no header
    m = /^[\x21-\x7e]+$/.test(lname) ? { long: sigOf(lname), short: -1, lname: Buffer.from(lname, 'latin1') } : NO_MATCH;
    if (others.size >= 1024) others.clear();
    others.set(name, m);
  }
  return m;
}

/** Is the header whose table entry is (meta, start) named as `m` says? */
export function matchLine(b: Bytes, meta: number, start: number, m: NameMatch): boolean {
  const lowerTab = LOWER;
  const sig = meta & ~FOLDED;
  if (sig === m.short) return true;
  if (sig !== m.long) return false;
  const l = m.lname;
  for (let i = 1; i < l.length; i++) if (lowerTab[b[start + i]!] !== l[i]) return false;
  return true;
}

/** Id of a header name given by a caller (any case, long or compact form); H_OTHER if unknown. */
export function headerId(name: string): number {
  return byLower.get(name) ?? byLower.get(name.toLowerCase()) ?? H_OTHER;
}

/** Canonical name for a known name (`v` → `Via`, `call-id` → `Call-ID`), else the name as given. */
export function canonicalName(name: string): string {
  const id = headerId(name);
  return id === H_OTHER ? name : CANONICAL[id]!;
}
