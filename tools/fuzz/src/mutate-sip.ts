import type { Keep } from './mutate-bytes.js';
import type { Rng } from './rng.js';

/**
 * SIP-aware mutations on a message split into start line, header lines and body (latin1, so
 * every byte survives). The first Via line up to its `;rport` is never changed: that is what
 * makes the server answer the fuzzer's socket and nobody else's.
 */
export interface SipParts {
  start: string;
  headers: string[];
  /** index in `headers` of the protected first Via (-1: none) */
  via: number;
  /** line end used between start line and header lines */
  eol: string;
  sep: string;
  body: string;
}

export function splitSip(msg: Buffer): SipParts {
  const text = msg.toString('latin1');
  let end = text.indexOf('\r\n\r\n');
  let sepLen = 4;
  if (end < 0) {
    end = text.length;
    sepLen = 0;
  }
  const lines = text.slice(0, end).split('\r\n');
  const headers = lines.slice(1);
  return {
    start: lines[0] ?? '',
    headers,
    via: headers.findIndex((h) => /^(via|v)[ \t]*:/i.test(h)),
    eol: '\r\n',
    sep: text.slice(end, end + sepLen),
    body: text.slice(end + sepLen),
  };
}

export function joinSip(p: SipParts): Buffer {
  const head = [p.start, ...p.headers].join(p.eol);
  return Buffer.from(`${head}${p.sep}${p.body}`, 'latin1');
}

/** The bytes the mutators must leave alone: the first Via line up to the end of `;rport`. */
export function keepRange(msg: Buffer): Keep | undefined {
  const text = msg.toString('latin1');
  const m = /^(?:via|v)[ \t]*:[^\r\n]*?;rport/im.exec(text);
  return m ? { start: m.index, end: m.index + m[0].length } : undefined;
}

export type SipMutation = (rng: Rng, p: SipParts) => void;

/** a header index other than the protected Via, or -1 */
function other(rng: Rng, p: SipParts): number {
  if (p.headers.length === 0 || (p.headers.length === 1 && p.via === 0)) return -1;
  for (;;) {
    const i = rng.int(0, p.headers.length - 1);
    if (i !== p.via) return i;
  }
}

const setHeaders = (p: SipParts, headers: string[]): void => {
  const via = p.via >= 0 ? p.headers[p.via] : undefined;
  p.headers = headers;
  p.via = via === undefined ? -1 : headers.indexOf(via);
};

const dupHeader: SipMutation = (rng, p) => {
  const i = rng.int(0, Math.max(0, p.headers.length - 1));
  const h = p.headers[i];
  if (h === undefined) return;
  const copies = Array.from({ length: rng.logSize(1, 400) }, () => h);
  setHeaders(p, [...p.headers.slice(0, i + 1), ...copies, ...p.headers.slice(i + 1)]);
};

const hugeValue: SipMutation = (rng, p) => {
  const big = rng.pick(['a', '%', ';', ',', '<', '"', ' ', '\\', 'z9hG4bK']).repeat(rng.logSize(256, 70_000));
  const where = rng.int(0, 3);
  if (where === 0) p.start = p.start.replace(/ (\S+) /, ` sip:${big}@x `);
  else if (where === 1) p.headers.push(`X-Huge: ${big}`);
  else {
    const i = other(rng, p);
    if (i >= 0) p.headers[i] = `${p.headers[i]!.split(':')[0]}: ${big}`;
  }
};

const badContentLength: SipMutation = (rng, p) => {
  const v = rng.pick(['-1', '-999', '99999999', '4294967296', '18446744073709551617', 'abc', '', ' ', '0x10', '1e3', '5, 6', '12 34', String(p.body.length + rng.int(1, 100)), String(Math.max(0, p.body.length - rng.int(1, 100)))]);
  const cl = p.headers.findIndex((h) => /^(content-length|l)[ \t]*:/i.test(h));
  const line = `${rng.pick(['Content-Length', 'content-length', 'l', 'Content_Length', 'Content-Length '])}: ${v}`;
  if (cl < 0 || rng.chance(0.3)) p.headers.push(line);
  else if (rng.chance(0.2)) p.headers.splice(cl, 1);
  else p.headers[cl] = line;
};

const deepVia: SipMutation = (rng, p) => {
  const n = rng.logSize(2, 3000);
  const at = p.via >= 0 ? p.via + 1 : 0;
  const hop = (k: number): string => `SIP/2.0/UDP 192.0.2.${k % 250}:5060;branch=z9hG4bK${k}x${rng.token(4)}`;
  const lines = rng.chance(0.5)
    ? Array.from({ length: n }, (_, k) => `${rng.pick(['Via', 'v', 'VIA'])}: ${hop(k)}`)
    : [`Via: ${Array.from({ length: n }, (_, k) => hop(k)).join(rng.pick([',', ', ', ' ,\r\n ']))}`];
  setHeaders(p, [...p.headers.slice(0, at), ...lines, ...p.headers.slice(at)]);
};

const manyParams: SipMutation = (rng, p) => {
  const i = rng.int(0, Math.max(0, p.headers.length - 1));
  if (p.headers[i] === undefined) return;
  const n = rng.logSize(10, 5000);
  let s = '';
  for (let k = 0; k < n; k++) s += rng.pick([`;p${k}=${rng.token(3)}`, ';', ';=', `;p${k}`, ';branch=', ';rport=x', ';received=']);
  p.headers[i] += s;
};

