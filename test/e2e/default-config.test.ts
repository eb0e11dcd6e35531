import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { startTsips, REPO, type TsipsProcess } from './lib/tsips.js';
import { callsThroughProxy } from './lib/sipp.js';
import { mi } from './lib/mi.js';

const run = promisify(execFile);

/** sipsak's exit status and output, without throwing on non-zero exits. */
async function sipsak(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run('sipsak', args, { timeout: 15_000 });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout + err.stderr };
  }
}

// Issue 3 item 6: the default config on 127.0.0.1:5060 (UDP and TCP), as `npm start` runs it.
describe('config/tsips.cfg (the default configuration)', () => {
  let tsips: TsipsProcess;
  beforeAll(async () => {
    tsips = await startTsips(join(REPO, 'config/tsips.cfg'));
  });
  afterAll(async () => {
    await tsips?.stop();
  });

  it('answers OPTIONS addressed to itself with 200, over UDP and TCP (sipsak)', async () => {
    const udp = await sipsak(['-vv', '-s', 'sip:127.0.0.1:5060']);
    expect(udp.out).toContain('SIP/2.0 200 OK');
    const tcp = await sipsak(['-vv', '--transport', 'tcp', '-s', 'sip:127.0.0.1:5060']);
    expect(tcp.out).toContain('SIP/2.0 200 OK');
  });

  it('answers a request whose Max-Forwards is 0 with 483', async () => {
    const r = await sipsak(['-vv', '-m', '0', '-p', '127.0.0.1:5060', '-s', 'sip:someone@127.0.0.1:5099']);
    expect(r.out).toContain('SIP/2.0 483');
  });

  it('relays calls statefully to their R-URI and record-routes them (SIPp uac -> tsips -> uas)', async () => {
    const r = await callsThroughProxy({ proxy: 5060, uasPort: 15780, uacPort: 15790, calls: 100, rate: 50, timeoutS: 30 });
    expect({ code: r.code, failed: r.failed, successful: r.successful }, r.stderr).toEqual({ code: 0, failed: 0, successful: 100 });
    const st = (await mi(8888, 'get_statistics', [['tm:', 'core:']])) as Record<string, number>;
    expect(st['tm:UAS_transactions']).toBeGreaterThanOrEqual(200); // INVITE + BYE per call
    expect(st['tm:2xx_transactions']).toBeGreaterThanOrEqual(200);
  });
});
