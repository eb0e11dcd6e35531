import type { Logger } from 'pino';
import type { ScriptValue } from '../script/values.js';

export type EventParams = ReadonlyArray<readonly [string, ScriptValue]>;

/** Something that wants an event: an event_route, a TypeScript callback, an MI subscriber. */
export interface EventSubscriber {
  /** 'route:E_NAME', 'ts:fn', 'mi:...' — shown by events MI */
  readonly name: string;
  deliver(event: string, params: EventParams): void;
}

interface EventEntry {
  id: number;
  name: string;
  publisher: string;
  subscribers: EventSubscriber[];
}

/**
 * The Event Interface (OpenSIPS EVI): events are published by name, raised with ordered
 * params, and delivered to subscribers asynchronously (OpenSIPS dispatches event routes to
 * another process; here to a later turn of the event loop) so a raise never re-enters the
 * code that raised it. `probe()` lets callers skip building params when nobody listens.
 */
export class EventBus {
  private readonly events = new Map<string, EventEntry>();
  private nextId = 0;

  constructor(private readonly log: Logger) {}

  publish(name: string, publisher: string): number {
    const found = this.events.get(name);
    if (found) return found.id;
    const entry: EventEntry = { id: this.nextId++, name, publisher, subscribers: [] };
    this.events.set(name, entry);
    return entry.id;
  }

  has(name: string): boolean {
    return this.events.has(name);
  }

  /** Subscribing to a name nobody published publishes it (any custom E_* works with raise_event). */
  subscribe(name: string, sub: EventSubscriber): void {
    this.publish(name, 'script');
    this.events.get(name)!.subscribers.push(sub);
  }

  /** true when raising `name` would reach somebody */
  probe(name: string): boolean {
    const e = this.events.get(name);
    return e !== undefined && e.subscribers.length > 0;
  }

  /** Raise an event; returns false when it is unknown (never published). */
  raise(name: string, params: EventParams): boolean {
    const e = this.events.get(name);
    if (!e) return false;
    if (e.subscribers.length === 0) return true;
    const copy = params.slice();
    setImmediate(() => this.dispatch(e, copy));
    return true;
  }

  list(): { name: string; id: number; subscribers: string[] }[] {
    return [...this.events.values()].map((e) => ({ name: e.name, id: e.id, subscribers: e.subscribers.map((s) => s.name) }));
  }

  private dispatch(e: EventEntry, params: EventParams): void {
    for (const s of e.subscribers) {
      try {
        s.deliver(e.name, params);
      } catch (err) {
        this.log.error({ err, event: e.name, subscriber: s.name }, 'event subscriber failed');
      }
    }
  }
}
