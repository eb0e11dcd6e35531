import { describe, expect, it } from 'vitest';
import type { ProfileQuery } from '@tsips/core';
import type { SqlRow } from '@tsips/db_sqlite';
import { parseRule, RuleSet, type Rule } from '../src/index.js';
import { CTX, DEFAULT_COLS, row } from './helpers.js';

const rule = (over: SqlRow): Rule => {
  const r = parseRule(row(over), DEFAULT_COLS, CTX);
  if ('error' in r) throw new Error(r.error);
  return r.rule;
};
const q = (over: Partial<ProfileQuery>): ProfileQuery => ({ proto: 'tcp', remoteIp: '192.0.2.1', remotePort: 40000, localIp: '127.0.0.1', localPort: 5060, ...over });

describe('tcp_mgm rule order and lookup (tcp_mgm.md §3)', () => {
  // the worked example of §8
  const example = new RuleSet([
    rule({ id: 1, proto: 'any' }),
    rule({ id: 2, proto: 'tcp', remote_addr: '10.0.0.0/8' }),
    rule({ id: 3, proto: 'tcp', remote_addr: '10.1.0.0/16' }),
    rule({ id: 4, proto: 'any', remote_addr: '10.1.2.3/32', remote_port: 5060 }),
    rule({ id: 5, proto: 'tls', priority: -1 }),
  ]);

  it('sorts by priority, then specific proto, then prefix length (the worked example)', () => {
    expect(example.rules.map((r) => r.id)).toEqual([5, 3, 2, 4, 1]);
  });

  it('matches the first rule in that order', () => {
    const id = (o: Partial<ProfileQuery>) => example.lookup(q(o))?.id;
    expect(id({ remoteIp: '10.1.2.3', remotePort: 5060 })).toBe(3); // proto specificity beats the /32
    expect(id({ proto: 'tls', remoteIp: '10.1.2.3', remotePort: 5060 })).toBe(5);
    expect(id({ remoteIp: '10.9.9.9' })).toBe(2);
    expect(id({ remoteIp: '192.168.1.1' })).toBe(1);
    expect(id({ proto: 'ws', remoteIp: '10.1.2.3', remotePort: 5060 })).toBe(4);
    expect(id({ proto: 'ws', remoteIp: '10.1.2.3', remotePort: 5061 })).toBe(1);
    // proto NONE (unknown) skips the proto test: the priority -1 tls rule wins
    expect(id({ proto: '', remoteIp: '10.1.2.3' })).toBe(5);
  });

  it('orders the remaining keys: remote port, local address, local prefix, local port', () => {
    const set = new RuleSet([
      rule({ id: 1, local_addr: '127.0.0.1', local_port: 0 }),
      rule({ id: 2, local_addr: null, local_port: 5060 }),
      rule({ id: 3, local_addr: '127.0.0.1', local_port: 5060 }),
      rule({ id: 4, remote_port: 5070 }),
      rule({ id: 5 }),
    ]);
    expect(set.rules.map((r) => r.id)).toEqual([4, 3, 1, 2, 5]);
    expect(set.lookup(q({ remotePort: 5070 }))?.id).toBe(4);
    expect(set.lookup(q({}))?.id).toBe(3);
    expect(set.lookup(q({ localPort: 5080 }))?.id).toBe(1);
    expect(set.lookup(q({ localIp: '127.0.0.2' }))?.id).toBe(2);
    expect(set.lookup(q({ localIp: '127.0.0.2', localPort: 5080 }))?.id).toBe(5);
  });

  it('matches IPv6 networks only against IPv6 addresses; IPv4-mapped addresses count as IPv4', () => {
    const set = new RuleSet([rule({ id: 1, remote_addr: '::1' }), rule({ id: 2, remote_addr: '2001:db8::/32' }), rule({ id: 3, remote_addr: '0.0.0.0/0' })]);
    expect(set.lookup(q({ remoteIp: '::1' }))?.id).toBe(1);
    expect(set.lookup(q({ remoteIp: '2001:db8:ffff::1' }))?.id).toBe(2);
    expect(set.lookup(q({ remoteIp: '2001:db9::1' }))).toBeUndefined();
    expect(set.lookup(q({ remoteIp: '::ffff:10.0.0.1' }))?.id).toBe(3);
    expect(set.lookup(q({ remoteIp: '10.0.0.1' }))?.id).toBe(3);
  });

  it('returns undefined when nothing matches (the core then uses its default profile)', () => {
    expect(new RuleSet([]).lookup(q({}))).toBeUndefined();
    expect(new RuleSet([rule({ id: 1, proto: 'tls' })]).lookup(q({}))).toBeUndefined();
  });
});
