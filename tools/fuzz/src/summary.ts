import type { Target } from './types.js';

/** Status codes in what a server sent back: SIP status lines, MSRP response first lines. */
export function statusCodes(received: Buffer, proto: 'sip' | 'msrp'): number[] {
  const re = proto === 'sip' ? /(?:^|\n)SIP\/2\.0 (\d{3}) /g : /(?:^|\n)MSRP \S+ (\d{3})(?: |\r)/g;
  const text = received.toString('latin1');
  const out: number[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(Number(m[1]));
  return out;
}

export const statusClass = (code: number): string => `${Math.floor(code / 100)}xx`;

export interface TargetTally {
  inputs: number;
  batches: number;
  bytes: number;
  /** "2xx" / "4xx" ... and "none" for inputs nothing came back to */
  answers: Record<string, number>;
  /** the same by exact status code */
  codes: Record<string, number>;
  /** stream targets: connections the server ended ("fin") or reset before we did */
  closedByServer: Record<string, number>;
  /** `hold` inputs, and how many the server closed on its read timeout */
  held: number;
  heldClosed: number;
  connectErrors: number;
}

/** Everything a campaign counts; printed at the end and written as JSON. */
export class Summary {
  readonly started = Date.now();
  readonly targets: Partial<Record<Target, TargetTally>> = {};
  maxRssMb = 0;
  rssStartMb = 0;
  maxProbeMs: Record<string, number> = {};
  probes = 0;
  oracleChecked = 0;
  /** server stats at the end minus at the start (tcp closed_* counters, bad messages ...) */
  statDeltas: Record<string, number> = {};
  closeReasons: Record<string, number> = {};

  tally(t: Target): TargetTally {
    return (this.targets[t] ??= { inputs: 0, batches: 0, bytes: 0, answers: {}, codes: {}, closedByServer: {}, held: 0, heldClosed: 0, connectErrors: 0 });
  }

  answer(t: Target, codes: number[]): void {
    const { answers: a, codes: byCode } = this.tally(t);
    if (codes.length === 0) a.none = (a.none ?? 0) + 1;
    for (const c of codes) {
      a[statusClass(c)] = (a[statusClass(c)] ?? 0) + 1;
      byCode[c] = (byCode[c] ?? 0) + 1;
    }
  }

  probe(name: string, ms: number): void {
    this.probes++;
    this.maxProbeMs[name] = Math.max(this.maxProbeMs[name] ?? 0, ms);
  }

  toJSON(): Record<string, unknown> {
    return {
      seconds: Math.round((Date.now() - this.started) / 100) / 10,
      targets: this.targets,
      rssStartMb: round(this.rssStartMb),
      maxRssMb: round(this.maxRssMb),
      probes: this.probes,
      maxProbeMs: this.maxProbeMs,
      oracleChecked: this.oracleChecked,
      statDeltas: this.statDeltas,
      closeReasons: this.closeReasons,
    };
  }

  format(): string {
    const lines: string[] = [];
    const secs = ((Date.now() - this.started) / 1000).toFixed(1);
    lines.push(`fuzz summary (${secs} s)`);
    for (const [t, v] of Object.entries(this.targets)) {
      const answers = Object.entries(v.answers).sort().map(([k, n]) => `${k} ${n}`).join(', ');
      const codes = Object.entries(v.codes).map(([k, n]) => `${k} ${n}`).join(', ');
      const closed = Object.entries(v.closedByServer).map(([k, n]) => `${k} ${n}`).join(', ');
      lines.push(`  ${t.padEnd(8)} ${String(v.inputs).padStart(6)} inputs in ${v.batches} batches (${(v.bytes / 1024).toFixed(0)} KB); answers: ${answers || '-'}`);
      if (codes) lines.push(`  ${''.padEnd(8)} codes: ${codes}`);
      if (closed || v.held || v.connectErrors)
        lines.push(`  ${''.padEnd(8)} closed by the server: ${closed || '0'}; partial messages held ${v.held}, closed by the server's read timeout ${v.heldClosed}; connect errors ${v.connectErrors}`);
    }
    lines.push(`  RSS: ${round(this.rssStartMb)} MB at start, max ${round(this.maxRssMb)} MB`);
    lines.push(`  liveness probes: ${this.probes}, slowest: ${Object.entries(this.maxProbeMs).map(([k, n]) => `${k} ${n} ms`).join(', ')}`);
    if (this.oracleChecked) lines.push(`  RFC 4475 verdicts checked: ${this.oracleChecked}`);
    const deltas = Object.entries(this.statDeltas).filter(([, n]) => n !== 0);
    if (deltas.length) lines.push(`  server statistics (change): ${deltas.map(([k, n]) => `${k} ${n}`).join(', ')}`);
    const reasons = Object.entries(this.closeReasons).sort((a, b) => b[1] - a[1]);
    if (reasons.length) lines.push(`  close reasons (server log): ${reasons.map(([k, n]) => `"${k}" ${n}`).join(', ')}`);
    return lines.join('\n');
  }
}

const round = (n: number): number => Math.round(n * 10) / 10;

/** The statistics worth showing as a change over the run. */
export const INTERESTING_STATS = /^(tcp:(closed_|accepted|connected|connect_failed|rejected|read_timeouts|write_errors|connections)|core:(bad_|err_|drop_|oversize|internal|rcv_)|proto_msrp:(dropped|received)|proto_hep:hep_(received|bad)|tm:(UAS_transactions|inuse))/;
