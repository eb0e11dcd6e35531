import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deflateSync, gzipSync } from 'node:zlib';
import { decodeHep, decodeHep2, decodeHep3, encodeHep2, encodeHep3, HepEncodeError, type HepMessage } from '../src/index.js';

/** hep.md §1 spec example, written out field by field */
const SPEC_HEX =
  '48455033' + '0071' +
  '0000' + '0001' + '0007' + '02' +
  '0000' + '0002' + '0007' + '11' +
  '0000' + '0003' + '000a' + 'd4ca0001' +
  '0000' + '0004' + '000a' + '52740001' +
  '0000' + '0007' + '0008' + '2eea' +
  '0000' + '0008' + '0008' + '13c4' +
  '0000' + '0009' + '000a' + '4e49c3a6' +
  '0000' + '000a' + '000a' + '0001d4c0' +
  '0000' + '000b' + '0007' + '01' +
  '0000' + '000c' + '000a' + '000000e4' +
  '0000' + '000f' + '0014' + Buffer.from('INVITE sip:bob').toString('hex');

const SPEC_MSG: HepMessage = {
  family: 2, ipProto: 17, srcIp: '212.202.0.1', dstIp: '82.116.0.1', srcPort: 12010, dstPort: 5060,
  timeSec: 0x4e49c3a6, timeUsec: 120000, protoType: 1, captureId: 228, payload: 'INVITE sip:bob',
};

function decoded(buf: Buffer) {
  const r = decodeHep(buf);
  if (!r.ok) throw new Error(`decode failed: ${r.error}`);
  return r.packet;
}

