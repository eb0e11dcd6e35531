import { describe, expect, it } from 'vitest';
import {
  authRequest, bodyIntact, bodyPool, headerValue, MsrpReader, parseByteRange, response, sendHead, sendTail, type MsrpFrame,
} from '../src/msrp-wire.js';

function read(chunks: Buffer[]): MsrpFrame[] {
  const r = new MsrpReader();
  const out: MsrpFrame[] = [];
  // copy what the callback sees: the body is a view into the read buffer
  for (const c of chunks) r.push(c, (f) => out.push({ ...f, body: f.body ? Buffer.from(f.body) : undefined }));
  expect(r.buffered).toBe(0);
  return out;
}

const chunk = { tid: 'tx1n5', toPath: 'msrp://127.0.0.1:2855/s1;tcp msrp://127.0.0.1:40001/r0;tcp', fromPath: 'msrp://127.0.0.1:40002/s0;tcp', messageId: 'm0-0', start: 8193, length: 10, total: 40, flag: '+' as const };

describe('MSRP client framing', () => {
  it('builds a SEND with correct Byte-Range and end-line', () => {
    const f = Buffer.concat([sendHead(chunk), Buffer.from('abcdefghij'), sendTail('tx1n5', '+')]).toString('latin1');
    expect(f).toBe('MSRP tx1n5 SEND\r\nTo-Path: msrp://127.0.0.1:2855/s1;tcp msrp://127.0.0.1:40001/r0;tcp\r\n'
      + 'From-Path: msrp://127.0.0.1:40002/s0;tcp\r\nMessage-ID: m0-0\r\nByte-Range: 8193-8202/40\r\nFailure-Report: yes\r\n'
      + 'Content-Type: text/plain\r\n\r\nabcdefghij\r\n-------tx1n5+\r\n');
  });

  it('cuts frames split anywhere, several per read, with and without body', () => {
    const send = Buffer.concat([sendHead(chunk), Buffer.from('ab\r\n------cd'), sendTail('tx1n5', '+')]);
    const ok = Buffer.from(response('tx9', 200, 'OK', 'msrp://127.0.0.1:2855/s1;tcp', 'msrp://127.0.0.1:40001/r0;tcp'));
    const auth = authRequest('au0x1', 'msrp://127.0.0.1:2855;tcp', 'msrp://127.0.0.1:40001/r0;tcp');
    const all = Buffer.concat([send, ok, auth]);
    const whole = read([all]);
    for (let cut = 1; cut < all.length; cut += 7) {
      expect(read([all.subarray(0, cut), all.subarray(cut)])).toEqual(whole);
    }
    expect(read([...all].map((b) => Buffer.from([b])))).toEqual(whole); // byte by byte
    expect(whole.map((f) => [f.tid, f.method, f.status, f.flag])).toEqual([['tx1n5', 'SEND', 0, '+'], ['tx9', '', 200, '$'], ['au0x1', 'AUTH', 0, '$']]);
    expect(whole[0]!.body?.toString()).toBe('ab\r\n------cd'); // six dashes are body, not an end-line
    expect(whole[1]!.body).toBeUndefined();
    expect(headerValue(whole[0]!.headers, 'byte-range')).toBe('8193-8202/40');
    expect(headerValue(whole[1]!.headers, 'From-Path')).toBe('msrp://127.0.0.1:40001/r0;tcp');
    expect(headerValue(whole[2]!.headers, 'Use-Path')).toBeUndefined();
  });

  it('throws on a stream that is not MSRP or has a broken end-line', () => {
    expect(() => new MsrpReader().push(Buffer.from('INVITE sip:a SIP/2.0\r\n'), () => undefined)).toThrow('not an MSRP frame');
    expect(() => new MsrpReader().push(Buffer.from('MSRP abcd 200 OK\r\nTo-Path: x\r\n-------abcd!\r\n'), () => undefined)).toThrow('bad MSRP end-line');
  });

  it('parses Byte-Range values', () => {
    expect(parseByteRange('1-8192/65536')).toEqual({ start: 1, end: 8192, total: 65536 });
    expect(parseByteRange('1-*/*')).toEqual({ start: 1, end: NaN, total: NaN });
    expect(parseByteRange('x')).toBeUndefined();
    expect(parseByteRange(undefined)).toBeUndefined();
  });

  it('makes distinct, deterministic letter bodies and checks them by CRC-32', () => {
    const a = bodyPool(4, 1000);
    const b = bodyPool(4, 1000);
    expect(a.bodies.map((x) => x.toString())).toEqual(b.bodies.map((x) => x.toString()));
    expect(new Set(a.crcs).size).toBe(4);
    for (const body of a.bodies) expect(body.toString()).toMatch(/^[a-z]{1000}$/);
    expect(bodyIntact(a.bodies[2]!, 2, a.crcs)).toBe(true);
    expect(bodyIntact(a.bodies[2]!, 1, a.crcs)).toBe(false);
    expect(bodyIntact(a.bodies[2]!, 9, a.crcs)).toBe(false);
    const flipped = Buffer.from(a.bodies[2]!);
    flipped[500] = flipped[500] === 97 ? 98 : 97;
    expect(bodyIntact(flipped, 2, a.crcs)).toBe(false);
  });
});
