import { randomToken } from './digest.js';

/** One relay session: created by a successful AUTH, named by the session id of its Use-Path URI. */
export interface RelaySession {
  readonly id: string;
  /** the digest username ('' on an open relay) */
  readonly user: string;
  /** the client's own URI: the first From-Path URI of its AUTH */
  readonly clientUri: string;
  /** the connection the client's latest request came on (it may sit behind a NAT) */
  clientConId: number;
  /** ms (the table's clock) when the session ends */
  readonly expiresAt: number;
  /** set when the first SEND of the session was forwarded */
  havePeerConn: boolean;
  /** the connection the peer opened to us, when the peer's SEND came first; 0 otherwise */
  peerConId: number;
}

/**
 * The sessions by id. Expired sessions are invisible to `get` at once and removed from memory
 * by `sweep` (the cleanup timer), as OpenSIPS does. A closed client connection does not end a
 * session: the client may reconnect and go on using its Use-Path URI until it expires.
 */
export class SessionTable {
  private readonly map = new Map<string, RelaySession>();

  constructor(private readonly nowMs: () => number) {}

  get size(): number {
    return this.map.size;
  }

  create(user: string, clientUri: string, clientConId: number, expiresS: number): RelaySession {
    let id = randomToken(15);
    // 120 random bits: a collision is not expected, but never hand out a live id twice
    while (this.map.has(id)) id = randomToken(15);
    const s: RelaySession = { id, user, clientUri, clientConId, expiresAt: this.nowMs() + expiresS * 1000, havePeerConn: false, peerConId: 0 };
    this.map.set(id, s);
    return s;
  }

  /** the live session with this id; an expired one is removed and not returned */
  get(id: string): RelaySession | undefined {
    const s = this.map.get(id);
    if (s === undefined) return undefined;
    if (s.expiresAt <= this.nowMs()) {
      this.map.delete(id);
      return undefined;
    }
    return s;
  }

  delete(id: string): boolean {
    return this.map.delete(id);
  }

  /** drop every expired session; returns how many */
  sweep(): number {
    const now = this.nowMs();
    let n = 0;
    for (const [id, s] of this.map)
      if (s.expiresAt <= now) {
        this.map.delete(id);
        n++;
      }
    return n;
  }

  values(): IterableIterator<RelaySession> {
    return this.map.values();
  }
}