describe('HEPv3 codec', () => {
  it('encodes the spec example byte for byte', () => {
    const b = encodeHep3(SPEC_MSG);
    expect(b.toString('hex')).toBe(SPEC_HEX);
    expect(b.length).toBe(0x71);
  });

  it('decodes the spec example', () => {
    const p = decoded(Buffer.from(SPEC_HEX, 'hex'));
    expect(p).toMatchObject({ version: 3, family: 2, ipProto: 17, srcIp: '212.202.0.1', dstIp: '82.116.0.1', srcPort: 12010, dstPort: 5060, timeSec: 0x4e49c3a6, timeUsec: 120000, protoType: 1, captureId: 228, compressed: false, correlation: null, chunks: null });
    expect(p.payload.toString()).toBe('INVITE sip:bob');
  });

  it('accepts "EEP3", skips unknown chunks by length, keeps vendor and extra generic chunks', () => {
    const b = encodeHep3({ ...SPEC_MSG, correlation: 'call-1', chunks: [{ vendor: 3, type: 0x99, value: 'opaque' }, { vendor: 0, type: 0x13, value: 'node1' }, { vendor: 0, type: 0x77, value: Buffer.from([1, 2, 3]) }] });
    b.write('EEP3', 0, 'latin1');
    const p = decoded(b);
    expect(p.correlation!.toString()).toBe('call-1');
    expect(p.chunks!.map((c) => [c.vendor, c.type, c.value.toString('hex')])).toEqual([
      [3, 0x99, Buffer.from('opaque').toString('hex')],
      [0, 0x13, Buffer.from('node1').toString('hex')],
      [0, 0x77, '010203'],
    ]);
    expect(p.payload.toString()).toBe('INVITE sip:bob');
  });

  it('IPv6 addresses use chunks 5/6 and come back in RFC 5952 form', () => {
    const b = encodeHep3({ ...SPEC_MSG, family: 10, srcIp: '2001:DB8:0:0:0:0:0:1', dstIp: '::ffff:192.0.2.7' });
    expect(b.readUInt16BE(6 + 7 + 7 + 2)).toBe(5);
    const p = decoded(b);
    expect([p.srcIp, p.dstIp, p.family]).toEqual(['2001:db8::1', '::ffff:c000:207', 10]);
  });

  it('inflates a compressed payload (chunk 0x0010): zlib, gzip and raw deflate', () => {
    for (const z of [deflateSync, gzipSync]) {
      const p = decoded(encodeHep3({ ...SPEC_MSG, payload: z(Buffer.from('OPTIONS sip:x SIP/2.0')) }, true));
      expect(p.compressed).toBe(true);
      expect(p.payload.toString()).toBe('OPTIONS sip:x SIP/2.0');
    }
    const bad = decodeHep3(encodeHep3({ ...SPEC_MSG, payload: 'not deflated at all' }, true));
    expect(bad).toEqual({ ok: false, error: 'compressed payload (chunk 0x0010) does not inflate' });
  });

  it('gives specific errors for malformed packets', () => {
    const spec = Buffer.from(SPEC_HEX, 'hex');
    const err = (b: Buffer) => {
      const r = decodeHep(b);
      expect(r.ok).toBe(false);
      return (r as { error: string }).error;
    };
    expect(err(spec.subarray(0, 4))).toMatch(/shorter than the 6-byte/);
    expect(err(spec.subarray(0, 50))).toBe('length field says 113 bytes, packet has 50');
    const longChunk = Buffer.from(spec);
    longChunk.writeUInt16BE(0x30, 6 + 4); // family chunk claims 48 bytes
    expect(err(longChunk)).toBe('chunk 0x0001 (family) must hold 1 bytes, holds 42');
    const shortLen = Buffer.from(spec);
    shortLen.writeUInt16BE(3, 6 + 4);
    expect(err(shortLen)).toBe('chunk 0x0001 at offset 6: length 3 is below 6');
    const past = Buffer.from(spec);
    past.writeUInt16BE(0xff, spec.length - 20 + 4); // payload chunk runs past the end
    expect(err(past)).toMatch(/chunk 0x000f at offset 93: length 255 runs past the packet end/);
    const noPayload = encodeHep3({ ...SPEC_MSG, payload: '' }).subarray(0, 93);
    noPayload.writeUInt16BE(93, 4);
    expect(err(noPayload)).toBe('no payload chunk (0x000f or 0x0010)');
    expect(err(Buffer.from('GET / HTTP/1.1'))).toMatch(/not a HEP packet/);
    expect(err(Buffer.alloc(0))).toBe('empty packet');
  });

  it('refuses to encode a bad address or more than 64 KiB', () => {
    expect(() => encodeHep3({ ...SPEC_MSG, srcIp: 'example.com' })).toThrow(HepEncodeError);
    expect(() => encodeHep3({ ...SPEC_MSG, payload: Buffer.alloc(70000) })).toThrow(/exceeds the HEPv3 limit/);
  });
});

describe('HEPv1 / HEPv2 codec', () => {
  it('v1 IPv4: 16-byte header then the payload', () => {
    const b = encodeHep2(SPEC_MSG, 1);
    expect(b.subarray(0, 16).toString('hex')).toBe('0110' + '0211' + '2eea13c4' + 'd4ca0001' + '52740001');
    const p = decoded(b);
    expect(p).toMatchObject({ version: 1, family: 2, ipProto: 17, srcIp: '212.202.0.1', dstIp: '82.116.0.1', srcPort: 12010, dstPort: 5060, protoType: 1 });
    expect(p.payload.toString()).toBe('INVITE sip:bob');
  });

  it('v2 IPv6: 40-byte header, little-endian time block, 16-bit capture id', () => {
    const b = encodeHep2({ ...SPEC_MSG, srcIp: '::1', dstIp: 'fe80::2', captureId: 0x10203 }, 2);
    expect([b[0], b[1], b[2]]).toEqual([2, 40, 10]);
    expect(b.readUInt32LE(40)).toBe(0x4e49c3a6);
    expect(b.readUInt32LE(44)).toBe(120000);
    expect(b.readUInt16LE(48)).toBe(0x0203);
    const p = decoded(b);
    expect(p).toMatchObject({ version: 2, family: 10, srcIp: '::1', dstIp: 'fe80::2', timeSec: 0x4e49c3a6, timeUsec: 120000, captureId: 0x0203 });
    expect(p.payload.toString()).toBe('INVITE sip:bob');
  });

  it('validates version, family and header length', () => {
    const b = encodeHep2(SPEC_MSG, 2);
    const with_ = (i: number, v: number) => {
      const c = Buffer.from(b);
      c[i] = v;
      return decodeHep2(c);
    };
    expect(with_(0, 4)).toEqual({ ok: false, error: 'unknown HEP version 4' });
    expect(with_(1, 40)).toEqual({ ok: false, error: 'HEPv2: header length 40 does not match family 2 (want 16)' });
    expect(with_(2, 7)).toEqual({ ok: false, error: 'HEPv2: unknown address family 7' });
    expect(decodeHep2(b.subarray(0, 20))).toMatchObject({ ok: false, error: expect.stringMatching(/shorter than its 26-byte header/) });
    expect(decodeHep2(b.subarray(0, 26))).toEqual({ ok: false, error: 'HEPv2 packet has no payload' });
  });
});

