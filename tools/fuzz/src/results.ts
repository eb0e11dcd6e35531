import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Failure } from './checks.js';
import { stamp } from './paths.js';
import type { FuzzInput, Target } from './types.js';

/** failure.json: enough to regenerate the batch (`--seed N --replay`) and to read what broke. */
export interface FailureRecord extends Failure {
  seed: number;
  target: Target;
  batch: number;
  command: string;
  replay: string;
  inputs: { file: string; kind: string; bytes: number; plan?: FuzzInput['plan'] }[];
}

/**
 * Write the offending batch under `<out>/<stamp>/`: failure.json, every input as raw bytes in
 * inputs/, the server's last log lines, its config and the summary so far. Returns the folder.
 */
export function saveFailure(out: string, f: Omit<FailureRecord, 'inputs' | 'replay'>, inputs: FuzzInput[], extra: { serverLog: string[]; config?: string; summary: unknown }): string {
  let dir = join(out, stamp());
  for (let n = 2; existsSync(dir); n++) dir = join(out, `${stamp()}-${n}`);
  mkdirSync(join(dir, 'inputs'), { recursive: true });
  const files = inputs.map((input, i) => {
    const file = `inputs/${String(i).padStart(3, '0')}-${input.target}.bin`;
    writeFileSync(join(dir, file), input.data);
    return { file, kind: input.kind, bytes: input.data.length, plan: input.plan };
  });
  const record: FailureRecord = { ...f, replay: `npm run fuzz -- --seed ${f.seed} --replay ${dir}`, inputs: files };
  writeFileSync(join(dir, 'failure.json'), `${JSON.stringify(record, null, 2)}\n`);
  writeFileSync(join(dir, 'server.log'), `${extra.serverLog.join('\n')}\n`);
  if (extra.config) writeFileSync(join(dir, 'fuzz.cfg'), extra.config);
  writeFileSync(join(dir, 'summary.json'), `${JSON.stringify(extra.summary, null, 2)}\n`);
  return dir;
}

/**
 * The failure to replay: the one in `dir`, or the newest under `out` recorded with `seed`.
 */
export function findFailure(out: string, dir: string | undefined, seed: number | undefined): { dir: string; record: FailureRecord } {
  const read = (d: string): FailureRecord => JSON.parse(readFileSync(join(d, 'failure.json'), 'utf8')) as FailureRecord;
  if (dir) return { dir, record: read(dir) };
  const candidates = existsSync(out) ? readdirSync(out).filter((d) => existsSync(join(out, d, 'failure.json'))).sort().reverse() : [];
  for (const d of candidates) {
    const r = read(join(out, d));
    if (seed === undefined || r.seed === seed) return { dir: join(out, d), record: r };
  }
  throw new Error(`no saved failure${seed === undefined ? '' : ` with seed ${seed}`} under ${out}`);
}
