import type { TraceEvent } from './hooks.js';
import type { TcpConnInfo } from './net/tcp/types.js';

/**
 * The tracing service a HEP sender (proto_hep) provides under the TRACER token, and what
 * tracing users call: the `tracer` module for SIP messages, proto_tcp / proto_msrp for
 * connection events (hep.md §4). Users resolve it after init (it may load after them) and
 * look their destination up once; nothing here is resolved per message.
 */
export interface Tracer {
  /** a configured destination (proto_hep `hep_id` name), or undefined if none has that name */
  destination(name: string): TraceDestination | undefined;
  /**
   * Send one captured message (as received or as sent) to `dst`. `correlation` (e.g. the
   * Call-ID) goes into the correlation chunk. Never throws; failures are counted by the sender.
   */
  message(dst: TraceDestination, ev: TraceEvent, correlation?: string): void;
  /** Send one connection event of a stream proto; `protocol` is the label ("TCP", "MSRP"). */
  connEvent(dst: TraceDestination, protocol: string, conn: TcpConnInfo, event: ConnTraceEvent, message: string, status?: ConnTraceStatus): void;
}

/** A named trace destination: where a Tracer sends, as configured. */
export interface TraceDestination {
  readonly name: string;
  readonly version: 1 | 2 | 3;
  readonly transport: 'udp' | 'tcp';
  readonly host: string;
  readonly port: number;
}

export type ConnTraceEvent = 'ACCEPTED' | 'CONNECT_START' | 'CONNECTED' | 'CLOSED';
export type ConnTraceStatus = 'SUCCESS' | 'FAILURE';
