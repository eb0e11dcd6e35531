/**
 * RFC 4475 torture tests: every message of the corpus against the verdict in index.json,
 * plus the specific values the RFC notes call out.
 */
import { describe, expect, it } from 'vitest';
import { SipMessage, SipParseError, parseUri } from '../../src/sip/index.js';
import { type CorpusEntry, corpus, corpusBytes } from './corpus.js';

type Check = (m: SipMessage, buf: Buffer) => void;

/** parse + validate; a SipParseError is returned, anything else thrown. */
function check(buf: Buffer): { m?: SipMessage; err?: SipParseError; at?: 'parse' | 'validate' } {
  let m: SipMessage;
  try {
    m = SipMessage.parse(buf);
  } catch (e) {
    if (e instanceof SipParseError) return { err: e, at: 'parse' };
    throw e;
  }
  try {
    m.validate();
  } catch (e) {
    if (e instanceof SipParseError) return { m, err: e, at: 'validate' };
    throw e;
  }
  return { m };
}

/** Calls every getter; only SipParseError may come out. Returns how many threw. */
function touchAll(m: SipMessage): number {
  const getters: Array<() => unknown> = [
    () => m.method, () => m.ruri, () => m.reason, () => m.version, () => m.headerNames(),
    () => m.callId, () => m.cseq, () => m.from.params, () => m.to.raw, () => m.fromTag, () => m.toTag,
    () => m.via1.params, () => m.vias().map((v) => v.raw), () => m.maxForwards, () => m.contentLength, () => m.expires,
    () => m.body, () => (m.isRequest ? m.parsedRuri : undefined), () => m.contacts(), () => m.routes(), () => m.recordRoutes(),
    () => m.headerValues('Supported'), () => m.build(),
  ];
  for (const name of m.headerNames()) getters.push(() => m.header(name), () => m.headerAll(name));
  let threw = 0;
  for (const g of getters) {
    try {
      g();
    } catch (e) {
      if (!(e instanceof SipParseError)) throw e;
      threw++;
    }
  }
  return threw;
}

/** Everything a well-formed message must give back without an error. */
function recoverAll(m: SipMessage, entry: CorpusEntry): void {
  const names = m.headerNames();
  expect(names.length).toBeGreaterThan(0);
  for (const name of names) {
    expect(m.header(name), name).toBeDefined();
    expect(m.headerAll(name).length, name).toBeGreaterThan(0);
  }
  expect(m.vias().length).toBeGreaterThan(0);
  for (const v of m.vias()) {
    expect(v.protocol).toBe('SIP/2.0');
    expect(v.host.length).toBeGreaterThan(0);
    expect(v.params).toBeInstanceOf(Map);
  }
  expect(m.via1.raw).toBe(m.vias()[0]!.raw);
  expect(m.cseq.num).toBeGreaterThanOrEqual(0);
  expect(m.callId.length).toBeGreaterThan(0);
  expect(m.from.uri.length).toBeGreaterThan(0);
  expect(m.to.uri.length).toBeGreaterThan(0);
  void m.fromTag;
  void m.toTag;
  const contacts = m.contacts();
  if (contacts !== '*') for (const c of contacts) expect(c.params).toBeInstanceOf(Map);
  void m.routes();
  void m.recordRoutes();
  void m.maxForwards;
  if (entry.message === 'request') {
    expect(m.isRequest).toBe(true);
    expect(m.method).toBe(entry.method);
    expect(m.parsedRuri.scheme.length).toBeGreaterThan(0);
  } else {
    expect(m.isRequest).toBe(false);
    expect(String(m.status)).toBe(entry.status);
  }
  if (entry.content_length.length > 0) expect(m.contentLength).toBe(Number(entry.content_length[0]));
  else expect(m.contentLength).toBeUndefined();
  const cl = m.contentLength;
  expect(m.body.length).toBe(cl ?? entry.body_length);
}

