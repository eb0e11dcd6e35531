import { describe, expect, it } from 'vitest';
import { escapeXml, niceTicks, renderSvg } from '../src/report/svg.js';
import { proxySvg } from '../src/suites/proxy-report.js';
import type { StepResult } from '../src/suites/proxy-summary.js';

/** Minimal well-formedness check: every element closes in order, attributes are quoted. */
function assertWellFormed(xml: string): void {
  const stack: string[] = [];
  const tags = xml.replace(/<\?xml[^>]*\?>/, '').match(/<[^>]+>/g) ?? [];
  for (const t of tags) {
    const m = /^<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>$/.exec(t);
    if (!m) throw new Error(`malformed tag ${t}`);
    const [, close, name, , self] = m;
    if (close) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else if (!self) stack.push(name!);
  }
  if (stack.length) throw new Error(`unclosed ${stack.join(', ')}`);
}

describe('SVG charts', () => {
  it('are well-formed and hold every series with its points', () => {
    const svg = renderSvg('a & b <test>', [
      { title: 'cpu', xLabel: 'calls/s', yLabel: 'ms', series: [{ name: 'tsips u1', color: '#f00', points: [{ x: 500, y: 0.4 }, { x: 1000, y: 0.3 }] }] },
      { title: 'rt', xLabel: 'calls/s', yLabel: 'ms', logY: true, series: [{ name: 'kamailio t1', color: '#00f', dashed: true, points: [{ x: 500, y: 0.2 }, { x: 1000, y: 300 }] }] },
    ]);
    assertWellFormed(svg);
    expect(svg).toContain('<title>a &amp; b &lt;test&gt;</title>');
    expect(svg).toContain('data-name="tsips u1"');
    expect(svg).toContain('data-name="kamailio t1"');
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg.match(/<circle/g)).toHaveLength(4);
    expect(svg).toContain('stroke-dasharray');
  });

  it('draws the proxy suite charts from step results, skipping failed steps', () => {
    const s = (peer: 'tsips' | 'kamailio', rate: number, over: Partial<StepResult> = {}): StepResult => ({
      peer, mode: 'stateless', transport: 'u1', targetRate: rate, durationS: 4, calls: rate * 4, created: rate * 4,
      successful: rate * 4, failed: 0, failedBy: {}, uasFailed: 0, retransmissions: 0, achievedRate: rate, proxyCpuMs: 1,
      cpuMsPerCall: 0.3, proxyCpuPct: 10, meanRtMs: 0.5, rcvbufErrors: 0, sippUacPeakPct: 10, sippUasPeakPct: 10,
      sippSaturated: false, otherCpuPct: 0, timedOut: false, ...over,
    });
    const svg = proxySvg('stateless', [s('tsips', 500), s('tsips', 1000, { failed: 3, successful: 3997 }), s('kamailio', 500), s('kamailio', 1000, { error: 'x', successful: 0 })]);
    assertWellFormed(svg);
    expect(svg.match(/fill="white" stroke="#d62728"/g)).toHaveLength(2); // the failing tsips step, in both charts
    expect(svg).toContain('Open circles: steps that were not clean');
    expect(svg.match(/data-name="tsips u1"/g)).toHaveLength(2); // one per chart
    expect(svg.match(/data-name="kamailio u1"/g)).toHaveLength(2);
    expect(svg.match(/<circle/g)).toHaveLength(6);
  });

  it('picks round tick values and escapes text', () => {
    expect(niceTicks(0, 2700)).toEqual([0, 1000, 2000, 3000]);
    expect(niceTicks(0, 2000)).toEqual([0, 500, 1000, 1500, 2000]);
    expect(niceTicks(0, 0.45)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(escapeXml('"<&>"')).toBe('&quot;&lt;&amp;&gt;&quot;');
  });
});
