import { SipMessage, TsipsServer, silentLogger } from '@tsips/core';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { WARMUP_TRANSACTIONS, kbPer1000, measureTmMemory, memInvite, parseProbeResult, tmMemoryConfig } from '../src/suites/tm-memory-measure.js';

describe('kbPer1000', () => {
  it('is the growth per 1000 items in KB', () => {
    expect(kbPer1000(1_000_000, 1_000_000 + 2048 * 500, 500)).toBe(2000); // 2048 bytes each
    expect(kbPer1000(5000, 4000, 1000)).toBeCloseTo(-1000 / 1024);
    expect(kbPer1000(0, 100, 0)).toBeNaN();
  });
});

describe('the tm-memory config and INVITEs', () => {
  it('compiles, with tm timers that outlast the run', async () => {
    const cfg = tmMemoryConfig(40123);
    expect(cfg).toContain('$du = "sip:127.0.0.1:40123";');
    const server = await TsipsServer.load({ configText: cfg, configName: 'tm-memory.cfg', logger: silentLogger() });
    expect(server.modules.map((m) => m.def.name)).toEqual(['proto_udp', 'sl', 'tm']);
  });

  it('gives each INVITE its own Call-ID and branch, with the Via at the sink', () => {
    const a = SipMessage.parse(Buffer.from(memInvite(1, 40123), 'latin1'));
    const b = SipMessage.parse(Buffer.from(memInvite(2, 40123), 'latin1'));
    expect(a.method).toBe('INVITE');
    expect(a.callId).not.toBe(b.callId);
    expect(memInvite(1, 40123)).toContain('Via: SIP/2.0/UDP 127.0.0.1:40123;branch=z9hG4bK-tmmem-1\r\n');
    expect(memInvite(2, 40123)).toContain('branch=z9hG4bK-tmmem-2\r\n');
  });
});

describe('parseProbeResult', () => {
  const good = {
    n: 10, warmup: 500, liveBefore: 500, liveAfter: 510, gc: true, before: { rss: 1, heapUsed: 2, external: 3 },
    after: { rss: 4, heapUsed: 5, external: 6 }, sent: 20, retransmissions: 0, inviteBytes: 208, injectMs: 3,
  };

  it('accepts a complete result', () => {
    expect(parseProbeResult(JSON.stringify(good))).toEqual(good);
  });

  it('names a missing field', () => {
    expect(() => parseProbeResult(JSON.stringify({ ...good, liveAfter: undefined }))).toThrow(/liveAfter/);
    expect(() => parseProbeResult(JSON.stringify({ ...good, after: { rss: 1 } }))).toThrow(/"after"/);
    expect(() => parseProbeResult(JSON.stringify({ ...good, gc: 'yes' }))).toThrow(/gc/);
  });
});

describe('measureTmMemory', () => {
  it('keeps every relayed INVITE transaction live and counts its sends', async () => {
    const sink = createSocket('udp4');
    let received = 0;
    sink.on('message', () => { received++; });
    sink.bind(0, '127.0.0.1');
    await once(sink, 'listening');
    try {
      const r = await measureTmMemory(30, sink.address().port);
      expect(r.liveBefore).toBe(WARMUP_TRANSACTIONS);
      expect(r.liveAfter).toBe(WARMUP_TRANSACTIONS + 30);
      expect(r.sent).toBe(60);
      expect(r.retransmissions).toBe(0);
      expect(r.after.heapUsed).toBeGreaterThan(0);
      expect(received).toBeGreaterThan(0);
    } finally {
      sink.close();
    }
  });
});
