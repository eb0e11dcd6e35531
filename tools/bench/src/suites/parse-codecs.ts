import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../paths.js';

/**
 * The `parse` suite's MSRP and HEP rows: tsips codecs (@tsips/proto_msrp, @tsips/proto_hep)
 * each on a realistic input, each checked once before it is timed. HEP has a peer on npm
 * (`hep-js`, sipcapture's HEP3 library, a dev dependency of the bench); MSRP has none on the
 * registry, so its rows stand alone (the `msrp` suite compares the relay with Kamailio).
 */
export interface CodecBench {
  name: string;
  lib: string;
  version: string;
  bytes: number;
  /** one operation (the timed loop calls it back to back and keeps the last result) */
  op(): unknown;
  /** '' when one operation gives the right result, else what is wrong */
  check(): string;
}

/** A workspace module's version (its package.json exports no ./package.json). */
function versionOf(pkg: string): string {
  try {
    const file = join(REPO_ROOT, 'modules', pkg.replace('@tsips/', ''), 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? '?';
  } catch {
    return '?';
  }
}

/** A SEND chunk as a relay receives it: 4 KB of a longer text message. */
export function sampleSend(): Buffer {
  const body = 'The quick brown fox jumps over the lazy dog. '.repeat(92).slice(0, 4096);
  const tid = 'a1b2c3d4e5f6';
  return Buffer.from([
    `MSRP ${tid} SEND`,
    'To-Path: msrp://relay.example.net:2855/Yf9a2kq7Zx;tcp msrp://bob.example.org:49876/k8s7d6f5;tcp',
    'From-Path: msrp://alice.example.com:51234/98cjs2;tcp',
    'Message-ID: 87652491',
    'Byte-Range: 8193-12288/65536',
    'Success-Report: no',
    'Failure-Report: yes',
    'Content-Type: text/plain',
    '',
    body,
    `-------${tid}+`,
    '',
  ].join('\r\n'), 'latin1');
}

/** The SIP payload the HEP rows carry: an INVITE of the SIP rows' size class. */
export function sampleSipPayload(): Buffer {
  return Buffer.from([
    'INVITE sip:bob@example.org SIP/2.0',
    'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-74bf9-1;rport',
    'Max-Forwards: 70',
    'From: "Alice" <sip:alice@example.com>;tag=1928301774',
    'To: <sip:bob@example.org>',
    'Call-ID: a84b4c76e66710@pc33.example.com',
    'CSeq: 314159 INVITE',
    'Contact: <sip:alice@192.0.2.10:5060>',
    'Content-Type: application/sdp',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n'));
}

// ---- shapes of the codecs used (imported by name at run time: the modules may be in flux) ----
interface MsrpFrameLike {
  method: string;
  transactionId: string;
  toPath: readonly string[];
  fromPath: readonly string[];
  messageId: string | undefined;
  header(name: string): string | undefined;
  body: Buffer | undefined;
}
interface MsrpCodec {
  parseMsrp(buf: Buffer, rcv: unknown): MsrpFrameLike | string;
  relayFrame(f: MsrpFrameLike, newId: string | undefined, extra?: readonly string[]): Buffer | undefined;
}
interface HepPacketLike { ok: boolean; packet?: { payload: Buffer; srcPort: number; dstPort: number; protoType: number } }
interface HepCodec {
  encodeHep3(m: Record<string, unknown>): Buffer;
  decodeHep3(buf: Buffer): HepPacketLike;
}
interface HepJs {
  encapsulate(payload: string, rcinfo: Record<string, unknown>): Buffer;
  decapsulate(buf: Buffer): { rcinfo: { srcPort: number; dstPort: number; payloadType: number }; payload: string } | false;
}

const RCV = { proto: 'msrp', srcIp: '127.0.0.1', srcPort: 40000, dstIp: '127.0.0.1', dstPort: 2855, conId: 1, listener: null, time: 0 };

function msrpRows(codec: MsrpCodec, version: string): CodecBench[] {
  const buf = sampleSend();
  const parse = (): MsrpFrameLike => {
    const f = codec.parseMsrp(buf, RCV);
    if (typeof f === 'string') throw new Error(`parseMsrp: ${f}`);
    return f;
  };
  const readFields = (f: MsrpFrameLike): string =>
    `${f.method}|${f.transactionId}|${f.toPath.length}|${f.fromPath[0]}|${f.messageId}|${f.header('byte-range')}|${f.body?.length}`;
  const want = 'SEND|a1b2c3d4e5f6|2|msrp://alice.example.com:51234/98cjs2;tcp|87652491|8193-12288/65536|4096';
  return [
    {
      name: `MSRP SEND parse + read (${buf.length} B)`, lib: 'tsips proto_msrp', version, bytes: buf.length,
      op: () => readFields(parse()),
      check() { const got = readFields(parse()); return got === want ? '' : `read ${got}, want ${want}`; },
    },
    {
      name: `MSRP SEND parse + relay copy (${buf.length} B)`, lib: 'tsips proto_msrp', version, bytes: buf.length,
      op: () => codec.relayFrame(parse(), 'f00dcafe1234'),
      check() {
        const out = codec.relayFrame(parse(), 'f00dcafe1234')?.toString('latin1') ?? '';
        const ok = out.startsWith('MSRP f00dcafe1234 SEND\r\nTo-Path: msrp://bob.example.org:49876/k8s7d6f5;tcp\r\n')
          && out.includes('From-Path: msrp://relay.example.net:2855/Yf9a2kq7Zx;tcp msrp://alice.example.com:51234/98cjs2;tcp\r\n')
          // the relay URI moved from To-Path to From-Path and the ids have the same length
          && out.endsWith('-------f00dcafe1234+\r\n') && out.length === buf.length;
        return ok ? '' : `unexpected relayed frame: ${JSON.stringify(out.slice(0, 200))}`;
      },
    },
  ];
}


function hepRows(codec: HepCodec, version: string): CodecBench[] {
  const payload = sampleSipPayload();
  const msg = {
    family: 2, ipProto: 17, srcIp: '192.0.2.10', dstIp: '198.51.100.20', srcPort: 5060, dstPort: 5080,
    timeSec: 1_795_000_000, timeUsec: 123_456, protoType: 1, captureId: 2001, payload, correlation: 'a84b4c76e66710@pc33.example.com',
  };
  const roundTrip = (): HepPacketLike => codec.decodeHep3(codec.encodeHep3(msg));
  return [{
    name: `HEPv3 encode + decode, SIP payload (${payload.length} B)`, lib: 'tsips proto_hep', version, bytes: payload.length,
    op: roundTrip,
    check() {
      const r = roundTrip();
      const p = r.packet;
      return r.ok && p && p.payload.equals(payload) && p.srcPort === 5060 && p.dstPort === 5080 && p.protoType === 1 ? '' : 'round trip lost fields';
    },
  }];
}

/** The same round trip with hep-js (its API takes and returns the payload as a string). */
function hepJsRows(codec: HepJs, version: string): CodecBench[] {
  const payload = sampleSipPayload();
  const text = payload.toString('latin1');
  const rcinfo = {
    protocolFamily: 2, protocol: 17, srcIp: '192.0.2.10', dstIp: '198.51.100.20', srcPort: 5060, dstPort: 5080,
    timeSeconds: 1_795_000_000, timeUseconds: 123_456, payloadType: 1, captureId: 2001, correlation_id: 'a84b4c76e66710@pc33.example.com',
  };
  const roundTrip = () => codec.decapsulate(codec.encapsulate(text, rcinfo));
  return [{
    name: `HEPv3 encode + decode, SIP payload (${payload.length} B)`, lib: 'hep-js', version, bytes: payload.length,
    op: roundTrip,
    check() {
      const r = roundTrip();
      return r && r.payload === text && r.rcinfo.srcPort === 5060 && r.rcinfo.dstPort === 5080 && r.rcinfo.payloadType === 1 ? '' : 'round trip lost fields';
    },
  }];
}

/** An npm package's version from its package.json. */
function npmVersionOf(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version?: string }).version ?? '?';
  } catch {
    return '?';
  }
}

/** Every codec row that can load; the others are reported with the reason. */
export async function loadCodecs(): Promise<{ codecs: CodecBench[]; missing: string[] }> {
  const codecs: CodecBench[] = [];
  const missing: string[] = [];
  const loaders: [string, (m: unknown, v: string) => CodecBench[]][] = [
    ['@tsips/proto_msrp', (m, v) => msrpRows(m as MsrpCodec, v)],
    ['@tsips/proto_hep', (m, v) => hepRows(m as HepCodec, v)],
    ['hep-js', (m, v) => hepJsRows(((m as { default?: unknown }).default ?? m) as HepJs, v)],
  ];
  for (const [pkg, rows] of loaders) {
    try {
      const mod = (await import(pkg)) as Record<string, unknown>;
      codecs.push(...rows(mod, pkg.startsWith('@tsips/') ? versionOf(pkg) : npmVersionOf(pkg)));
    } catch (e) {
      missing.push(`${pkg} codec not available (${(e as Error).message.split('\n')[0]})`);
    }
  }
  return { codecs, missing };
}
