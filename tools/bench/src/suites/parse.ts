import { createProgress, type Progress } from '../progress.js';
import { fmtInt, type Table } from '../report/table.js';
import { loadCodecs, type CodecBench } from './parse-codecs.js';
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

/**
 * Operations per second for `ms` milliseconds of back-to-back `op()`. The last result is
 * handed back with the rate, so the work cannot be optimised away.
 */
export function timeOps(op: () => unknown, ms: number): { rate: number; last: unknown } {
  let n = 0;
  let last: unknown;
  const start = performance.now();
  let now = start;
  do {
    for (let i = 0; i < 100; i++) last = op();
    n += 100;
    now = performance.now();
  } while (now - start < ms);
  return { rate: (n * 1000) / (now - start), last };
}

function timeFor(lib: ParserLib, buf: Buffer, out: Fields, ms: number): number {
  return timeOps(() => lib.read(buf, out), ms).rate;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export const parseSuite: Suite = {
  name: 'parse',
  describe: 'messages/s parsing an INVITE, a 200 OK and a REGISTER and reading the usual fields; MSRP SEND parse/relay and HEPv3 encode+decode ops/s',
  async run(ctx): Promise<SuiteResult> {
    const { libs, missing } = await loadParsers();
    const loaded = await loadCodecs();
    const notes: string[] = [...missing, ...loaded.missing];
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
    const codecs = loaded.codecs.filter((c) => {
      let why: string;
      try {
        why = c.check();
      } catch (e) {
        why = `throws: ${(e as Error).message}`;
      }
      if (why) notes.push(`${c.lib} ${c.name}: ${why} (not timed)`);
      return !why;
    });
    const progress = createProgress('parse', (pairs.length + codecs.length) * (rounds + 1));
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
    const codecSamples = timeCodecs(codecs, rounds, (secondsPerPair * 1000) / rounds, progress);
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
    if (codecs.length > 0) notes.push('MSRP and HEP rows: HEP is compared with hep-js (sipcapture\'s HEP3 library, strings in and out); no MSRP codec exists on the npm registry, so the MSRP rows are absolute ops/s (the msrp suite compares the relay with Kamailio); timed like the SIP rows');
    const codecTable: Table = {
      title: 'MSRP and HEP codecs (operations/s, median of rounds)',
      columns: ['operation', 'codec', 'ops/s', 'MB/s of input'],
      leftColumns: [0, 1],
      rows: codecs.map((c) => {
        const r = median(codecSamples.get(c) ?? []);
        return [c.name, `${c.lib} ${c.version}`, fmtInt(r), (r * c.bytes / 1e6).toFixed(0)];
      }),
    };
    return {
      suite: 'parse',
      title: 'SIP parser throughput; MSRP and HEP codecs',
      notes,
      tables: codecs.length > 0 ? [table, codecTable] : [table],
      summary: [...summary, ...codecRatios(codecs, codecSamples)],
      data: {
        secondsPerPair,
        rounds,
        libs: libs.map((l) => ({ name: l.name, version: l.version })),
        results: pairs.map((p) => ({ lib: p.lib.name, message: p.msg.name, bytes: p.msg.buf.length, samples: samples.get(key(p.lib, p.msg)), median: rate(p.lib, p.msg) })),
        errors: Object.fromEntries(errors),
        missing: [...missing, ...loaded.missing],
        codecs: codecs.map((c) => ({ name: c.name, lib: c.lib, version: c.version, bytes: c.bytes, samples: codecSamples.get(c), median: median(codecSamples.get(c) ?? []) })),
      },
    };
  },
};

/** tsips / peer for every codec operation that has a peer row (same name). */
function codecRatios(codecs: readonly CodecBench[], samples: Map<CodecBench, number[]>): string[] {
  const out: string[] = [];
  for (const ts of codecs.filter((c) => c.lib.startsWith('tsips'))) {
    for (const peer of codecs.filter((c) => c.name === ts.name && c !== ts)) {
      const ratio = median(samples.get(ts) ?? []) / median(samples.get(peer) ?? []);
      out.push(`${ts.name}: tsips / ${peer.lib} ${ratio.toFixed(2)}x (higher = tsips faster)`);
    }
  }
  return out;
}

/** Times every codec row: a 200 ms warm-up each, then `rounds` rounds of `ms` each. */
function timeCodecs(codecs: readonly CodecBench[], rounds: number, ms: number, progress: Progress): Map<CodecBench, number[]> {
  const samples = new Map<CodecBench, number[]>();
  for (const c of codecs) {
    progress.step(`warm-up ${c.name}`);
    timeOps(c.op, 200);
  }
  for (let r = 0; r < rounds; r++) {
    for (const c of codecs) {
      progress.step(`round ${r + 1}/${rounds} ${c.name}`);
      samples.set(c, [...(samples.get(c) ?? []), timeOps(c.op, ms).rate]);
    }
  }
  return samples;
}
