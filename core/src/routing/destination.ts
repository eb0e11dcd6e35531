import { isIP } from 'node:net';
import { lookup } from 'node:dns';
import { parseUri, type SipUri } from '../sip/uri.js';
import { DEFAULT_PORTS } from '../config/globals.js';
import type { Destination, Listener } from '../net/types.js';

/** Where a SIP URI sends to, before DNS: proto, host, port (RFC 3263 without SRV/NAPTR). */
export interface Target {
  proto: string;
  host: string;
  port: number;
}

/** `transport=` param, else sips -> tls, else udp; port from the URI or the proto default. */
export function targetOf(uri: SipUri): Target {
  const t = uri.params.get('transport');
  const proto = t ? t.toLowerCase() : uri.scheme === 'sips' ? 'tls' : 'udp';
  const port = uri.port ?? DEFAULT_PORTS[proto] ?? 5060;
  const host = uri.host.startsWith('[') ? uri.host.slice(1, -1) : uri.host;
  return { proto, host, port };
}

export function targetOfUri(uri: string): Target {
  return targetOf(parseUri(uri));
}

/**
 * Resolve a target to an IP destination. IP literals answer synchronously (the common case on
 * the hot path); names go through the OS resolver (A/AAAA) and answer later. `done` is called
 * exactly once.
 */
export function resolveTarget(
  t: Target,
  extra: { listener?: Listener | null; conId?: number; noNewConn?: boolean },
  done: (dst: Destination | null, error?: string) => void,
): void {
  if (isIP(t.host)) {
    done({ proto: t.proto, ip: t.host, port: t.port, ...extra });
    return;
  }
  lookup(t.host, (err, address) => {
    if (err) done(null, `cannot resolve ${t.host}: ${err.code ?? err.message}`);
    else done({ proto: t.proto, ip: address, port: t.port, ...extra });
  });
}
