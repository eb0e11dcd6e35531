import ipaddr from 'ipaddr.js';
import type { Listener, TcpProfile } from '@tsips/core';
import type { SqlRow, SqlValue } from '@tsips/db_sqlite';
import type { Column, ColumnNames } from './columns.js';

export type Addr = ipaddr.IPv4 | ipaddr.IPv6;

/** A network: an address and a prefix length (a host is /32 or /128). */
export interface Net {
  addr: Addr;
  bits: number;
}

/** One validated row of the tcp_mgm table ("TCP path"). */
export interface Rule {
  id: number;
  /** lower-case proto name; null = any */
  proto: string | null;
  /** null = any remote */
  remote: Net | null;
  /** 0 = any */
  remotePort: number;
  /** null = any listener */
  local: Net | null;
  /** 0 = any */
  localPort: number;
  /** lower first */
  priority: number;
  /** what a matching connection gets; its id is the rule id */
  profile: TcpProfile;
}

/** What validation needs to know about the running server. */
export interface RuleContext {
  /** the configured sockets (local_addr must be one of them) */
  listeners: readonly Listener[];
  /** a stream proto registered with the TCP manager (third-party protos beyond the known names) */
  isStreamProto(proto: string): boolean;
}

/** OpenSIPS' TCP-based protos; rows for the datagram ones are rejected */
const TCP_PROTOS = new Set(['tcp', 'tls', 'ws', 'wss', 'bin', 'bins', 'hep_tcp', 'hep_tls', 'msrp', 'msrps', 'smpp']);
const DATAGRAM_PROTOS = new Set(['udp', 'sctp', 'hep_udp']);
const INT_RE = /^[+-]?\d+$/;

class RowError extends Error {}

function bad(reason: string): never {
  throw new RowError(reason);
}

/**
 * An IP literal as the DB gives it: dotted-quad IPv4 or IPv6 (ipaddr.js alone would also take
 * "10" or "0x0a.1" as IPv4). IPv4-mapped IPv6 becomes IPv4.
 */
export function parseIp(s: string): Addr | undefined {
  if (!ipaddr.isValid(s)) return undefined;
  if (!s.includes(':') && !ipaddr.IPv4.isValidFourPartDecimal(s)) return undefined;
  return ipaddr.process(s);
}

/**
 * Validate one row (tcp_mgm.md §2): every reason a row is rejected is a message naming the
 * column; the caller logs it and skips the row.
 */
export function parseRule(row: SqlRow, cols: ColumnNames, ctx: RuleContext): { rule: Rule } | { error: string } {
  try {
    return { rule: buildRule(row, cols, ctx) };
  } catch (err) {
    if (err instanceof RowError) return { error: err.message };
    throw err;
  }
}

function buildRule(row: SqlRow, cols: ColumnNames, ctx: RuleContext): Rule {
  const value = (c: Column): SqlValue => row[cols[c]] ?? null;
  const int = (c: Column, o: { unsigned?: boolean; max?: number } = { unsigned: true }): number => {
    const v = value(c);
    if (v === null) bad(`${c} is NULL`);
    let n: number;
    if (typeof v === 'number') n = v;
    else if (typeof v === 'string' && INT_RE.test(v.trim())) n = Number.parseInt(v.trim(), 10);
    else bad(`${c} is not an integer`);
    if (!Number.isSafeInteger(n)) bad(`${c} is not an integer`);
    if (o.unsigned && n < 0) bad(`${c} must not be negative (${n})`);
    if (o.max !== undefined && n > o.max) bad(`${c} must be at most ${o.max} (${n})`);
    return n;
  };
  const text = (c: Column): string | null => {
    const v = value(c);
    if (v === null) return null;
    if (typeof v !== 'string') bad(`${c} is not a string`);
    return v.trim();
  };

  const id = int('id');
  if (id === 0) bad('id 0 is reserved for the default profile');
  const proto = parseProto(text('proto'), ctx);
  const remote = parseNet(text('remote_addr'), 'remote_addr', true);
  const remotePort = int('remote_port', { unsigned: true, max: 65535 });
  const local = parseNet(text('local_addr'), 'local_addr', false);
  const localPort = int('local_port', { unsigned: true, max: 65535 });
  if (remote && local && remote.addr.kind() !== local.addr.kind()) bad('remote_addr and local_addr are of different IP families');
  if (local && !hasListener(ctx.listeners, local.addr, localPort, proto))
    bad(`local_addr ${local.addr.toString()}${localPort ? `:${localPort}` : ''} is not the address of a${proto ? ` ${proto}` : ''} socket of this server`);
  const priority = int('priority', { unsigned: false });
  const attrs = parseAttrs(text('attrs'));

  const keepCount = int('keepcount');
  const keepIdle = int('keepidle');
  const keepInterval = int('keepinterval');
  const profile: TcpProfile = Object.freeze({
    id,
    connectTimeout: int('connect_timeout'),
    conLifetime: int('con_lifetime'),
    msgReadTimeout: int('msg_read_timeout'),
    sendThreshold: int('send_threshold'),
    noNewConn: int('no_new_conn') !== 0,
    aliasMode: int('alias_mode', { unsigned: true, max: 2 }) as 0 | 1 | 2,
    parallelRead: int('parallel_read', { unsigned: true, max: 2 }) as 0 | 1 | 2,
    // a non-zero probe setting forces keepalive on, as for the global tcp_keep* params
    keepalive: int('keepalive') !== 0 || keepCount > 0 || keepIdle > 0 || keepInterval > 0,
    keepCount,
    keepIdle,
    keepInterval,
    attrs,
  });
  return { id, proto, remote, remotePort, local, localPort, priority, profile };
}