const ip4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((a) => a.join('.'));
const ip6 = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((w) => w.map((x) => x.toString(16)).join(':'));
const canonical6 = (s: string) => decoded(encodeHep3({ ...SPEC_MSG, srcIp: s, dstIp: s })).srcIp;

describe('codec properties', () => {
  it('v3 round-trips any message', () => {
    fc.assert(
      fc.property(fc.oneof(fc.tuple(ip4, ip4), fc.tuple(ip6, ip6)), fc.nat(65535), fc.nat(65535), fc.nat(0xffffffff), fc.nat(999999), fc.nat(255), fc.nat(0xffffffff), fc.uint8Array({ minLength: 1, maxLength: 2000 }), fc.option(fc.string({ maxLength: 40 })),
        ([src, dst], sp, dp, sec, usec, pt, cid, payload, corr) => {
          const m: HepMessage = { family: src.includes(':') ? 10 : 2, ipProto: 6, srcIp: src, dstIp: dst, srcPort: sp, dstPort: dp, timeSec: sec, timeUsec: usec, protoType: pt, captureId: cid, payload: Buffer.from(payload), correlation: corr };
          const p = decoded(encodeHep3(m));
          expect(p).toMatchObject({ srcPort: sp, dstPort: dp, timeSec: sec, timeUsec: usec, protoType: pt, captureId: cid });
          expect(p.payload.equals(Buffer.from(payload))).toBe(true);
          expect(p.correlation?.toString() ?? null).toBe(corr);
          if (!src.includes(':')) expect([p.srcIp, p.dstIp]).toEqual([src, dst]);
          else expect(canonical6(p.srcIp)).toBe(p.srcIp); // canonical text is stable
        }),
      { numRuns: 300 },
    );
  });

  it('v1/v2 round-trip', () => {
    fc.assert(
      fc.property(fc.constantFrom(1 as const, 2 as const), ip4, ip4, fc.nat(65535), fc.uint8Array({ minLength: 1, maxLength: 500 }), (v, src, dst, port, payload) => {
        const p = decoded(encodeHep2({ ...SPEC_MSG, srcIp: src, dstIp: dst, srcPort: port, payload: Buffer.from(payload) }, v));
        expect([p.version, p.srcIp, p.dstIp, p.srcPort]).toEqual([v, src, dst, port]);
        expect(p.payload.equals(Buffer.from(payload))).toBe(true);
      }),
    );
  });

  it('random bytes and mutated packets never throw', () => {
    const spec = Buffer.from(SPEC_HEX, 'hex');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const r = decodeHep(Buffer.from(bytes));
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(spec.length - 1), fc.nat(255)), { maxLength: 6 }), fc.nat(spec.length), (muts, cut) => {
        const b = Buffer.from(spec.subarray(0, cut));
        for (const [i, v] of muts) if (i < b.length) b[i] = v;
        const r = decodeHep(b);
        if (!r.ok) expect(r.error.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });
});
