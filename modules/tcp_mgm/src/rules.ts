import type { ProfileQuery, TcpProfile } from '@tsips/core';
import { parseIp, type Addr, type Net, type Rule } from './rule.js';

/** null ("any") sorts after a specific value */
const specificFirst = (a: unknown, b: unknown): number => (a === null ? 1 : 0) - (b === null ? 1 : 0);
const portFirst = (a: number, b: number): number => (a === 0 ? 1 : 0) - (b === 0 ? 1 : 0);
const longerFirst = (a: Net | null, b: Net | null): number => (b?.bits ?? 0) - (a?.bits ?? 0);

/**
 * The rule order of tcp_mgm.md §3, first difference decides: priority ascending, specific proto
 * before any, specific remote before any, longer remote prefix, specific remote port, specific
 * local before any, longer local prefix, specific local port. Ties keep table (id) order.
 */
export function compareRules(a: Rule, b: Rule): number {
  return (
    a.priority - b.priority ||
    specificFirst(a.proto, b.proto) ||
    specificFirst(a.remote, b.remote) ||
    longerFirst(a.remote, b.remote) ||
    portFirst(a.remotePort, b.remotePort) ||
    specificFirst(a.local, b.local) ||
    longerFirst(a.local, b.local) ||
    portFirst(a.localPort, b.localPort)
  );
}

function inNet(ip: Addr | undefined, net: Net): boolean {
  return ip !== undefined && ip.kind() === net.addr.kind() && ip.match(net.addr, net.bits);
}

/** An immutable, sorted rule set; a reload builds a new one and swaps it in whole. */
export class RuleSet {
  readonly rules: readonly Rule[];

  constructor(rules: readonly Rule[]) {
    this.rules = Object.freeze([...rules].sort(compareRules));
  }

  /**
   * The first rule (in sorted order) that matches the path, or undefined (then the core uses
   * its default profile). Proto '' or 'none' (unknown) skips the proto test.
   */
  lookup(q: ProfileQuery): TcpProfile | undefined {
    // the addresses are parsed on first use: rules without networks never need them
    let remote: Addr | undefined;
    let local: Addr | undefined;
    const anyProto = q.proto === '' || q.proto === 'none';
    for (const r of this.rules) {
      if (r.proto !== null && !anyProto && r.proto !== q.proto) continue;
      if (r.remotePort !== 0 && r.remotePort !== q.remotePort) continue;
      if (r.localPort !== 0 && r.localPort !== q.localPort) continue;
      if (r.remote && !inNet((remote ??= parseIp(q.remoteIp)), r.remote)) continue;
      if (r.local && !inNet((local ??= parseIp(q.localIp)), r.local)) continue;
      return r.profile;
    }
    return undefined;
  }
}
