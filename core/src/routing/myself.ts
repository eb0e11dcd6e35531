import { isIP } from 'node:net';
import type { CoreConfig } from '../config/globals.js';
import type { Listener } from '../net/types.js';

/**
 * `myself`: is a host[:port] one of ours? True for a listener's IP or advertised name, or an
 * `alias=`, on a matching port (a missing port matches the listener's default-port rules:
 * OpenSIPS treats no port as 5060 for sip). Wildcard listeners (0.0.0.0 / ::) match any IP.
 */
export class Myself {
  constructor(
    private readonly listeners: () => readonly Listener[],
    private readonly aliases: CoreConfig['aliases'],
  ) {}

  host(host: string, port: number | undefined): boolean {
    const h = (host.startsWith('[') ? host.slice(1, -1) : host).toLowerCase();
    for (const l of this.listeners()) {
      const p = l.advertisedPort ?? l.port;
      if (port !== undefined && port !== p) continue;
      if (port === undefined && p !== 5060 && p !== 5061) continue;
      if (h === l.ip || h === (l.advertisedHost ?? '').toLowerCase()) return true;
      if ((l.ip === '0.0.0.0' || l.ip === '::') && isIP(h)) return true;
    }
    for (const a of this.aliases) {
      if (a.host.toLowerCase() !== h) continue;
      if (a.port === undefined || port === undefined || a.port === port) return true;
    }
    return false;
  }

  /** A URI (`sip:user@host:port;params`), a `host:port` or a bare IP. */
  value(v: string): boolean {
    let s = v.trim();
    const colon = s.indexOf(':');
    if (/^(sips?|tel):/i.test(s)) s = s.slice(colon + 1);
    const at = s.lastIndexOf('@');
    if (at >= 0) s = s.slice(at + 1);
    s = s.split(/[;?>]/, 1)[0]!;
    if (s.startsWith('[')) {
      const end = s.indexOf(']');
      const port = s[end + 1] === ':' ? Number(s.slice(end + 2)) : undefined;
      return this.host(s.slice(0, end + 1), port);
    }
    if (isIP(s) === 6) return this.host(s, undefined);
    const i = s.lastIndexOf(':');
    return i >= 0 ? this.host(s.slice(0, i), Number(s.slice(i + 1))) : this.host(s, undefined);
  }
}
