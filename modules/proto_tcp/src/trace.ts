import { apiToken } from '@tsips/core';

/**
 * proto_tcp connection-event tracing (hep.md §4): ACCEPTED / CONNECTED / CLOSED events of TCP
 * connections go to `trace_destination` (a proto_hep `hep_id`) while tracing is on. This
 * object holds the switch (trace_on, MI tcp_trace) and the names; the HEP sender (proto_hep)
 * resolves it under PROTO_TCP_TRACE and taps hooks.tcpConnected / hooks.tcpClosed.
 */
export class TcpTraceControl {
  constructor(
    public on: boolean,
    /** hep_id name; undefined = tracing has nowhere to go */
    readonly destination: string | undefined,
    /** route run once per new connection; `drop` in it untraces that connection */
    readonly filterRoute: string | undefined,
  ) {}

  /** events are produced only with a destination and the switch on */
  get active(): boolean {
    return this.on && this.destination !== undefined;
  }
}

export const PROTO_TCP_TRACE = apiToken<TcpTraceControl>('proto_tcp');
