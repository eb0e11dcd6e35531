import { readFileSync } from 'node:fs';

/** Resident memory of one process or a sum over several, in kB as /proc reports it. */
export interface Memory {
  /** resident set: every page the process maps and has in RAM, shared ones included */
  rssKb: number;
  /** proportional set: each shared page divided by the number of processes mapping it */
  pssKb: number;
  /** processes summed (1 for a single process) */
  processes: number;
}

function kbField(text: string, name: string): number {
  const m = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(text);
  if (!m) throw new Error(`no "${name}:" line in /proc/<pid>/smaps_rollup`);
  return Number(m[1]);
}

/** Rss and Pss of one /proc/<pid>/smaps_rollup. */
export function parseSmapsRollup(text: string): Memory {
  return { rssKb: kbField(text, 'Rss'), pssKb: kbField(text, 'Pss'), processes: 1 };
}

export function sumMemory(parts: readonly Memory[]): Memory {
  return parts.reduce((a, b) => ({ rssKb: a.rssKb + b.rssKb, pssKb: a.pssKb + b.pssKb, processes: a.processes + b.processes }),
    { rssKb: 0, pssKb: 0, processes: 0 });
}

/** Memory of every listed process still alive (Kamailio: main, workers, tcp_main...). */
export function memoryOf(pids: readonly number[]): Memory {
  const parts: Memory[] = [];
  for (const pid of pids) {
    try {
      parts.push(parseSmapsRollup(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')));
    } catch {
      /* exited between listing and reading */
    }
  }
  return sumMemory(parts);
}

/** Bytes per item from two kB readings: (after - before) / n. */
export function bytesPer(beforeKb: number, afterKb: number, n: number): number {
  return n > 0 ? ((afterKb - beforeKb) * 1024) / n : NaN;
}

/** The soft "Max open files" limit from /proc/<pid>/limits (Infinity for "unlimited"). */
export function parseNoFileLimit(limits: string): number {
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limits);
  if (!m) throw new Error('no "Max open files" line in /proc/<pid>/limits');
  return m[1] === 'unlimited' ? Infinity : Number(m[1]);
}

export function noFileLimitOf(pid: number): number {
  return parseNoFileLimit(readFileSync(`/proc/${pid}/limits`, 'utf8'));
}
