import type { RunReport } from '../suites/types.js';
import { formatTable } from './table.js';

/** The whole report as Markdown: printed to stdout and saved next to the JSON. */
export function formatReport(r: RunReport): string {
  const m = r.machine;
  const tools = Object.entries(m.tools).map(([k, v]) => `${k} ${v}`).join(', ');
  const out = [
    `## ${r.title}`,
    '',
    `- command: \`${r.command}\``,
    `- finished: ${m.date}`,
    `- machine: ${m.cpu}, ${m.cores} cores, Linux ${m.kernel}, Node ${m.node}; ${tools}`,
    ...r.notes.map((n) => `- ${n}`),
    '',
    ...r.tables.flatMap((t) => [formatTable(t), '']),
  ];
  if (r.summary.length > 0) out.push('**Summary**', '', ...r.summary.map((s) => `- ${s}`), '');
  return out.join('\n');
}
