import { createProgress } from '../progress.js';
import { fmtInt, type Table } from '../report/table.js';
import { emptyFields, loadParsers, type Fields, type ParserLib } from './parse-libs.js';
import { SAMPLE_MESSAGES, type SampleMessage } from './parse-messages.js';
import type { Suite, SuiteResult } from './types.js';

/** Fields of `out` that differ from what the message holds ('' when all match). */
export function mismatches(out: Fields, expect: SampleMessage['expect']): string {
  return (Object.keys(expect) as (keyof Fields)[])
    .filter((k) => out[k] !== expect[k])
    .map((k) => `${k}=${JSON.stringify(out[k])} (want ${JSON.stringify(expect[k])})`)
    .join(', ');
}

/** Messages per second for `ms` milliseconds of back-to-back parse+read. */
function timeFor(lib: ParserLib, buf: Buffer, out: Fields, ms: number): number {
  let n = 0;
  const start = performance.now();
  let now = start;
  do {
    for (let i = 0; i < 100; i++) lib.read(buf, out);
    n += 100;
    now = performance.now();
  } while (now - start < ms);
  return (n * 1000) / (now - start);
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export const parseSuite: Suite = {
  name: 'parse',
  describe: 'messages/s parsing an INVITE, a 200 OK and a REGISTER and reading the usual fields',
  async run(ctx): Promise<SuiteResult> {
    const { libs, missing } = await loadParsers();
    const notes: string[] = [...missing];
    const secondsPerPair = ctx.opts.duration ?? (ctx.opts.quick ? 0.5 : 2);
    const rounds = ctx.opts.quick ? 3 : 5;
    const out = emptyFields();

    // Check every parser reads every message right before timing it.
    const errors = new Map<string, string>();
    const key = (lib: ParserLib, msg: SampleMessage): string => `${lib.name}|${msg.name}`;
    for (const lib of libs) {
      for (const msg of SAMPLE_MESSAGES) {
        try {
          Object.assign(out, emptyFields());
          lib.read(msg.buf, out);
          const bad = mismatches(out, msg.expect);
          if (bad) errors.set(key(lib, msg), `wrong fields: ${bad}`);
        } catch (e) {
          errors.set(key(lib, msg), `throws: ${(e as Error).message}`);
        }
      }
    }
    for (const [k, why] of errors) notes.push(`${k.replace('|', ' on ')}: ${why} (not timed)`);

    const samples = new Map<string, number[]>();
    const pairs = libs.flatMap((lib) => SAMPLE_MESSAGES.map((msg) => ({ lib, msg }))).filter((p) => !errors.has(key(p.lib, p.msg)));
    const progress = createProgress('parse', pairs.length * (rounds + 1));
    for (const p of pairs) {
      progress.step(`warm-up ${p.lib.name} ${p.msg.name}`);
      timeFor(p.lib, p.msg.buf, out, 200);
    }
    // Rounds interleave the parsers (rotating who goes first) so drift hits all alike.
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < pairs.length; i++) {
        const p = pairs[(i + r * SAMPLE_MESSAGES.length) % pairs.length]!;
        progress.step(`round ${r + 1}/${rounds} ${p.lib.name} ${p.msg.name}`);
        const rate = timeFor(p.lib, p.msg.buf, out, (secondsPerPair * 1000) / rounds);
        const list = samples.get(key(p.lib, p.msg)) ?? [];
        list.push(rate);
        samples.set(key(p.lib, p.msg), list);
      }
    }
    progress.done();

    const rate = (lib: ParserLib, msg: SampleMessage): number => median(samples.get(key(lib, msg)) ?? []);
    const table: Table = {
      title: 'Parse + read Via branch, CSeq, Call-ID, From tag, R-URI host / status (messages/s, median of rounds)',
      columns: ['message', ...libs.map((l) => `${l.name} ${l.version}`)],
      rows: SAMPLE_MESSAGES.map((msg) => [
        `${msg.name} (${msg.buf.length} B)`,
        ...libs.map((lib) => (errors.has(key(lib, msg)) ? 'error' : fmtInt(rate(lib, msg)))),
      ]),
    };
    const summary: string[] = [];
    const ts = libs.find((l) => l.name === 'tsips');
    if (!ts) summary.push('tsips parser not available: no ratios');
    else {
      for (const lib of libs.filter((l) => l !== ts)) {
        const parts = SAMPLE_MESSAGES.map((msg) => `${msg.name} ${(rate(ts, msg) / rate(lib, msg)).toFixed(2)}x`);
        summary.push(`tsips / ${lib.name} (higher = tsips faster): ${parts.join(', ')}`);
      }
    }
    notes.push(`${secondsPerPair} s per parser and message in ${rounds} interleaved rounds after a 200 ms warm-up; one Node ${process.version} process`);
    notes.push('sip.js and jssip parse strings: their figures include buf.toString(); R-URI host is read through each library\'s URI parser');
    return {
      suite: 'parse',
      title: 'SIP parser throughput',
      notes,
      tables: [table],
      summary,
      data: {
        secondsPerPair,
        rounds,
        libs: libs.map((l) => ({ name: l.name, version: l.version })),
        results: pairs.map((p) => ({ lib: p.lib.name, message: p.msg.name, bytes: p.msg.buf.length, samples: samples.get(key(p.lib, p.msg)), median: rate(p.lib, p.msg) })),
        errors: Object.fromEntries(errors),
        missing,
      },
    };
  },
};
