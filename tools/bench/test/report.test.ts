import { describe, expect, it } from 'vitest';
import { createProgress, renderBar } from '../src/progress.js';
import { fmt, fmtInt, formatTable } from '../src/report/table.js';
import { describeBuffers, parseSs } from '../src/sockbuf.js';

describe('tables', () => {
  it('align text left and numbers right in a Markdown table', () => {
    const t = formatTable({ title: 'T', columns: ['name', 'n'], rows: [['tsips', '12'], ['kamailio', '3']] });
    expect(t.split('\n')).toEqual([
      '**T**',
      '',
      '| name     |   n |',
      '| -------- | --: |',
      '| tsips    |  12 |',
      '| kamailio |   3 |',
    ]);
  });

  it('format numbers and missing values', () => {
    expect(fmt(0.12345, 3)).toBe('0.123');
    expect(fmt(NaN)).toBe('-');
    expect(fmtInt(1234567.4)).toBe('1 234 567');
    expect(fmtInt(undefined)).toBe('-');
  });
});

describe('progress', () => {
  it('draws a bar', () => {
    expect(renderBar(3, 12, 12)).toBe('[###.........] 3/12');
    expect(renderBar(5, 0, 4)).toBe('[####] 5/0');
  });

  it('prints plain lines when stderr is not a terminal', () => {
    const lines: string[] = [];
    const p = createProgress('stateful', 2, { isTTY: false, write: (s: string) => lines.push(s) });
    p.step('tsips u1 500 cps');
    p.note('hello');
    p.done();
    expect(lines[0]).toMatch(/^\[stateful 1\/2 \d+s\] tsips u1 500 cps\n$/);
    expect(lines[1]).toBe('[stateful] hello\n');
    expect(lines.join('')).not.toContain('\x1b');
  });

  it('redraws one line on a terminal', () => {
    const out: string[] = [];
    const p = createProgress('parse', 4, { isTTY: true, write: (s: string) => out.push(s) });
    p.step('warm-up');
    p.done();
    expect(out[0]).toContain('\r\x1b[K');
    expect(out[0]).toContain('[');
    expect(out[out.length - 1]).toBe('\r\x1b[K');
  });
});

describe('ss socket buffers', () => {
  const ss = [
    'UNCONN 0      0      127.0.0.1:25060  0.0.0.0:* users:(("kamailio",pid=20710,fd=3),("kamailio",pid=20709,fd=3))',
    '\t skmem:(r0,rb8388608,t0,tb8388608,f0,w0,o0,bl0,d0)',
    'UNCONN 0      0      127.0.0.1:5353  0.0.0.0:* users:(("other",pid=5,fd=9))',
    '\t skmem:(r0,rb212992,t0,tb212992,f0,w0,o0,bl0,d0)',
  ].join('\n');

  it('reads local address, owners and rb/tb', () => {
    expect(parseSs(ss)).toEqual([
      { local: '127.0.0.1:25060', pids: [20710, 20709], rcvbuf: 8388608, sndbuf: 8388608 },
      { local: '127.0.0.1:5353', pids: [5], rcvbuf: 212992, sndbuf: 212992 },
    ]);
    expect(describeBuffers(parseSs(ss).slice(0, 1))).toBe('rcvbuf 8388608 B, sndbuf 8388608 B');
    expect(describeBuffers([])).toBe('no UDP socket seen');
  });
});
