/*
 * The headers MSRP defines (RFC 4975 + RFC 4976): each may appear only once in a frame
 * (msrp.md §6: a duplicate drops the message). Names match case-insensitively; they are
 * recognised from the bytes, by length first, without making a string.
 */
export const H = {
  TO_PATH: 0,
  FROM_PATH: 1,
  MESSAGE_ID: 2,
  BYTE_RANGE: 3,
  CONTENT_TYPE: 4,
  FAILURE_REPORT: 5,
  SUCCESS_REPORT: 6,
  STATUS: 7,
  USE_PATH: 8,
  EXPIRES: 9,
  MIN_EXPIRES: 10,
  MAX_EXPIRES: 11,
  WWW_AUTHENTICATE: 12,
  AUTHORIZATION: 13,
  AUTHENTICATION_INFO: 14,
} as const;

/** a header that is not one of H (an extension) */
export const H_OTHER = -1;

const NAMES = [
  'to-path',
  'from-path',
  'message-id',
  'byte-range',
  'content-type',
  'failure-report',
  'success-report',
  'status',
  'use-path',
  'expires',
  'min-expires',
  'max-expires',
  'www-authenticate',
  'authorization',
  'authentication-info',
];

const BY_NAME = new Map(NAMES.map((n, i) => [n, i]));
/** candidate ids per name length, lower-case name bytes per id */
const BY_LEN: number[][] = [];
const LOWER: Buffer[] = NAMES.map((n) => Buffer.from(n, 'latin1'));
NAMES.forEach((n, i) => (BY_LEN[n.length] ??= []).push(i));

/** The known-header id of the name b[s, e), or H_OTHER. */
export function headerId(b: Buffer, s: number, e: number): number {
  const cands = BY_LEN[e - s];
  if (cands === undefined) return H_OTHER;
  next: for (const id of cands) {
    const want = LOWER[id]!;
    for (let i = 0; i < want.length; i++) {
      const c = b[s + i]!;
      // ASCII letters fold with 0x20; '-' (0x2d) is its own fold, so only letters may differ
      if ((c | 0x20) !== want[i] || (c !== want[i] && (c < 0x41 || c > 0x5a))) continue next;
    }
    return id;
  }
  return H_OTHER;
}

/** The known-header id of a name given as text (any case), or H_OTHER. */
export function headerIdOf(name: string): number {
  return BY_NAME.get(name.toLowerCase()) ?? H_OTHER;
}
