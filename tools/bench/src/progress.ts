/**
 * Progress on stderr: a redrawn bar when stderr is a terminal, one plain line per step
 * otherwise (CI logs, pipes).
 */
export interface Progress {
  /** Starts the next step (`label` says what it does). */
  step(label: string): void;
  /** A line of information between steps (kept on screen above the bar). */
  note(line: string): void;
  /** Removes the bar. */
  done(): void;
}

export function renderBar(done: number, total: number, width = 24): string {
  const frac = total > 0 ? Math.min(1, Math.max(0, done / total)) : 1;
  const full = Math.round(frac * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${done}/${total}`;
}

interface Sink {
  isTTY?: boolean;
  write(s: string): unknown;
}

export function createProgress(title: string, total: number, out: Sink = process.stderr): Progress {
  let n = 0;
  let label = '';
  const started = Date.now();
  const elapsed = (): string => `${Math.round((Date.now() - started) / 1000)}s`;
  if (!out.isTTY) {
    return {
      step(l) { n++; out.write(`[${title} ${n}/${total} ${elapsed()}] ${l}\n`); },
      note(line) { out.write(`[${title}] ${line}\n`); },
      done() { /* nothing drawn */ },
    };
  }
  const draw = (): void => { out.write(`\r\x1b[K${title} ${renderBar(n - 1, total)} ${elapsed()} ${label}`); };
  const timer = setInterval(draw, 1000);
  timer.unref();
  return {
    step(l) { n++; label = l; draw(); },
    note(line) { out.write(`\r\x1b[K${line}\n`); draw(); },
    done() { clearInterval(timer); out.write('\r\x1b[K'); },
  };
}
