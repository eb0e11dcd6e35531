import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChild, waitForOutput, type Child } from './lib/proc.js';
import { startTsips, writeConfig, type TsipsProcess } from './lib/tsips.js';
import { MsrpTestClient, requestFrame, responseFrame, type Frame } from '../../modules/msrp_relay/test/msrp-client.js';
import { authenticate, sendFrame } from '../../modules/msrp_relay/test/msrp-flows.js';

// msrp_relay + proto_msrp in the real CLI: two raw MSRP clients through the relay (AUTH with
// Digest, SEND both ways, REPORT, 481), 1 MB in chunks relayed intact, and tshark's MSRP
// dissector decoding what went over the wire.
const PORT = 16200;
const PEER_PORT = 16201;
const RELAY_URI = `msrp://127.0.0.1:${PORT};tcp`;
const CHUNK = 8192;
const TOTAL = 1024 * 1024;

const config = `
log_level = 2
log_stderror = yes
socket = msrp:127.0.0.1:${PORT}
loadmodule "proto_msrp"
loadmodule "msrp_relay"
modparam("msrp_relay", "my_uri", "${RELAY_URI}")
modparam("msrp_relay", "calculate_ha1", 1)
route { drop; }
route[msrp_auth] {
    if ($var(username) == "alice") { $var(password) = "alice-pw"; }
}
`;

let tsips: TsipsProcess;
let tshark: Child | undefined;
let pcap: string;
let peer: Server;
let peerConn: Promise<MsrpTestClient>;
const clients: MsrpTestClient[] = [];

/** tshark capturing the relay's and the peer's ports on loopback; resolves once it captures. */
async function startCapture(file: string): Promise<Child> {
  const p = startChild('tshark', ['-i', 'lo', '-f', `tcp port ${PORT} or tcp port ${PEER_PORT}`, '-a', 'duration:90', '-w', file]);
  await waitForOutput(p, /Capturing on/, 'tshark');
  return p;
}

beforeAll(async () => {
  pcap = join(mkdtempSync(join(process.env.TSIPS_E2E_TMP ?? tmpdir(), 'msrp-')), 'relay.pcapng');
  tshark = await startCapture(pcap);
  tsips = await startTsips(writeConfig(config));
  const l = await MsrpTestClient.listen(PEER_PORT);
  peer = l.server;
  peerConn = l.accepted.then((c) => (clients.push(c), c));
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  peer?.close();
  await tsips?.stop();
  await tshark?.stop('SIGINT');
});

