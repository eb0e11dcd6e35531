import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.js';

/** One RFC 4475 torture message with the verdict of the shared corpus' index.json. */
export interface TortureMessage {
  file: string;
  verdict: 'valid' | 'invalid' | 'transaction' | 'application';
  message: 'request' | 'response';
  responses: number[];
  drop: boolean;
  liberal_ok: boolean;
  bytes: Buffer;
}

/** The shared testdata beside the clone (CI checks out shared/ next to it). */
export const DEFAULT_CORPUS = join(REPO_ROOT, '../shared/testdata/rfc4475');

export function loadCorpus(dir = DEFAULT_CORPUS): TortureMessage[] {
  const index = join(dir, 'index.json');
  if (!existsSync(index)) throw new Error(`RFC 4475 corpus not found: ${index} (give --corpus DIR)`);
  const entries = JSON.parse(readFileSync(index, 'utf8')) as Omit<TortureMessage, 'bytes'>[];
  return entries.map((e) => ({ ...e, bytes: readFileSync(join(dir, e.file)) }));
}

/**
 * The first Via's sent-by rewritten to the fuzzer's own UDP socket with `rport`, so what the
 * server answers comes back here and never to the corpus' 192.0.2.x:5060 (or, on loopback,
 * to whoever holds port 5060). Messages whose first Via this does not recognise are kept.
 */
export function redirectVia(msg: Buffer, host: string, port: number): Buffer {
  const text = msg.toString('latin1');
  // LWS may fold over lines (RFC 3261 7.3.1), as in wsinv.dat
  const m = /^(?:via|v)[ \t]*:(?:[ \t]|\r\n[ \t])*SIP(?:[ \t]|\r\n[ \t])*\/(?:[ \t]|\r\n[ \t])*\d+\.\d+(?:[ \t]|\r\n[ \t])*\/(?:[ \t]|\r\n[ \t])*[A-Za-z]+(?:[ \t]|\r\n[ \t])+([^;,\s]+)/im.exec(text);
  if (!m) return msg;
  const start = m.index + m[0].length - m[1]!.length;
  const out = `${text.slice(0, start)}${host}:${port};rport${text.slice(start + m[1]!.length)}`;
  return Buffer.from(out, 'latin1');
}

/** The answer the fuzz config's route gives a request it routes (see config.ts). */
export const ROUTED_CODES = new Set([200, 404, 481, 483, 486]);
const CORE_CODES = new Set([400, 416, 505, 513]);
// RFC 4475 §3.3.4: schemes other than sip/sips/tel in To/From are the application's choice
const APPLICATION_CHOICE = new Set(['unksm2.dat']);

/**
 * Is `codes` (the status codes the server sent for one unmutated torture message) what the
 * corpus verdict allows? Returns why not, or undefined. The rules follow core/test's RFC 4475
 * test: the core's own answers (400/416/505/513) are checked exactly, application answers
 * only for "routed or one the RFC names".
 */
export function checkVerdict(m: TortureMessage, codes: number[]): string | undefined {
  const finals = codes.filter((c) => c >= 200);
  if (m.message === 'response' || m.drop) return finals.length === 0 ? undefined : `must be dropped, got ${finals.join(',')}`;
  if (finals.length === 0) return 'no final answer';
  const code = finals[0]!;
  const routed = ROUTED_CODES.has(code);
  if (m.verdict === 'valid') return CORE_CODES.has(code) && !m.responses.includes(code) ? `valid message answered ${code}` : undefined;
  if (m.verdict === 'invalid' || m.verdict === 'transaction') {
    if (m.responses.includes(code) || (m.liberal_ok && routed)) return undefined;
    return `expected ${m.responses.join('/')}${m.liberal_ok ? ' or routed' : ''}, got ${code}`;
  }
  const coreOnly = m.responses.length > 0 && m.responses.every((c) => CORE_CODES.has(c)) && !APPLICATION_CHOICE.has(m.file);
  if (coreOnly) return m.responses.includes(code) ? undefined : `expected ${m.responses.join('/')}, got ${code}`;
  return m.responses.includes(code) || routed ? undefined : `expected ${m.responses.join('/')} or routed, got ${code}`;
}
