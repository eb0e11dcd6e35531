import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callsThroughProxy } from './lib/sipp.js';
import { mi, sleep } from './lib/mi.js';
import { startChild, type Child } from './lib/proc.js';
import { startTsips, writeConfig, type TsipsProcess } from './lib/tsips.js';

// tracer + proto_hep + tm: SIPp calls through tsips, every message traced (scope "t") as HEPv3
// to sngrep, the real HEP collector, which writes what it decapsulates to a pcap; tshark decodes
// it and every request and reply of every call, in and out, must be there. Ports 16100-16149.
const PROXY = 16100;
const MI_PORT = 16101;
const UAS = 16110;
const UAC = 16120;
const HEP = 16130;
const CALLS = 20;

const config = `
log_level = 2
socket = udp:127.0.0.1:${PROXY}
loadmodule "proto_udp"
loadmodule "tm"
loadmodule "sl"
loadmodule "proto_hep"
loadmodule "tracer"
loadmodule "httpd"
loadmodule "mi_http"
modparam("httpd", "port", ${MI_PORT})
modparam("proto_hep", "hep_id", "[sngrep] 127.0.0.1:${HEP}; transport=udp; version=3")
modparam("tracer", "trace_id", "[tid]uri=hep:sngrep")
route {
    trace("tid");
    t_relay();
}
`;

/** sngrep collecting HEP on `port` into `pcap`; stop() (SIGTERM) makes it flush and exit 0. */
const startSngrep = (port: number, pcap: string): Child => startChild('sngrep', ['-N', '-q', '-L', `udp:127.0.0.1:${port}`, '-O', pcap]);

/** tshark's SIP view of the pcap: one [method, status, Call-ID] per message. */
function decodePcap(pcap: string): Promise<string[][]> {
  const args = ['-r', pcap, '-Y', 'sip', '-T', 'fields', '-e', 'sip.Method', '-e', 'sip.Status-Code', '-e', 'sip.Call-ID'];
  return new Promise((resolve, reject) => {
    execFile('tshark', args, { timeout: 30_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`tshark failed: ${err.message}\n${stderr}`));
      resolve(stdout.split('\n').filter((l) => l.trim() !== '').map((l) => l.split('\t')));
    });
  });
}

describe('tracer: SIPp calls traced to sngrep over HEPv3', () => {
  let tsips: TsipsProcess | undefined;
  let sngrep: Child | undefined;
  const pcap = join(mkdtempSync(join(process.env.TSIPS_E2E_TMP ?? tmpdir(), 'hep-tracer-')), 'trace.pcap');

  beforeAll(async () => {
    sngrep = startSngrep(HEP, pcap);
    await sleep(500); // let it bind its HEP socket
    expect(sngrep.proc.exitCode, sngrep.output()).toBeNull();
    tsips = await startTsips(writeConfig(config));
  });
  afterAll(async () => {
    await tsips?.stop();
    await sngrep?.stop();
  });

  it(`${CALLS} calls: every request and reply, in and out, reaches the collector`, async () => {
    const r = await callsThroughProxy({ proxy: PROXY, uasPort: UAS, uacPort: UAC, calls: CALLS, rate: 20, timeoutS: 30 });
    expect({ code: r.code, failed: r.failed, successful: r.successful }, `${r.stderr}\n${tsips!.output().slice(-2000)}`).toEqual({ code: 0, failed: 0, successful: CALLS });

    // what tsips sent (one HEP packet per traced message) has arrived before sngrep stops
    const stats = (await mi(MI_PORT, 'get_statistics', [['tracer:', 'proto_hep:']])) as Record<string, number>;
    await sleep(300);
    expect(await sngrep!.stop(), sngrep!.output()).toBe(0);

    const rows = await decodePcap(pcap);
    const count = new Map<string, number>();
    const calls = new Set<string>();
    for (const [method, status, callId] of rows) {
      const key = status ? status : method!;
      count.set(key, (count.get(key) ?? 0) + 1);
      calls.add(callId!);
    }
    // per call, each message is traced as received and as relayed (tm's 100 Trying only out;
    // SIPp's uas sends 180 and 200; the 200 of the INVITE and of the BYE both count as 200)
    const perCall = { INVITE: 2, '100': 1, '180': 2, '200': 4, ACK: 2, BYE: 2 };
    const expected = Object.fromEntries(Object.entries(perCall).map(([k, n]) => [k, n * CALLS]));
    expect(Object.fromEntries(count)).toEqual(expected);
    expect(calls.size).toBe(CALLS);
    expect(rows).toHaveLength(13 * CALLS);
    expect(stats['proto_hep:hep_sent']).toBe(13 * CALLS);
    expect(stats['tracer:traced_requests']! + stats['tracer:traced_replies']!).toBe(13 * CALLS);
    expect(stats['proto_hep:hep_send_failures']).toBe(0);
  });
});
