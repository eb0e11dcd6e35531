import { spawnSync } from 'node:child_process';

/** One UDP socket as `ss -uampnH` shows it: local address, owning PIDs, buffer sizes. */
export interface UdpSocketInfo {
  local: string;
  pids: number[];
  /** Receive / send buffer in bytes as the kernel holds them (twice what setsockopt asked). */
  rcvbuf: number;
  sndbuf: number;
}

/** Parses `ss -H -u -a -m -n -p` output (a socket line, then its skmem line). */
export function parseSs(text: string): UdpSocketInfo[] {
  const out: UdpSocketInfo[] = [];
  let pending: { local: string; pids: number[] } | undefined;
  for (const line of text.split('\n')) {
    const mem = /skmem:\(([^)]*)\)/.exec(line);
    if (mem && pending) {
      const field = (k: string): number => Number(new RegExp(`(?:^|,)${k}(\\d+)`).exec(mem[1]!)?.[1] ?? NaN);
      out.push({ ...pending, rcvbuf: field('rb'), sndbuf: field('tb') });
      pending = undefined;
      continue;
    }
    const cols = line.trim().split(/\s+/);
    if (cols.length >= 5 && /^[A-Z-]+$/.test(cols[0]!)) {
      const pids = [...line.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
      pending = { local: cols[3]!, pids };
    }
  }
  return out;
}

/** The UDP sockets held by any of `pids` (empty when `ss` is unavailable). */
export function udpSocketsOf(pids: readonly number[]): UdpSocketInfo[] {
  const r = spawnSync('ss', ['-H', '-u', '-a', '-m', '-n', '-p'], { encoding: 'utf8', timeout: 5000 });
  if (r.status !== 0) return [];
  const want = new Set(pids);
  return parseSs(r.stdout).filter((s) => s.pids.some((p) => want.has(p)));
}

/** "rcvbuf 8388608 / sndbuf 8388608 B (kernel value, 2x the request)" for a set of sockets. */
export function describeBuffers(sockets: readonly UdpSocketInfo[]): string {
  if (sockets.length === 0) return 'no UDP socket seen';
  const uniq = [...new Set(sockets.map((s) => `${s.rcvbuf}/${s.sndbuf}`))];
  return uniq.map((u) => {
    const [r, s] = u.split('/');
    return `rcvbuf ${r} B, sndbuf ${s} B`;
  }).join('; ');
}
