import { isIP } from 'node:net';

/** The parts of an MSRP URI (RFC 4975 §9) the relay looks at. */
export interface MsrpUri {
  /** the URI as written */
  readonly whole: string;
  /** msrps */
  readonly secured: boolean;
  /** lower-cased; IPv6 without brackets */
  readonly host: string;
  /** 0 when the URI has no explicit port */
  readonly port: number;
  /** the session-id path part ('' when absent) */
  readonly session: string;
  /** lower-cased transport parameter ('tcp') */
  readonly transport: string;
}

// scheme://[userinfo@]host[:port][/session-id];transport[;params]
const URI_RE = /^(msrps?):\/\/(?:[^@/;]*@)?(\[[0-9a-f:.]+\]|[^:/;[\]]+)(?::(\d{1,5}))?(?:\/([^;]*))?;([^;]+)/i;

/** Parse an MSRP URI; undefined when it is not one. */
export function parseMsrpUri(text: string): MsrpUri | undefined {
  const m = URI_RE.exec(text);
  if (!m) return undefined;
  const port = m[3] === undefined ? 0 : Number(m[3]);
  if (port > 65535) return undefined;
  let host = m[2]!.toLowerCase();
  if (host.startsWith('[')) host = host.slice(1, -1);
  return {
    whole: text,
    secured: m[1]!.length === 5,
    host,
    port,
    session: m[4] ?? '',
    transport: m[5]!.toLowerCase(),
  };
}

/** An IPv6 literal in its canonical text form (the URL parser compresses and lower-cases it). */
function canonicalIp6(host: string): string {
  try {
    return new URL(`http://[${host}]/`).hostname;
  } catch {
    return host;
  }
}

/** Same host: IP literals compared as addresses, names case-insensitively (already lower-cased). */
export function sameHost(a: string, b: string): boolean {
  if (a === b) return true;
  const fa = isIP(a);
  if (fa !== 6 || isIP(b) !== 6) return false;
  return canonicalIp6(a) === canonicalIp6(b);
}

/**
 * RFC 4975 §6.1 URI comparison as the relay uses it to recognise its own URIs: same scheme,
 * same host, same port when either gives one, same transport. The session part is ignored.
 */
export function sameRelayUri(a: MsrpUri, b: MsrpUri): boolean {
  return a.secured === b.secured && a.port === b.port && a.transport === b.transport && sameHost(a.host, b.host);
}

/** The relay's URI (scheme, host, port, transport) with a session id: what Use-Path carries. */
export function withSession(my: MsrpUri, session: string): string {
  const host = isIP(my.host) === 6 ? `[${my.host}]` : my.host;
  return `${my.secured ? 'msrps' : 'msrp'}://${host}:${my.port}/${session};${my.transport}`;
}
