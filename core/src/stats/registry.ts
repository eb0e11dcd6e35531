/**
 * Named statistics in groups (`tm:UAS_transactions`). Counters are plain objects with a
 * `value` field so the hot path increments a property; function stats compute on read.
 */
export class Stat {
  value = 0;
  constructor(
    readonly group: string,
    readonly name: string,
    /** not cleared by reset_statistics (gauges such as inuse_transactions) */
    readonly noReset = false,
  ) {}
  inc(n = 1): void {
    this.value += n;
  }
  dec(n = 1): void {
    this.value -= n;
  }
}

export interface StatSpec {
  name: string;
  noReset?: boolean;
  doc?: string;
}

interface Entry {
  group: string;
  name: string;
  read(): number;
  /** incremental (counter) vs non-incremental (gauge/function): list_statistics shows it */
  incremental: boolean;
  reset?(): void;
}

export class StatsRegistry {
  private readonly entries = new Map<string, Entry>();

  /** Register (or return the existing) counter `group:name`. */
  counter(group: string, name: string, opts: { noReset?: boolean } = {}): Stat {
    const key = `${group}:${name}`;
    const found = this.entries.get(key);
    if (found && (found as Entry & { stat?: Stat }).stat) return (found as Entry & { stat: Stat }).stat;
    const stat = new Stat(group, name, opts.noReset ?? false);
    const entry: Entry & { stat: Stat } = {
      group,
      name,
      stat,
      incremental: !opts.noReset,
      read: () => stat.value,
      reset: opts.noReset ? undefined : () => void (stat.value = 0),
    };
    this.entries.set(key, entry);
    return stat;
  }

  /** A statistic computed on read (OpenSIPS STAT_IS_FUNC): never reset. */
  fn(group: string, name: string, read: () => number): void {
    this.entries.set(`${group}:${name}`, { group, name, read, incremental: false });
  }

  groups(): string[] {
    return [...new Set([...this.entries.values()].map((e) => e.group))];
  }

  /**
   * Resolve MI selectors: "all", "group:" (whole group) or "group:name" / bare "name".
   * Returns a flat `{ "group:name": value }` object in registration order.
   */
  get(selectors: readonly string[]): Record<string, number> {
    const out: Record<string, number> = {};
    for (const e of this.select(selectors)) out[`${e.group}:${e.name}`] = e.read();
    return out;
  }

  list(selectors: readonly string[]): Record<string, 'incremental' | 'non-incremental'> {
    const out: Record<string, 'incremental' | 'non-incremental'> = {};
    for (const e of this.select(selectors)) out[`${e.group}:${e.name}`] = e.incremental ? 'incremental' : 'non-incremental';
    return out;
  }

  /** Reset the selected resettable statistics; returns how many were reset. */
  reset(selectors: readonly string[]): number {
    let n = 0;
    for (const e of this.select(selectors))
      if (e.reset) {
        e.reset();
        n++;
      }
    return n;
  }

  read(group: string, name: string): number | undefined {
    return this.entries.get(`${group}:${name}`)?.read();
  }

  /** Every statistic: for the Prometheus exporter. */
  all(): { group: string; name: string; value: number; incremental: boolean }[] {
    return [...this.entries.values()].map((e) => ({ group: e.group, name: e.name, value: e.read(), incremental: e.incremental }));
  }

  private select(selectors: readonly string[]): Entry[] {
    const picked = new Set<Entry>();
    for (const sel of selectors) {
      if (sel === 'all') for (const e of this.entries.values()) picked.add(e);
      else if (sel.endsWith(':')) {
        const g = sel.slice(0, -1);
        for (const e of this.entries.values()) if (e.group === g) picked.add(e);
      } else if (sel.includes(':')) {
        const e = this.entries.get(sel);
        if (e) picked.add(e);
      } else for (const e of this.entries.values()) if (e.name === sel) picked.add(e);
    }
    return [...picked];
  }
}
