import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChild } from './lib/proc.js';
import { REPO } from './lib/tsips.js';

// tools/fuzz against the built server: a short campaign with a fixed seed over every target
// (SIP UDP/TCP, MSRP, HEP UDP/TCP). The fuzzer starts tsips itself on ports 16400-16403 and
// checks after every batch that it is alive and answering; the test reads its JSON summary.
// Build first: npx tsc -b core modules/... tools/fuzz. Ports 16400-16449.
const PORT_BASE = 16400;
const SEED = 4475;
const SECONDS = 18;

interface TargetTally {
  inputs: number;
  batches: number;
  answers: Record<string, number>;
}
interface FuzzSummary {
  seed: number;
  failure: { kind: string; detail: string } | null;
  targets: Record<string, TargetTally>;
  maxRssMb: number;
  probes: number;
  oracleChecked: number;
  statDeltas: Record<string, number>;
}

describe('fuzz smoke (tools/fuzz against the real CLI)', () => {
  it(`seed ${SEED}, ${SECONDS} s: the server stays alive and answering on every target`, async () => {
    const dir = mkdtempSync(join(process.env.TSIPS_E2E_TMP ?? tmpdir(), 'fuzz-'));
    const summaryFile = join(dir, 'summary.json');
    const args = ['tools/fuzz/bin/tsips-fuzz.js', '--port-base', String(PORT_BASE), '--seed', String(SEED), '--duration', String(SECONDS), '--quiet', '--summary-json', summaryFile, '--out', join(dir, 'results')];
    const r = await runChild(process.execPath, args, 45_000, { cwd: REPO });
    expect(r.code, r.out).toBe(0);
    const s = JSON.parse(readFileSync(summaryFile, 'utf8')) as FuzzSummary;
    expect(s.failure).toBeNull();
    expect(s.seed).toBe(SEED);
    for (const t of ['sip-udp', 'sip-tcp', 'msrp', 'hep-udp', 'hep-tcp']) {
      expect(s.targets[t]?.batches, t).toBeGreaterThanOrEqual(1);
      expect(s.targets[t]!.inputs, t).toBeGreaterThan(0);
    }
    // the server answered malformed input (400s) on SIP over UDP, TCP and via HEP
    for (const t of ['sip-udp', 'sip-tcp', 'hep-udp']) expect(s.targets[t]!.answers['4xx'] ?? 0, t).toBeGreaterThan(0);
    // the unmutated RFC 4475 corpus was answered as the verdicts say
    expect(s.oracleChecked).toBe(49);
    expect(s.probes).toBeGreaterThan(5);
    expect(s.maxRssMb).toBeGreaterThan(0);
    expect(s.maxRssMb).toBeLessThan(300);
    // bad input was seen as bad, and every connection of the campaign was let go
    expect(s.statDeltas['core:bad_msg_hdr']).toBeGreaterThan(0);
    expect(s.statDeltas['tcp:closed_protocol']).toBeGreaterThan(0);
    expect(s.statDeltas['tcp:connections']).toBeLessThanOrEqual(1);
    expect(r.stdout).toContain(`OK: no failure (seed ${SEED})`);
  });
});
