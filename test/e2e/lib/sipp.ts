import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SippResult {
  code: number | null;
  /** successful / failed calls from SIPp's final statistics (-trace_stat) */
  successful: number;
  failed: number;
  retransmissions: number;
  stdout: string;
  stderr: string;
}

export interface SippOptions {
  /** built-in scenario (-sn) or a scenario file (-sf) */
  scenario: { builtin: 'uac' | 'uas' | string } | { file: string };
  /** where SIPp listens: -i 127.0.0.1 -p <port> */
  port: number;
  /** remote host:port (the proxy or, with rsa, the R-URI target) */
  remote?: string;
  /** -rsa: send to this address instead of `remote` */
  rsa?: string;
  transport?: 'u1' | 'un' | 't1' | 'tn';
  calls?: number;
  rate?: number;
  /** stop after this many seconds whatever happens (-timeout) */
  timeoutS?: number;
  extra?: string[];
}

/** SIPp's statistics file: the last line of the -trace_stat CSV holds the cumulative counters. */
export function parseSippStats(csv: string): { successful: number; failed: number; retransmissions: number } {
  const lines = csv.trim().split('\n');
  const head = lines[0]!.split(';');
  const last = lines[lines.length - 1]!.split(';');
  const col = (name: string) => {
    const i = head.indexOf(name);
    return i >= 0 ? Number(last[i]) || 0 : 0;
  };
  return { successful: col('SuccessfulCall(C)'), failed: col('FailedCall(C)'), retransmissions: col('Retransmissions(C)') };
}

/**
 * Run SIPp (loopback only) until it ends: the UAC side stops after `calls` calls, a UAS side
 * is stopped by the caller through the returned `stop()` or by its `timeoutS`.
 */
export function runSipp(o: SippOptions): { done: Promise<SippResult>; stop: () => void; pid: number | undefined } {
  const dir = mkdtempSync(join(process.env.TSIPS_E2E_TMP ?? tmpdir(), 'sipp-')); // removed with the run's folder
  const args = [
    ...('builtin' in o.scenario ? ['-sn', o.scenario.builtin] : ['-sf', o.scenario.file]),
    '-i', '127.0.0.1', '-p', String(o.port),
    '-t', o.transport ?? 'u1',
    '-nostdin', '-trace_stat', '-fd', '1', '-stf', join(dir, 'stats.csv'),
    '-timeout', `${o.timeoutS ?? 60}s`, '-timeout_error',
    ...(o.calls !== undefined ? ['-m', String(o.calls)] : []),
    ...(o.rate !== undefined ? ['-r', String(o.rate)] : []),
    ...(o.rsa ? ['-rsa', o.rsa] : []),
    // SIPp refuses -t tn when its default socket budget exceeds the open-files limit
    ...(o.transport === 'tn' && !(o.extra ?? []).includes('-max_socket') ? ['-max_socket', '4096'] : []),
    ...(o.extra ?? []),
    ...(o.remote ? [o.remote] : []),
  ];
  const p = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<SippResult>((resolve) => {
    p.on('exit', (code) => {
      let stats = { successful: 0, failed: 0, retransmissions: 0 };
      try {
        const f = readdirSync(dir).find((x) => x === 'stats.csv');
        if (f) stats = parseSippStats(readFileSync(join(dir, f), 'utf8'));
      } catch {
        // no stats written: counters stay 0 and the exit code tells
      }
      resolve({ code, ...stats, stdout, stderr });
    });
  });
  return { done, stop: () => p.kill('SIGINT'), pid: p.pid };
}

/**
 * SIPp's built-in uac -> proxy -> built-in uas, the acceptance run of every proxy test: the uac
 * sends to the proxy (-rsa) with the uas as R-URI; the uas is stopped once the uac is done.
 */
export async function callsThroughProxy(o: {
  proxy: number;
  uasPort: number;
  uacPort: number;
  transport?: SippOptions['transport'];
  calls: number;
  rate: number;
  timeoutS: number;
  extra?: string[];
}): Promise<SippResult> {
  const uas = runSipp({ scenario: { builtin: 'uas' }, port: o.uasPort, transport: o.transport, timeoutS: o.timeoutS + 30, extra: o.extra });
  try {
    await new Promise((r) => setTimeout(r, 300)); // let the uas bind before the first call
    const uac = runSipp({
      scenario: { builtin: 'uac' },
      port: o.uacPort,
      transport: o.transport,
      remote: `127.0.0.1:${o.uasPort}`,
      rsa: `127.0.0.1:${o.proxy}`,
      calls: o.calls,
      rate: o.rate,
      timeoutS: o.timeoutS,
      extra: o.extra,
    });
    return await uac.done;
  } finally {
    uas.stop();
    await uas.done;
  }
}
