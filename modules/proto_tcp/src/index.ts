import { bool, defineModule, int, str, TCP_MANAGER, TRANSPORTS } from '@tsips/core';
import { listTcpConns, tcpTrace, type ProtoTcpState } from './mi.js';
import { tcpProto } from './proto.js';
import { PROTO_TCP_TRACE, TcpTraceControl } from './trace.js';

export { tcpProto } from './proto.js';
export { SipStreamFramer, createSipFramer, FRAMING_ERRORS, MAX_MSG_SIZE } from './framing.js';
export { PROTO_TCP_TRACE, TcpTraceControl } from './trace.js';
export type { ProtoTcpState } from './mi.js';

const nonEmpty = (v: string): string | undefined => (v.trim() === '' ? 'must name a trace destination (a proto_hep hep_id)' : undefined);

/**
 * proto_tcp: SIP over TCP (OpenSIPS proto_tcp). The core TCP manager owns the sockets; this
 * module frames the stream (Content-Length, CRLF keepalives), sets the per-proto limits and
 * offers the tcp_trace / list_tcp_conns MI commands.
 */
export default defineModule({
  name: 'proto_tcp',
  doc: 'SIP over TCP framing and parameters',
  // tracing goes to proto_hep when it is loaded: initialise after it
  deps: [{ name: 'proto_hep', optional: true }],
  params: {
    tcp_port: int({ default: 5060, min: 1, max: 65535, doc: 'default port for TCP sockets and destinations without one' }),
    tcp_send_timeout: int({ default: 100, min: 1, unit: 'ms', doc: 'queued writes may go this long without progress before the connection is dropped' }),
    tcp_max_msg_chunks: int({ default: 4, min: 1, doc: 'read chunks one message may take (tcp_mgm attr max_msg_chunks overrides)' }),
    tcp_crlf_pingpong: bool({ default: true, doc: 'answer a CRLFCRLF ping with a CRLF pong' }),
    tcp_crlf_drop: bool({ default: false, doc: 'silently drop a lone CRLF' }),
    tcp_async: bool({ default: true, doc: 'non-blocking connect and write (always the case here)' }),
    tcp_async_max_postponed_chunks: int({ default: 32, min: 1, doc: 'writes that may wait per connection; forced >= 2 with tcp_async' }),
    tcp_async_local_connect_timeout: int({ default: 100, min: 1, unit: 'ms', doc: 'accepted for compatibility (connects never block)' }),
    tcp_async_local_write_timeout: int({ default: 10, min: 1, unit: 'ms', doc: 'accepted for compatibility (writes never block)' }),
    tcp_parallel_handling: bool({ default: false, doc: 'accepted for compatibility (one event loop reads each connection serially)' }),
    trace_destination: str({ optional: true, validate: nonEmpty, doc: 'proto_hep hep_id that receives connection events' }),
    trace_on: bool({ default: false, doc: 'initial connection-event tracing state (MI tcp_trace switches it)' }),
    trace_filter_route: str({ optional: true, doc: 'route run per new connection; drop in it untraces the connection' }),
  },
  protos: [tcpProto],
  mi: { tcp_trace: tcpTrace, list_tcp_conns: listTcpConns },
  init(ctx): ProtoTcpState {
    const p = ctx.params;
    const tcp = ctx.resolve(TCP_MANAGER);
    tcp.setProtoOptions('tcp', {
      maxMsgChunks: p.tcp_max_msg_chunks,
      crlfPingPong: p.tcp_crlf_pingpong,
      crlfDrop: p.tcp_crlf_drop,
      maxPendingWrites: p.tcp_async ? Math.max(2, p.tcp_async_max_postponed_chunks) : p.tcp_async_max_postponed_chunks,
      sendTimeout: p.tcp_send_timeout,
    });
    ctx.resolve(TRANSPORTS).setDefaultPort('tcp', p.tcp_port);
    const trace = new TcpTraceControl(p.trace_on, p.trace_destination, p.trace_filter_route);
    if (trace.on && !trace.destination) ctx.log.warn('trace_on is set but trace_destination is not: no connection events will be traced');
    ctx.provide(PROTO_TCP_TRACE, trace);
    return { tcp, trace };
  },
});
