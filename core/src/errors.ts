/**
 * Start-up and configuration errors. Each carries a stable code (TSIPS_ERR_*, <MODULE>_ERR_*),
 * an optional source location and a hint that names the fix. `toString()` renders the
 * `file:line:col: message (hint: ...)` form that `tsips -C` prints.
 */
export interface SourceLocation {
  file: string;
  line: number;
  col?: number;
}

export function formatLocation(loc: SourceLocation): string {
  return loc.col !== undefined ? `${loc.file}:${loc.line}:${loc.col}` : `${loc.file}:${loc.line}`;
}

export class TsipsError extends Error {
  readonly code: string;
  readonly loc?: SourceLocation;
  readonly hint?: string;

  constructor(code: string, message: string, opts: { loc?: SourceLocation; hint?: string; cause?: unknown } = {}) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.name = 'TsipsError';
    this.code = code;
    this.loc = opts.loc;
    this.hint = opts.hint;
  }

  /** `file:line:col: message (hint: ...)`; what an operator reads. */
  render(): string {
    const where = this.loc ? `${formatLocation(this.loc)}: ` : '';
    const hint = this.hint ? ` (hint: ${this.hint})` : '';
    return `${where}${this.message}${hint}`;
  }
}

/** Several configuration errors found in one pass: the compiler reports all of them at once. */
export class ConfigErrors extends Error {
  readonly errors: TsipsError[];
  constructor(errors: TsipsError[]) {
    super(errors.map((e) => e.render()).join('\n'));
    this.name = 'ConfigErrors';
    this.errors = errors;
  }
}
