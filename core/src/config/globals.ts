import { bool, int, oneOf, str, type ParamSpec, type ParamValues } from '../module/params.js';
import type { Listener } from '../net/types.js';

/**
 * Core global parameters (`name = value` lines of the script), with OpenSIPS names, defaults
 * and units. `socket=`/`listen=`, `alias=` and `mpath=` are handled by the parser itself and
 * land in CoreConfig.listeners / aliases / mpath.
 */
export const GLOBAL_PARAMS = {
  log_level: int({ default: 3, min: -3, max: 4, doc: 'OpenSIPS levels: -3 alert .. 4 debug' }),
  log_stderror: bool({ default: true, doc: 'log to stderr (the foreground default)' }),
  log_facility: str({ default: 'LOG_LOCAL0' }),
  log_name: str({ default: 'tsips' }),
  debug_mode: bool({ default: false }),
  children: int({ default: 8, min: 1, doc: 'accepted for compatibility: one event loop serves all' }),
  udp_workers: int({ default: 8, min: 1 }),
  tcp_children: int({ default: 8, min: 1 }),
  tcp_workers: int({ default: 8, min: 1 }),
  port: int({ default: 5060, min: 1, max: 65535, doc: 'default port for sockets without one' }),
  max_while_loops: int({ default: 10000, min: 1 }),
  server_header: str({ default: 'Server: tsips' }),
  user_agent_header: str({ default: 'User-Agent: tsips' }),
  server_signature: bool({ default: true }),
  maxbuffer: int({ default: 65535, min: 1024, unit: 'bytes', doc: 'largest SIP message accepted' }),
  udp_rcvbuf: int({ default: 0, min: 0, unit: 'bytes', doc: 'SO_RCVBUF for UDP sockets (0 = OS default)' }),
  udp_sndbuf: int({ default: 0, min: 0, unit: 'bytes' }),
  dns: bool({ default: true }),
  rev_dns: bool({ default: false }),
  disable_dns_blacklist: bool({ default: true }),
  // core TCP (shared/reference/tcp-core.md §1)
  disable_tcp: bool({ default: false }),
  tcp_accept_aliases: int({ default: 0, min: 0, max: 2 }),
  tcp_connect_timeout: int({ default: 100, min: 1, unit: 'ms' }),
  tcp_connection_lifetime: int({ default: 120, min: 0, unit: 's' }),
  tcp_socket_backlog: int({ default: 10, min: 1 }),
  tcp_listen_backlog: int({ optional: true, min: 1, doc: 'Kamailio name of tcp_socket_backlog' }),
  tcp_max_connections: int({ default: 2048, min: 1 }),
  tcp_max_msg_time: int({ default: 4, min: 1, unit: 's' }),
  tcp_threshold: int({ default: 0, min: 0, unit: 'us' }),
  tcpthreshold: int({ optional: true, min: 0, unit: 'us' }),
  tcp_keepalive: bool({ default: true }),
  tcp_keepcount: int({ default: 0, min: 0 }),
  tcp_keepidle: int({ default: 0, min: 0, unit: 's' }),
  tcp_keepinterval: int({ default: 0, min: 0, unit: 's' }),
  tcp_no_new_conn_bflag: str({ optional: true }),
  tcp_no_new_conn_rplflag: str({ optional: true }),
  tcp_parallel_read_on_workers: int({ default: 0, min: 0, max: 2 }),
  tcp_threads: int({ default: 0, min: 0 }),
} satisfies Record<string, ParamSpec>;

export type GlobalParams = ParamValues<typeof GLOBAL_PARAMS>;

/** Protocol names a `socket=` line may use and their default ports. */
export const DEFAULT_PORTS: Record<string, number> = {
  udp: 5060,
  tcp: 5060,
  tls: 5061,
  ws: 80,
  wss: 443,
  sctp: 5060,
  msrp: 2855,
  msrps: 2855,
  hep_udp: 9060,
  hep_tcp: 9060,
  bin: 5555,
};

/** The whole core configuration after parsing: globals plus listeners and names. */
export interface CoreConfig {
  globals: GlobalParams;
  listeners: Listener[];
  /** alias= host[:port] names that `myself` also matches */
  aliases: { host: string; port: number | undefined }[];
  mpath: string[];
  /** the config file (or '<inline>'), for relative paths */
  file: string;
}
