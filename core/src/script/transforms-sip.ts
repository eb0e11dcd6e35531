import { intOf, lastParse, strOf, textOf, type TrArg, type TrSpec } from './transform-spec.js';
import type { ScriptContext } from './context.js';
import type { ScriptValue } from './values.js';

/**
 * uri.*, param.* and nameaddr.* transformations. They work on the text as written (no %HH
 * decoding, parameters as they appear), as Kamailio's do: a part that is absent is '', a
 * value that does not parse gives null. These splitters are deliberately lenient views of
 * text; the message parser (sip/) is what validates messages.
 */

// ---------------------------------------------------------------- uri

interface UriParts {
  scheme: string;
  user: string;
  passwd: string;
  host: string;
  /** '' when absent */
  port: number | '';
  params: string;
  headers: string;
}

const SCHEME = /^(sips?|tels?):/i;
const PORT = /^\d{1,5}$/;

/** A sip:/sips:/tel: URI cut into its parts, or null. */
export function splitUri(s: string): UriParts | null {
  const m = SCHEME.exec(s);
  if (!m) return null;
  const scheme = m[1]!.toLowerCase();
  let rest = s.slice(m[0].length);
  const q = rest.indexOf('?');
  const headers = q < 0 ? '' : rest.slice(q + 1);
  if (q >= 0) rest = rest.slice(0, q);
  if (scheme.startsWith('tel')) {
    const semi = rest.indexOf(';');
    const user = semi < 0 ? rest : rest.slice(0, semi);
    return user === '' ? null : { scheme, user, passwd: '', host: '', port: '', params: semi < 0 ? '' : rest.slice(semi + 1), headers };
  }
  let user = '';
  let passwd = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    const info = rest.slice(0, at);
    const colon = info.indexOf(':');
    user = colon < 0 ? info : info.slice(0, colon);
    passwd = colon < 0 ? '' : info.slice(colon + 1);
    rest = rest.slice(at + 1);
  }
  const semi = rest.indexOf(';');
  const hostport = semi < 0 ? rest : rest.slice(0, semi);
  const params = semi < 0 ? '' : rest.slice(semi + 1);
  let close = 0;
  if (hostport.startsWith('[')) {
    close = hostport.indexOf(']') + 1;
    if (close === 0) return null;
  }
  const colon = hostport.indexOf(':', close);
  const host = colon < 0 ? hostport : hostport.slice(0, colon);
  const portText = colon < 0 ? '' : hostport.slice(colon + 1);
  if (host === '' || (close === 0 && host.includes('[')) || (colon >= 0 && !PORT.test(portText))) return null;
  return { scheme, user, passwd, host, port: portText === '' ? '' : Number.parseInt(portText, 10), params, headers };
}

function uriPart(pick: (u: UriParts) => ScriptValue): TrSpec {
  return {
    args: [],
    make: () => {
      const parse = lastParse(splitUri);
      return (v) => {
        const u = parse(strOf(v));
        return u === null ? null : pick(u);
      };
    },
  };
}

/** `{uri.transport}` is `{uri.param,transport}`: a named parameter of the URI. */
function uriParam(name: string): TrSpec {
  return uriPart((u) => paramValue(splitParams(u.params, ';'), name));
}

// ---------------------------------------------------------------- param lists

/** `a=1;b;c="x;y"` split on `sep` outside double quotes, blanks trimmed, empty items dropped. */
export function splitParams(s: string, sep: string): [name: string, value: string][] {
  const out: [string, string][] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i <= s.length; i++) {
    const c = s[i];
    if (c === '"' && s[i - 1] !== '\\') quoted = !quoted;
    else if (i === s.length || (c === sep && !quoted)) {
      const item = s.slice(start, i).trim();
      start = i + 1;
      if (item === '') continue;
      const eq = item.indexOf('=');
      out.push(eq < 0 ? [item, ''] : [item.slice(0, eq).trim(), item.slice(eq + 1).trim()]);
    }
  }
  return out;
}

function find(list: [string, string][], name: string): [string, string] | undefined {
  const lower = name.toLowerCase();
  for (const p of list) if (p[0].toLowerCase() === lower) return p;
  return undefined;
}

function paramValue(list: [string, string][], name: string): string {
  return find(list, name)?.[1] ?? '';
}

/** A param.* transformation: `key` is its first argument (a name or an index), then an optional separator. */
function paramOp(usage: string, keyKind: 'str' | 'int', op: (list: [string, string][], key: ScriptValue) => ScriptValue): TrSpec {
  return {
    usage,
    args: [keyKind, 'char?'],
    make: ([key, sep]: readonly TrArg[]) => {
      const parse = paramParser(sep);
      return (v, ctx) => {
        const list = parse(strOf(v), ctx);
        return list === null ? null : op(list, key!(ctx));
      };
    },
  };
}

