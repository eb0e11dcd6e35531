import { defineModule, STATS, str } from '@tsips/core';
import { HTTPD_API } from '@tsips/httpd';
import { StatsExporter } from './exporter.js';

export { StatsExporter, metricName } from './exporter.js';

const PATH_RE = /^[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/;
const PREFIX_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * prometheus (OpenSIPS prometheus): every tsips statistic at http://<httpd>/<root> in the
 * Prometheus text format, as `<prefix>_<group>_<name>`; incremental statistics are counters,
 * the others (gauges, computed values) gauges.
 */
export default defineModule({
  name: 'prometheus',
  doc: 'Prometheus /metrics for tsips statistics',
  deps: ['httpd'],
  params: {
    root: str({
      default: 'metrics',
      doc: 'path the metrics are served on',
      validate: (v) => (PATH_RE.test(v) ? undefined : `expects a URL path such as "metrics" (no leading or trailing "/"), got "${v}"`),
    }),
    prefix: str({
      default: 'tsips',
      doc: 'first part of every metric name',
      validate: (v) => (PREFIX_RE.test(v) ? undefined : `expects a Prometheus name prefix matching ${PREFIX_RE}, got "${v}"`),
    }),
  },
  init(ctx) {
    const exporter = new StatsExporter(ctx.resolve(STATS), ctx.params.prefix, ctx.log);
    ctx.resolve(HTTPD_API).mount(`/${ctx.params.root}`, exporter.handler());
    return exporter;
  },
  destroy(exporter) {
    exporter.clear();
  },
});