function parseProto(v: string | null, ctx: RuleContext): string | null {
  if (v === null) bad('proto is NULL');
  const p = v.toLowerCase();
  if (p === 'any') return null;
  if (DATAGRAM_PROTOS.has(p)) bad(`proto ${p} is not TCP-based`);
  if (!TCP_PROTOS.has(p) && !ctx.isStreamProto(p)) bad(`unknown proto "${v}"`);
  return p;
}

/** "ip[/prefix]" for remote_addr; a plain IP (a host net) for local_addr; NULL or "any" = any. */
function parseNet(v: string | null, col: 'remote_addr' | 'local_addr', prefixAllowed: boolean): Net | null {
  if (v === null || v.toLowerCase() === 'any') return null;
  const slash = v.indexOf('/');
  if (slash >= 0 && !prefixAllowed) bad(`${col} "${v}" must be an IP address (no prefix)`);
  const addr = parseIp(slash >= 0 ? v.slice(0, slash) : v);
  if (!addr) bad(`${col} "${v}" is not an IP address${prefixAllowed ? ' or network' : ''}`);
  const max = addr.kind() === 'ipv4' ? 32 : 128;
  if (slash < 0) return { addr, bits: max };
  const bitsText = v.slice(slash + 1);
  const bits = /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
  if (!(bits >= 0 && bits <= max)) bad(`${col} "${v}" has a bad prefix length (0..${max})`);
  return { addr, bits };
}

/** `key=int;key=int`; the only known key is max_msg_chunks (overrides tcp_max_msg_chunks). */
function parseAttrs(v: string | null): TcpProfile['attrs'] {
  const attrs: { maxMsgChunks?: number } = {};
  if (v === null) return Object.freeze(attrs);
  for (const part of v.split(';')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq < 0) bad(`attrs: "${item}" is not key=value`);
    const key = item.slice(0, eq).trim();
    const val = item.slice(eq + 1).trim();
    if (key !== 'max_msg_chunks') bad(`attrs: unknown attribute "${key}"`);
    if (!/^\d+$/.test(val) || Number(val) < 1) bad(`attrs: max_msg_chunks must be a positive integer, got "${val}"`);
    attrs.maxMsgChunks = Number(val);
  }
  return Object.freeze(attrs);
}

/**
 * local_addr must belong to a configured socket (port and proto too when the rule gives them).
 * A wildcard socket of the family accepts any address; a socket still on port 0 (OS-assigned,
 * not bound yet at start-up) matches any port.
 */
function hasListener(listeners: readonly Listener[], addr: Addr, port: number, proto: string | null): boolean {
  const want = addr.toNormalizedString();
  return listeners.some((l) => {
    if (proto !== null && l.proto !== proto) return false;
    if (port !== 0 && l.port !== 0 && l.port !== port) return false;
    const ip = parseIp(l.ip);
    if (!ip || ip.kind() !== addr.kind()) return false;
    return l.ip === '0.0.0.0' || l.ip === '::' || ip.toNormalizedString() === want;
  });
}
