import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** The fields of /proc/<pid>/stat the bench uses; times are in clock ticks. */
export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  utime: number;
  stime: number;
  /** CPU of children already waited for. */
  cutime: number;
  cstime: number;
}

/**
 * Parses one /proc/<pid>/stat line. The command name sits in parentheses and may itself
 * hold spaces or ')', so the fixed fields are counted from the LAST ')'.
 */
export function parseProcStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`not a /proc/<pid>/stat line: ${text.slice(0, 60)}`);
  const rest = text.slice(close + 2).trim().split(/\s+/);
  // rest[0] is field 3 (state); utime is field 14, so rest[14 - 3].
  const num = (field: number): number => {
    const v = Number(rest[field - 3]);
    if (!Number.isFinite(v)) throw new Error(`bad /proc stat field ${field}`);
    return v;
  };
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '?',
    ppid: num(4),
    utime: num(14),
    stime: num(15),
    cutime: num(16),
    cstime: num(17),
  };
}

export function readProcStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined; // gone (or never existed)
  }
}

function allProcStats(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = readProcStat(Number(name));
    if (st) out.push(st);
  }
  return out;
}

/** `root` and every process below it, from a snapshot of all processes. */
export function processTree(rootPid: number, all: readonly ProcStat[]): ProcStat[] {
  const byParent = new Map<number, ProcStat[]>();
  for (const p of all) {
    const list = byParent.get(p.ppid);
    if (list) list.push(p);
    else byParent.set(p.ppid, [p]);
  }
  const root = all.find((p) => p.pid === rootPid);
  if (!root) return [];
  const out: ProcStat[] = [];
  const queue = [root];
  for (let p = queue.shift(); p; p = queue.shift()) {
    out.push(p);
    queue.push(...(byParent.get(p.pid) ?? []));
  }
  return out;
}

/**
 * CPU ticks used so far by a process tree: user+system of every live member plus what
 * each has collected from its exited children (so a worker that exits is not lost).
 */
export function treeCpuTicks(tree: readonly ProcStat[]): number {
  let t = 0;
  for (const p of tree) t += p.utime + p.stime + p.cutime + p.cstime;
  return t;
}

export function treeCpuTicksOf(rootPid: number): number {
  return treeCpuTicks(processTree(rootPid, allProcStats()));
}

export function processTreePids(rootPid: number): number[] {
  return processTree(rootPid, allProcStats()).map((p) => p.pid);
}

let clkTck: number | undefined;
/** Clock ticks per second (getconf CLK_TCK; 100 on Linux/x86 when getconf is missing). */
export function clockTicks(): number {
  if (clkTck === undefined) {
    const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5000 });
    const n = Number(r.stdout?.trim());
    clkTck = Number.isInteger(n) && n > 0 ? n : 100;
  }
  return clkTck;
}

export function ticksToMs(ticks: number): number {
  return (ticks * 1000) / clockTicks();
}

/** The `Udp:` counters of /proc/net/snmp (a header line of names, then a line of values). */
export function parseSnmpUdp(text: string): Record<string, number> {
  const lines = text.split('\n').filter((l) => l.startsWith('Udp:'));
  if (lines.length < 2) throw new Error('no Udp: lines in /proc/net/snmp');
  const names = lines[0]!.split(/\s+/).slice(1);
  const values = lines[1]!.split(/\s+/).slice(1).map(Number);
  const out: Record<string, number> = {};
  names.forEach((n, i) => { out[n] = values[i] ?? NaN; });
  return out;
}

/** System-wide count of UDP datagrams dropped because a receive buffer was full. */
export function udpRcvbufErrors(): number {
  return parseSnmpUdp(readFileSync('/proc/net/snmp', 'utf8'))['RcvbufErrors'] ?? NaN;
}

/**
 * Whether /proc/net/{udp,tcp} text shows a socket bound to 127.0.0.1:`port` that is ready
 * to receive: TCP in LISTEN (0A), UDP unconnected (07).
 */
export function listensIn(text: string, port: number, proto: 'udp' | 'tcp'): boolean {
  const want = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const state = proto === 'tcp' ? '0A' : '07';
  return text.split('\n').some((line) => {
    const f = line.trim().split(/\s+/);
    return f[1] === want && f[3] === state;
  });
}

export function isListening(port: number, proto: 'udp' | 'tcp'): boolean {
  return listensIn(readFileSync(`/proc/net/${proto}`, 'utf8'), port, proto);
}

/**
 * Busy ticks of the whole machine so far, from the aggregate `cpu` line of /proc/stat
 * (everything but idle and iowait, summed over all cores).
 */
export function parseCpuBusyTicks(procStat: string): number {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('no aggregate cpu line in /proc/stat');
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0); // user..steal (guest is inside user)
  return total - (f[3] ?? 0) - (f[4] ?? 0);
}

export function machineBusyTicks(): number {
  return parseCpuBusyTicks(readFileSync('/proc/stat', 'utf8'));
}
