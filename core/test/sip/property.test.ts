/**
 * Property tests: generated well-formed messages survive parse/build unchanged and show
 * recorded changes after a rebuild; random and mutated bytes never make the parser throw
 * anything but SipParseError.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SipMessage, SipParseError, buildReply } from '../../src/sip/index.js';
import { corpus, corpusBytes } from './corpus.js';

const token = fc.stringMatching(/^[A-Za-z0-9\-.!%*_+`'~]{1,10}$/);
const lowerWord = fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/);
const host = fc.oneof(
  fc.array(lowerWord, { minLength: 1, maxLength: 3 }).map((l) => `${l.join('.')}.example.com`),
  fc.ipV4(),
  fc.ipV6().map((a) => `[${a}]`),
);
const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined });
const user = fc.stringMatching(/^[A-Za-z0-9\-_.!~*'()&=+$,]{1,10}$/);
const paramValue = fc.stringMatching(/^[A-Za-z0-9\-.!*_+'~]{1,10}$/); // URI paramchars ('%' would be an escape)
const uriParams = fc.array(fc.tuple(lowerWord, fc.option(paramValue, { nil: undefined })), { maxLength: 3 })
  .map((ps) => ps.map(([k, v]) => (v === undefined ? `;${k}` : `;${k}=${v}`)).join(''));
const sipUri = fc.tuple(fc.constantFrom('sip', 'sips'), fc.option(user, { nil: undefined }), host, port, uriParams)
  .map(([sc, u, h, p, ps]) => `${sc}:${u === undefined ? '' : `${u}@`}${h}${p === undefined ? '' : `:${p}`}${ps}`);
const display = fc.oneof(
  fc.constant(''),
  fc.array(token, { minLength: 1, maxLength: 3 }).map((w) => `${w.join(' ')} `),
  fc.string({ maxLength: 12 }).filter((s) => !/[\x00-\x1f\x7f]/.test(s))
    .map((s) => `"${s.replace(/(["\\])/g, '\\$1')}" `),
);
const nameAddr = fc.tuple(display, sipUri).map(([d, u]) => `${d}<${u}>`);
const branch = token.map((t) => `z9hG4bK${t}`);
const via = fc.tuple(fc.constantFrom('UDP', 'TCP', 'TLS', 'SCTP'), host, port, branch, fc.boolean())
  .map(([t, h, p, b, r]) => `SIP/2.0/${t} ${h}${p === undefined ? '' : `:${p}`};branch=${b}${r ? ';rport' : ''}`);
/** a header value: printable (UTF-8 too), words separated by single blanks, so folding it is lossless */
const word = fc.string({ minLength: 1, maxLength: 8 }).filter((s) => /^[^\s\x00-\x1f\x7f,]+$/u.test(s));
const value = fc.array(word, { minLength: 1, maxLength: 4 });
const method = fc.oneof(fc.constantFrom('INVITE', 'ACK', 'BYE', 'OPTIONS', 'REGISTER', 'MESSAGE', 'NOTIFY'), token);

interface Generated {
  bytes: Buffer;
  method: string;
  ruri: string;
  vias: string[];
  callId: string;
  cseq: number;
  fromTag: string;
  extra: Array<[string, string]>;
  body: Buffer;
}

