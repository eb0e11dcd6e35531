import { isIPv6 } from 'node:net';
import type { Listener } from '../net/types.js';

/**
 * Choosing the local socket for an outgoing message, and what that socket writes about itself
 * (Via sent-by, Record-Route host): the advertised address (`as`) when configured.
 */
export function pickListener(
  listeners: readonly Listener[],
  proto: string,
  ip: string,
  preferred: Listener | null | undefined,
): Listener | undefined {
  const family = isIPv6(ip) ? 6 : 4;
  if (preferred && preferred.proto === proto && preferred.family === family) return preferred;
  let fallback: Listener | undefined;
  for (const l of listeners) {
    if (l.proto !== proto) continue;
    if (l.family === family) return l;
    fallback ??= l;
  }
  return fallback;
}

/** host[:port] as it goes into Via / Record-Route for a listener. */
export function advertisedHostPort(l: Listener): string {
  const host = l.advertisedHost ?? l.ip;
  const port = l.advertisedPort ?? l.port;
  return `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}

/** The Via value a proxy pushes for a branch: `SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK...` */
export function viaValue(l: Listener, branch: string): string {
  return `SIP/2.0/${l.proto.toUpperCase()} ${advertisedHostPort(l)};branch=${branch}`;
}
