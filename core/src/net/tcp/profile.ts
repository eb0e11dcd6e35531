import type { GlobalParams } from '../../config/globals.js';
import type { HookBus } from '../../hooks.js';
import type { ProfileQuery, TcpProfile } from './types.js';

/**
 * The default connection profile (id 0) from the core tcp_* globals (tcp_mgm.md §7).
 * no_new_conn is always off here: without a matching profile the branch/reply flags decide.
 */
export function profileFromGlobals(g: GlobalParams): TcpProfile {
  return Object.freeze({
    id: 0,
    connectTimeout: g.tcp_connect_timeout,
    conLifetime: g.tcp_connection_lifetime,
    msgReadTimeout: g.tcp_max_msg_time,
    sendThreshold: g.tcpthreshold ?? g.tcp_threshold,
    noNewConn: false,
    aliasMode: g.tcp_accept_aliases as 0 | 1 | 2,
    parallelRead: g.tcp_parallel_read_on_workers as 0 | 1 | 2,
    keepalive: g.tcp_keepalive,
    keepCount: g.tcp_keepcount,
    keepIdle: g.tcp_keepidle,
    keepInterval: g.tcp_keepinterval,
    attrs: Object.freeze({}),
  });
}

/**
 * Ask the profile hook (tcp_mgm) for a path. Returns the matched profile, or undefined when
 * no tap answered (the caller then uses the default and the no-new-conn flags decide).
 */
export function matchProfile(hooks: HookBus, query: ProfileQuery): TcpProfile | undefined {
  return hooks.tcpProfileFor.isUsed() ? hooks.tcpProfileFor.call(query) ?? undefined : undefined;
}

/** A connection keeps its own frozen copy: later rule reloads never touch live connections. */
export function copyProfile(p: TcpProfile): TcpProfile {
  return Object.freeze({ ...p, attrs: Object.freeze({ ...p.attrs }) });
}
