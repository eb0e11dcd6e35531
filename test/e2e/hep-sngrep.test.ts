import dgram from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pcapFile } from './lib/pcap.js';
import { startTsips, writeConfig, type TsipsProcess } from './lib/tsips.js';
import { mi, sleep } from './lib/mi.js';
import { runChild } from './lib/proc.js';

// sngrep (a real HEP implementation) replays SIP from a pcap as HEPv3 into tsips' hep_udp
// socket; tsips injects each captured request into routing as coming from the captured source,
// logs the HEP header it came with, and replies statelessly to that source: a UDP socket
// owned by this test. Ports 16300-16349 only.
const HEP_PORT = 16300;
const MI_PORT = 16301;
const CLIENT_PORT = 16341; // the captured SIP client
const CAPTURED_DST_PORT = 16342; // the captured server side (nothing listens there)

const config = `
log_level = 3
socket = hep_udp:127.0.0.1:${HEP_PORT}
loadmodule "proto_hep"
loadmodule "sl"
loadmodule "httpd"
loadmodule "mi_http"
modparam("httpd", "port", ${MI_PORT})
route {
    xlog("L_NOTICE", "HEP-IN $rm $ci v=$hep(version) src=$si:$sp dst=$Ri:$Rp proto=$proto\\n");
    sl_send_reply(200, "OK");
}
`;

const request = (n: number) =>
  `OPTIONS sip:bob@127.0.0.1:${CAPTURED_DST_PORT} SIP/2.0\r\n` +
  `Via: SIP/2.0/UDP 127.0.0.1:${CLIENT_PORT};branch=z9hG4bK-sng${n};rport\r\n` +
  `From: <sip:alice@127.0.0.1>;tag=f${n}\r\n` +
  `To: <sip:bob@127.0.0.1>\r\n` +
  `Call-ID: sngrep-${n}@test\r\n` +
  `CSeq: ${n} OPTIONS\r\n` +
  `Max-Forwards: 70\r\n` +
  `Content-Length: 0\r\n\r\n`;

const runSngrep = (args: string[], timeoutMs = 15_000) => runChild('sngrep', args, timeoutMs);

describe('hep_udp with sngrep as the HEP sender', () => {
  let tsips: TsipsProcess;
  let client: dgram.Socket;
  const replies: string[] = [];

  beforeAll(async () => {
    client = dgram.createSocket('udp4');
    client.on('message', (m) => replies.push(m.toString('latin1')));
    await new Promise<void>((r) => client.bind(CLIENT_PORT, '127.0.0.1', r));
    tsips = await startTsips(writeConfig(config));
  });
  afterAll(async () => {
    await tsips?.stop();
    await new Promise<void>((r) => (client ? client.close(() => r()) : r()));
  });

  it('routes the SIP requests sngrep encapsulates and replies to the captured source', async () => {
    // inside the run's folder (lib/global-tmp.ts), removed when the run ends
    const pcap = join(mkdtempSync(join(process.env.TSIPS_E2E_TMP ?? tmpdir(), 'pcap-')), 'options.pcap');
    const t0 = Math.floor(Date.now() / 1000);
    writeFileSync(
      pcap,
      pcapFile([1, 2, 3].map((n) => ({ srcIp: '127.0.0.1', srcPort: CLIENT_PORT, dstIp: '127.0.0.1', dstPort: CAPTURED_DST_PORT, payload: request(n), time: t0 + n / 10 }))),
    );
    const res = await runSngrep(['-N', '-q', '-I', pcap, '-H', `udp:127.0.0.1:${HEP_PORT}`]);
    expect(res.code, res.out).toBe(0);

    const deadline = Date.now() + 5000;
    while (replies.length < 3 && Date.now() < deadline) await sleep(20);
    expect(replies).toHaveLength(3);
    for (const n of [1, 2, 3]) {
      const r = replies.find((x) => x.includes(`Call-ID: sngrep-${n}@test`));
      expect(r, `reply to request ${n}`).toMatch(/^SIP\/2\.0 200 OK\r\n/);
      // the request's Via got received/rport from the captured source, not from sngrep's socket
      expect(r).toMatch(new RegExp(`Via: SIP/2\\.0/UDP 127\\.0\\.0\\.1:${CLIENT_PORT};branch=z9hG4bK-sng${n};rport=${CLIENT_PORT}`));
    }
    for (const n of [1, 2, 3])
      expect(tsips.output()).toContain(`HEP-IN OPTIONS sngrep-${n}@test v=3 src=127.0.0.1:${CLIENT_PORT} dst=127.0.0.1:${CAPTURED_DST_PORT} proto=hep_udp`);

    const stats = (await mi(MI_PORT, 'get_statistics', [['proto_hep:', 'core:rcv_requests']])) as Record<string, number>;
    expect(stats['proto_hep:hep_received']).toBe(3);
    expect(stats['proto_hep:hep_bad_packets']).toBe(0);
    expect(stats['core:rcv_requests']).toBe(3);
  });
});
