import { describe, expect, it } from 'vitest';
import { generateBatch } from '../src/batches.js';
import { loadCorpus, redirectVia } from '../src/corpus.js';
import { batchSeed, Rng } from '../src/rng.js';
import { hepDatagramSafe, hepStreamSafe, loopbackOnly, sipReplySafe } from '../src/safety.js';
import { TARGETS, type GenEnv } from '../src/types.js';

const corpus = loadCorpus();
const env: GenEnv = {
  server: { host: '127.0.0.1', sip: 15060, msrp: 15061, hep: 15062, hepTcp: 15062, mi: 15063, msrpUri: 'msrp://127.0.0.1:15061;tcp' },
  sipUdpPort: 40001,
  sinkPort: 40002,
};

describe('seeded generation', () => {
  it('the same seed gives the same draws; another seed other draws', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const da = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(da);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(da);
    expect(batchSeed(1, 'sip-udp', 3)).not.toBe(batchSeed(1, 'sip-udp', 4));
    expect(batchSeed(1, 'sip-udp', 3)).not.toBe(batchSeed(1, 'sip-tcp', 3));
  });

  it.each(TARGETS)('%s: a batch is a pure function of (seed, target, batch)', (target) => {
    const one = generateBatch(target, 7, 5, corpus, env);
    const two = generateBatch(target, 7, 5, corpus, env);
    expect(one.length).toBeGreaterThan(0);
    expect(two.map((i) => i.data.toString('hex'))).toEqual(one.map((i) => i.data.toString('hex')));
    expect(two.map((i) => i.plan)).toEqual(one.map((i) => i.plan));
    const other = generateBatch(target, 8, 5, corpus, env);
    expect(other.map((i) => i.data.toString('hex'))).not.toEqual(one.map((i) => i.data.toString('hex')));
  });

  it('batch 0 of sip-udp is the whole corpus, unmutated apart from the first Via', () => {
    const b = generateBatch('sip-udp', 1, 0, corpus, env);
    expect(b.every((i) => i.oracle !== undefined)).toBe(true);
    expect(b.length).toBe(corpus.length);
    const ws = b.find((i) => i.oracle === 'wsinv.dat')!;
    expect(ws.data.toString('latin1')).toContain(`127.0.0.1:${env.sipUdpPort};rport`);
  });

  it('stream inputs carry a plan whose split points lie inside the data', () => {
    for (const target of ['sip-tcp', 'msrp', 'hep-tcp'] as const) {
      for (let n = 1; n < 6; n++) {
        const batch = generateBatch(target, 3, n, corpus, env);
        for (const i of batch) {
          expect(i.plan).toBeDefined();
          for (const s of i.plan!.splits) expect(s > 0 && s < i.data.length).toBe(true);
        }
        expect(batch.filter((i) => i.plan!.end === 'hold').length).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe('nothing leaves loopback', () => {
  it('every UDP SIP input is answered at its source (first Via keeps rport)', () => {
    for (let n = 1; n < 40; n++) for (const i of generateBatch('sip-udp', 11, n, corpus, env)) expect(sipReplySafe(i.data)).toBe(true);
  });

  it('every HEP input names loopback sources only, and its SIP payload keeps rport', () => {
    for (let n = 0; n < 30; n++) {
      for (const i of generateBatch('hep-udp', 5, n, corpus, env)) expect(hepDatagramSafe(i.data, env.sinkPort)).toBe(true);
      for (const i of generateBatch('hep-tcp', 5, n, corpus, env)) expect(hepStreamSafe(i.data, env.sinkPort)).toBe(true);
    }
  });

  it('every MSRP input names loopback authorities only', () => {
    for (let n = 0; n < 30; n++) for (const i of generateBatch('msrp', 9, n, corpus, env)) expect(loopbackOnly(i.data, [env.sinkPort, env.server.msrp!])).toBe(true);
  });

  it('the filters refuse what would leave loopback', () => {
    expect(loopbackOnly(Buffer.from('To-Path: msrp://127.0.0.1:1/a;tcp msrp://10.0.0.1:2855/b;tcp'), [1, 2855])).toBe(false);
    expect(loopbackOnly(Buffer.from('To-Path: msrp://u@127.0.0.1:1/a;tcp msrp://[::1]:2/b;tcp'), [1, 2])).toBe(true);
    expect(loopbackOnly(Buffer.from('To-Path: msrp://127.0.0.1:3/a;tcp'), [1, 2])).toBe(false);
    expect(sipReplySafe(Buffer.from('OPTIONS sip:a SIP/2.0\r\nVia: SIP/2.0/UDP 1.2.3.4:5060;branch=z9hG4bKx\r\n\r\n'))).toBe(false);
    expect(sipReplySafe(Buffer.from('OPTIONS sip:a SIP/2.0\r\nVia: SIP/2.0/UDP 1.2.3.4:5060;rport;branch=z9hG4bKx\r\n\r\n'))).toBe(true);
    const v2 = Buffer.alloc(20);
    v2[0] = 2;
    v2[1] = 16;
    v2[2] = 2;
    v2.set([10, 0, 0, 1], 8);
    const v2Packet = Buffer.concat([v2, Buffer.from('OPTIONS sip:a SIP/2.0\r\n\r\n')]);
    v2Packet.writeUInt16BE(4000, 4);
    expect(hepDatagramSafe(v2Packet, 4000)).toBe(false);
    v2Packet.set([127, 0, 0, 1], 8);
    expect(hepDatagramSafe(v2Packet, 4000)).toBe(true);
    expect(hepDatagramSafe(v2Packet, 4001)).toBe(false);
  });

  it('redirectVia points the first Via at the fuzzer and asks for rport', () => {
    const msg = Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nv: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1\r\nVia: SIP/2.0/UDP 192.0.2.2\r\n\r\n');
    const out = redirectVia(msg, '127.0.0.1', 4000).toString();
    expect(out).toContain('v: SIP/2.0/UDP 127.0.0.1:4000;rport;branch=z9hG4bK1\r\n');
    expect(out).toContain('Via: SIP/2.0/UDP 192.0.2.2\r\n');
  });
});
