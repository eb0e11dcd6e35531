import { describe, expect, it } from 'vitest';
import { classifyHep, countHep, diffCounts, emptyCounts } from '../src/hep-count.js';

/** A HEPv3 packet from (vendor, type, value) chunks, written by hand (hep.md §1). */
function hep3(chunks: [number, number, Buffer][], id = 'HEP3'): Buffer {
  const body = Buffer.concat(chunks.map(([vendor, type, value]) => {
    const h = Buffer.alloc(6);
    h.writeUInt16BE(vendor, 0);
    h.writeUInt16BE(type, 2);
    h.writeUInt16BE(6 + value.length, 4);
    return Buffer.concat([h, value]);
  }));
  const head = Buffer.alloc(6);
  head.write(id, 0, 'latin1');
  head.writeUInt16BE(6 + body.length, 4);
  return Buffer.concat([head, body]);
}

const u8 = (n: number): Buffer => Buffer.from([n]);
const u16 = (n: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b; };
const sip = (payload: string, protoType = 1): Buffer => hep3([
  [0, 0x01, u8(2)], [0, 0x02, u8(17)], [0, 0x03, Buffer.from([127, 0, 0, 1])], [0, 0x04, Buffer.from([127, 0, 0, 2])],
  [0, 0x07, u16(5060)], [0, 0x08, u16(5080)], [0, 0x0b, u8(protoType)], [0x0002, 0x0020, Buffer.from('vendor')],
  [0, 0x0f, Buffer.from(payload)],
]);

describe('HEP collector counting', () => {
  it('tells SIP requests from replies and other payloads', () => {
    expect(classifyHep(sip('INVITE sip:bob@example.org SIP/2.0\r\n\r\n'))).toBe('sip-request');
    expect(classifyHep(sip('SIP/2.0 200 OK\r\n\r\n'))).toBe('sip-reply');
    expect(classifyHep(sip('{"log":"x"}', 0x64))).toBe('other');
    expect(classifyHep(hep3([[0, 0x0b, u8(1)]]))).toBe('other'); // SIP type but no payload chunk
  });

  it('refuses what is not a well-formed HEPv3 packet', () => {
    const good = sip('BYE sip:a@b SIP/2.0\r\n\r\n');
    expect(classifyHep(Buffer.from('INVITE sip:x SIP/2.0'))).toBe('malformed');
    expect(classifyHep(good.subarray(0, good.length - 1))).toBe('malformed'); // length field past the end
    const overrun = Buffer.from(good);
    overrun.writeUInt16BE(0xffff, 6 + 4); // first chunk claims more than the packet holds
    expect(classifyHep(overrun)).toBe('malformed');
    const tiny = Buffer.from(good);
    tiny.writeUInt16BE(3, 6 + 4); // a chunk shorter than its own header
    expect(classifyHep(tiny)).toBe('malformed');
    expect(classifyHep(Buffer.from([1, 16, 2, 17, 0x13, 0xc4, 0x13, 0xc4]))).toBe('malformed'); // HEPv2
  });

  it('counts packets and bytes and diffs two readings', () => {
    const c = emptyCounts();
    const inv = sip('INVITE sip:bob@example.org SIP/2.0\r\n\r\n');
    const ok = sip('SIP/2.0 200 OK\r\n\r\n');
    countHep(inv, c);
    const before = { ...c };
    countHep(ok, c);
    countHep(Buffer.from('junk'), c);
    countHep(sip('log', 0x64), c);
    expect(c).toEqual({ packets: 4, bytes: inv.length + ok.length + 4 + sip('log', 0x64).length, sip: 2, requests: 1, other: 1, malformed: 1 });
    expect(diffCounts(c, before)).toEqual({ packets: 3, bytes: ok.length + 4 + sip('log', 0x64).length, sip: 1, requests: 0, other: 1, malformed: 1 });
  });
});