const startLine: SipMutation = (rng, p) => {
  const parts = p.start.split(' ');
  const variants: (() => string)[] = [
    () => `${rng.pick(['invite', 'INV ITE', 'X'.repeat(rng.logSize(1, 5000)), '', 'ÇÃ', 'OPTIONS\0'])} ${parts.slice(1).join(' ')}`,
    () => `${parts[0]} ${rng.pick(['sip:', 'sip:@', '<sip:a@b>', 'sip:a@b:99999', 'sip:a@[::1', 'sip:%zz@x', 'sip:a@b;;;', 'sip:a b@c', 'tel:', '*', 'sip:a@b?', 'sips:x@y;transport='])} ${parts.at(-1)}`,
    () => `${parts.slice(0, -1).join(' ')} ${rng.pick(['SIP/2.1', 'SIP/20', 'SIP/', 'sip/2.0', 'SIP/2.0 ', 'HTTP/1.1', ''])}`,
    () => `SIP/2.0 ${rng.pick(['4294967301', '99', '1000', '-1', '2OO', '', '200'.repeat(50)])} ${rng.pick(['OK', '', '\0'])}`,
    () => p.start.replace(/ /g, rng.pick(['  ', '\t', '', ' \r\n '])),
    () => '',
  ];
  p.start = rng.pick(variants)();
};

const removeHeader: SipMutation = (rng, p) => {
  const names = /^(from|f|to|t|call-id|i|cseq|max-forwards|content-type|c|contact|m)[ \t]*:/i;
  const idx = p.headers.map((h, i) => (names.test(h) && i !== p.via ? i : -1)).filter((i) => i >= 0);
  if (idx.length === 0) return;
  const gone = rng.pick(idx);
  setHeaders(p, p.headers.filter((_, i) => i !== gone));
};

const junkHeaderLine: SipMutation = (rng, p) => {
  const line = rng.pick([': no name', 'NoColon', ' leading-space: x', 'Bad Name: x', 'X'.repeat(rng.logSize(10, 9000)) + ': y', 'X-\0: \0', 'From: <', 'To: "unbalanced <sip:a@b>', 'CSeq: 1', 'CSeq: x INVITE', 'CSeq: 99999999999999999999 INVITE', 'Max-Forwards: -1', 'Max-Forwards: 999999999999', 'Call-ID: @', 'Call-ID: ', 'Contact: *;q=2', 'Expires: -5', 'Route: <sip:a;lr', 'Record-Route: ,,,', 'Content-Type: multipart/mixed;boundary=', '\t folded-continuation']);
  p.headers.splice(rng.int(p.via >= 0 ? p.via + 1 : 0, p.headers.length), 0, line);
};

/** values that are wrong for one header, put in place of that header's only value */
const BAD_VALUES: Record<string, string[]> = {
  cseq: ['99999999999999999999 INVITE', '4294967296 INVITE', '-1 INVITE', 'INVITE', '', '1', '1 invite', '1  INVITE x', '0x1 INVITE'],
  'max-forwards': ['99999999999999999999', '-5', 'abc', '256', '', '0', '1 2'],
  'call-id': ['', '@', 'a@b@c', ' ', 'a b', 'ÿ'],
  from: ['tag=1', '*', '<sip:a@b', 'sip:a@b;tag=1;tag=2', '"unterminated <sip:a@b>', '<>', '<sip:a@b>;tag='],
  to: ['*', '<sip:a@b>;tag=', '<sip:a@b>;tag=1;tag=2', 'sip:', '<tel:>'],
  contact: ['*', '<sip:a@b>;expires=-1', '<sip:a@b>;q=9', ',,,', '<sip:[::1>', '"a" <sip:a@b>;q=0.5,*'],
  'content-length': ['-1', '99999999999999999999', '', '0 0', '+5'],
  route: ['<sip:127.0.0.1;lr>,<sip:x;lr', '<sip:127.0.0.1>', ',', '<sip:;lr>', '<sips:127.0.0.1;lr;lr=1>'],
  expires: ['-1', '99999999999999999999', 'never', ''],
};
const BAD_NAMES = Object.keys(BAD_VALUES);

const badValue: SipMutation = (rng, p) => {
  const name = rng.pick(BAD_NAMES);
  const compact: Record<string, string> = { 'call-id': 'i', from: 'f', to: 't', contact: 'm', 'content-length': 'l' };
  const re = new RegExp(`^(${name}${compact[name] ? `|${compact[name]}` : ''})[ \\t]*:`, 'i');
  const i = p.headers.findIndex((h, k) => k !== p.via && re.test(h));
  const line = `${name}: ${rng.pick(BAD_VALUES[name]!)}`;
  if (i >= 0) p.headers[i] = line;
  else p.headers.push(line);
};

const fold: SipMutation = (rng, p) => {
  const i = other(rng, p);
  if (i < 0) return;
  const h = p.headers[i]!;
  const at = rng.int(Math.min(h.length, h.indexOf(':') + 1), h.length);
  p.headers[i] = `${h.slice(0, at)}\r\n${rng.pick([' ', '\t', '  \t '])}${h.slice(at)}`;
};

const lineEnds: SipMutation = (rng, p) => {
  const eol = rng.pick(['\n', '\r', '\r\r\n', '\n\r']);
  p.eol = eol;
  if (rng.chance(0.5)) p.sep = p.sep.replace(/\r\n/g, eol);
};

const body: SipMutation = (rng, p) => {
  p.body = rng.pick([
    '',
    p.body.repeat(rng.int(2, 50)),
    '--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--',
    'v=0\r\n'.repeat(rng.logSize(1, 2000)),
    p.body.slice(0, rng.int(0, p.body.length)),
  ]);
};

export const SIP_MUTATIONS: Record<string, SipMutation> = {
  dupHeader, hugeValue, badContentLength, deepVia, manyParams, startLine, removeHeader, junkHeaderLine, badValue, fold, lineEnds, body,
};
