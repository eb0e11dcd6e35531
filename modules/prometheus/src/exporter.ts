import { Counter, Gauge, Registry } from 'prom-client';
import type { ModuleContext, StatsRegistry } from '@tsips/core';
import type { HttpHandler } from '@tsips/httpd';

type Metric = Counter | Gauge;

/** `tm:2xx_transactions` with prefix "tsips" → `tsips_tm_2xx_transactions` (Prometheus charset). */
export function metricName(prefix: string, group: string, name: string): string {
  return `${prefix}_${group}_${name}`.replace(/[^a-zA-Z0-9_:]/g, '_');
}

/**
 * The tsips statistics as prom-client metrics. Nothing happens per SIP message: on each
 * scrape `collect()` reads StatsRegistry.all() once, creates the metric of a statistic seen
 * for the first time (incremental → counter, otherwise gauge) and sets every value.
 */
export class StatsExporter {
  readonly registry = new Registry();
  /** `group:name` → its metric; null = skipped (its name collides with another one) */
  private readonly metrics = new Map<string, Metric | null>();

  constructor(
    private readonly stats: StatsRegistry,
    private readonly prefix: string,
    private readonly log: ModuleContext['log'],
  ) {}

  collect(): void {
    for (const s of this.stats.all()) {
      const key = `${s.group}:${s.name}`;
      let metric = this.metrics.get(key);
      if (metric === undefined) metric = this.create(key, s.group, s.name, s.incremental);
      if (metric instanceof Counter) {
        metric.reset();
        // a counter cannot go down in Prometheus; a reset statistic restarts from 0 (seen as a counter reset)
        metric.inc(Math.max(0, s.value));
      } else metric?.set(s.value);
    }
  }

  async text(): Promise<string> {
    this.collect();
    return this.registry.metrics();
  }

  /** GET (or HEAD) `/<root>`: the text exposition format. */
  handler(): HttpHandler {
    return async (req, res) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('Method Not Allowed\n');
        return;
      }
      const body = await this.text();
      res.writeHead(200, { 'Content-Type': this.registry.contentType, 'Content-Length': String(Buffer.byteLength(body)) });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
  }

  clear(): void {
    this.registry.clear();
    this.metrics.clear();
  }

  private create(key: string, group: string, name: string, incremental: boolean): Metric | null {
    const config = { name: metricName(this.prefix, group, name), help: `tsips statistic ${key}`, registers: [this.registry] };
    try {
      const metric = incremental ? new Counter(config) : new Gauge(config);
      this.metrics.set(key, metric);
      return metric;
    } catch (err) {
      this.log.warn({ err, stat: key, metric: config.name }, 'prometheus: statistic not exported (metric name already used)');
      this.metrics.set(key, null);
      return null;
    }
  }
}
