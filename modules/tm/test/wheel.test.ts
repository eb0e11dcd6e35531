import { describe, expect, it } from 'vitest';
import { TimerNode, TimerWheel } from '../src/wheel.js';

function wheel(slots = 16, res = 10) {
  let now = 0;
  const fired: [string, number][] = [];
  const w = new TimerWheel(res, slots, (n) => fired.push([n.owner as string, now]), () => now);
  return {
    w,
    fired,
    at(ms: number) {
      now = ms;
      w.advance();
    },
  };
}

describe('timer wheel', () => {
  it('fires a node at its deadline, rounded up to the next tick, and only once', () => {
    const h = wheel();
    const n = new TimerNode('a', 0);
    h.w.schedule(n, 25);
    h.at(20);
    expect(h.fired).toEqual([]);
    h.at(30);
    expect(h.fired).toEqual([['a', 30]]);
    h.at(1000);
    expect(h.fired).toHaveLength(1);
    expect(n.active).toBe(false);
    expect(h.w.size).toBe(0);
  });

  it('keeps nodes due in a later turn of the wheel in their slot', () => {
    const h = wheel(8, 10); // one turn = 80 ms
    h.w.schedule(new TimerNode('far', 0), 250);
    h.w.schedule(new TimerNode('near', 0), 10);
    for (let t = 10; t <= 240; t += 10) h.at(t);
    expect(h.fired.map((f) => f[0])).toEqual(['near']);
    h.at(250);
    expect(h.fired.map((f) => f[0])).toEqual(['near', 'far']);
  });

  it('fires in deadline order when advanced late, and sweeps every slot after a long stall', () => {
    const h = wheel(8, 10);
    for (const [name, d] of [['c', 50], ['a', 10], ['b', 30]] as const) h.w.schedule(new TimerNode(name, 0), d);
    h.at(60);
    expect(h.fired.map((f) => f[0])).toEqual(['a', 'b', 'c']);
    h.w.schedule(new TimerNode('x', 0), 20);
    h.w.schedule(new TimerNode('y', 0), 500);
    h.at(10_000); // more than a turn late
    expect(h.fired.map((f) => f[0]).slice(3).sort()).toEqual(['x', 'y']);
  });

  it('cancel and re-arm are O(1) and safe from inside a callback', () => {
    let now = 0;
    const log: string[] = [];
    const a = new TimerNode('a', 0);
    const b = new TimerNode('b', 0);
    const w: TimerWheel = new TimerWheel(10, 16, (n) => {
      log.push(n.owner as string);
      if (n === a) {
        w.cancel(b); // b shares a's slot
        w.schedule(a, 10); // re-arm itself
      }
    }, () => now);
    w.schedule(a, 10);
    w.schedule(b, 10);
    now = 10;
    w.advance();
    expect(log).toEqual(['a']);
    expect(b.active).toBe(false);
    expect(a.active).toBe(true);
    now = 20;
    w.advance();
    expect(log).toEqual(['a', 'a']);
    expect(w.size).toBe(1);
  });

  it('re-scheduling an armed node moves it instead of adding a second deadline', () => {
    const h = wheel();
    const n = new TimerNode('n', 0);
    h.w.schedule(n, 10);
    h.w.schedule(n, 50);
    expect(h.w.size).toBe(1);
    h.at(40);
    expect(h.fired).toEqual([]);
    h.at(50);
    expect(h.fired).toEqual([['n', 50]]);
    expect(h.w.remainingMs(n)).toBe(0);
  });

  it('holds 100k armed deadlines with one interval driving it', () => {
    const h = wheel(4096, 10);
    const nodes = Array.from({ length: 100_000 }, (_, i) => new TimerNode(i, 0));
    nodes.forEach((n, i) => h.w.schedule(n, 10 + (i % 5000)));
    expect(h.w.size).toBe(100_000);
    for (let i = 0; i < 50_000; i += 2) h.w.cancel(nodes[i]!);
    h.at(6000);
    expect(h.fired).toHaveLength(75_000);
    expect(h.w.size).toBe(0);
  });
});
