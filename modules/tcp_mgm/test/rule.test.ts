import { describe, expect, it } from 'vitest';
import { parseRule, type ColumnNames, type Rule } from '../src/index.js';
import { COLUMNS } from '../src/columns.js';
import { CTX, DEFAULT_COLS, row } from './helpers.js';
import type { SqlRow } from '@tsips/db_sqlite';

const ok = (r: SqlRow, cols: ColumnNames = DEFAULT_COLS): Rule => {
  const res = parseRule(r, cols, CTX);
  if ('error' in res) throw new Error(res.error);
  return res.rule;
};
const err = (r: SqlRow): string => {
  const res = parseRule(r, DEFAULT_COLS, CTX);
  if ('rule' in res) throw new Error('row accepted');
  return res.error;
};

describe('tcp_mgm row validation (tcp_mgm.md §2)', () => {
  it('turns a row with the schema defaults into a catch-all rule with the 12 profile attributes', () => {
    const r = ok(row({ id: 7 }));
    expect(r).toMatchObject({ id: 7, proto: null, remote: null, remotePort: 0, local: null, localPort: 0, priority: 0 });
    expect(r.profile).toEqual({
      id: 7,
      connectTimeout: 100,
      conLifetime: 120,
      msgReadTimeout: 4,
      sendThreshold: 0,
      noNewConn: false,
      aliasMode: 0,
      parallelRead: 0,
      keepalive: true,
      keepCount: 9,
      keepIdle: 7200,
      keepInterval: 75,
      attrs: {},
    });
    expect(Object.isFrozen(r.profile)).toBe(true);
  });

  it('maps each *_col param to its own column', () => {
    const renamed = Object.fromEntries(COLUMNS.map((c) => [c, `x_${c}`])) as ColumnNames;
    const src = row({ id: 3, con_lifetime: 900, keepidle: 11, keepinterval: 12, keepcount: 13, connect_timeout: 14, msg_read_timeout: 15, send_threshold: 16, priority: -2 });
    const r = ok(Object.fromEntries(Object.entries(src).map(([k, v]) => [`x_${k}`, v])), renamed);
    expect(r.priority).toBe(-2);
    expect(r.profile).toMatchObject({ id: 3, conLifetime: 900, keepIdle: 11, keepInterval: 12, keepCount: 13, connectTimeout: 14, msgReadTimeout: 15, sendThreshold: 16 });
  });

  it('accepts TCP-based protos in any case and "any"; rejects udp, sctp, hep_udp and unknown names', () => {
    expect(ok(row({ proto: 'TCP' })).proto).toBe('tcp');
    expect(ok(row({ proto: 'Any' })).proto).toBeNull();
    for (const p of ['tls', 'ws', 'wss', 'bin', 'hep_tcp', 'msrp', 'myproto']) expect(ok(row({ proto: p })).proto).toBe(p);
    for (const p of ['udp', 'SCTP', 'hep_udp']) expect(err(row({ proto: p }))).toMatch(/is not TCP-based/);
    expect(err(row({ proto: 'carrier-pigeon' }))).toMatch(/unknown proto/);
    expect(err(row({ proto: null }))).toBe('proto is NULL');
  });

  it('parses remote_addr as ip[/prefix] (IPv4 and IPv6); NULL or "any" is any', () => {
    expect(ok(row({ remote_addr: '10.1.0.0/16' })).remote).toMatchObject({ bits: 16 });
    expect(ok(row({ remote_addr: '10.1.2.3' })).remote).toMatchObject({ bits: 32 });
    expect(ok(row({ remote_addr: '2001:db8::/32' })).remote).toMatchObject({ bits: 32 });
    expect(ok(row({ remote_addr: '::1' })).remote).toMatchObject({ bits: 128 });
    expect(ok(row({ remote_addr: 'ANY' })).remote).toBeNull();
    expect(err(row({ remote_addr: '10.1.0.0/33' }))).toMatch(/bad prefix length/);
    expect(err(row({ remote_addr: '10.1' }))).toMatch(/not an IP address/);
    expect(err(row({ remote_addr: 'example.com' }))).toMatch(/not an IP address/);
    expect(err(row({ remote_addr: '' }))).toMatch(/not an IP address/);
  });

  it('requires local_addr to be the IP of a socket of this server (with local_port and proto when given)', () => {
    expect(ok(row({ local_addr: '127.0.0.1' })).local).toMatchObject({ bits: 32 });
    expect(ok(row({ local_addr: '127.0.0.1', local_port: 5061, proto: 'tls' })).localPort).toBe(5061);
    expect(ok(row({ local_addr: '::1', local_port: 5070 })).local).toMatchObject({ bits: 128 });
    expect(err(row({ local_addr: '127.0.0.2' }))).toMatch(/is not the address of a socket/);
    expect(err(row({ local_addr: '127.0.0.1', local_port: 5999 }))).toMatch(/127\.0\.0\.1:5999 is not the address/);
    expect(err(row({ local_addr: '::1', proto: 'tls' }))).toMatch(/not the address of a tls socket/);
    expect(err(row({ local_addr: '127.0.0.0/8' }))).toMatch(/no prefix/);
  });

  it('rejects remote and local addresses of different families', () => {
    expect(err(row({ remote_addr: '10.0.0.0/8', local_addr: '::1' }))).toMatch(/different IP families/);
  });

  it('accepts NULL only in remote_addr, local_addr and attrs', () => {
    expect(ok(row({ remote_addr: null, local_addr: null, attrs: null })).profile.attrs).toEqual({});
    for (const col of ['id', 'remote_port', 'local_port', 'priority', 'connect_timeout', 'con_lifetime', 'msg_read_timeout', 'send_threshold', 'no_new_conn', 'alias_mode', 'parallel_read', 'keepalive', 'keepcount', 'keepidle', 'keepinterval'])
      expect(err(row({ [col]: null }))).toBe(`${col} is NULL`);
  });

  it('checks integer ranges: ports, alias_mode and parallel_read, unsigned columns, id 0', () => {
    expect(err(row({ remote_port: 65536 }))).toMatch(/remote_port must be at most 65535/);
    expect(err(row({ alias_mode: 3 }))).toMatch(/alias_mode must be at most 2/);
    expect(err(row({ parallel_read: 3 }))).toMatch(/parallel_read must be at most 2/);
    expect(err(row({ con_lifetime: -1 }))).toMatch(/con_lifetime must not be negative/);
    expect(err(row({ keepidle: 'soon' }))).toMatch(/keepidle is not an integer/);
    expect(err(row({ id: 0 }))).toMatch(/reserved for the default profile/);
    expect(ok(row({ alias_mode: 2, parallel_read: '2', con_lifetime: '30' })).profile).toMatchObject({ aliasMode: 2, parallelRead: 2, conLifetime: 30 });
    expect(ok(row({ priority: -5 })).priority).toBe(-5);
  });

  it('reads attrs as key=int pairs: only max_msg_chunks is known', () => {
    expect(ok(row({ attrs: 'max_msg_chunks=16' })).profile.attrs).toEqual({ maxMsgChunks: 16 });
    expect(ok(row({ attrs: ' max_msg_chunks = 8 ; ' })).profile.attrs).toEqual({ maxMsgChunks: 8 });
    expect(err(row({ attrs: 'max_chunks=8' }))).toMatch(/unknown attribute "max_chunks"/);
    expect(err(row({ attrs: 'max_msg_chunks=many' }))).toMatch(/must be a positive integer/);
    expect(err(row({ attrs: 'max_msg_chunks' }))).toMatch(/is not key=value/);
  });

  it('a non-zero keepcount/keepidle/keepinterval forces keepalive on; no_new_conn is a boolean', () => {
    expect(ok(row({ keepalive: 0, keepcount: 0, keepidle: 0, keepinterval: 0 })).profile.keepalive).toBe(false);
    expect(ok(row({ keepalive: 0, keepcount: 0, keepidle: 30, keepinterval: 0 })).profile.keepalive).toBe(true);
    expect(ok(row({ keepalive: 0, keepcount: 3, keepidle: 0, keepinterval: 0 })).profile.keepalive).toBe(true);
    expect(ok(row({ no_new_conn: 5 })).profile.noNewConn).toBe(true);
  });
});
