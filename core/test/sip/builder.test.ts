import { describe, expect, it } from 'vitest';
import { SipMessage } from '../../src/sip/index.js';

const CRLF = '\r\n';

function request(body = 'v=0\r\n'): Buffer {
  return Buffer.from([
    'INVITE sip:bob@b.example.com SIP/2.0',
    'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKaaa;rport, SIP/2.0/TCP 10.0.0.2;branch=z9hG4bKbbb',
    'Via: SIP/2.0/UDP 10.0.0.3;branch=z9hG4bKccc',
    'Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>',
    'Record-Route: <sip:rr.example.com;lr>',
    'From: <sip:alice@a.example.com>;tag=1',
    'To: <sip:bob@b.example.com>',
    'Call-ID: c1@a',
    'CSeq: 1 INVITE',
    'Content-Type: application/sdp',
    `Content-Length: ${body.length}`,
  ].join(CRLF) + CRLF + CRLF + body);
}

function text(b: Buffer): string {
  return b.toString('latin1');
}

describe('recorded changes and build()', () => {
  it('returns the received Buffer itself when nothing changed', () => {
    const buf = request();
    const m = SipMessage.parse(buf);
    expect(m.changed).toBe(false);
    expect(m.build()).toBe(buf);
    expect(m.build({})).toBe(buf);
  });

  it('drops trailing datagram bytes and leading CRLFs without copying', () => {
    const buf = Buffer.concat([Buffer.from('\r\n'), request('abc'), Buffer.from('junk')]);
    const out = SipMessage.parse(buf).build();
    expect(text(out)).toBe(text(request('abc')));
    expect(out.buffer).toBe(buf.buffer);
  });

  it('prepends a Via and copies everything else byte for byte', () => {
    const buf = request();
    const m = SipMessage.parse(buf);
    const out = m.build({ via: 'SIP/2.0/UDP proxy.example.com;branch=z9hG4bKnew' });
    const firstLine = text(buf).indexOf(CRLF) + 2;
    expect(text(out)).toBe(`${text(buf).slice(0, firstLine)}Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKnew${CRLF}${text(buf).slice(firstLine)}`);
    const again = SipMessage.parse(out);
    expect(again.headerNames()[0]).toBe('Via');
    expect(again.vias().map((v) => v.branch)).toEqual(['z9hG4bKnew', 'z9hG4bKaaa', 'z9hG4bKbbb', 'z9hG4bKccc']);
    expect(m.changed).toBe(false);
  });

  it('rewrites the Request-URI (setRuri, or build({ruri}) which wins)', () => {
    const m = SipMessage.parse(request());
    m.setRuri('sip:bob@10.1.1.1:5070');
    expect(m.changed).toBe(true);
    expect(m.ruri).toBe('sip:bob@b.example.com'); // the received message is unchanged
    expect(SipMessage.parse(m.build()).ruri).toBe('sip:bob@10.1.1.1:5070');
    expect(SipMessage.parse(m.build({ ruri: 'sip:x@y' })).ruri).toBe('sip:x@y');
    expect(text(m.build()).startsWith('INVITE sip:bob@10.1.1.1:5070 SIP/2.0\r\nVia:')).toBe(true);
  });

  it('adds headers after the last one and inserts others before the first', () => {
    const m = SipMessage.parse(request());
    m.addHeader('X-One: 1');
    m.addHeader('X-Two: 2\r\n');
    m.insertHeaderFirst('Record-Route: <sip:me.example.com;lr>');
    m.insertHeaderFirst('Record-Route: <sip:me2.example.com;lr>');
    const out = SipMessage.parse(m.build({ via: 'SIP/2.0/UDP me;branch=z9hG4bKm', extraHeaders: 'X-Extra: e\r\n' }));
    const names = out.headerNames();
    expect(names.slice(0, 3)).toEqual(['Via', 'Record-Route', 'Record-Route']);
    // Content-Length keeps its place; added lines come after the last received one
    expect(names.slice(-4)).toEqual(['Content-Length', 'X-One', 'X-Two', 'X-Extra']);
    expect(out.recordRoutes().map((r) => r.uri)).toEqual(['sip:me2.example.com;lr', 'sip:me.example.com;lr', 'sip:rr.example.com;lr']);
    expect(out.body.toString()).toBe('v=0\r\n');
    out.validate();
  });

  it('removes every occurrence of a header, long or compact, received or added', () => {
    const m = SipMessage.parse(request());
    m.addHeader('v: SIP/2.0/UDP added;branch=z9hG4bKadd');
    expect(m.removeHeader('via')).toBe(3);
    expect(m.removeHeader('X-Missing')).toBe(0);
    const out = SipMessage.parse(m.build());
    expect(out.hasHeader('Via')).toBe(false);
    expect(out.callId).toBe('c1@a');
  });

  it('removes the first value of comma lists (top Via, top Route)', () => {
    const m = SipMessage.parse(request());
    expect(m.removeFirstValue('Via')).toBe(true);
    let out = SipMessage.parse(m.build());
    expect(out.vias().map((v) => v.branch)).toEqual(['z9hG4bKbbb', 'z9hG4bKccc']);
    expect(m.removeFirstValue('Via')).toBe(true);
    out = SipMessage.parse(m.build());
    expect(out.vias().map((v) => v.branch)).toEqual(['z9hG4bKccc']);
    expect(out.headerAll('Via')).toEqual(['SIP/2.0/UDP 10.0.0.3;branch=z9hG4bKccc']);
    expect(m.removeFirstValue('Route')).toBe(true);
    out = SipMessage.parse(m.build());
    expect(out.routes().map((r) => r.uri)).toEqual(['sip:p2.example.com;lr']);
    expect(m.removeFirstValue('Route')).toBe(true);
    expect(m.removeFirstValue('Route')).toBe(false);
    expect(SipMessage.parse(m.build()).hasHeader('Route')).toBe(false);
  });

  it('sets received/rport on the top Via (RFC 3581)', () => {
    const m = SipMessage.parse(request());
    m.addViaParam('received', '192.0.2.7');
    m.addViaParam('rport', '5099');
    const out = SipMessage.parse(m.build());
    const v = out.via1;
    expect(v.received).toBe('192.0.2.7');
    expect(v.rport).toBe(5099);
    expect(v.branch).toBe('z9hG4bKaaa');
    expect(out.vias()[1]!.received).toBeUndefined();
    expect(out.headerAll('Via')[0]).toBe('SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKaaa;rport=5099;received=192.0.2.7, SIP/2.0/TCP 10.0.0.2;branch=z9hG4bKbbb');
  });

  it('replaces the body and fixes Content-Length and Content-Type', () => {
    const m = SipMessage.parse(request());
    m.setBody('hello world', 'text/plain');
    let out = SipMessage.parse(m.build());
    expect(out.body.toString()).toBe('hello world');
    expect(out.contentLength).toBe(11);
    expect(out.headerAll('Content-Type')).toEqual(['text/plain']);
    m.setBody(Buffer.alloc(0));
    out = SipMessage.parse(m.build());
    expect(out.contentLength).toBe(0);
    expect(out.hasHeader('Content-Type')).toBe(false);
    out.validate();
  });

  it('adds Content-Length when the received message had none', () => {
    const buf = Buffer.from('MESSAGE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\nbody');
    const out = SipMessage.parse(SipMessage.parse(buf).build({ via: 'SIP/2.0/UDP p;branch=z9hG4bK2' }));
    expect(out.contentLength).toBe(4);
    expect(out.body.toString()).toBe('body');
  });

  it('ends a header section that had no empty line', () => {
    const m = SipMessage.parse(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nCall-ID: z\r\nl: 0'));
    const out = m.build({ via: 'SIP/2.0/UDP p;branch=z9hG4bK2' });
    expect(text(out)).toBe('OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP p;branch=z9hG4bK2\r\nCall-ID: z\r\nl: 0\r\n\r\n');
  });

  it('rolls changes back to a mark (per-branch changes)', () => {
    const m = SipMessage.parse(request());
    m.addHeader('X-Common: 1');
    const mark = m.changeMark();
    m.setRuri('sip:branch1@h');
    m.removeHeader('Route');
    m.addViaParam('received', '1.2.3.4');
    expect(SipMessage.parse(m.build()).hasHeader('Route')).toBe(false);
    m.revertTo(mark);
    const out = SipMessage.parse(m.build());
    expect(out.ruri).toBe('sip:bob@b.example.com');
    expect(out.routes()).toHaveLength(2);
    expect(out.header('X-Common')).toBe('1');
    expect(out.via1.received).toBeUndefined();
    m.revertTo(0);
    expect(m.changed).toBe(false);
    expect(text(m.build())).toBe(text(request()));
  });

  it('keeps non-ASCII received bytes and encodes added text as UTF-8', () => {
    const buf = Buffer.from('MESSAGE sip:a@b SIP/2.0\r\nSubject: café\r\nContent-Length: 0\r\n\r\n', 'utf8');
    const m = SipMessage.parse(buf);
    m.addHeader('X-Name: Zoë');
    const out = SipMessage.parse(m.build());
    expect(out.header('Subject')).toBe('café');
    expect(out.header('X-Name')).toBe('Zoë');
  });
});
