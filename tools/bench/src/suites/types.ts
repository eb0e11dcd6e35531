import type { BenchOptions } from '../args.js';
import type { Table } from '../report/table.js';

/** Where and on what a run happens; printed with every result. */
export interface MachineInfo {
  date: string;
  cpu: string;
  cores: number;
  kernel: string;
  node: string;
  tools: Record<string, string>;
}

export interface SuiteContext {
  opts: BenchOptions;
  /** A folder of this run for generated configs, SIPp files and logs. */
  runDir: string;
  /** A line of information for the user (stderr, above the progress bar). */
  log(line: string): void;
}

/** What a suite measured; main adds the command and the machine. */
export interface SuiteResult {
  suite: string;
  title: string;
  /** How the figures were made: buffer sizes, scenarios, what was skipped and why. */
  notes: string[];
  tables: Table[];
  /** Short conclusions (ratios) printed after the tables. */
  summary: string[];
  /** Every measured figure, for the JSON file. */
  data: unknown;
  svg?: string;
}

export interface Suite {
  name: string;
  describe: string;
  run(ctx: SuiteContext): Promise<SuiteResult>;
}

/** A suite's result as printed and written to bench-results/. */
export interface RunReport extends SuiteResult {
  command: string;
  machine: MachineInfo;
}
