import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/args.js';
import { findFailure, saveFailure } from '../src/results.js';

describe('saved failures', () => {
  it('keeps the batch bytes and plans, and --replay finds it by seed', () => {
    const out = mkdtempSync(join(tmpdir(), 'fuzz-results-'));
    const inputs = [
      { target: 'sip-tcp' as const, kind: 'valid:INVITE+truncate', data: Buffer.from('INVITE sip:a'), plan: { splits: [3], gapMs: 5, end: 'hold' as const } },
      { target: 'sip-tcp' as const, kind: 'valid:OPTIONS', data: Buffer.from([0, 1, 2, 0xff]) },
    ];
    const dir = saveFailure(out, { kind: 'crash', detail: 'server exited with code 1', seed: 99, target: 'sip-tcp', batch: 4, command: 'fuzz --seed 99' }, inputs, { serverLog: ['last line'], config: 'route {}', summary: { x: 1 } });
    expect(readFileSync(join(dir, 'inputs/001-sip-tcp.bin'))).toEqual(Buffer.from([0, 1, 2, 0xff]));
    expect(readFileSync(join(dir, 'fuzz.cfg'), 'utf8')).toBe('route {}');
    const found = findFailure(out, undefined, 99);
    expect(found.dir).toBe(dir);
    expect(found.record).toMatchObject({ seed: 99, target: 'sip-tcp', batch: 4, kind: 'crash' });
    expect(found.record.inputs[0]!.plan).toEqual({ splits: [3], gapMs: 5, end: 'hold' });
    expect(found.record.replay).toBe(`npm run fuzz -- --seed 99 --replay ${dir}`);
    expect(() => findFailure(out, undefined, 100)).toThrow(/no saved failure with seed 100/);
  });
});

describe('command line', () => {
  it('reads the options, with defaults', () => {
    const o = parseArgs(['--duration', '30', '--seed', '7', '--targets', 'msrp,sip-udp,msrp', '--replay']);
    expect(o).toMatchObject({ duration: 30, seed: 7, targets: ['msrp', 'sip-udp'], replay: true, rssLimit: 300, quiet: false });
    expect(parseArgs(['--replay', '/tmp/x']).replay).toBe('/tmp/x');
  });

  it('refuses unknown targets and options that do not go together', () => {
    expect(() => parseArgs(['--targets', 'sip-sctp'])).toThrow(/unknown target "sip-sctp"/);
    expect(() => parseArgs(['--seed', '-1'])).toThrow(/integer/);
    expect(() => parseArgs(['--pid', '5'])).toThrow(/--pid needs --config/);
    expect(() => parseArgs(['--config', 'a.cfg', '--port-base', '16400'])).toThrow(/--port-base/);
  });
});