/** Parses with the separator argument (';' by default); null when the separator is not one character. */
function paramParser(sep: TrArg | undefined): (s: string, ctx: ScriptContext) => [string, string][] | null {
  const bySemi = lastParse((s: string) => splitParams(s, ';'));
  if (sep === undefined) return bySemi;
  return (s, ctx) => {
    const c = textOf(sep(ctx));
    return c.length !== 1 ? null : c === ';' ? bySemi(s) : splitParams(s, c);
  };
}

function at(list: [string, string][], key: ScriptValue): [string, string] | undefined {
  const i = intOf(key);
  return i === null ? undefined : list[i < 0 ? list.length + i : i];
}

// ---------------------------------------------------------------- name-addr

interface NameAddrParts {
  name: string;
  uri: string;
  /** length of the name-addr (through '>'), or of the addr-spec */
  len: number;
  params: string;
}

/** `"Name" <uri>;params` or `uri;params` (whose parameters belong to the header, RFC 3261 20). */
export function splitNameAddr(s: string): NameAddrParts | null {
  let i = 0;
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      for (i++; i < s.length && s[i] !== '"'; i++) if (s[i] === '\\') i++;
      if (i >= s.length) return null;
    } else if (c === '<') break;
  }
  if (i < s.length) {
    const close = s.indexOf('>', i);
    if (close < 0) return null;
    const semi = s.indexOf(';', close);
    return { name: s.slice(0, i).trim(), uri: s.slice(i + 1, close).trim(), len: close + 1, params: semi < 0 ? '' : s.slice(semi + 1) };
  }
  const text = s.trim();
  const semi = text.indexOf(';');
  const uri = semi < 0 ? text : text.slice(0, semi);
  return { name: '', uri, len: uri.length, params: semi < 0 ? '' : text.slice(semi + 1) };
}

function nameAddrPart(pick: (n: NameAddrParts) => ScriptValue): TrSpec {
  return {
    args: [],
    make: () => {
      const parse = lastParse(splitNameAddr);
      return (v) => {
        const n = parse(strOf(v));
        return n === null ? null : pick(n);
      };
    },
  };
}

export const SIP_TRANSFORMS: Record<string, TrSpec> = {
  'uri.user': uriPart((u) => u.user),
  'uri.passwd': uriPart((u) => u.passwd),
  'uri.host': uriPart((u) => u.host),
  'uri.port': uriPart((u) => u.port),
  'uri.params': uriPart((u) => u.params),
  'uri.headers': uriPart((u) => u.headers),
  'uri.scheme': uriPart((u) => u.scheme),
  'uri.transport': uriParam('transport'),
  'uri.ttl': uriParam('ttl'),
  'uri.maddr': uriParam('maddr'),
  'uri.method': uriParam('method'),
  'uri.param': {
    usage: 'name',
    args: ['str'],
    make: ([name]) => {
      const parse = lastParse(splitUri);
      const params = lastParse((p: string) => splitParams(p, ';'));
      return (v, ctx) => {
        const u = parse(strOf(v));
        return u === null ? null : paramValue(params(u.params), textOf(name!(ctx)));
      };
    },
  },
  'param.value': paramOp('name[,separator]', 'str', (list, key) => paramValue(list, textOf(key))),
  'param.in': paramOp('name[,separator]', 'str', (list, key) => (find(list, textOf(key)) ? 1 : 0)),
  'param.valueat': paramOp('index[,separator]', 'int', (list, key) => at(list, key)?.[1] ?? ''),
  'param.name': paramOp('index[,separator]', 'int', (list, key) => at(list, key)?.[0] ?? ''),
  'param.count': {
    usage: '[separator]',
    args: ['char?'],
    make: ([sep]) => {
      const parse = paramParser(sep);
      return (v, ctx) => parse(strOf(v), ctx)?.length ?? null;
    },
  },
  'nameaddr.uri': nameAddrPart((n) => n.uri),
  'nameaddr.name': nameAddrPart((n) => n.name),
  'nameaddr.len': nameAddrPart((n) => n.len),
  'nameaddr.params': nameAddrPart((n) => n.params),
  'nameaddr.param': {
    usage: 'name',
    args: ['str'],
    make: ([name]) => {
      const parse = lastParse(splitNameAddr);
      return (v, ctx) => {
        const n = parse(strOf(v));
        return n === null ? null : paramValue(splitParams(n.params, ';'), textOf(name!(ctx)));
      };
    },
  },
};
