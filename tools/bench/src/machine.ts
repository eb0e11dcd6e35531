import { readFileSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { onPath } from './install.js';
import { kamailioVersion } from './peers/kamailio.js';
import { tsipsVersion } from './peers/tsips.js';
import { sippVersion } from './sipp.js';
import type { MachineInfo } from './suites/types.js';

function cpuModel(): string {
  try {
    return /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown';
  } catch {
    return cpus()[0]?.model ?? 'unknown';
  }
}

/** The machine and tool versions a result was measured with. */
export function machineInfo(date = new Date()): MachineInfo {
  const tools: Record<string, string> = { tsips: tsipsVersion() };
  if (onPath('sipp')) tools['sipp'] = sippVersion();
  if (onPath('kamailio')) tools['kamailio'] = kamailioVersion() ?? 'unknown';
  return {
    date: date.toISOString(),
    cpu: cpuModel(),
    cores: cpus().length,
    kernel: release(),
    node: process.version,
    tools,
  };
}