describe('msrp_relay e2e (real CLI, raw MSRP clients, tshark)', () => {
  let a: MsrpTestClient;
  let aUri: string;
  let ua: string;
  const bUri = `msrp://127.0.0.1:${PEER_PORT}/b1;tcp`;

  it('AUTH with Digest gives a session URI; a wrong password is refused', async () => {
    a = await MsrpTestClient.open(PORT);
    clients.push(a);
    aUri = a.uri('a1');
    const bad = await authenticate(a, RELAY_URI, aUri, { user: 'alice', password: 'wrong' });
    expect([bad.challenge?.status, bad.final.status]).toEqual([401, 403]);
    const ok = await authenticate(a, RELAY_URI, aUri, { user: 'alice', password: 'alice-pw', expires: 600 });
    expect(ok.final.status).toBe(200);
    expect(ok.final.headers.get('expires')).toBe('600');
    expect(ok.usePath).toMatch(new RegExp(`^msrp://127\\.0\\.0\\.1:${PORT}/[A-Za-z0-9_-]+;tcp$`));
    ua = ok.usePath!;
  });

  it('A -> relay -> B and back: SEND, B\'s 200 absorbed, REPORT to A; unknown session 481', async () => {
    const m = sendFrame({ toPath: [ua, bUri], fromPath: [aUri], messageId: 'hello1', body: 'hello B', range: '1-7/7', successReport: 'yes' });
    a.write(m.buf);
    expect((await a.next((f) => f.id === m.tid)).status).toBe(200);
    const b = await peerConn;
    const got = await b.next((f) => f.method === 'SEND');
    expect([got.toPath, got.fromPath, got.body!.toString()]).toEqual([[bUri], [ua, aUri], 'hello B']);
    b.write(responseFrame(got, 200, 'OK'));
    const rep = requestFrame({ method: 'REPORT', toPath: got.fromPath, fromPath: [bUri], headers: [['Message-ID', 'hello1'], ['Byte-Range', '1-7/7'], ['Status', '000 200 OK']] });
    b.write(rep.buf);
    const report = await a.next((f) => f.method === 'REPORT');
    expect([report.toPath, report.headers.get('status')]).toEqual([[aUri], '000 200 OK']);
    expect(a.pending()).toEqual([]);

    const bogus = sendFrame({ toPath: [`msrp://127.0.0.1:${PORT}/nosuch;tcp`, bUri], fromPath: [aUri], messageId: 'x1', body: 'x', range: '1-1/1' });
    a.write(bogus.buf);
    expect((await a.next((f) => f.id === bogus.tid)).status).toBe(200);
    expect((await a.next((f) => f.method === 'REPORT')).headers.get('status')).toBe('000 481');
  });

  it('1 MB in chunks arrives intact, in order, with the flags', async () => {
    // printable: tshark's MSRP dissector splits lines inside binary bodies and flags them malformed
    const data = Buffer.from(randomBytes(TOTAL).toString('base64').slice(0, TOTAL), 'latin1');
    const b = await peerConn;
    const received: Frame[] = [];
    const collect = (async () => {
      while (received.length < TOTAL / CHUNK) {
        const f = await b.next((x) => x.method === 'SEND' && x.headers.get('message-id') === 'big', 20_000);
        received.push(f);
        b.write(responseFrame(f, 200, 'OK'));
      }
    })();
    for (let at = 0; at < TOTAL; at += CHUNK) {
      const last = at + CHUNK >= TOTAL;
      a.write(sendFrame({ toPath: [ua, bUri], fromPath: [aUri], messageId: 'big', body: data.subarray(at, at + CHUNK), contentType: 'application/octet-stream', range: `${at + 1}-${at + CHUNK}/${TOTAL}`, flag: last ? '$' : '+' }).buf);
    }
    await collect;
    const oks = [];
    for (let i = 0; i < TOTAL / CHUNK; i++) oks.push(await a.next((f) => f.status !== undefined, 20_000));
    expect(oks.every((f) => f.status === 200)).toBe(true);
    expect(received.map((f) => f.flag).join('')).toBe('+'.repeat(TOTAL / CHUNK - 1) + '$');
    expect(Buffer.concat(received.map((f) => f.body!)).equals(data)).toBe(true);
  }, 60_000);

  it('tshark decodes the relay traffic as valid MSRP', async () => {
    await new Promise((r) => setTimeout(r, 500));
    await tshark?.stop('SIGINT');
    const decode = (filter: string, fields: string[]): string[][] =>
      execFileSync('tshark', ['-r', pcap, '-d', `tcp.port==${PORT},msrp`, '-d', `tcp.port==${PEER_PORT},msrp`, '-Y', filter, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])], {
        encoding: 'utf8',
        timeout: 60_000,
        maxBuffer: 64 * 1024 * 1024,
      })
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t'));
    const rows = decode('msrp', ['msrp.method', 'msrp.status.code', 'msrp.cnt.flg', 'msrp.byte.range']);
    const methods = rows.map((r) => r[0]!);
    const codes = rows.map((r) => r[1]!);
    // the dissector decodes the first MSRP frame of each TCP segment; each must be complete and valid
    expect(decode('_ws.malformed || msrp.status.code.invalid', ['frame.number'])).toEqual([]);
    expect(rows.every((r) => (r[0] !== '') !== (r[1] !== '') && /^[$+#]$/.test(r[2]!))).toBe(true);
    expect(methods.filter((m) => m === 'AUTH')).toHaveLength(4);
    expect(codes.filter((c) => c === '401')).toHaveLength(2);
    expect(codes).toContain('403');
    expect(methods).toContain('REPORT');
    const sends = rows.filter((r) => r[0] === 'SEND' && r[3]!.endsWith(`/${TOTAL}`));
    // the relay writes the frames of one read together (one writev), so a TCP segment may carry
    // several SENDs of which tshark shows the first: at least one per 64 KB read of the 1 MB
    expect(sends.length).toBeGreaterThanOrEqual(8);
    expect(sends.every((r) => /^\d+-\d+\/\d+$/.test(r[3]!) && r[2] === (r[3]!.startsWith(`${TOTAL - CHUNK + 1}-`) ? '$' : '+'))).toBe(true);
  }, 90_000);
});
