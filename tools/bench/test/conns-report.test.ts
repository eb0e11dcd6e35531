import { describe, expect, it } from 'vitest';
import { parseOpened } from '../src/suites/conns-client-driver.js';
import { withFullNoFile } from '../src/suites/conns-peers.js';
import { connsSummary, peerFigures, pssPerConn, rssPerConn, runsTable, type ConnsRun } from '../src/suites/conns-report.js';
import { connsPlan } from '../src/suites/conns.js';
import type { PeerName } from '../src/args.js';

function run(peer: PeerName, beforeKb: [number, number], afterKb: [number, number], extra: Partial<ConnsRun> = {}): ConnsRun {
  return {
    peer, round: 1, target: 1000, held: 1000, serverEstablished: 1000, failed: 0, closedByPeer: 0, acceptMs: 500,
    listenOverflows: 0, backlog: 1024, openFilesLimit: 20000,
    before: { rssKb: beforeKb[0], pssKb: beforeKb[1], processes: peer === 'tsips' ? 1 : 9 },
    after: { rssKb: afterKb[0], pssKb: afterKb[1], processes: peer === 'tsips' ? 1 : 9 },
    ...extra,
  };
}

describe('conns figures', () => {
  it('divides the memory growth by the connections held', () => {
    const r = run('kamailio', [30_000, 8_000], [40_000, 12_500], { held: 2000 });
    expect(rssPerConn(r)).toBe(5120);
    expect(pssPerConn(r)).toBe(2304);
  });

  it('takes the median of complete runs and ignores stalled ones', () => {
    const runs = [
      run('tsips', [0, 0], [5000, 5000]),
      run('tsips', [0, 0], [6000, 6000]),
      run('tsips', [0, 0], [7000, 7000]),
      run('tsips', [0, 0], [90_000, 90_000], { stalled: 'accept queue not empty' }),
      run('tsips', [0, 0], [90_000, 90_000], { held: 999 }),
    ];
    expect(peerFigures(runs, 'tsips')).toEqual({ rss: 6144, pss: 6144, acceptMs: 500, runs: 3 });
    expect(peerFigures(runs, 'kamailio')).toBeUndefined();
  });

  it('passes when tsips needs no more PSS per connection than Kamailio', () => {
    const pass = connsSummary([run('tsips', [0, 0], [4000, 4000]), run('kamailio', [0, 0], [4500, 4500])], 1000);
    expect(pass.find((l) => /^(PASS|FAIL)/.test(l))).toMatch(/^PASS: tsips uses 0\.89x/);
    const fail = connsSummary([run('tsips', [0, 0], [5000, 5000]), run('kamailio', [0, 0], [4500, 4500])], 1000);
    expect(fail.find((l) => /^(PASS|FAIL)/.test(l))).toMatch(/^FAIL: tsips uses 1\.11x/);
  });

  it('gives no verdict without both peers', () => {
    const s = connsSummary([run('tsips', [0, 0], [4000, 4000])], 1000);
    expect(s).toContain('kamailio: no complete run');
    expect(s.some((l) => /PASS|FAIL/.test(l))).toBe(false);
  });

  it('prints one row per run with the per-connection bytes', () => {
    const t = runsTable([run('tsips', [1024, 1024], [5120, 3072], { held: 1000, target: 1000, acceptMs: 250 })]);
    const row = t.rows[0]!;
    const col = (name: string): string => row[t.columns.indexOf(name)]!;
    expect(col('held')).toBe('1000/1000');
    expect(col('accepted/s')).toBe('4 000');
    expect(col('RSS B/conn')).toBe('4 194');
    expect(col('PSS B/conn')).toBe('2 097');
  });

  it('uses 2000 connections with --quick and 10 000 otherwise', () => {
    expect(connsPlan(true).n).toBe(2000);
    expect(connsPlan(false).n).toBe(10_000);
  });
});

describe('conns client protocol and launch', () => {
  it('parses the client\'s answer to open', () => {
    expect(parseOpened('opened 498 2 1498\n')).toEqual({ ok: 498, failed: 2, open: 1498 });
    expect(() => parseOpened('status 1 0')).toThrow(/unexpected answer/);
  });

  it('raises the soft fd limit and execs the program with its arguments unchanged', () => {
    const r = withFullNoFile('kamailio', ['-f', '/tmp/a b.cfg']);
    expect(r.cmd).toBe('sh');
    expect(r.args[1]).toContain('ulimit -n "$(ulimit -Hn)"');
    expect(r.args[1]).toContain('exec "$0" "$@"');
    expect(r.args.slice(2)).toEqual(['kamailio', '-f', '/tmp/a b.cfg']);
  });
});
