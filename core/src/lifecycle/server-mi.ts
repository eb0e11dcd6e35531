import { registerCoreMi } from '../mi/core-commands.js';
import { opensipsLevel, pinoLevel } from '../log.js';
import { MiError } from '../mi/types.js';
import type { TsipsServer } from '../server.js';
import { VERSION } from '../version.js';

/** Core MI commands (version, uptime, statistics, log_level, ps) plus the Event Interface ones. */
export function registerServerMi(server: TsipsServer): void {
  registerCoreMi(server.mi, {
    stats: server.stats,
    version: VERSION,
    startedAt: server.startedAt,
    getLogLevel: () => opensipsLevel(server.log.level),
    setLogLevel: (level: number) => void (server.log.level = pinoLevel(level)),
    processes: () => [{ id: 0, pid: process.pid, type: 'tsips main (event loop: SIP, TCP, timers, MI)' }],
  });
  server.mi.register(
    'events_list',
    {
      help: 'events published by the core and modules',
      aliases: ['evi:list'],
      recipes: [{ params: [], run: () => ({ Events: server.events.list().map((e) => ({ name: e.name, id: e.id })) }) }],
    },
    undefined,
  );
  server.mi.register(
    'subscribers_list',
    {
      help: 'events and who listens to them',
      aliases: ['evi:subscribers'],
      recipes: [
        {
          params: [],
          run: () => ({
            Events: server.events.list().map((e) => ({ name: e.name, id: e.id, subscribers: e.subscribers.map((s) => ({ socket: s, expire: 'never' })) })),
          }),
        },
      ],
    },
    undefined,
  );
  server.mi.register(
    'raise_event',
    {
      help: 'raise an event with optional params (object or array)',
      aliases: ['evi:raise'],
      recipes: [
        { params: ['event'], run: (p) => raise(server, String(p.event), undefined) },
        { params: ['event', 'params'], run: (p) => raise(server, String(p.event), p.params) },
      ],
    },
    undefined,
  );
}

function raise(server: TsipsServer, event: string, params: unknown): string {
  let list: [string, string | number | null][] = [];
  if (Array.isArray(params)) list = params.map((v, i) => [String(i + 1), scalar(v)]);
  else if (params && typeof params === 'object') list = Object.entries(params).map(([k, v]) => [k, scalar(v)]);
  if (!server.events.raise(event, list)) throw new MiError(500, 'Unknown event', event);
  return 'OK';
}

function scalar(v: unknown): string | number | null {
  return typeof v === 'number' ? v : v === null || v === undefined ? null : String(v);
}
