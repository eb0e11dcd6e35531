/**
 * The values of `socket=` / `listen=` and `alias=`: `[proto:]host[:port]`, IPv6 in brackets,
 * and for sockets the `as host[:port]` (advertised address) and `tag name` options.
 * Each function returns the parsed value or an error message.
 */
export interface Address {
  proto?: string;
  host: string;
  port?: number;
}

export interface SocketSpec extends Address {
  asHost?: string;
  asPort?: number;
  tag?: string;
}

const PROTO = /^([a-z][a-z0-9_]*):(.+)$/i;

function parsePort(text: string): number | string {
  if (!/^\d+$/.test(text)) return `bad port '${text}'`;
  const port = Number.parseInt(text, 10);
  return port > 65535 ? `port ${port} is out of range (0-65535)` : port;
}

/** `host[:port]` or `[v6][:port]`, no proto. */
function parseHostPort(text: string): Address | string {
  let host: string;
  let rest: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return `missing ']' in '${text}'`;
    host = text.slice(1, close);
    rest = text.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return `unexpected '${rest}' after [${host}]`;
    rest = rest.slice(1);
  } else {
    const colon = text.indexOf(':');
    if (colon >= 0 && text.indexOf(':', colon + 1) >= 0) return `IPv6 address '${text}' must be written in brackets: [addr]:port`;
    host = colon < 0 ? text : text.slice(0, colon);
    rest = colon < 0 ? '' : text.slice(colon + 1);
    if (colon >= 0 && rest === '') return `missing port after '${host}:'`;
  }
  if (host === '') return `missing host in '${text}'`;
  if (rest === '') return { host };
  const port = parsePort(rest);
  return typeof port === 'string' ? port : { host, port };
}

/** `[proto:]host[:port]`: a leading word is a proto unless what follows is only a port. */
export function parseAddress(text: string): Address | string {
  const m = PROTO.exec(text);
  if (m && !/^\d+$/.test(m[2]!)) {
    const addr = parseHostPort(m[2]!);
    return typeof addr === 'string' ? addr : { proto: m[1]!.toLowerCase(), ...addr };
  }
  return parseHostPort(text);
}

/** `udp:127.0.0.1:5060 as 1.2.3.4:5080 tag mytag` */
export function parseSocket(text: string): SocketSpec | string {
  const words = text.split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return 'missing socket address';
  const addr = parseAddress(words[0]!);
  if (typeof addr === 'string') return addr;
  const spec: SocketSpec = { ...addr };
  for (let i = 1; i < words.length; i += 2) {
    const word = words[i]!.toLowerCase();
    const arg = words[i + 1];
    if (arg === undefined) return `'${word}' needs a value`;
    if (word === 'as') {
      const adv = parseHostPort(arg);
      if (typeof adv === 'string') return adv;
      spec.asHost = adv.host;
      if (adv.port !== undefined) spec.asPort = adv.port;
    } else if (word === 'tag') spec.tag = arg;
    else return `unknown socket option '${words[i]}' (expected 'as' or 'tag')`;
  }
  return spec;
}
