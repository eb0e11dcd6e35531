import { isIP } from 'node:net';
import { TsipsError, type SourceLocation } from '../errors.js';
import { coerceParam, type ParamSpec } from '../module/params.js';
import { DEFAULT_PORTS, GLOBAL_PARAMS, type CoreConfig, type GlobalParams } from './globals.js';
import type { Listener } from '../net/types.js';
import type { ConfigAst } from './ast.js';

type Directive = ConfigAst['directives'][number];

/**
 * Turn the global directives of a parsed config into CoreConfig: typed globals (checked against
 * GLOBAL_PARAMS), listeners from socket=/listen=, alias= names and mpath roots. Collects errors.
 */
export function buildCoreConfig(
  ast: ConfigAst,
  file: string,
  overrides: Partial<Record<keyof GlobalParams, number | string | boolean>> = {},
): { config: CoreConfig; errors: TsipsError[]; socketLocs: Map<Listener, SourceLocation> } {
  const errors: TsipsError[] = [];
  const raw: Record<string, unknown> = {};
  const listenerSpecs: Extract<Directive, { type: 'socket' }>[] = [];
  const aliases: CoreConfig['aliases'] = [];
  const mpath: string[] = [];

  for (const d of ast.directives) {
    switch (d.type) {
      case 'global': {
        const spec = (GLOBAL_PARAMS as Record<string, ParamSpec>)[d.name];
        if (!spec) {
          errors.push(new TsipsError('TSIPS_ERR_GLOBAL', `unknown global parameter "${d.name}"`, { loc: d.loc, hint: 'check the spelling; core parameters follow OpenSIPS names' }));
          break;
        }
        const r = coerceParam(spec, d.value);
        if ('error' in r) errors.push(new TsipsError('TSIPS_ERR_GLOBAL', `${d.name}: ${r.error}`, { loc: d.loc }));
        else raw[d.name] = r.value;
        break;
      }
      case 'socket':
        listenerSpecs.push(d);
        break;
      case 'alias':
        aliases.push({ host: d.host, port: d.port });
        break;
      case 'mpath':
        mpath.push(...d.paths);
        break;
      default:
        break;
    }
  }
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) raw[k] = v;

  const globals = {} as Record<string, unknown>;
  for (const [name, spec] of Object.entries(GLOBAL_PARAMS as Record<string, ParamSpec>)) globals[name] = raw[name] ?? spec.default;
  // Kamailio/older names feed the OpenSIPS ones
  if (raw.tcp_listen_backlog !== undefined) globals.tcp_socket_backlog = raw.tcp_listen_backlog;
  if (raw.tcpthreshold !== undefined) globals.tcp_threshold = raw.tcpthreshold;
  if (raw.tcp_children !== undefined) globals.tcp_workers = raw.tcp_children;
  if (raw.children !== undefined) globals.udp_workers = raw.children;

  const listeners: Listener[] = [];
  const socketLocs = new Map<Listener, SourceLocation>();
  for (const s of listenerSpecs) {
    const proto = (s.proto ?? 'udp').toLowerCase();
    const ip = s.host.startsWith('[') ? s.host.slice(1, -1) : s.host;
    const family = isIP(ip);
    if (family === 0) {
      errors.push(
        new TsipsError('TSIPS_ERR_SOCKET', `${s.keyword}=${proto}:${s.host}: the address must be an IP literal`, {
          loc: s.loc,
          hint: 'use the interface IP (e.g. 127.0.0.1 or [::1]); put names in alias= or `as`',
        }),
      );
      continue;
    }
    const port = s.port ?? (proto === 'udp' || proto === 'tcp' ? (globals.port as number) : (DEFAULT_PORTS[proto] ?? 5060));
    const hostForName = family === 6 ? `[${ip}]` : ip;
    const listener: Listener = {
      proto,
      ip,
      port,
      family: family as 4 | 6,
      advertisedHost: s.asHost,
      advertisedPort: s.asPort,
      tag: s.tag,
      name: `${proto}:${hostForName}:${port}`,
    };
    listeners.push(listener);
    socketLocs.set(listener, s.loc);
  }
  return { config: { globals: globals as GlobalParams, listeners, aliases, mpath, file }, errors, socketLocs };
}