/** Values named in the notes of the valid (and backward-compatible) messages. */
const VALID: Record<string, Check> = {
  'wsinv.dat': (m) => {
    expect(m.vias().map((v) => [v.host, v.transport, v.branch])).toEqual([
      ['192.0.2.2', 'UDP', '390skdjuw'],
      ['spindle.example.com', 'TCP', 'z9hG4bK9ikj8'],
      ['192.168.255.111', 'UDP', 'z9hG4bK30239'],
    ]);
    expect(m.maxForwards).toBe(68);
    expect(m.cseq).toEqual({ num: 9, method: 'INVITE' });
    expect(m.header('Subject')).toBe('');
    expect(m.header('s')).toBe('');
    expect(m.header('NewFangledHeader')).toBe('newfangled value continued newfangled value');
    expect(m.header('UnknownHeaderWithUnusualValue')).toBe(';;,,;;,;');
    expect(m.from.display).toBe('J Rosenberg \\"');
    expect(m.fromTag).toBe('98asjd8');
    expect(m.toTag).toBe('1918181833n');
    expect(m.to.uri).toBe('sip:vivekg@chair-dnrc.example.com');
    expect(m.routes().map((r) => r.uri)).toEqual(['sip:services.example.com;lr;unknownwith=value;unknown-no-value']);
    const [c] = m.contacts() as Exclude<ReturnType<SipMessage['contacts']>, '*'>;
    expect(c!.display).toBe('Quoted string ""');
    expect(c!.q).toBe(0.33);
    expect([...c!.params]).toEqual([['newparam', 'newvalue'], ['secondparam', null], ['q', '0.33']]);
    expect(m.parsedRuri.params.get('unknownparam')).toBeNull();
    expect(m.body.toString('latin1').startsWith('v=0\r\n')).toBe(true);
  },
  'intmeth.dat': (m, buf) => {
    expect(m.method).toBe("!interesting-Method0123456789_*+`.%indeed'~");
    expect(m.cseq.method).toBe(m.method);
    const u = m.parsedRuri;
    expect(u.user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    expect(u.password).toBe("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    expect(u.host).toBe('example.com');
    expect(m.to.display).toBe('BEL:\x07 NUL:\x00 DEL:\x7f');
    expect(m.from.display).toBe("token1~` token2'+_ token3*%!.-");
    expect(m.fromTag).toBe("_token~1'+`*%!-.");
    expect(m.from.params.get("fromparam''~+*_!.-%")).toBe('"\u0440\u0430\u0431\u043e\u0442\u0430\u044e\u0449\u0438\u0439"');
    expect(m.callId).toBe('intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{');
    const ext = m.header("extensionHeader-!.%*+_`'~");
    const raw = buf.toString('latin1');
    const at = raw.indexOf("extensionHeader-!.%*+_`'~:") + "extensionHeader-!.%*+_`'~:".length;
    expect(ext).toBe(buf.toString('utf8', at, raw.indexOf('\r\n', at)));
    expect(ext!.charCodeAt(0)).toBe(0xfeff);
  },
  'esc01.dat': (m) => {
    expect(m.parsedRuri.user).toBe('sips:user@example.com');
    expect(m.parsedRuri.host).toBe('example.net');
    expect(parseUri(m.to.uri).user).toBe('user');
    expect(parseUri(m.from.uri).user).toBe('I have spaces');
    const [c] = m.contacts() as Exclude<ReturnType<SipMessage['contacts']>, '*'>;
    const cu = parseUri(c!.uri);
    expect(cu.user).toBe('caller');
    expect(cu.params.get('lr')).toBeNull();
    expect(cu.params.get('name')).toBe('value%41');
    expect(m.header('Call-ID')).toBe('esc01.239409asdfakjkn23onasd0-3234');
    expect(m.header('Content-Type')).toBe('application/sdp');
  },
  'escnull.dat': (m) => {
    expect(parseUri(m.to.uri).user).toBe('null-\x00-null');
    const contacts = m.contacts() as Exclude<ReturnType<SipMessage['contacts']>, '*'>;
    expect(contacts.map((c) => parseUri(c.uri).user)).toEqual(['\x00', '\x00\x00']);
    expect(m.contentLength).toBe(0);
  },
  'esc02.dat': (m) => {
    expect(m.method).toBe('RE%47IST%45R');
    expect(m.to.display).toBe('%Z%45');
    expect((m.contacts() as unknown[]).length).toBe(2);
    expect(m.header('C%6Fntact')).toBe('<sip:alias2@host2.example.com>');
    expect(m.via1.branch).toBe('z9hG4bK209%fzsnel234');
  },
  'lwsdisp.dat': (m) => {
    expect(m.from.display).toBe('caller');
    expect(m.from.uri).toBe('sip:caller@example.com');
    expect(m.fromTag).toBe('323');
  },
  'longreq.dat': (m) => {
    const vias = m.vias();
    expect(vias.length).toBe(34);
    expect(vias[0]!.host).toBe('sip33.example.com');
    expect(vias[33]!.received).toBe('192.0.2.5');
    expect(vias[33]!.branch!.length).toBeGreaterThan(100);
    expect(m.fromTag!.length).toBeGreaterThan(100);
    expect(m.to.display!.startsWith('I have a user name of extreme')).toBe(true);
    expect(parseUri(m.to.uri).port).toBe(6000);
    expect(m.header('Unknown-LongLongLongLongLongLongLongLongLongLongLongLongLongLongLongLongLongLongLongLong-Name')!
      .startsWith('unknown-longlong')).toBe(true);
  },
  'dblreq.dat': (m, buf) => {
    expect(m.method).toBe('REGISTER');
    expect(m.body.length).toBe(0);
    // the 450 trailing octets are not forwarded
    expect(m.build().length).toBe(buf.length - 450);
    expect(m.build({ via: 'SIP/2.0/UDP p.example.com;branch=z9hG4bKx' }).toString('latin1')).not.toContain('INVITE');
  },
  'semiuri.dat': (m) => {
    expect(m.parsedRuri.user).toBe('user;par=u@example.net');
    expect(m.parsedRuri.host).toBe('example.com');
    expect(m.headerValues('Accept')).toEqual([
      'application/sdp', 'application/pkcs7-mime', 'multipart/mixed', 'multipart/signed', 'message/sip', 'message/sipfrag',
    ]);
  },
  'transports.dat': (m) => {
    expect(m.vias().map((v) => v.transport)).toEqual(['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP']);
    expect(m.callId).toBe('transports.kijh4akdnaqjkwendsasfdj');
  },
  'mpart01.dat': (m) => {
    expect(m.body.length).toBe(553);
    expect(m.via1.rport).toBeNull();
    expect(m.header('Content-Type')).toBe('multipart/mixed;boundary=7a9cbec02ceef655');
    expect(m.body.includes(0)).toBe(true);
  },
  'unreason.dat': (m) => {
    expect(m.status).toBe(200);
    expect(m.reason).toBe('= 2**3 * 5**2 \u043d\u043e \u0441\u0442\u043e \u0434\u0435\u0432\u044f\u043d\u043e\u0441\u0442\u043e \u0434\u0435\u0432\u044f\u0442\u044c - \u043f\u0440\u043e\u0441\u0442\u043e\u0435');
    expect(m.method).toBe('INVITE');
  },
  'noreason.dat': (m) => {
    expect(m.status).toBe(100);
    expect(m.reason).toBe('');
  },
  'inv2543.dat': (m) => {
    expect(m.contentLength).toBeUndefined();
    expect(m.via1.branch).toBeUndefined();
    expect(m.fromTag).toBeUndefined();
    expect(m.maxForwards).toBeUndefined();
    expect(m.recordRoutes().map((r) => parseUri(r.uri).params.get('maddr'))).toEqual(['ss1.example.com']);
  },
};

/** Invalid messages we reject: where, the reason (naming the element) and the status. */
const REJECT: Record<string, { at: 'parse' | 'validate'; reason: RegExp; status?: number[] }> = {
  'badinv01.dat': { at: 'validate', reason: /Via/ },
  'clerr.dat': { at: 'validate', reason: /Content-Length/ },
  'ncl.dat': { at: 'validate', reason: /Content-Length/ },
  'scalar02.dat': { at: 'validate', reason: /CSeq/ },
  'scalarlg.dat': { at: 'validate', reason: /CSeq/ },
  'quotbal.dat': { at: 'validate', reason: /^Bad To header$/ },
  'ltgtruri.dat': { at: 'validate', reason: /Request-URI/ },
  'lwsruri.dat': { at: 'validate', reason: /request line/ },
  'lwsstart.dat': { at: 'validate', reason: /request line/ },
  'trws.dat': { at: 'validate', reason: /request line/ },
  'escruri.dat': { at: 'validate', reason: /Request-URI/ },
  'badaspec.dat': { at: 'validate', reason: /^Bad To header$/ },
  'baddn.dat': { at: 'validate', reason: /^Bad From header$/ },
  'badvers.dat': { at: 'validate', reason: /Version/, status: [505] },
  'mismatch01.dat': { at: 'validate', reason: /CSeq/, status: [400] },
  'mismatch02.dat': { at: 'validate', reason: /CSeq/, status: [501] },
  'bigcode.dat': { at: 'parse', reason: /status line/ },
};

/** Invalid messages the RFC lets a liberal element accept, and that we accept. */
const LIBERAL: Record<string, Check> = {
  'baddate.dat': (m) => expect(m.header('Date')).toBe('Fri, 01 Jan 2010 16:00:00 EST'),
  // validate() does not look at Contact; a registrar reading the bindings gets the error
  'regbadct.dat': (m) => expect(() => m.contacts()).toThrow(expect.objectContaining({ reason: 'Bad Contact header' })),
};

/** Transaction/application-layer cases: what the core needs to answer as the RFC asks. */
const APP: Record<string, Check> = {
  'badbranch.dat': (m) => {
    m.validate();
    expect(m.via1.branch).toBe('z9hG4bK');
  },
  'insuf.dat': (m) => {
    expect(() => m.validate()).toThrow(expect.objectContaining({ reason: 'Missing From header', status: 400 }));
    expect(() => m.callId).toThrow(expect.objectContaining({ reason: 'Missing Call-ID header' }));
    expect(m.via1.branch).toBe('z9hG4bKkdj.insuf');
    expect(m.maxForwards).toBeUndefined();
  },
  'unkscm.dat': (m) => {
    m.validate();
    expect(m.parsedRuri.scheme).toBe('nobodyknowsthisscheme');
  },
  'novelsc.dat': (m) => {
    m.validate();
    expect(m.parsedRuri.scheme).toBe('soap.beep');
  },
  'unksm2.dat': (m) => {
    m.validate();
    expect(parseUri(m.to.uri).scheme).toBe('isbn');
    expect(m.from.uri).toBe('http://www.example.com');
    expect((m.contacts() as Array<{ uri: string }>)[0]!.uri).toBe('name:John_Smith');
  },
  'bext01.dat': (m) => {
    m.validate();
    expect(m.headerValues('Require')).toEqual(['nothingSupportsThis', 'nothingSupportsThisEither']);
    expect(m.headerValues('Proxy-Require')).toEqual(['noProxiesSupportThis', 'norDoAnyProxiesSupportThis']);
    expect(m.via1.transport).toBe('TLS');
  },
  'invut.dat': (m) => {
    m.validate();
    expect(m.header('Content-Type')).toBe('application/unknownformat');
    expect(m.body.length).toBe(40);
  },
  'regaut01.dat': (m) => {
    m.validate();
    expect(m.header('Authorization')).toBe('NoOneKnowsThisScheme opaque-data=here');
    expect(m.contentLength).toBe(0);
  },
  'multi01.dat': (m) => {
    expect(() => m.validate()).toThrow(expect.objectContaining({ status: 400, reason: expect.stringMatching(/^Duplicate (From|To|Call-ID|CSeq|Max-Forwards) header$/) }));
    expect(m.headerAll('Call-ID').length).toBe(2);
    expect(m.body.length).toBe(154);
  },
  'mcl01.dat': (m) => {
    expect(() => m.validate()).toThrow(expect.objectContaining({ status: 400, reason: expect.stringMatching(/Content-Length/) }));
    expect(() => m.contentLength).toThrow(expect.objectContaining({ reason: 'Bad Content-Length header' }));
  },
  'bcast.dat': (m) => {
    m.validate();
    expect(m.vias()[1]!.host).toBe('255.255.255.255');
  },
  'zeromf.dat': (m) => {
    m.validate();
    expect(m.maxForwards).toBe(0);
  },
  'cparam01.dat': (m) => {
    m.validate();
    const [c] = m.contacts() as Array<{ uri: string; params: Map<string, string | null> }>;
    expect(c!.params.has('unknownparam')).toBe(true);
    expect(parseUri(c!.uri).params.has('unknownparam')).toBe(false);
  },
  'cparam02.dat': (m) => {
    m.validate();
    const [c] = m.contacts() as Array<{ uri: string; params: Map<string, string | null> }>;
    expect(c!.params.has('unknownparam')).toBe(false);
    expect(parseUri(c!.uri).params.has('unknownparam')).toBe(true);
  },
  'regescrt.dat': (m) => {
    m.validate();
    const [c] = m.contacts() as Array<{ uri: string }>;
    expect(c!.uri).toBe('sip:user@example.com?Route=%3Csip:sip.example.com%3E');
    expect(parseUri(c!.uri).headers.get('Route')).toBe('<sip:sip.example.com>');
  },
  'sdp01.dat': (m) => {
    m.validate();
    expect(m.headerValues('Accept')).toEqual(['text/nobodyKnowsThis']);
    expect(m.header('Content-Type')).toBe('application/sdp');
  },
};

describe('RFC 4475 torture messages', () => {
  it('covers every message of the corpus with an expectation', () => {
    const covered = new Set([...Object.keys(VALID), ...Object.keys(REJECT), ...Object.keys(LIBERAL), ...Object.keys(APP)]);
    expect(corpus.length).toBe(49);
    for (const e of corpus) expect(covered.has(e.file), e.file).toBe(true);
  });

  for (const entry of corpus) {
    it(`${entry.file} (${entry.section}, ${entry.verdict})`, () => {
      const buf = corpusBytes(entry.file);
      expect(buf.length).toBe(entry.size);
      const r = check(buf);
      const reject = REJECT[entry.file];
      if (entry.verdict === 'valid') {
        expect(r.err, r.err?.message).toBeUndefined();
        recoverAll(r.m!, entry);
        VALID[entry.file]!(r.m!, buf);
        expect(touchAll(r.m!)).toBe(0);
      } else if (reject) {
        expect(entry.verdict).toBe('invalid');
        expect(r.err, 'must be rejected').toBeInstanceOf(SipParseError);
        expect(r.at).toBe(reject.at);
        expect(r.err!.reason).toMatch(reject.reason);
        expect(reject.status ?? [400]).toContain(r.err!.status);
        if (entry.responses.length > 0) expect(entry.responses).toContain(r.err!.status);
        if (r.m) touchAll(r.m);
      } else if (LIBERAL[entry.file]) {
        expect(entry.liberal_ok).toBe(true);
        expect(r.err, r.err?.message).toBeUndefined();
        LIBERAL[entry.file]!(r.m!, buf);
        touchAll(r.m!);
      } else {
        expect(['transaction', 'application']).toContain(entry.verdict);
        expect(r.at).not.toBe('parse');
        APP[entry.file]!(r.m!, buf);
        touchAll(r.m!);
      }
    });
  }
});
