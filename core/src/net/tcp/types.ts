import type { Listener, ProtoName } from '../types.js';

/**
 * A connection profile: the 12 per-path attributes tcp_mgm can set (OpenSIPS tcp_conn_profile).
 * Profile id 0 is the default built from the global tcp_* parameters.
 */
export interface TcpProfile {
  id: number;
  /** ms */
  connectTimeout: number;
  /** s without traffic before the connection is closed */
  conLifetime: number;
  /** s for one whole message to arrive once its first bytes came */
  msgReadTimeout: number;
  /** us; a slower send is logged; 0 off */
  sendThreshold: number;
  /** never open a new connection towards this path (reuse only) */
  noNewConn: boolean;
  /** 0 never alias, 1 only with Via ;alias (RFC 5923), 2 always */
  aliasMode: 0 | 1 | 2;
  /** 0/1/2 as OpenSIPS tcp_parallel_read_on_workers (accepted; one event loop reads serially) */
  parallelRead: 0 | 1 | 2;
  keepalive: boolean;
  /** probes / s / s; 0 = leave the OS value */
  keepCount: number;
  keepIdle: number;
  keepInterval: number;
  /** module-specific attributes (tcp_mgm `attrs`): max_msg_chunks overrides the proto's */
  attrs: { maxMsgChunks?: number };
}

/** What a profile is looked up by: accepted conns use the listener address as local. */
export interface ProfileQuery {
  proto: ProtoName;
  remoteIp: string;
  remotePort: number;
  localIp: string;
  localPort: number;
}

/** Connection states with OpenSIPS' MI numbers. */
export const ConnState = { ERROR: -2, BAD: -1, OK: 0, CONNECTING: 1, EOF: 2 } as const;

/** Why a connection went away; `text` is the OpenSIPS reason string used in logs and traces. */
export type CloseKind = 'eof' | 'reset' | 'timeout' | 'keepalive' | 'read-timeout' | 'local' | 'error' | 'write-error' | 'protocol';
export interface CloseReason {
  kind: CloseKind;
  text: string;
}

/** The read-only face of a TCP-manager connection that hooks, MI and modules see. */
export interface TcpConnInfo {
  readonly id: number;
  readonly proto: ProtoName;
  readonly state: number;
  readonly remoteIp: string;
  readonly remotePort: number;
  readonly localIp: string;
  readonly localPort: number;
  readonly listener: Listener | null;
  readonly outbound: boolean;
  readonly profile: TcpProfile;
  /** absolute expiry (ms since epoch) */
  readonly lifetimeDeadline: number;
  /** remote ports this connection is reachable under (first = the real remote port) */
  readonly aliases: readonly number[];
  /** per-connection flag set by tcpops tcp_enable_closed_event */
  closedEvent: boolean;
}

/**
 * Per-proto settings of a stream proto, set by its module at init (proto_tcp's params); the
 * manager uses the OpenSIPS proto_tcp defaults until then.
 */
export interface StreamProtoOptions {
  /** port for destinations and Via aliases without one (tcp_port) */
  defaultPort: number;
  /** read chunks one message may take (tcp_max_msg_chunks); profile attrs.maxMsgChunks overrides */
  maxMsgChunks: number;
  /** answer a CRLFCRLF ping with a CRLF pong (tcp_crlf_pingpong) */
  crlfPingPong: boolean;
  /** drop a lone CRLF instead of waiting for more bytes (tcp_crlf_drop) */
  crlfDrop: boolean;
  /** writes that may wait per connection before a send fails (tcp_async_max_postponed_chunks) */
  maxPendingWrites: number;
  /** ms queued writes may go without progress before the connection is dropped (tcp_send_timeout) */
  sendTimeout: number;
}

/** Keepalive socket options of one connection (tcpops tcp_keepalive_enable); 0 = OS value. */
export interface KeepaliveSettings {
  enable: boolean;
  /** s idle before the first probe */
  idle: number;
  /** probes before the connection is dropped */
  count: number;
  /** s between probes */
  interval: number;
}
