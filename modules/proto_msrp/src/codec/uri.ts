/*
 * MSRP URIs (msrp.md §2): msrp[s]://[userinfo@]host[:port][/session-id];transport*(;param).
 * Parsed on demand (dispatch reads the top To-Path URI; forwarding reads the next hop).
 */
export interface MsrpUri {
  /** msrps (TLS) */
  readonly secured: boolean;
  readonly user: string | undefined;
  /** host name or IP literal; IPv6 without brackets */
  readonly host: string;
  /** 0 when the URI has none */
  readonly port: number;
  readonly sessionId: string;
  /** normally "tcp" */
  readonly transport: string;
  /** the ";name[=value]" parameters after the transport, as written */
  readonly params: readonly string[];
}

// reg-name (RFC 3986 unreserved / pct-encoded / sub-delims) and session-id characters
const HOST_RE = /^[A-Za-z0-9\-._~%!$&'()*+,=]+$/;
const SESSION_RE = /^[A-Za-z0-9\-._~+=/]+$/;
const TRANSPORT_RE = /^[A-Za-z0-9]+$/;
const PARAM_RE = /^[A-Za-z0-9\-._~%!$&'()*+,=:]+$/;

/** Parse an MSRP URI; undefined when it does not follow the grammar. */
export function parseMsrpUri(s: string): MsrpUri | undefined {
  const colon = s.indexOf('://');
  if (colon < 0) return undefined;
  const scheme = s.slice(0, colon).toLowerCase();
  if (scheme !== 'msrp' && scheme !== 'msrps') return undefined;
  const semi = s.indexOf(';', colon + 3);
  if (semi < 0) return undefined;
  const params = s.slice(semi + 1).split(';');
  const transport = params.shift()!;
  if (!TRANSPORT_RE.test(transport) || !params.every((p) => PARAM_RE.test(p))) return undefined;

  let rest = s.slice(colon + 3, semi);
  let sessionId = '';
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    sessionId = rest.slice(slash + 1);
    rest = rest.slice(0, slash);
    if (!SESSION_RE.test(sessionId)) return undefined;
  }
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
  }
  let host: string;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return undefined;
    host = rest.slice(1, close);
    if (!/^[0-9A-Fa-f:.]+$/.test(host) || !host.includes(':')) return undefined;
    const after = rest.slice(close + 1);
    if (after !== '') {
      if (after[0] !== ':') return undefined;
      portText = after.slice(1);
    }
  } else {
    const pc = rest.lastIndexOf(':');
    host = pc >= 0 ? rest.slice(0, pc) : rest;
    if (pc >= 0) portText = rest.slice(pc + 1);
    if (!HOST_RE.test(host)) return undefined;
  }
  let port = 0;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText)) return undefined;
    port = Number(portText);
    if (port < 1 || port > 65535) return undefined;
  }
  return { secured: scheme === 'msrps', user, host, port, sessionId, transport, params };
}
