import { clockTicks, readProcStat } from './proc.js';

/** One reading of a process's CPU: wall time (ms, monotonic) and utime+stime (ticks). */
export interface CpuSample {
  t: number;
  ticks: number;
}

export interface CpuUse {
  /** Average % of one core between the first and last sample. */
  avgPct: number;
  /** Highest % of one core over any window of at least `windowMs`. */
  peakPct: number;
  /** Ticks used between the first and last sample. */
  ticks: number;
}

/** Average and peak CPU % of one core from a series of samples. */
export function cpuUse(samples: readonly CpuSample[], ticksPerSec: number, windowMs = 1000): CpuUse {
  const pct = (a: CpuSample, b: CpuSample): number => ((b.ticks - a.ticks) / ticksPerSec) * 1000 / (b.t - a.t) * 100;
  if (samples.length < 2) return { avgPct: NaN, peakPct: NaN, ticks: 0 };
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  let peak = NaN;
  let j = 0;
  for (let i = 0; i < samples.length; i++) {
    const a = samples[i]!;
    if (j <= i) j = i + 1;
    while (j < samples.length && samples[j]!.t - a.t < windowMs) j++;
    if (j >= samples.length) break;
    const p = pct(a, samples[j]!);
    if (!(p <= peak)) peak = p;
  }
  // A run shorter than the window still gets a peak: its average.
  const avg = pct(first, last);
  return { avgPct: avg, peakPct: Number.isNaN(peak) ? avg : peak, ticks: last.ticks - first.ticks };
}

/**
 * Polls /proc/<pid>/stat of a few single-process programs (the SIPp instances) while a step
 * runs. A process that exits keeps the samples taken before it did.
 */
export class CpuSampler {
  private readonly samples = new Map<string, CpuSample[]>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pids: Readonly<Record<string, number>>, private readonly intervalMs = 250) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    return this;
  }

  private sample(): void {
    const t = performance.now();
    for (const [name, pid] of Object.entries(this.pids)) {
      const st = readProcStat(pid);
      if (!st) continue; // exited and reaped: keep what was sampled
      const list = this.samples.get(name) ?? [];
      list.push({ t, ticks: st.utime + st.stime });
      this.samples.set(name, list);
    }
  }

  stop(): Record<string, CpuUse> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const out: Record<string, CpuUse> = {};
    for (const name of Object.keys(this.pids)) out[name] = cpuUse(this.samples.get(name) ?? [], clockTicks());
    return out;
  }
}
