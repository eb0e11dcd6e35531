import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** RFC 2617 digest pieces for RFC 4976 AUTH (MD5, qop=auth). */

export const md5hex = (s: string): string => createHash('md5').update(s).digest('hex');

/** HA1 = MD5(username:realm:password) */
export const ha1Of = (user: string, realm: string, password: string): string => md5hex(`${user}:${realm}:${password}`);

export interface DigestInput {
  ha1: string;
  nonce: string;
  nc: string;
  cnonce: string;
  qop: string;
  /** 'AUTH' for the request digest; '' for the rspauth of Authentication-Info */
  method: string;
  uri: string;
}

/** request-digest (qop=auth): MD5(HA1:nonce:nc:cnonce:qop:MD5(method:uri)) */
export function digestResponse(d: DigestInput): string {
  const ha2 = md5hex(`${d.method}:${d.uri}`);
  return md5hex(`${d.ha1}:${d.nonce}:${d.nc}:${d.cnonce}:${d.qop}:${ha2}`);
}

/** Constant-time comparison of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const ba = Buffer.from(a.toLowerCase(), 'latin1');
  const bb = Buffer.from(b.toLowerCase(), 'latin1');
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

// name=token | name="quoted string" (backslash escapes), separated by commas
const PARAM_RE = /\s*([a-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]+))\s*(,|$)/iy;

/**
 * The parameters of an `Authorization: Digest ...` value by lower-case name, or undefined when
 * it is not a well-formed Digest credential list.
 */
export function parseDigestParams(value: string): Map<string, string> | undefined {
  const m = /^\s*digest\s+/i.exec(value);
  if (!m) return undefined;
  const out = new Map<string, string>();
  PARAM_RE.lastIndex = m[0].length;
  while (PARAM_RE.lastIndex < value.length) {
    const p = PARAM_RE.exec(value);
    if (!p) return undefined;
    const v = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3]!;
    out.set(p[1]!.toLowerCase(), v);
    if (p[4] === '') break;
  }
  return out.size > 0 ? out : undefined;
}

export type NonceCheck = 'ok' | 'stale' | 'bad';

/**
 * Stateless nonces: hex(expiry second) + random + HMAC over both with a per-process secret, so
 * the relay recognises its own nonces and their age without a table (what OpenSIPS' encrypted
 * nonces give). A nonce whose MAC checks but whose expiry has passed is stale (re-challenge with
 * stale=true); anything else unknown is bad.
 */
export class NonceCodec {
  private readonly secret = randomBytes(32);

  constructor(
    private readonly lifetimeS: number,
    private readonly nowMs: () => number,
  ) {}

  private mac(head: string): string {
    return createHmac('sha256', this.secret).update(head).digest('hex').slice(0, 32);
  }

  make(): string {
    const expiry = Math.floor(this.nowMs() / 1000) + this.lifetimeS;
    const head = expiry.toString(16).padStart(8, '0') + randomBytes(8).toString('hex');
    return head + this.mac(head);
  }

  check(nonce: string): NonceCheck {
    if (!/^[0-9a-f]{56}$/.test(nonce)) return 'bad';
    const head = nonce.slice(0, 24);
    if (!sameDigest(nonce.slice(24), this.mac(head))) return 'bad';
    const expiry = Number.parseInt(head.slice(0, 8), 16);
    return expiry * 1000 < this.nowMs() ? 'stale' : 'ok';
  }
}

/** A new random session id / opaque value: URL-safe base64 (RFC 4975 session-id characters). */
export const randomToken = (bytes: number): string => randomBytes(bytes).toString('base64url');
