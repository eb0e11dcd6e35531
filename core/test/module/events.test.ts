import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/events/bus.js';
import { silentLogger } from '../../src/log.js';

describe('Event Interface (module-interface.md §5)', () => {
  it('delivers raised params to subscribers asynchronously, in order', async () => {
    const bus = new EventBus(silentLogger());
    bus.publish('E_TEST', 'test');
    const got: unknown[] = [];
    bus.subscribe('E_TEST', { name: 'route:E_TEST', deliver: (e, p) => got.push([e, p]) });
    expect(bus.raise('E_TEST', [['a', 1], ['b', 'x']])).toBe(true);
    expect(got).toEqual([]); // not re-entrant: delivered on a later turn
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual([['E_TEST', [['a', 1], ['b', 'x']]]]);
  });

  it('raising an unpublished event fails; subscribing publishes a custom name', () => {
    const bus = new EventBus(silentLogger());
    expect(bus.raise('E_NOPE', [])).toBe(false);
    bus.subscribe('E_CUSTOM', { name: 'x', deliver: () => undefined });
    expect(bus.probe('E_CUSTOM')).toBe(true);
    expect(bus.list().map((e) => e.name)).toEqual(['E_CUSTOM']);
  });

  it('a failing subscriber does not stop the others', async () => {
    const bus = new EventBus(silentLogger());
    let reached = false;
    bus.subscribe('E_X', { name: 'bad', deliver: () => { throw new Error('boom'); } });
    bus.subscribe('E_X', { name: 'good', deliver: () => void (reached = true) });
    bus.raise('E_X', []);
    await new Promise((r) => setImmediate(r));
    expect(reached).toBe(true);
  });
});
