import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { existsSync, openSync, closeSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Transport } from './args.js';
import { spawnTracked } from './children.js';
import { parseRtt, parseStatCsv, type RttSummary, type SippStats } from './sipp-stats.js';

/** A SIPp scenario: one of its built-ins (-sn) or an XML file (-sf). */
export type ScenarioRef = { builtin: 'uac' | 'uas' } | { file: string };

interface SippCommon {
  scenario: ScenarioRef;
  transport: Transport;
  ip: string;
  /** SO_SNDBUF/SO_RCVBUF in bytes (-buff_size). */
  buffSize: number;
  /** Statistics CSV, relative to the working folder. */
  statFile: string;
}

export interface UasSpec extends SippCommon {
  port: number;
}

export interface UacSpec extends SippCommon {
  /** The proxy, "ip:port". */
  target: string;
  /** Local port (SIPp's default, 5060, is often taken). */
  port: number;
  rate: number;
  calls: number;
  /** A call waiting longer than this for a message fails (and lets SIPp finish). */
  recvTimeoutMs: number;
  /** How many response times SIPp buffers before writing them out. */
  rttFreq: number;
}

let nofile: number | undefined;
/** This process's open-files limit (SIPp inherits it). */
function openFilesLimit(): number {
  if (nofile === undefined) {
    const r = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8', timeout: 5000 });
    const n = Number(r.stdout?.trim());
    nofile = Number.isInteger(n) && n > 0 ? n : 1024;
  }
  return nofile;
}

/**
 * -t tn: SIPp refuses to start when its socket limit (50000 by default) exceeds the
 * open-files limit, so it gets the limit minus some room for its other files.
 */
export function maxSockets(limit: number): number {
  return Math.max(64, Math.min(50_000, limit - 100));
}

function common(s: SippCommon): string[] {
  const scen = 'builtin' in s.scenario ? ['-sn', s.scenario.builtin] : ['-sf', s.scenario.file];
  const sockets = s.transport === 'tn' ? ['-max_socket', String(maxSockets(openFilesLimit()))] : [];
  return [
    ...scen,
    ...sockets,
    '-i', s.ip,
    '-t', s.transport,
    '-buff_size', String(s.buffSize),
    '-nostdin',
    '-trace_stat', '-stf', s.statFile, '-fd', '1',
    '-trace_err',
  ];
}

export function uasArgs(s: UasSpec): string[] {
  return [...common(s), '-p', String(s.port)];
}

/** A fixed-rate run: `calls` calls at `rate` calls/s, then SIPp exits. */
export function uacArgs(s: UacSpec): string[] {
  return [
    s.target,
    ...common(s),
    '-p', String(s.port),
    '-r', String(s.rate), '-rp', '1000',
    '-m', String(s.calls),
    '-recv_timeout', String(s.recvTimeoutMs),
    '-trace_rtt', '-rtt_freq', String(s.rttFreq),
  ];
}

/** Starts SIPp in `cwd` (where it writes its files); its screen goes to `<cwd>/<logName>`. */
export function startSipp(args: readonly string[], cwd: string, logName: string, env?: NodeJS.ProcessEnv): ChildProcess {
  const fd = openSync(join(cwd, logName), 'w');
  try {
    return spawnTracked('sipp', args, { cwd, env: env ?? process.env, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd); // the child holds its own copy
  }
}

export function readStats(cwd: string, statFile: string): SippStats | undefined {
  const path = join(cwd, statFile);
  if (!existsSync(path)) return undefined;
  try {
    return parseStatCsv(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Reads (and then deletes: it holds one line per call) the response-time trace SIPp wrote
 * in `cwd` as `<scenario>_<pid>_rtt.csv`.
 */
export function takeRtt(cwd: string, pid: number): RttSummary | undefined {
  const name = readdirSync(cwd).find((f) => f.endsWith(`_${pid}_rtt.csv`));
  if (!name) return undefined;
  const path = join(cwd, name);
  const summary = parseRtt(readFileSync(path, 'utf8'));
  rmSync(path);
  return summary;
}

export function sippVersion(): string {
  const r = spawnSync('sipp', ['-v'], { encoding: 'utf8', timeout: 5000 });
  const m = /SIPp v?(\d+(?:\.\d+)+)/.exec(`${r.stdout}${r.stderr}`);
  return m ? m[1]! : 'unknown';
}
