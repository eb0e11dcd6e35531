import ipaddr from 'ipaddr.js';
import { parseUri, uriHostPort } from '@tsips/core';

const PORT_RE = /^\d{1,5}$/;

/**
 * The peer address tcp_con_alive / tcp_get_conid take: "ip[:port]", "[ipv6][:port]" or a
 * sip:/sips: URI. The port defaults to 5060 (5061 for sips:). Only IP literals are accepted:
 * a host name would need DNS, which these synchronous functions do not do.
 * Returns the address in the form the TCP manager keys connections by.
 */
export function parsePeer(text: string): { ip: string; port: number } | undefined {
  const s = text.trim();
  let host: string;
  let port: number | undefined;
  if (/^sips?:/i.test(s)) {
    let u;
    try {
      u = parseUri(s);
    } catch {
      return undefined;
    }
    ({ host, port } = uriHostPort(u));
    port ??= u.scheme === 'sips' ? 5061 : 5060;
  } else if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0) return undefined;
    host = s.slice(1, close);
    const rest = s.slice(close + 1);
    if (rest !== '' && !(rest.startsWith(':') && PORT_RE.test(rest.slice(1)))) return undefined;
    port = rest === '' ? 5060 : Number(rest.slice(1));
  } else {
    const colon = s.indexOf(':');
    // more than one ':' is a bare IPv6 address (no port)
    if (colon >= 0 && colon === s.lastIndexOf(':')) {
      const p = s.slice(colon + 1);
      if (!PORT_RE.test(p)) return undefined;
      host = s.slice(0, colon);
      port = Number(p);
    } else {
      host = s;
      port = 5060;
    }
  }
  if (port < 1 || port > 65535) return undefined;
  const ip = normalizeIp(host);
  return ip === undefined ? undefined : { ip, port };
}

function normalizeIp(host: string): string | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(host)) return ipaddr.IPv4.parse(host).toString();
  if (ipaddr.IPv6.isValid(host)) return ipaddr.process(host).toString();
  return undefined;
}