const message: fc.Arbitrary<Generated> = fc.record({
  request: fc.boolean(),
  status: fc.integer({ min: 100, max: 699 }),
  method,
  ruri: sipUri,
  vias: fc.array(via, { minLength: 1, maxLength: 3 }),
  viaInOneLine: fc.boolean(),
  from: nameAddr,
  fromTag: token,
  to: nameAddr,
  callId: fc.tuple(token, fc.option(host, { nil: undefined })).map(([a, h]) => (h ? `${a}@${h}` : a)),
  cseq: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  extra: fc.uniqueArray(fc.tuple(token.map((t) => `X-${t}`), value, fc.boolean()), { maxLength: 5, selector: ([n]) => n.toLowerCase() }),
  body: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
  order: fc.infiniteStream(fc.nat()),
}).map((g) => {
  const lines: string[] = [];
  if (g.viaInOneLine) lines.push(`Via: ${g.vias.join(', ')}`);
  else for (const v of g.vias) lines.push(`v: ${v}`);
  const others = [
    `From: ${g.from};tag=${g.fromTag}`, `t: ${g.to}`, `Call-ID: ${g.callId}`, `CSeq: ${g.cseq} ${g.method}`, 'Max-Forwards: 70',
    ...g.extra.map(([n, words, fold]) => `${n}: ${fold && words.length > 1 ? words.join('\r\n  ') : words.join(' ')}`),
  ];
  // the other headers in a random order (Vias keep theirs)
  const it = g.order[Symbol.iterator]();
  for (let i = others.length - 1; i > 0; i--) {
    const j = it.next().value % (i + 1);
    [others[i], others[j]] = [others[j]!, others[i]!];
  }
  lines.push(...others, `Content-Length: ${g.body.length}`);
  const start = g.request ? `${g.method} ${g.ruri} SIP/2.0` : `SIP/2.0 ${g.status} Some Reason`;
  const bytes = Buffer.concat([Buffer.from(`${start}\r\n${lines.join('\r\n')}\r\n\r\n`, 'utf8'), g.body]);
  return {
    bytes, method: g.method, ruri: g.request ? g.ruri : '', vias: g.vias, callId: g.callId, cseq: g.cseq, fromTag: g.fromTag,
    extra: g.extra.map(([n, words]) => [n, words.join(' ')] as [string, string]), body: g.body,
  };
});

describe('well-formed messages (property)', () => {
  it('parse gives back every generated value and validate accepts them', () => {
    fc.assert(fc.property(message, (g) => {
      const m = SipMessage.parse(g.bytes);
      m.validate();
      expect(m.method).toBe(g.method);
      expect(m.ruri).toBe(g.ruri);
      expect(m.vias().map((v) => v.raw)).toEqual(g.vias);
      expect(m.via1.branch).toBe(g.vias[0]!.split('branch=')[1]!.split(';')[0]);
      expect(m.callId).toBe(g.callId);
      expect(m.cseq).toEqual({ num: g.cseq, method: g.method });
      expect(m.fromTag).toBe(g.fromTag);
      for (const [n, v] of g.extra) expect(m.header(n)).toBe(v);
      expect(m.body.equals(g.body)).toBe(true);
      if (m.isRequest) expect(m.parsedRuri.raw).toBe(g.ruri);
    }), { numRuns: 300 });
  });

  it('build() reproduces the bytes; a proxy Via added then removed leaves them unchanged', () => {
    fc.assert(fc.property(message, via, (g, v) => {
      const m = SipMessage.parse(g.bytes);
      expect(m.build().equals(g.bytes)).toBe(true);
      const relayed = SipMessage.parse(m.build({ via: v }));
      expect(relayed.via1.raw).toBe(v);
      expect(relayed.removeFirstValue('Via')).toBe(true);
      expect(relayed.build().equals(g.bytes)).toBe(true);
    }), { numRuns: 200 });
  });

  it('a rebuilt message shows the recorded changes', () => {
    fc.assert(fc.property(message, sipUri, token, value, fc.uint8Array({ maxLength: 100 }), (g, uri, tk, words, body) => {
      const m = SipMessage.parse(g.bytes);
      m.setRuri(uri);
      m.addHeader(`X-Added-${tk}: ${words.join(' ')}`);
      if (g.extra.length > 0) expect(m.removeHeader(g.extra[0]![0])).toBe(1);
      expect(m.removeFirstValue('via')).toBe(true);
      m.setBody(Buffer.from(body), 'application/x-test');
      const out = SipMessage.parse(m.build());
      if (g.vias.length > 1) out.validate(); // else the only Via is gone
      if (out.isRequest) expect(out.ruri).toBe(uri);
      expect(out.header(`X-Added-${tk}`)).toBe(words.join(' '));
      if (g.extra.length > 0) expect(out.hasHeader(g.extra[0]![0])).toBe(false);
      for (const [n, v] of g.extra.slice(1)) expect(out.header(n)).toBe(v);
      expect(out.vias().map((x) => x.raw)).toEqual(g.vias.slice(1));
      expect(out.body.equals(Buffer.from(body))).toBe(true);
      expect(out.header('Content-Type')).toBe('application/x-test');
      expect(out.callId).toBe(g.callId);
    }), { numRuns: 200 });
  });
});

