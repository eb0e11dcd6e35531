import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import httpd, { HTTPD_API } from '@tsips/httpd';
import prometheus, { metricName } from '@tsips/prometheus';
import { defineModule } from '@tsips/core';
import { startModules, type TestServer } from '../../httpd/test/harness.js';

let server: TestServer;
let base: string;
let inuse = 0;

// a module that owns statistics, initialised after prometheus: its stats must still show up
const owner = defineModule({
  name: 'tm',
  stats: ['UAS_transactions'],
  init(ctx) {
    const uas = ctx.stat('UAS_transactions');
    ctx.statFn('inuse_transactions', () => inuse);
    return uas;
  },
});

beforeAll(async () => {
  server = await startModules([{ def: httpd, params: { port: 0 } }, { def: prometheus }, { def: owner }]);
  base = `http://127.0.0.1:${server.resolve(HTTPD_API).address().port}`;
});
afterAll(() => server.stop());

const scrape = async (): Promise<string> => {
  const r = await fetch(`${base}/metrics`);
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return r.text();
};

describe('prometheus', () => {
  it('exports an incremental statistic as a counter with its current value', async () => {
    server.stats.counter('tm', 'UAS_transactions').inc(7);
    const text = await scrape();
    expect(text).toContain('# TYPE tsips_tm_UAS_transactions counter');
    expect(text).toMatch(/^tsips_tm_UAS_transactions 7$/m);
    server.stats.counter('tm', 'UAS_transactions').inc(2);
    expect(await scrape()).toMatch(/^tsips_tm_UAS_transactions 9$/m);
  });

  it('exports computed statistics as gauges read at scrape time', async () => {
    inuse = 4;
    expect(await scrape()).toMatch(/# TYPE tsips_tm_inuse_transactions gauge\ntsips_tm_inuse_transactions 4$/m);
    inuse = 1;
    expect(await scrape()).toMatch(/^tsips_tm_inuse_transactions 1$/m);
  });

  it('picks up a statistic registered after start-up, and follows a reset', async () => {
    const late = server.stats.counter('core', 'rcv-requests');
    late.inc(3);
    expect(await scrape()).toMatch(/^tsips_core_rcv_requests 3$/m);
    server.stats.reset(['core:']);
    expect(await scrape()).toMatch(/^tsips_core_rcv_requests 0$/m);
  });

  it('skips a statistic whose metric name collides, keeping the first', async () => {
    server.stats.counter('core', 'rcv_requests').inc(11);
    const text = await scrape();
    expect(text.match(/^tsips_core_rcv_requests /gm)).toHaveLength(1);
    expect(text).toMatch(/^tsips_core_rcv_requests 0$/m);
  });

  it('405 for POST, HEAD gives headers only, 404 for an unknown path', async () => {
    expect((await fetch(`${base}/metrics`, { method: 'POST', body: 'x' })).status).toBe(405);
    const head = await fetch(`${base}/metrics`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
  });

  it('builds names from prefix, group and name in the Prometheus charset', () => {
    expect(metricName('tsips', 'tm', '2xx_transactions')).toBe('tsips_tm_2xx_transactions');
    expect(metricName('x', 'tcp-mgm', 'a.b')).toBe('x_tcp_mgm_a_b');
    expect(prometheus.params!.prefix.validate!('9bad')).toMatch(/prefix/);
  });
});
