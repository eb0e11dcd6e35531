import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTsips, writeConfig, type TsipsProcess } from './lib/tsips.js';
import { runSipp } from './lib/sipp.js';
import { scenario, sleep, waitNoTransactions } from './lib/tm.js';

// tm forking with real SIPp endpoints: parallel (486 + 200), CANCEL after 180 to every
// branch, serial forking by q from failure_route. SIPp's uac names the first UAS in its
// R-URI (in-dialog ACK/BYE go there), the proxy adds the second as a branch.
const PROXY = 15560;
const UAS_A = 15580;
const UAS_B = 15581;
const UAC = 15590;
const MI = 15569;
const CALLS = 20;

const config = `
log_level = 3
socket = udp:127.0.0.1:${PROXY}
loadmodule "proto_udp"
loadmodule "tm"
loadmodule "sl"
loadmodule "sipmsgops"
loadmodule "httpd"
loadmodule "mi_http"
modparam("httpd", "port", ${MI})
modparam("tm", "wt_timer", 1)
modparam("tm", "T4_timer", 1000)
modparam("tm", "contacts_avp", "tm_contacts")
route {
    if (has_totag() || is_method("CANCEL|ACK")) { t_relay(); exit; }
    if ($rU == "parallel" || $rU == "cancel") {
        append_branch("sip:$rU@127.0.0.1:${UAS_B}");
        t_relay();
        exit;
    }
    if ($rU == "serial") {
        # the second UAS has the higher q: it is tried first, the R-URI (no q) after it
        append_branch("sip:serial@127.0.0.1:${UAS_B}", "1.0");
        t_load_contacts();
        t_next_contacts();
        t_on_failure("serial");
        t_relay();
        exit;
    }
    sl_send_reply(404, "Unknown Test");
}
failure_route[serial] {
    xlog("L_INFO", "serial failure_route: $T_reply_code from branch $T_branch_idx\\n");
    if (!t_next_contacts()) exit;
    t_on_failure("serial");
    t_relay();
}
`;

describe('tm forking with SIPp', () => {
  let tsips: TsipsProcess;
  beforeAll(async () => {
    tsips = await startTsips(writeConfig(config));
  });
  afterAll(async () => {
    await tsips?.stop();
  });

  /** Run a UAC against two UASs; returns the three results. */
  async function call(service: string, uacScenario: ReturnType<typeof scenario> | { builtin: 'uac' }, uasA: ReturnType<typeof scenario> | { builtin: 'uas' }, uasB: ReturnType<typeof scenario>) {
    const a = runSipp({ scenario: uasA, port: UAS_A, timeoutS: 40 });
    const b = runSipp({ scenario: uasB, port: UAS_B, timeoutS: 40 });
    try {
      await sleep(300);
      const uac = runSipp({ scenario: uacScenario, port: UAC, remote: `127.0.0.1:${UAS_A}`, rsa: `127.0.0.1:${PROXY}`, calls: CALLS, rate: 10, timeoutS: 30, extra: ['-s', service] });
      const r = await uac.done;
      await sleep(300);
      return { uac: r, a, b };
    } finally {
      a.stop();
      b.stop();
    }
  }

  it('parallel: one UAS answers 486, the other 200: the caller gets the 200, the 486 is ACKed by tm and absorbed', async () => {
    const { uac, a, b } = await call('parallel', { builtin: 'uac' }, { builtin: 'uas' }, scenario('tm-uas-486.xml'));
    const [ra, rb] = [await a.done, await b.done];
    expect({ failed: uac.failed, successful: uac.successful }, uac.stderr).toEqual({ failed: 0, successful: CALLS });
    // (the built-in uas ends its calls 4 s after the BYE: its counters are not read here)
    expect(ra.failed, ra.stderr).toBe(0);
    // the 486 UAS got its ACK for every call (its scenario ends with recv ACK)
    expect({ failed: rb.failed, successful: rb.successful }, rb.stderr).toEqual({ failed: 0, successful: CALLS });
    expect(await waitNoTransactions(MI)).toBe(0);
  });

  it('CANCEL after 180: every branch is cancelled and the caller gets 487', async () => {
    const { uac, a, b } = await call('cancel', scenario('tm-uac-cancel.xml'), scenario('tm-uas-ring.xml'), scenario('tm-uas-ring.xml'));
    const [ra, rb] = [await a.done, await b.done];
    expect({ failed: uac.failed, successful: uac.successful }, uac.stderr).toEqual({ failed: 0, successful: CALLS });
    expect({ failed: ra.failed, successful: ra.successful }, ra.stderr).toEqual({ failed: 0, successful: CALLS });
    expect({ failed: rb.failed, successful: rb.successful }, rb.stderr).toEqual({ failed: 0, successful: CALLS });
    expect(await waitNoTransactions(MI)).toBe(0);
  });

  it('serial forking by q from failure_route: first UAS 486, then the second answers 200', async () => {
    const { uac, a, b } = await call('serial', { builtin: 'uac' }, { builtin: 'uas' }, scenario('tm-uas-486.xml'));
    const [ra, rb] = [await a.done, await b.done];
    expect({ failed: uac.failed, successful: uac.successful }, uac.stderr).toEqual({ failed: 0, successful: CALLS });
    expect({ failed: rb.failed, successful: rb.successful }, rb.stderr).toEqual({ failed: 0, successful: CALLS });
    expect(ra.failed, ra.stderr).toBe(0);
    expect(tsips.output().match(/serial failure_route: 486 from branch 0/g)?.length).toBe(CALLS);
    expect(await waitNoTransactions(MI)).toBe(0);
  });
});
