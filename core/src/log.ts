import { pino, type Logger, type LevelWithSilent } from 'pino';

/**
 * Logging through pino. OpenSIPS numeric levels (log_level, xlog's L_*) map onto pino's:
 * -3 ALERT and -2 CRIT -> fatal, -1 ERR -> error, 0/1 WARN -> warn, 2 NOTICE and 3 INFO -> info,
 * 4 DBG -> debug. Per-message debug calls must be guarded (`log.isLevelEnabled('debug')`)
 * so they cost nothing when the level is off.
 */
export function pinoLevel(level: number): LevelWithSilent {
  if (level <= -2) return 'fatal';
  if (level === -1) return 'error';
  if (level <= 1) return 'warn';
  if (level <= 3) return 'info';
  return 'debug';
}

export function opensipsLevel(pinoName: string): number {
  switch (pinoName) {
    case 'fatal':
      return -2;
    case 'error':
      return -1;
    case 'warn':
      return 1;
    case 'info':
      return 3;
    default:
      return 4;
  }
}

/** xlog level names (L_ALERT .. L_DBG) to OpenSIPS numbers. */
export const XLOG_LEVELS: Record<string, number> = {
  L_ALERT: -3,
  L_CRIT: -2,
  L_ERR: -1,
  L_WARN: 1,
  L_NOTICE: 2,
  L_INFO: 3,
  L_DBG: 4,
};

/** The process logger: JSON lines on stderr (or stdout), asynchronous writes. */
export function createLogger(opts: { level: number; toStderr: boolean; name?: string }): Logger {
  const dest = pino.destination({ dest: opts.toStderr ? 2 : 1, sync: false });
  return pino({ level: pinoLevel(opts.level), name: opts.name ?? 'tsips', base: { pid: process.pid } }, dest);
}

/** A logger that writes nothing (tests, `-C` runs that only want errors). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

export type { Logger };
