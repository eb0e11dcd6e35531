import { createRequire } from 'node:module';

/**
 * The parsers compared by the `parse` suite, each driven through its own public entry
 * point and read through its own API. Every adapter fills the same reusable `Fields`
 * object, so a lazy parser pays for exactly the fields a proxy reads and the loop
 * allocates nothing of its own. String-based parsers (sip.js, jssip) are handed
 * `buf.toString()`: a server receives Buffers, so the conversion is part of their cost.
 */
export interface Fields {
  branch: string;
  cseqNum: number;
  cseqMethod: string;
  callId: string;
  fromTag: string;
  ruriHost: string;
  status: number;
}

export function emptyFields(): Fields {
  return { branch: '', cseqNum: 0, cseqMethod: '', callId: '', fromTag: '', ruriHost: '', status: 0 };
}

export interface ParserLib {
  name: string;
  version: string;
  /** Parses `buf` and reads the usual fields into `out`. */
  read(buf: Buffer, out: Fields): void;
}

const require = createRequire(import.meta.url);

function versionOf(pkg: string): string {
  try {
    return (require(`${pkg}/package.json`) as { version?: string }).version ?? '?';
  } catch {
    return '?';
  }
}

// ---- tsips: lazy parser over the Buffer ----
interface TsipsUri { host: string }
interface TsipsMessage {
  isRequest: boolean;
  status: number;
  via1: { branch?: string };
  cseq: { num: number; method: string };
  callId: string;
  fromTag: string | undefined;
  parsedRuri: TsipsUri;
}
interface TsipsCore { SipMessage?: { parse(buf: Buffer): TsipsMessage } }

async function tsipsLib(): Promise<ParserLib | string> {
  const spec = '@tsips/core'; // a variable: the bench builds even when core's types are in flux
  let core: TsipsCore;
  try {
    core = (await import(spec)) as TsipsCore;
  } catch (e) {
    return `tsips parser not available (${(e as Error).message.split('\n')[0]})`;
  }
  const SipMessage = core.SipMessage;
  if (!SipMessage) return 'tsips parser not available (@tsips/core exports no SipMessage)';
  return {
    name: 'tsips',
    version: versionOf('@tsips/core'),
    read(buf, out) {
      const m = SipMessage.parse(buf);
      out.branch = m.via1.branch ?? '';
      const cseq = m.cseq;
      out.cseqNum = cseq.num;
      out.cseqMethod = cseq.method;
      out.callId = m.callId;
      out.fromTag = m.fromTag ?? '';
      if (m.isRequest) { out.ruriHost = m.parsedRuri.host; out.status = 0; } else { out.ruriHost = ''; out.status = m.status; }
    },
  };
}

// ---- npm sip: require('sip').parse (eager, regex based) ----
interface SipNpmMessage {
  method?: string;
  uri?: string;
  status?: number;
  headers: {
    via: { params: Record<string, string | null> }[];
    cseq: { seq: number; method: string };
    'call-id': string;
    from: { params: Record<string, string | null> };
  };
}
interface SipNpm { parse(buf: Buffer): SipNpmMessage | undefined; parseUri(s: string): { host: string } | undefined }

function sipLib(): ParserLib {
  const sip = require('sip') as SipNpm;
  return {
    name: 'sip',
    version: versionOf('sip'),
    read(buf, out) {
      const m = sip.parse(buf);
      if (!m) throw new Error('sip.parse returned nothing');
      const h = m.headers;
      out.branch = h.via[0]?.params['branch'] ?? '';
      out.cseqNum = h.cseq.seq;
      out.cseqMethod = h.cseq.method;
      out.callId = h['call-id'];
      out.fromTag = h.from.params['tag'] ?? '';
      if (m.method) { out.ruriHost = sip.parseUri(m.uri ?? '')?.host ?? ''; out.status = 0; } else { out.ruriHost = ''; out.status = m.status ?? 0; }
    },
  };
}

// ---- sip.js: Core.Parser.parseMessage (grammar based, parses known headers eagerly) ----
interface SipJsMessage {
  ruri?: { host: string };
  statusCode?: number;
  viaBranch: string;
  cseq: number;
  method: string;
  callId: string;
  fromTag: string;
}
interface SipJsCore { Core: { Parser: { parseMessage(data: string, logger: unknown): SipJsMessage | undefined } } }

async function sipJsLib(): Promise<ParserLib> {
  const spec = 'sip.js';
  const { Core } = (await import(spec)) as SipJsCore;
  const quiet = { error: () => undefined, warn: () => undefined, log: () => undefined, debug: () => undefined };
  return {
    name: 'sip.js',
    version: versionOf('sip.js'),
    read(buf, out) {
      const m = Core.Parser.parseMessage(buf.toString(), quiet);
      if (!m) throw new Error('sip.js parseMessage returned nothing');
      out.branch = m.viaBranch;
      out.cseqNum = m.cseq;
      out.cseqMethod = m.method;
      out.callId = m.callId;
      out.fromTag = m.fromTag;
      if (m.statusCode) { out.ruriHost = ''; out.status = m.statusCode; } else { out.ruriHost = m.ruri?.host ?? ''; out.status = 0; }
    },
  };
}

// ---- jssip: lib/Parser.parseMessage (the same grammar family as sip.js) ----
interface JsSipMessage {
  ruri?: { host: string };
  status_code?: number;
  via_branch: string;
  cseq: number;
  method: string;
  call_id: string;
  from_tag: string;
}
interface JsSipParser { parseMessage(data: string, ua: unknown): JsSipMessage | undefined }

function jssipLib(): ParserLib {
  const parser = require('jssip/lib/Parser') as JsSipParser;
  return {
    name: 'jssip',
    version: versionOf('jssip'),
    read(buf, out) {
      const m = parser.parseMessage(buf.toString(), null);
      if (!m) throw new Error('jssip parseMessage returned nothing');
      out.branch = m.via_branch;
      out.cseqNum = m.cseq;
      out.cseqMethod = m.method;
      out.callId = m.call_id;
      out.fromTag = m.from_tag;
      if (m.status_code) { out.ruriHost = ''; out.status = m.status_code; } else { out.ruriHost = m.ruri?.host ?? ''; out.status = 0; }
    },
  };
}

/** Loads every parser; one that cannot load is reported by name with the reason. */
export async function loadParsers(): Promise<{ libs: ParserLib[]; missing: string[] }> {
  const libs: ParserLib[] = [];
  const missing: string[] = [];
  const loaders: [string, () => Promise<ParserLib | string> | ParserLib][] = [
    ['tsips', tsipsLib], ['sip', sipLib], ['sip.js', sipJsLib], ['jssip', jssipLib],
  ];
  for (const [name, load] of loaders) {
    try {
      const lib = await load();
      if (typeof lib === 'string') missing.push(lib);
      else libs.push(lib);
    } catch (e) {
      missing.push(`${name} not available (${(e as Error).message.split('\n')[0]})`);
    }
  }
  return { libs, missing };
}
