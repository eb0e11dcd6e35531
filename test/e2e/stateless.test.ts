import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTsips, writeConfig, type TsipsProcess } from './lib/tsips.js';
import { callsThroughProxy } from './lib/sipp.js';

// Issue 3 acceptance: sipp -sn uac -> tsips (stateless) -> sipp -sn uas, UDP and TCP, 1000 calls, 0 failed.
// Over TCP also with a connection per call (-t tn), where the caller's Via port is not its connection's.
// SIPp's uac sends to the proxy (-rsa) with the UAS as R-URI; ACK/BYE carry the UAS as R-URI too.
const PROXY = 15160;
const UAS = 15180;
const UAC = 15190;

const config = `
log_level = 1
socket = udp:127.0.0.1:${PROXY}
socket = tcp:127.0.0.1:${PROXY}
loadmodule "proto_udp"
loadmodule "proto_tcp"
loadmodule "sl"
loadmodule "maxfwd"
loadmodule "sipmsgops"
route {
    if (!mf_process_maxfwd_header(10)) { sl_send_reply(483, "Too Many Hops"); exit; }
    # SIPp's R-URI names no transport (RFC 3263: UDP): keep the one the request came on
    if ($proto == "tcp") forward("sip:$rd:$rp;transport=tcp");
    else forward();
}
`;

describe('stateless relay with SIPp (issue 3)', () => {
  let tsips: TsipsProcess;
  beforeAll(async () => {
    tsips = await startTsips(writeConfig(config));
  });
  afterAll(async () => {
    await tsips?.stop();
  });

  const label = { u1: 'UDP', t1: 'TCP (one connection)', tn: 'TCP (a connection per call: replies find the caller by our Via i=)' };
  for (const transport of ['u1', 't1', 'tn'] as const) {
    it(`1000 calls over ${label[transport]}: 0 failed`, async () => {
      const r = await callsThroughProxy({ proxy: PROXY, uasPort: UAS, uacPort: UAC, transport, calls: 1000, rate: 200, timeoutS: 60 });
      expect({ code: r.code, failed: r.failed, successful: r.successful }, r.stderr).toEqual({ code: 0, failed: 0, successful: 1000 });
    });
  }
});
