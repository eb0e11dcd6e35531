import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTsips, writeConfig, type TsipsProcess } from './lib/tsips.js';
import { callsThroughProxy } from './lib/sipp.js';
import { tmStats, waitNoTransactions } from './lib/tm.js';

// tm acceptance: sipp -sn uac -> tsips (t_relay) -> sipp -sn uas over UDP, TCP with one
// connection, TCP with a connection per call: 5000 calls each, 0 failed, every transaction
// freed afterwards (tm statistics over mi_http).
const PROXY = 15060;
const UAS = 15080;
const UAC = 15090;
const MI = 15069;
const CALLS = 5000;
const BUF = 4 * 1024 * 1024;

const config = `
log_level = 1
socket = udp:127.0.0.1:${PROXY}
socket = tcp:127.0.0.1:${PROXY}
udp_rcvbuf = ${BUF}
udp_sndbuf = ${BUF}
# a connection per call at hundreds of calls/s needs a deeper accept queue than the default 10
tcp_socket_backlog = 1024
loadmodule "proto_udp"
loadmodule "proto_tcp"
loadmodule "tm"
loadmodule "sl"
loadmodule "maxfwd"
loadmodule "httpd"
loadmodule "mi_http"
modparam("httpd", "port", ${MI})
modparam("tm", "wt_timer", 1)
route {
    if (!mf_process_maxfwd_header(10)) { sl_send_reply(483, "Too Many Hops"); exit; }
    # SIPp's R-URI names the UAS without a transport: keep the caller's transport
    if ($proto == "tcp") { t_relay_to_tcp(); exit; }
    t_relay();
}
`;

describe('tm: stateful relay with SIPp', () => {
  let tsips: TsipsProcess;
  beforeAll(async () => {
    tsips = await startTsips(writeConfig(config));
  });
  afterAll(async () => {
    await tsips?.stop();
  });

  const runs = [
    ['u1', 'UDP', 500],
    ['t1', 'TCP, one connection', 500],
    ['tn', 'TCP, a connection per call', 500],
  ] as const;
  let uasTransactions = 0;
  for (const [transport, label, rate] of runs) {
    it(`${CALLS} calls over ${label}: 0 failed, every transaction freed`, async () => {
      const before = await tmStats(MI);
      const r = await callsThroughProxy({ proxy: PROXY, uasPort: UAS, uacPort: UAC, transport, calls: CALLS, rate, timeoutS: 90, extra: ['-buff_size', String(BUF), '-max_socket', '4000'] });
      expect({ code: r.code, failed: r.failed, successful: r.successful }, `${r.stderr}\n${tsips.output().slice(-2000)}`).toEqual({ code: 0, failed: 0, successful: CALLS });
      expect(await waitNoTransactions(MI)).toBe(0);
      const after = await tmStats(MI);
      // an INVITE and a BYE transaction per call; ACKs to 2xx are not transactions
      expect(after['tm:UAS_transactions']! - before['tm:UAS_transactions']!).toBe(2 * CALLS);
      expect(after['tm:2xx_transactions']! - before['tm:2xx_transactions']!).toBe(2 * CALLS);
      uasTransactions += 2 * CALLS;
      expect(after['tm:UAS_transactions']).toBe(uasTransactions);
    });
  }
});
