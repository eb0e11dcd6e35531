import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTsips, writeConfig, type TsipsProcess } from './lib/tsips.js';
import { runSipp } from './lib/sipp.js';
import { scenario } from './lib/tm.js';

// Double Record-Route: SIPp uac over UDP -> tsips (record_route, t_relay) -> SIPp uas over TCP.
// The uas checks the INVITE's two Record-Routes (TCP topmost, both r2) and hangs up with a BYE
// along them; the uac's ACK takes the reversed set. Each in-dialog request crosses protos.
const PROXY = 16500;
const UAS = 16510;
const UAC = 16520;

const config = `
log_level = 1
socket = udp:127.0.0.1:${PROXY}
socket = tcp:127.0.0.1:${PROXY}
loadmodule "proto_udp"
loadmodule "proto_tcp"
loadmodule "tm"
loadmodule "rr"
modparam("tm", "wt_timer", 1)
route {
    if (loose_route()) { t_relay(); exit; }
    record_route();
    t_relay();
}
`;

describe('rr: double Record-Route with SIPp (UDP caller, TCP callee)', () => {
  let tsips: TsipsProcess;
  beforeAll(async () => {
    tsips = await startTsips(writeConfig(config));
  });
  afterAll(async () => {
    await tsips?.stop();
  });

  it('the callee sees both entries, and ACK and BYE are routed across them', async () => {
    const uas = runSipp({ scenario: scenario('rr-double-uas.xml'), port: UAS, transport: 't1', calls: 1, timeoutS: 20 });
    try {
      await new Promise((r) => setTimeout(r, 300)); // let the uas bind before the call
      const uac = runSipp({
        scenario: scenario('rr-double-uac.xml'),
        port: UAC,
        transport: 'u1',
        remote: `127.0.0.1:${PROXY}`,
        calls: 1,
        timeoutS: 15,
        extra: ['-key', 'uas_port', String(UAS)],
      });
      const c = await uac.done;
      expect({ code: c.code, successful: c.successful, failed: c.failed }, `${c.stderr}\n${tsips.output().slice(-2000)}`).toEqual({ code: 0, successful: 1, failed: 0 });
      const s = await uas.done;
      expect({ code: s.code, successful: s.successful, failed: s.failed }, s.stderr).toEqual({ code: 0, successful: 1, failed: 0 });
    } finally {
      uas.stop();
      await uas.done;
    }
  });
});
