import type { Transport } from '../args.js';
import type { ProxyMode } from '../peers/types.js';
import { fmt, fmtInt, type Table } from '../report/table.js';
import { renderSvg, type Series } from '../report/svg.js';
import { isClean, isSustainable, SUSTAINABLE_RT_MS, transportName, type StepResult } from './proxy-summary.js';

export function verdict(s: StepResult): string {
  const again = s.firstTry ? ` (2nd measurement; 1st: ${verdict(s.firstTry)})` : '';
  return `${verdictOf(s)}${again}`;
}

function verdictOf(s: StepResult): string {
  if (s.error) return `error: ${s.error}`;
  const sipp = s.sippSaturated ? ', SIPp saturated' : '';
  if (isSustainable(s)) return `clean${sipp}`;
  if (isClean(s)) return `clean, slow (> ${SUSTAINABLE_RT_MS} ms)${sipp}`;
  const why = s.timedOut ? 'timed out' : s.failed > 0 ? `${s.failed} failed` : s.successful < s.calls ? `${s.calls - s.successful} not completed` : 'rate not reached';
  return `NOT clean: ${why}${sipp}`;
}

export function stepTable(mode: ProxyMode, transport: Transport, steps: readonly StepResult[], scenarioLabel: string): Table {
  return {
    title: `${mode} proxy, ${transportName(transport)}; scenario: ${scenarioLabel}`,
    columns: ['offered cps', 'proxy', 'achieved cps', 'calls ok', 'failed', 'retrans', 'CPU ms/call', 'proxy CPU %', 'mean INVITE->200 ms', 'UDP drops', 'SIPp uac/uas peak %', 'other CPU %', 'verdict'],
    leftColumns: [1, 12],
    rows: steps.map((s) => [
      String(s.targetRate),
      s.peer,
      fmtInt(s.achievedRate),
      fmtInt(s.successful),
      fmtInt(s.failed),
      fmtInt(s.retransmissions),
      fmt(s.cpuMsPerCall, 3),
      fmt(s.proxyCpuPct, 0),
      fmt(s.meanRtMs, 2),
      fmtInt(s.rcvbufErrors),
      `${fmt(s.sippUacPeakPct, 0)}/${fmt(s.sippUasPeakPct, 0)}`,
      fmt(s.otherCpuPct, 0),
      verdict(s),
    ]),
  };
}

const COLORS: Record<string, Record<Transport, string>> = {
  tsips: { u1: '#d62728', t1: '#ff7f0e', tn: '#8c564b' },
  kamailio: { u1: '#1f77b4', t1: '#17becf', tn: '#2ca02c' },
};

/** Two charts: CPU ms per call and mean response time, both against achieved calls/s. */
export function proxySvg(mode: ProxyMode, steps: readonly StepResult[]): string {
  const groups = new Map<string, StepResult[]>();
  for (const s of steps) {
    if (s.error || s.successful === 0) continue;
    const k = `${s.peer} ${s.transport}`;
    groups.set(k, [...(groups.get(k) ?? []), s]);
  }
  const series = (y: (s: StepResult) => number): Series[] => [...groups.entries()].map(([name, list]) => ({
    name,
    color: COLORS[list[0]!.peer]?.[list[0]!.transport] ?? '#555',
    dashed: list[0]!.transport === 'tn',
    points: list.map((s) => ({ x: s.achievedRate, y: y(s), hollow: !isClean(s) })),
  }));
  return renderSvg(`tsips bench: ${mode} proxy`, [
    { title: `${mode}: CPU ms per call`, xLabel: 'achieved calls/s', yLabel: 'proxy CPU ms per call', series: series((s) => s.cpuMsPerCall) },
    { title: `${mode}: mean INVITE -> 200 OK`, xLabel: 'achieved calls/s', yLabel: 'ms (log scale)', series: series((s) => Math.max(s.meanRtMs, 0.1)), logY: true },
  ], 'Open circles: steps that were not clean (failed calls or offered rate not reached). Response times below 0.1 ms are drawn at 0.1 ms.');
}