/** parse, validate, every getter, build and a reply: only SipParseError may escape. */
function exercise(buf: Buffer): void {
  let m: SipMessage;
  try {
    m = SipMessage.parse(buf);
  } catch (e) {
    if (e instanceof SipParseError) return;
    throw e;
  }
  const steps: Array<() => unknown> = [
    () => m.validate(), () => m.method, () => m.ruri, () => m.reason, () => m.version, () => m.callId, () => m.cseq,
    () => m.from.params, () => m.to.raw, () => m.fromTag, () => m.toTag, () => m.via1.params, () => m.vias().map((v) => v.raw),
    () => m.maxForwards, () => m.contentLength, () => m.expires, () => m.body, () => m.parsedRuri, () => m.contacts(),
    () => m.routes().map((r) => r.params), () => m.recordRoutes(), () => m.headerNames().map((n) => m.headerAll(n)),
    () => m.headerValues('Via'), () => m.build(),
    () => m.build({ via: 'SIP/2.0/UDP p;branch=z9hG4bKf', ruri: 'sip:x@y', extraHeaders: 'X-A: 1' }),
    () => buildReply(m, 400, 'Bad Request', { toTag: 'abc' }),
    () => {
      m.addViaParam('received', '1.2.3.4');
      m.removeFirstValue('Route');
      m.removeHeader('Contact');
      return m.build();
    },
  ];
  for (const step of steps) {
    try {
      step();
    } catch (e) {
      if (!(e instanceof SipParseError)) throw e;
    }
  }
}

const seeds = corpus.map((e) => corpusBytes(e.file));
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('insertText' as const), at: fc.nat(), text: fc.constantFrom('\r\n', '\r\n ', ':', ';', ',', '"', '<', '>', '\\', '%', '=', '@', '[', ' ', '\t', '\n') }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 20 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(src: Buffer, ops: Mutation[]): Buffer {
  let b = src;
  for (const op of ops) {
    const at = b.length === 0 ? 0 : op.at % b.length;
    if (op.kind === 'flip') {
      b = Buffer.from(b);
      if (b.length > 0) b[at] = op.byte;
    } else if (op.kind === 'insert') {
      b = Buffer.concat([b.subarray(0, at), Buffer.from(op.bytes), b.subarray(at)]);
    } else if (op.kind === 'insertText') {
      b = Buffer.concat([b.subarray(0, at), Buffer.from(op.text), b.subarray(at)]);
    } else {
      b = Buffer.concat([b.subarray(0, at), b.subarray(at + op.len)]);
    }
  }
  return b;
}

describe('garbage never breaks the parser (property)', () => {
  it('random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (a) => exercise(Buffer.from(a))), { numRuns: 1000 });
  });

  it('random text after a valid start line', () => {
    const lineChars = fc.string({ unit: fc.constantFrom(...'abcXYZ019:;,=@<>"\\ \t\r\n%[]/'.split('')), maxLength: 300 });
    fc.assert(fc.property(fc.constantFrom('INVITE sip:a@b SIP/2.0\r\n', 'SIP/2.0 200 OK\r\n'), lineChars,
      (start, rest) => exercise(Buffer.from(start + rest))), { numRuns: 1000 });
  });

  it('mutated RFC 4475 messages', () => {
    fc.assert(fc.property(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 6 }),
      (seed, ops) => exercise(mutate(seed, ops))), { numRuns: 2000 });
  });

  it('mutated generated messages', () => {
    fc.assert(fc.property(message, fc.array(mutation, { minLength: 1, maxLength: 4 }),
      (g, ops) => exercise(mutate(g.bytes, ops))), { numRuns: 1000 });
  });
});
