import { describe, expect, it } from 'vitest';
import { SipMessage } from '../../src/sip/index.js';

const req = () =>
  SipMessage.parse(Buffer.from(
    'INVITE sip:bob@b.example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKa\r\nRecord-Route: <sip:up.example;lr>\r\n' +
    'From: <sip:a@a.example>;tag=1\r\nTo: <sip:b@b.example>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n',
    'latin1',
  ));

const lines = (b: Buffer) => b.toString('latin1').split('\r\n');

describe('insertHeaderFirstDeferred: a line rendered by each build', () => {
  it('is rendered from that build\'s options, on top, and may write several lines or none', () => {
    const m = req();
    m.insertHeaderFirstDeferred('Record-Route', (o) => (o?.via?.includes('TCP') ? 'Record-Route: <sip:t;lr>\r\nRecord-Route: <sip:u;lr>' : o?.via ? 'Record-Route: <sip:u;lr>' : ''));
    const tcp = lines(m.build({ via: 'SIP/2.0/TCP 10.0.0.9;branch=z9hG4bKb' }));
    expect(tcp.slice(0, 5)).toEqual([
      'INVITE sip:bob@b.example.com SIP/2.0',
      'Via: SIP/2.0/TCP 10.0.0.9;branch=z9hG4bKb',
      'Record-Route: <sip:t;lr>',
      'Record-Route: <sip:u;lr>',
      'Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKa',
    ]);
    expect(lines(m.build({ via: 'SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKc' })).filter((l) => l.startsWith('Record-Route'))).toEqual([
      'Record-Route: <sip:u;lr>',
      'Record-Route: <sip:up.example;lr>',
    ]);
    expect(lines(m.build()).filter((l) => l.startsWith('Record-Route'))).toEqual(['Record-Route: <sip:up.example;lr>']);
  });

  it('survives revertTo of later changes and goes with removeHeader / removeFirstValue', () => {
    const m = req();
    m.insertHeaderFirstDeferred('Record-Route', () => 'Record-Route: <sip:me;lr>');
    const mark = m.changeMark();
    m.removeHeader('Record-Route');
    expect(m.build().toString('latin1')).not.toContain('Record-Route');
    m.revertTo(mark);
    expect(m.build().toString('latin1')).toContain('Record-Route: <sip:me;lr>\r\nVia:');
    expect(m.removeFirstValue('record-route')).toBe(true);
    expect(m.build().toString('latin1')).not.toContain('<sip:me;lr>');
    expect(m.build().toString('latin1')).toContain('Record-Route: <sip:up.example;lr>');
  });
});
