/**
 * The transport-facing data every layer shares: listeners (sockets), where a message came
 * from, and where one goes. Protos are lowercase names ('udp', 'tcp', 'tls', 'msrp', 'hep_tcp').
 */
export type ProtoName = string;

/** A configured `socket=`/`listen=` entry, bound or about to be. */
export interface Listener {
  readonly proto: ProtoName;
  readonly ip: string;          // literal IP as bound ('127.0.0.1', '::1', '0.0.0.0')
  port: number;                 // 0 in config means the proto default; set once bound
  readonly family: 4 | 6;
  /** `as host[:port]`: what goes into Via/Record-Route instead of ip:port */
  readonly advertisedHost?: string;
  readonly advertisedPort?: number;
  readonly tag?: string;
  /** 'udp:127.0.0.1:5060' — the socket's name in logs, MI and $socket_in */
  name: string;
}

/** Where a message came from; `$si $sp $Ri $Rp $proto $conid` read it. */
export interface ReceiveInfo {
  proto: ProtoName;
  srcIp: string;
  srcPort: number;
  dstIp: string;
  dstPort: number;
  /** TCP-manager connection id; 0 for datagram protos */
  conId: number;
  listener: Listener | null;
  /** process-monotonic receive time (ms, performance.now clock) */
  time: number;
}

/** Where to send: resolved address (IP literal) plus optional connection/socket constraints. */
export interface Destination {
  proto: ProtoName;
  ip: string;
  port: number;
  /** send on this connection if it is alive (replies, tcp_set_otcpid) */
  conId?: number;
  /** the local socket to send from ($fs, or the one the request came in on) */
  listener?: Listener | null;
  /** never open a new connection for this send (tcp_no_new_conn_bflag / profile) */
  noNewConn?: boolean;
}

/**
 * What a send carries: one buffer, or the parts of one message in order (stream protos write
 * them with one writev, without copying; datagram protos and taps see them joined).
 */
export type SendData = Buffer | readonly Buffer[];

/** Outcome of a send: the connection used (0 for datagrams) or an error. */
export type SendResult = { ok: true; conId: number } | { ok: false; error: string };
