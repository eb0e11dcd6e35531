import type { Fields } from './parse-libs.js';
/**
 * Three messages as a proxy sees them on the wire (written for this bench): an INVITE
 * that already crossed one proxy, the 200 OK to it, and an authenticated REGISTER.
 */

export interface SampleMessage {
  name: string;
  buf: Buffer;
  /** what every parser must read from it (Request-URI host '' and status 0 where they do not apply) */
  expect: Fields;
}

function wire(headers: string[], body = ''): Buffer {
  const withLength = [...headers, `Content-Length: ${Buffer.byteLength(body)}`];
  return Buffer.from(`${withLength.join('\r\n')}\r\n\r\n${body}`);
}

const SDP_OFFER = [
  'v=0',
  'o=- 3894512345 3894512345 IN IP4 10.1.2.3',
  's=call',
  'c=IN IP4 10.1.2.3',
  't=0 0',
  'm=audio 40000 RTP/AVP 0 8 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=ptime:20',
  'a=sendrecv',
  '',
].join('\r\n');

const SDP_ANSWER = SDP_OFFER.replace(/10\.1\.2\.3/g, '203.0.113.40').replace('40000', '18230').replace('3894512345 3894512345', '1700001 1700001');

const INVITE = wire([
  'INVITE sip:+4930123456@sip.carrier.example;user=phone SIP/2.0',
  'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-524287-1-a8c1f3e27b6d4e01;rport',
  'Via: SIP/2.0/UDP 10.1.2.3:5062;received=198.51.100.7;branch=z9hG4bK-d8754z-42d1f0c3a1b2c3d4-1;rport=5062',
  'Max-Forwards: 69',
  'Record-Route: <sip:192.0.2.10;lr;ftag=as6f1c2d3e>',
  'Contact: <sip:alice@10.1.2.3:5062;transport=udp>;expires=3600',
  'To: <sip:+4930123456@sip.carrier.example;user=phone>',
  'From: "Alice Example" <sip:alice@pbx.example.org>;tag=as6f1c2d3e',
  'Call-ID: 7f3c2e1d-9a8b-4c5d-8e7f-1a2b3c4d5e6f@10.1.2.3',
  'CSeq: 102 INVITE',
  'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, PRACK, UPDATE, REFER, NOTIFY, INFO',
  'Supported: replaces, timer, 100rel',
  'Session-Expires: 1800;refresher=uac',
  'Min-SE: 90',
  'User-Agent: ExamplePhone/4.2.1',
  'P-Asserted-Identity: "Alice Example" <sip:+4930987654@pbx.example.org>',
  'Content-Type: application/sdp',
], SDP_OFFER);

const OK_200 = wire([
  'SIP/2.0 200 OK',
  'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-524287-1-a8c1f3e27b6d4e01;rport=5060',
  'Via: SIP/2.0/UDP 10.1.2.3:5062;received=198.51.100.7;branch=z9hG4bK-d8754z-42d1f0c3a1b2c3d4-1;rport=5062',
  'Record-Route: <sip:192.0.2.10;lr;ftag=as6f1c2d3e>',
  'Contact: <sip:+4930123456@203.0.113.40:5060>',
  'To: <sip:+4930123456@sip.carrier.example;user=phone>;tag=gw-77e3a9c1',
  'From: "Alice Example" <sip:alice@pbx.example.org>;tag=as6f1c2d3e',
  'Call-ID: 7f3c2e1d-9a8b-4c5d-8e7f-1a2b3c4d5e6f@10.1.2.3',
  'CSeq: 102 INVITE',
  'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS',
  'Supported: timer',
  'Session-Expires: 1800;refresher=uac',
  'Server: CarrierGW/7.1',
  'Content-Type: application/sdp',
], SDP_ANSWER);

const REGISTER = wire([
  'REGISTER sip:pbx.example.org SIP/2.0',
  'Via: SIP/2.0/TCP 10.1.2.3:51234;branch=z9hG4bK-reg-3a9c7e2155d0;rport',
  'Max-Forwards: 70',
  'Contact: <sip:alice@10.1.2.3:51234;transport=tcp;ob>;reg-id=1;expires=3600',
  'To: "Alice Example" <sip:alice@pbx.example.org>',
  'From: "Alice Example" <sip:alice@pbx.example.org>;tag=9fx8e7d6',
  'Call-ID: reg-5b6c7d8e9f0a1b2c@10.1.2.3',
  'CSeq: 4711 REGISTER',
  'Expires: 3600',
  'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, MESSAGE, NOTIFY',
  'Supported: path, outbound, gruu',
  'User-Agent: ExamplePhone/4.2.1',
  'Authorization: Digest username="alice", realm="pbx.example.org", nonce="5f2b8c1d9e3a7f60", uri="sip:pbx.example.org", response="0c1f2e3d4c5b6a798877665544332211", algorithm=MD5, qop=auth, nc=00000001, cnonce="a1b2c3d4"',
]);

export const SAMPLE_MESSAGES: readonly SampleMessage[] = [
  {
    name: 'INVITE',
    buf: INVITE,
    expect: {
      branch: 'z9hG4bK-524287-1-a8c1f3e27b6d4e01', cseqNum: 102, cseqMethod: 'INVITE',
      callId: '7f3c2e1d-9a8b-4c5d-8e7f-1a2b3c4d5e6f@10.1.2.3', fromTag: 'as6f1c2d3e',
      ruriHost: 'sip.carrier.example', status: 0,
    },
  },
  {
    name: '200 OK',
    buf: OK_200,
    expect: {
      branch: 'z9hG4bK-524287-1-a8c1f3e27b6d4e01', cseqNum: 102, cseqMethod: 'INVITE',
      callId: '7f3c2e1d-9a8b-4c5d-8e7f-1a2b3c4d5e6f@10.1.2.3', fromTag: 'as6f1c2d3e',
      ruriHost: '', status: 200,
    },
  },
  {
    name: 'REGISTER',
    buf: REGISTER,
    expect: {
      branch: 'z9hG4bK-reg-3a9c7e2155d0', cseqNum: 4711, cseqMethod: 'REGISTER',
      callId: 'reg-5b6c7d8e9f0a1b2c@10.1.2.3', fromTag: '9fx8e7d6',
      ruriHost: 'pbx.example.org', status: 0,
    },
  },
];
