import { randomInt } from 'node:crypto';
import type { Listener, ProtoName } from '../types.js';
import { ConnState } from './types.js';

/** What the table needs of a connection. */
export interface TableConn {
  readonly id: number;
  readonly proto: ProtoName;
  readonly remoteIp: string;
  readonly listener: Listener | null;
  readonly state: number;
  /** remote ports the connection is reachable under; [0] is the real remote port */
  readonly aliases: number[];
}

const MAX_ID = 0xffffffff;
/** RFC 5923 aliases per connection, the real remote port included (OpenSIPS TCP_CON_MAX_ALIASES) */
export const MAX_ALIASES = 4;

export type AliasResult = 'ok' | 'too-many' | 'hijack';

/**
 * The connection table: by id, and by (proto, remote ip, port) over every alias. Ids start at
 * a random unsigned value and increment (skipping 0 and ids still in use), as in OpenSIPS.
 */
export class ConnTable<C extends TableConn> {
  private readonly byId = new Map<number, C>();
  /** key `${proto}|${ip}|${port}`: several connections may share one (other local sockets) */
  private readonly byAddr = new Map<string, C[]>();
  private nextId = randomInt(1, 0x40000000);

  get size(): number {
    return this.byId.size;
  }

  newId(): number {
    for (;;) {
      const id = this.nextId;
      this.nextId = id >= MAX_ID ? 1 : id + 1;
      if (!this.byId.has(id)) return id;
    }
  }

  add(conn: C): void {
    this.byId.set(conn.id, conn);
    for (const port of conn.aliases) this.index(conn, port);
  }

  remove(conn: C): boolean {
    if (this.byId.get(conn.id) !== conn) return false;
    this.byId.delete(conn.id);
    for (const port of conn.aliases) {
      const key = addrKey(conn.proto, conn.remoteIp, port);
      const list = this.byAddr.get(key);
      if (!list) continue;
      const i = list.indexOf(conn);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.byAddr.delete(key);
    }
    return true;
  }

  get(id: number): C | undefined {
    return this.byId.get(id);
  }

  values(): IterableIterator<C> {
    return this.byId.values();
  }

  /**
   * A usable connection to (proto, ip, port) over any alias; with `listener`, only one bound
   * to that local socket (tcp-core.md §2 step 2).
   */
  find(proto: ProtoName, ip: string, port: number, listener?: Listener | null): C | undefined {
    const list = this.byAddr.get(addrKey(proto, ip, port));
    if (!list) return undefined;
    for (const c of list) if (usable(c.state) && (!listener || c.listener === listener)) return c;
    return undefined;
  }

  /** RFC 5923 alias: reachable under `port` too. Refused over the limit or if another conn owns it. */
  addAlias(conn: C, port: number): AliasResult {
    if (conn.aliases.includes(port)) return 'ok';
    const owner = this.find(conn.proto, conn.remoteIp, port);
    if (owner && owner !== conn) return 'hijack';
    if (conn.aliases.length >= MAX_ALIASES) return 'too-many';
    conn.aliases.push(port);
    this.index(conn, port);
    return 'ok';
  }

  clear(): void {
    this.byId.clear();
    this.byAddr.clear();
  }

  private index(conn: C, port: number): void {
    const key = addrKey(conn.proto, conn.remoteIp, port);
    const list = this.byAddr.get(key);
    if (list) list.push(conn);
    else this.byAddr.set(key, [conn]);
  }
}

export function usable(state: number): boolean {
  return state === ConnState.OK || state === ConnState.CONNECTING;
}

function addrKey(proto: ProtoName, ip: string, port: number): string {
  return `${proto}|${ip}|${port}`;
}
