import { describe, expect, it } from 'vitest';
import { AF_INET, AF_INET6, decodeHep3, encodeHep3, HepEncodeError, type HepMessage } from '../src/index.js';
import { EncoderCache, parseIp } from '../src/codec/encoder-cache.js';

const msg = (o: Partial<HepMessage> = {}): HepMessage => ({
  family: AF_INET, ipProto: 17, srcIp: '10.1.2.3', dstIp: '192.168.0.254', srcPort: 5060, dstPort: 65535,
  timeSec: 0xfedcba98, timeUsec: 999_999, protoType: 1, captureId: 0x01020304,
  payload: Buffer.from('INVITE sip:bob@example.com SIP/2.0\r\n\r\n'), correlation: 'call-ü', chunks: null, ...o,
});

describe('EncoderCache', () => {
  it('hands out buffers that never overlap, over several slabs', () => {
    const c = new EncoderCache();
    const bufs: Buffer[] = [];
    for (let i = 0; i < 1200; i++) {
      const b = c.alloc(600 + (i % 7));
      b.fill(i & 0xff);
      bufs.push(b);
    }
    // every buffer still holds its own fill: no later buffer overwrote it
    bufs.forEach((b, i) => expect(b.every((x) => x === (i & 0xff))).toBe(true));
    expect(new Set(bufs.map((b) => b.buffer)).size).toBeGreaterThan(1);
    // sizes beyond a slab's share come from their own allocation
    expect(c.alloc(100_000).length).toBe(100_000);
  });

  it('parses each address once and returns its wire bytes; null for a non-literal', () => {
    const c = new EncoderCache();
    const a = c.ip('10.0.0.1');
    expect([...a!]).toEqual([10, 0, 0, 1]);
    expect(c.ip('10.0.0.1')).toBe(a); // the cached bytes
    expect([...c.ip('2001:db8::1')!]).toEqual([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(c.ip('example.com')).toBeNull();
    expect(c.ip('300.1.1.1')).toBeNull();
    expect(parseIp('::1')!.length).toBe(16);
  });

  it('stays bounded: past 256 addresses it starts over and still answers right', () => {
    const c = new EncoderCache();
    const first = c.ip('10.0.0.0');
    for (let i = 1; i <= 300; i++) expect([...c.ip(`10.0.${i >> 8}.${i & 0xff}`)!]).toEqual([10, 0, i >> 8, i & 0xff]);
    const again = c.ip('10.0.0.0');
    expect(again).not.toBe(first); // parsed afresh after the reset
    expect([...again!]).toEqual([10, 0, 0, 0]);
  });
});

describe('encodeHep3 with an EncoderCache', () => {
  it('writes the same bytes as without one (v4, v6, chunks, correlation)', () => {
    const c = new EncoderCache();
    const cases = [
      msg(),
      msg({ family: AF_INET6, srcIp: '::1', dstIp: 'fe80::1:2', correlation: null }),
      msg({ payload: 'text payload', chunks: [{ vendor: 3, type: 0x65, value: '{"a":1}' }, { vendor: 0, type: 0x13, value: Buffer.from('node1') }] }),
    ];
    for (const m of cases) {
      const plain = encodeHep3(m);
      for (let i = 0; i < 3; i++) expect(encodeHep3(m, false, c).equals(plain)).toBe(true);
      const d = decodeHep3(plain);
      expect(d.ok && d.packet).toMatchObject({ srcIp: m.srcIp, dstIp: m.dstIp, srcPort: m.srcPort, dstPort: m.dstPort, timeSec: m.timeSec, timeUsec: m.timeUsec, captureId: m.captureId });
    }
  });

  it('ports and 32-bit fields out of range wrap as before (low bits); bad addresses still throw', () => {
    const c = new EncoderCache();
    const d = decodeHep3(encodeHep3(msg({ srcPort: 0x1_0005, timeSec: 2 ** 32 + 7, captureId: -1 }), false, c));
    expect(d.ok && d.packet).toMatchObject({ srcPort: 5, timeSec: 7, captureId: 0xffffffff });
    expect(() => encodeHep3(msg({ dstIp: 'not-an-ip' }), false, c)).toThrow(HepEncodeError);
    expect(() => encodeHep3(msg({ srcIp: '1.2.3' }))).toThrow(HepEncodeError);
  });
});
