/**
 * The core MI commands (OpenSIPS mi_core.c and statistics.c), under their 3.x names with the
 * 4.x `core:` / `statistics:` names as aliases.
 */
import { miArray, miInt, miStr } from './params.js';
import { MiError, MI_INVALID_PARAMS, type MiCommandSpec, type MiParams } from './types.js';
import type { MiRegistry } from './registry.js';
import type { StatsRegistry } from '../stats/registry.js';

export interface CoreMiDeps {
  stats: StatsRegistry;
  /** tsips version, e.g. "0.1.0" */
  version: string;
  /** start time, ms since the epoch */
  startedAt: number;
  /** OpenSIPS numeric level: -3 alert, -2 crit, -1 err, 1 warn, 2 notice, 3 info, 4 debug */
  getLogLevel(): number;
  setLogLevel(level: number): void;
  processes(): { id: number; pid: number; type: string }[];
  /** clock for `uptime` (tests) */
  now?: () => number;
}

export const MIN_LOG_LEVEL = -3;
export const MAX_LOG_LEVEL = 4;

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/** C ctime(3) without the newline, local time: "Sun Nov  3 16:16:00 2025". */
export function ctime(ms: number): string {
  const d = new Date(ms);
  const time = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${time} ${d.getFullYear()}`;
}

/** `statistics` is an array of selectors; a single string is accepted too. */
function selectors(p: MiParams): string[] {
  return Array.isArray(p.statistics) ? miArray(p, 'statistics') : [miStr(p, 'statistics')];
}

const notFound = (): MiError => new MiError(404, 'Statistics Not Found');

function statisticsCommands(): Record<string, MiCommandSpec<CoreMiDeps>> {
  return {
    get_statistics: {
      help: 'prints the statistics (all, group or one) realtime values',
      aliases: ['statistics:get'],
      recipes: [
        {
          params: ['statistics'],
          run: (p, d) => {
            const out = d.stats.get(selectors(p));
            if (Object.keys(out).length === 0) throw notFound();
            return out;
          },
        },
      ],
    },
    list_statistics: {
      help: 'lists the registered statistics and their types',
      aliases: ['statistics:list'],
      recipes: [
        { params: [], run: (_p, d) => d.stats.list(['all']) },
        {
          params: ['statistics'],
          run: (p, d) => {
            const out = d.stats.list(selectors(p));
            if (Object.keys(out).length === 0) throw notFound();
            return out;
          },
        },
      ],
    },
    reset_statistics: {
      help: 'resets the value of statistics (gauges and computed ones are left alone)',
      aliases: ['statistics:reset'],
      recipes: [
        {
          params: ['statistics'],
          run: (p, d) => {
            const sel = selectors(p);
            if (Object.keys(d.stats.list(sel)).length === 0) throw notFound();
            d.stats.reset(sel);
            return 'OK';
          },
        },
      ],
    },
    reset_all_statistics: {
      help: 'resets every resettable statistic',
      aliases: ['statistics:reset_all'],
      recipes: [{ params: [], run: (_p, d) => (d.stats.reset(['all']), 'OK') }],
    },
  };
}

function levelParam(p: MiParams): number {
  const level = miInt(p, 'level');
  if (level < MIN_LOG_LEVEL || level > MAX_LOG_LEVEL)
    throw new MiError(MI_INVALID_PARAMS, 'Invalid params', `Log level must be between ${MIN_LOG_LEVEL} and ${MAX_LOG_LEVEL}`);
  return level;
}

function processCommands(): Record<string, MiCommandSpec<CoreMiDeps>> {
  return {
    ps: {
      help: 'lists the tsips processes',
      aliases: ['core:ps'],
      recipes: [{ params: [], run: (_p, d) => ({ Processes: d.processes().map((x) => ({ ID: x.id, PID: x.pid, Type: x.type })) }) }],
    },
    log_level: {
      help: 'gets the log level of every process, or sets it (OpenSIPS levels -3..4)',
      aliases: ['core:log_level'],
      recipes: [
        {
          params: [],
          run: (_p, d) => ({
            Processes: d.processes().map((x) => ({ PID: x.pid, 'Log level': d.getLogLevel(), Type: x.type })),
          }),
        },
        {
          params: ['level'],
          run: (p, d) => {
            const level = levelParam(p);
            d.setLogLevel(level);
            return { 'New global log level': level };
          },
        },
        {
          params: ['level', 'pid'],
          run: (p, d) => {
            const level = levelParam(p);
            const pid = miInt(p, 'pid');
            if (!d.processes().some((x) => x.pid === pid)) throw new MiError(MI_INVALID_PARAMS, 'Invalid params', 'Bad PID');
            // one event loop serves every "process": its level is the global one
            d.setLogLevel(level);
            return { 'Log level': level };
          },
        },
      ],
    },
  };
}

function infoCommands(mi: MiRegistry): Record<string, MiCommandSpec<CoreMiDeps>> {
  return {
    version: {
      help: 'prints the server version',
      aliases: ['core:version'],
      recipes: [{ params: [], run: (_p, d) => ({ Server: `tsips ${d.version} (node ${process.version} ${process.platform}/${process.arch})` }) }],
    },
    uptime: {
      help: 'prints the time now, the start time and the seconds since',
      aliases: ['core:uptime'],
      recipes: [
        {
          params: [],
          run: (_p, d) => {
            const now = (d.now ?? Date.now)();
            return { Now: ctime(now), 'Up since': ctime(d.startedAt), 'Up time': `${Math.floor((now - d.startedAt) / 1000)} [sec]` };
          },
        },
      ],
    },
    which: {
      help: 'lists the MI commands, or the parameter lists (recipes) of one',
      aliases: ['core:which'],
      recipes: [
        { params: [], run: () => mi.names() },
        {
          params: ['command'],
          run: (p) => {
            const r = mi.recipes(miStr(p, 'command'));
            if (!r) throw new MiError(404, 'unknown MI command');
            return r;
          },
        },
      ],
    },
    help: {
      help: 'prints the description of an MI command and the module exporting it',
      aliases: ['core:help'],
      recipes: [
        { params: [], run: () => "Usage: help mi_cmd - describes the MI command 'mi_cmd'" },
        {
          params: ['mi_cmd'],
          run: (p) => {
            const c = mi.describe(miStr(p, 'mi_cmd'));
            if (!c) throw new MiError(404, 'unknown MI command');
            return { Help: c.help ?? 'not available for this command', 'Exported by': c.module };
          },
        },
      ],
    },
  };
}

export function registerCoreMi(mi: MiRegistry, deps: CoreMiDeps): void {
  const all = { ...infoCommands(mi), ...processCommands(), ...statisticsCommands() };
  for (const [name, spec] of Object.entries(all)) mi.register(name, spec, deps, 'core');
}
