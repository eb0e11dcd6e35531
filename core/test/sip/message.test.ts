import { describe, expect, it } from 'vitest';
import { SipMessage, SipParseError } from '../../src/sip/index.js';

const CRLF = '\r\n';

function msg(lines: string[], body = ''): Buffer {
  return Buffer.from(lines.join(CRLF) + CRLF + CRLF + body, 'utf8');
}

function invite(extra: string[] = [], body = ''): Buffer {
  return msg([
    'INVITE sip:bob@biloxi.example.com SIP/2.0',
    'Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport',
    'Max-Forwards: 70',
    'To: Bob <sip:bob@biloxi.example.com>',
    'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
    'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
    'CSeq: 314159 INVITE',
    ...extra,
    `Content-Length: ${Buffer.byteLength(body)}`,
  ], body);
}

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SipParseError);
    return (e as SipParseError).reason;
  }
  throw new Error('did not throw');
}

describe('SipMessage: start line and header access', () => {
  it('reads the request line and the usual headers', () => {
    const m = SipMessage.parse(invite([], 'v=0\r\n'));
    expect(m.isRequest).toBe(true);
    expect(m.method).toBe('INVITE');
    expect(m.ruri).toBe('sip:bob@biloxi.example.com');
    expect(m.version).toBe('SIP/2.0');
    expect(m.status).toBe(0);
    expect(m.reason).toBe('');
    expect(m.via1.branch).toBe('z9hG4bK776asdhds');
    expect(m.via1.rport).toBeNull();
    expect(m.via1.port).toBe(5060);
    expect(m.cseq).toEqual({ num: 314159, method: 'INVITE' });
    expect(m.callId).toBe('a84b4c76e66710@pc33.atlanta.example.com');
    expect(m.fromTag).toBe('1928301774');
    expect(m.toTag).toBeUndefined();
    expect(m.from.display).toBe('Alice');
    expect(m.maxForwards).toBe(70);
    expect(m.contentLength).toBe(5);
    expect(m.body.toString()).toBe('v=0\r\n');
    expect(m.parsedRuri.user).toBe('bob');
    m.validate();
  });

  it('reads a status line; method comes from CSeq', () => {
    const m = SipMessage.parse(msg(['SIP/2.0 180 Ringing', 'Via: SIP/2.0/UDP h;branch=z9hG4bKa', 'CSeq: 2 INVITE']));
    expect(m.isRequest).toBe(false);
    expect(m.status).toBe(180);
    expect(m.reason).toBe('Ringing');
    expect(m.method).toBe('INVITE');
    expect(m.ruri).toBe('');
    expect(reason(() => m.parsedRuri)).toBe('Bad Request-URI');
  });

  it('finds headers by long or compact name in any case', () => {
    const m = SipMessage.parse(msg([
      'OPTIONS sip:x@y SIP/2.0', 'v: SIP/2.0/TCP a;branch=z9hG4bK1', 'VIA: SIP/2.0/TCP b;branch=z9hG4bK2',
      'i: cid@h', 'f: <sip:a@b>;tag=1', 't: <sip:c@d>', 'l: 0', 'X-Custom: one', 'x-custom: two',
    ]));
    expect(m.header('Call-ID')).toBe('cid@h');
    expect(m.header('call-id')).toBe('cid@h');
    expect(m.header('I')).toBe('cid@h');
    expect(m.headerAll('Via')).toEqual(['SIP/2.0/TCP a;branch=z9hG4bK1', 'SIP/2.0/TCP b;branch=z9hG4bK2']);
    expect(m.headerAll('v')).toHaveLength(2);
    expect(m.vias().map((v) => v.host)).toEqual(['a', 'b']);
    expect(m.headerAll('X-CUSTOM')).toEqual(['one', 'two']);
    expect(m.hasHeader('x-custom')).toBe(true);
    expect(m.hasHeader('X-Other')).toBe(false);
    expect(m.header('Nope')).toBeUndefined();
    expect(m.headerNames()).toEqual(['v', 'VIA', 'i', 'f', 't', 'l', 'X-Custom', 'x-custom']);
    expect(m.contentLength).toBe(0);
  });

  it('unfolds folded values and trims blanks', () => {
    const m = SipMessage.parse(msg([
      'OPTIONS sip:x@y SIP/2.0', 'Subject:   first part', ' \t second part  ', 'Via: SIP/2.0/UDP h', '  ;branch=z9hG4bKf',
    ]));
    expect(m.header('Subject')).toBe('first part second part');
    expect(m.via1.branch).toBe('z9hG4bKf');
    expect(m.via1.raw).toBe('SIP/2.0/UDP h ;branch=z9hG4bKf');
  });

  it('decodes UTF-8 values and reason phrases from the bytes', () => {
    const m = SipMessage.parse(msg(['SIP/2.0 486 Занято', 'Subject: héllo wörld', 'From: "Émile" <sip:e@x>;tag=1']));
    expect(m.reason).toBe('Занято');
    expect(m.header('Subject')).toBe('héllo wörld');
    expect(m.from.display).toBe('Émile');
    expect(m.from.raw).toBe('"Émile" <sip:e@x>;tag=1');
  });

  it('splits comma lists outside quotes and angle brackets', () => {
    const m = SipMessage.parse(msg([
      'REGISTER sip:r SIP/2.0',
      'Via: SIP/2.0/UDP a;branch=z9hG4bK1;x="p,q", SIP/2.0/TCP b;branch=z9hG4bK2',
      'Contact: "Doe, John" <sip:j@h;a=b,c>;q=0.5, <sip:k@h>;expires=60',
      'Supported: path, outbound ,100rel',
    ]));
    expect(m.vias().map((v) => [v.host, v.params.get('x')])).toEqual([['a', '"p,q"'], ['b', undefined]]);
    expect(m.via1.host).toBe('a');
    const c = m.contacts();
    expect(c).not.toBe('*');
    if (c === '*') return;
    expect(c.map((x) => [x.display, x.uri, x.q, x.expires])).toEqual([
      ['Doe, John', 'sip:j@h;a=b,c', 0.5, undefined],
      [undefined, 'sip:k@h', undefined, 60],
    ]);
    expect(m.headerValues('Supported')).toEqual(['path', 'outbound', '100rel']);
  });

  it('handles Contact: * and rejects it mixed with others', () => {
    expect(SipMessage.parse(msg(['REGISTER sip:r SIP/2.0', 'Contact: *'])).contacts()).toBe('*');
    expect(reason(() => SipMessage.parse(msg(['REGISTER sip:r SIP/2.0', 'Contact: *, <sip:a@b>'])).contacts()))
      .toBe('Bad Contact header');
  });

  it('reads Route and Record-Route values in order', () => {
    const m = SipMessage.parse(msg([
      'BYE sip:b@h SIP/2.0', 'Route: <sip:p1;lr>, <sip:p2;lr>', 'Route: <sip:p3;lr>', 'Record-Route: <sip:rr;lr;ftag=1>',
    ]));
    expect(m.routes().map((r) => r.uri)).toEqual(['sip:p1;lr', 'sip:p2;lr', 'sip:p3;lr']);
    expect(m.recordRoutes()[0]!.uri).toBe('sip:rr;lr;ftag=1');
  });

  it('accepts bare LF line ends and CRLFs before the start line', () => {
    const m = SipMessage.parse(Buffer.from('\r\n\r\nOPTIONS sip:x@y SIP/2.0\nCall-ID: abc\nContent-Length: 2\n\nhi'));
    expect(m.method).toBe('OPTIONS');
    expect(m.callId).toBe('abc');
    expect(m.body.toString()).toBe('hi');
    expect(m.build().toString()).toBe('OPTIONS sip:x@y SIP/2.0\nCall-ID: abc\nContent-Length: 2\n\nhi');
  });

  it('parses numbers with leading zeros and checks their ranges', () => {
    const base = ['OPTIONS sip:x@y SIP/2.0'];
    const m = SipMessage.parse(msg([...base, 'CSeq: 0009 OPTIONS', 'Max-Forwards: 0070', 'Expires: 0120']));
    expect(m.cseq.num).toBe(9);
    expect(m.maxForwards).toBe(70);
    expect(m.expires).toBe(120);
    expect(SipMessage.parse(msg([...base, 'CSeq: 2147483647 OPTIONS'])).cseq.num).toBe(2 ** 31 - 1);
    expect(reason(() => SipMessage.parse(msg([...base, 'CSeq: 2147483648 OPTIONS'])).cseq)).toBe('Bad CSeq header');
    expect(reason(() => SipMessage.parse(msg([...base, 'CSeq: 12OPTIONS'])).cseq)).toBe('Bad CSeq header');
    expect(reason(() => SipMessage.parse(msg([...base, 'CSeq: -1 OPTIONS'])).cseq)).toBe('Bad CSeq header');
    expect(reason(() => SipMessage.parse(msg([...base, 'Max-Forwards: 256'])).maxForwards)).toBe('Bad Max-Forwards header');
    expect(SipMessage.parse(msg([...base, 'Max-Forwards: 255'])).maxForwards).toBe(255);
    expect(SipMessage.parse(msg([...base, `Expires: 1${'0'.repeat(40)}`])).expires).toBe(2 ** 32 - 1);
    expect(reason(() => SipMessage.parse(msg([...base, 'Expires: soon'])).expires)).toBe('Bad Expires header');
    expect(SipMessage.parse(msg(base)).maxForwards).toBeUndefined();
  });

  it('checks Call-ID: presence in the getter, syntax in validate()', () => {
    const base = ['OPTIONS sip:x@y SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'From: <sip:a@b>;tag=1', 'To: <sip:c@d>', 'CSeq: 1 OPTIONS'];
    const ok = SipMessage.parse(msg([...base, 'Call-ID: a@b']));
    expect(ok.callId).toBe('a@b');
    ok.validate();
    for (const bad of ['a@b@c', 'a b', '@a', 'a@', 'caf\u00e9']) {
      const m = SipMessage.parse(msg([...base, `Call-ID: ${bad}`]));
      // octets a Call-ID may not hold come out one char per octet (a stable key, not decoded)
      expect(m.callId).toBe(Buffer.from(bad).toString('latin1'));
      expect(reason(() => m.validate()), bad).toBe('Bad Call-ID header');
    }
    expect(reason(() => SipMessage.parse(msg([...base, 'Call-ID:'])).callId)).toBe('Bad Call-ID header');
    expect(reason(() => SipMessage.parse(msg(base)).callId)).toBe('Missing Call-ID header');
  });

  it('frames the body by Content-Length (datagram rules)', () => {
    const head = ['MESSAGE sip:x@y SIP/2.0', 'Content-Length: 3'];
    expect(SipMessage.parse(msg(head, 'abcdef')).body.toString()).toBe('abc');
    expect(reason(() => SipMessage.parse(msg(head, 'ab')).body)).toBe('Bad Content-Length header');
    expect(SipMessage.parse(msg(['MESSAGE sip:x@y SIP/2.0'], 'all of it')).body.toString()).toBe('all of it');
    const twice = SipMessage.parse(msg([...head, 'l: 3'], 'abc'));
    expect(twice.contentLength).toBe(3);
    expect(reason(() => twice.validate())).toBe('Duplicate Content-Length header');
    expect(reason(() => SipMessage.parse(msg([...head, 'l: 4'], 'abcd')).contentLength)).toBe('Bad Content-Length header');
    expect(reason(() => SipMessage.parse(msg(['MESSAGE sip:x@y SIP/2.0', 'Content-Length: five'])).body))
      .toBe('Bad Content-Length header');
  });

  it('handles a header section without the empty line', () => {
    const m = SipMessage.parse(Buffer.from('OPTIONS sip:x@y SIP/2.0\r\nCall-ID: z\r\nl: 0\r\n'));
    expect(m.callId).toBe('z');
    expect(m.body.length).toBe(0);
    expect(m.headerNames()).toEqual(['Call-ID', 'l']);
    const noEnd = SipMessage.parse(Buffer.from('OPTIONS sip:x@y SIP/2.0\r\nCall-ID: z'));
    expect(noEnd.callId).toBe('z');
  });

  it('finds headers of large messages (text view limited to the header section)', () => {
    const body = 'x'.repeat(20000);
    const m = SipMessage.parse(invite(['Subject: big'], body));
    expect(m.header('Subject')).toBe('big');
    expect(m.body.length).toBe(20000);
    expect(m.build({ via: 'SIP/2.0/UDP p;branch=z9hG4bKq' }).length).toBe(m.buf.length + 'Via: SIP/2.0/UDP p;branch=z9hG4bKq\r\n'.length);
  });

  it('throws only SipParseError on garbage start lines', () => {
    for (const bad of ['', '\r\n\r\n', 'hello', 'GET / HTTP/1.1\r\n\r\n', 'SIP/2.0 20 OK\r\n\r\n', 'SIP/2.0 2000 OK\r\n\r\n',
      'SIP/2.0 099 Low\r\n\r\n', 'SIP/x 200 OK\r\n', ' INVITE sip:a SIP/2.0\r\n', 'INV ITE\r\n', 'INVITE sip:a SIP/2.0x\r\n']) {
      expect(() => SipMessage.parse(Buffer.from(bad)), JSON.stringify(bad)).toThrow(SipParseError);
    }
  });

  it('lets validate() name what is wrong', () => {
    const ok = ['Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'From: <sip:a@b>;tag=1', 'To: <sip:c@d>', 'Call-ID: x', 'CSeq: 1 OPTIONS'];
    SipMessage.parse(msg(['OPTIONS sip:x@y SIP/2.0', ...ok])).validate();
    const cases: Array<[string[], string, number?]> = [
      [['OPTIONS sip:x@y SIP/3.0', ...ok], 'Version Not Supported', 505],
      [['OPTIONS  sip:x@y SIP/2.0', ...ok], 'Bad request line'],
      [['OPTIONS <sip:x@y> SIP/2.0', ...ok], 'Bad Request-URI'],
      [['OPTIONS sip:x@y SIP/2.0', ...ok, 'Bad Line Without Colon'], 'Bad header line'],
      [['OPTIONS sip:x@y SIP/2.0', ...ok.slice(1)], 'Missing Via header'],
      [['OPTIONS sip:x@y SIP/2.0', 'Via: SIP/2.0/UDP h;;', ...ok.slice(1)], 'Bad Via header'],
      [['OPTIONS sip:x@y SIP/2.0', 'Via: SIP/3.0/UDP h', ...ok.slice(1)], 'Bad Via header'],
      [['OPTIONS sip:x@y SIP/2.0', ...ok.filter((l) => !l.startsWith('From'))], 'Missing From header'],
      [['OPTIONS sip:x@y SIP/2.0', ...ok, 'To: <sip:e@f>'], 'Duplicate To header'],
      [['OPTIONS sip:x@y SIP/2.0', ...ok.slice(0, 4), 'CSeq: 1 INVITE'], 'CSeq method mismatch', 400],
      [['FOO sip:x@y SIP/2.0', ...ok], 'CSeq method mismatch', 501],
      [['OPTIONS sip:x@y SIP/2.0', ...ok, 'Max-Forwards: 300'], 'Bad Max-Forwards header'],
      [['OPTIONS sip:x@y SIP/2.0', ...ok, 'Content-Length: 10'], 'Bad Content-Length header'],
      [['OPTIONS sip:x@y SIP/2.0', ...ok.slice(0, 1), 'From: <sip:a@@b>;tag=1', ...ok.slice(2)], 'Bad From header'],
      [['OPTIONS sip:x@y SIP/2.0', ...ok.slice(0, 2), 'To: <sip:c d>', ...ok.slice(3)], 'Bad To header'],
    ];
    for (const [lines, why, status] of cases) {
      const m = SipMessage.parse(msg(lines));
      let err: unknown;
      try { m.validate(); } catch (e) { err = e; }
      expect(err, why).toBeInstanceOf(SipParseError);
      expect((err as SipParseError).reason, lines.join(' | ')).toBe(why);
      expect((err as SipParseError).status).toBe(status ?? 400);
    }
  });
});
