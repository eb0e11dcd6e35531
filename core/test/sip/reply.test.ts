import { describe, expect, it } from 'vitest';
import { SipMessage, buildReply } from '../../src/sip/index.js';
import { corpusBytes } from './corpus.js';

const REQ = Buffer.from([
  'INVITE sip:bob@b.example.com SIP/2.0',
  'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKaaa;rport, SIP/2.0/TCP 10.0.0.2;branch=z9hG4bKbbb',
  'v: SIP/2.0/UDP 10.0.0.3;branch=z9hG4bKccc',
  'Record-Route: <sip:rr.example.com;lr>',
  'f: "Alice" <sip:alice@a.example.com>;tag=1',
  'To: <sip:bob@b.example.com>',
  'Max-Forwards: 70',
  'Call-ID: c1@a',
  'CSeq: 7 INVITE',
  'Contact: <sip:alice@10.0.0.1>',
  'Content-Length: 0',
  '', '',
].join('\r\n'));

describe('buildReply', () => {
  it('copies Via (all, in order), From, To, Call-ID and CSeq and nothing else', () => {
    const req = SipMessage.parse(REQ);
    const r = SipMessage.parse(buildReply(req, 486, 'Busy Here', { toTag: 'tt1' }));
    expect(r.status).toBe(486);
    expect(r.reason).toBe('Busy Here');
    expect(r.vias().map((v) => v.branch)).toEqual(['z9hG4bKaaa', 'z9hG4bKbbb', 'z9hG4bKccc']);
    expect(r.headerNames()).toEqual(['Via', 'v', 'f', 'To', 'Call-ID', 'CSeq', 'Content-Length']);
    expect(r.from.display).toBe('Alice');
    expect(r.fromTag).toBe('1');
    expect(r.toTag).toBe('tt1');
    expect(r.callId).toBe('c1@a');
    expect(r.cseq).toEqual({ num: 7, method: 'INVITE' });
    expect(r.contentLength).toBe(0);
    r.validate();
  });

  it('adds no To tag to a 100 or when the To already has one', () => {
    const req = SipMessage.parse(REQ);
    expect(SipMessage.parse(buildReply(req, 100, 'Trying', { toTag: 'x' })).toTag).toBeUndefined();
    const inDialog = SipMessage.parse(Buffer.from(REQ.toString().replace('To: <sip:bob@b.example.com>', 'To: <sip:bob@b.example.com>;tag=old')));
    expect(SipMessage.parse(buildReply(inDialog, 200, 'OK', { toTag: 'new' })).toTag).toBe('old');
  });

  it('carries the received/rport recorded on the request', () => {
    const req = SipMessage.parse(REQ);
    req.addViaParam('received', '192.0.2.99');
    req.addViaParam('rport', '40000');
    const r = SipMessage.parse(buildReply(req, 404, 'Not Found', { toTag: 't' }));
    expect(r.via1).toMatchObject({ received: '192.0.2.99', rport: 40000, branch: 'z9hG4bKaaa' });
    expect(r.vias()[1]!.received).toBeUndefined();
  });

  it('adds extra headers, Server, a body with its type and the right length', () => {
    const req = SipMessage.parse(REQ);
    const r = SipMessage.parse(buildReply(req, 200, 'OK', {
      toTag: 't', headers: ['Contact: <sip:bob@10.9.9.9>', 'Allow: INVITE, ACK'], server: 'tsips', body: 'v=0\r\n', contentType: 'application/sdp',
    }));
    expect(r.header('Contact')).toBe('<sip:bob@10.9.9.9>');
    expect(r.headerValues('Allow')).toEqual(['INVITE', 'ACK']);
    expect(r.header('Server')).toBe('tsips');
    expect(r.header('Content-Type')).toBe('application/sdp');
    expect(r.contentLength).toBe(5);
    expect(r.body.toString()).toBe('v=0\r\n');
  });

  it('encodes a UTF-8 reason phrase', () => {
    const r = SipMessage.parse(buildReply(SipMessage.parse(REQ), 480, 'Недоступен'));
    expect(r.reason).toBe('Недоступен');
  });

  it('answers requests that miss or break headers (400 to RFC 4475 insuf, quotbal, baddn)', () => {
    const insuf = buildReply(SipMessage.parse(corpusBytes('insuf.dat')), 400, 'Missing From header', { toTag: 't' });
    const r = SipMessage.parse(insuf);
    expect(r.status).toBe(400);
    expect(r.via1.branch).toBe('z9hG4bKkdj.insuf');
    expect(r.cseq.num).toBe(193942);
    expect(r.hasHeader('From')).toBe(false);
    const quotbal = SipMessage.parse(buildReply(SipMessage.parse(corpusBytes('quotbal.dat')), 400, 'Bad To header', { toTag: 't' }));
    expect(quotbal.header('To')).toBe('"Mr. J. User <sip:j.user@example.com>');
    // baddn has no empty line after its last header
    const baddn = SipMessage.parse(buildReply(SipMessage.parse(corpusBytes('baddn.dat')), 400, 'Bad From header'));
    expect(baddn.headerNames()).toEqual(['Via', 'From', 'To', 'Call-ID', 'CSeq', 'Content-Length']);
    expect(baddn.cseq.num).toBe(3923239);
  });
});
