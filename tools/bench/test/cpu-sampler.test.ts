import { describe, expect, it } from 'vitest';
import { cpuUse } from '../src/cpu-sampler.js';

describe('CPU use from samples', () => {
  it('reports average and the busiest one-second window in % of one core', () => {
    // 100 ticks/s: 50 ticks per second = 50 %, then one full second of 100 ticks.
    const samples = [
      { t: 0, ticks: 0 }, { t: 500, ticks: 25 }, { t: 1000, ticks: 50 }, { t: 1500, ticks: 100 }, { t: 2000, ticks: 150 },
    ];
    const u = cpuUse(samples, 100);
    expect(u.avgPct).toBeCloseTo(75, 6);
    expect(u.peakPct).toBeCloseTo(100, 6);
    expect(u.ticks).toBe(150);
  });

  it('uses the average as peak for a run shorter than the window, NaN without samples', () => {
    expect(cpuUse([{ t: 0, ticks: 0 }, { t: 400, ticks: 20 }], 100).peakPct).toBeCloseTo(50, 6);
    expect(cpuUse([{ t: 0, ticks: 0 }], 100).avgPct).toBeNaN();
  });
});
