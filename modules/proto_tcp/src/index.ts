import { bool, connTraceParams, defineModule, int, SCRIPT, setupConnTrace, TCP_MANAGER, TRANSPORTS } from '@tsips/core';
import { listTcpConns, tcpTrace, type ProtoTcpState } from './mi.js';
import { tcpProto } from './proto.js';

export { tcpProto } from './proto.js';
export { SipStreamFramer, createSipFramer, FRAMING_ERRORS, MAX_MSG_SIZE } from './framing.js';
export type { ProtoTcpState } from './mi.js';

/**
 * proto_tcp: SIP over TCP (OpenSIPS proto_tcp). The core TCP manager owns the sockets; this
 * module frames the stream (Content-Length, CRLF keepalives), sets the per-proto limits and
 * offers the tcp_trace / list_tcp_conns MI commands.
 */
export default defineModule({
  name: 'proto_tcp',
  doc: 'SIP over TCP framing and parameters',
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
    ...connTraceParams,
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
    // taps go in now (hooks seal at ready); the tracer is looked up in childInit
    const trace = setupConnTrace({ module: 'proto_tcp', proto: 'tcp', label: 'TCP' }, p, { hooks: ctx.hooks, engine: ctx.resolve(SCRIPT), log: ctx.log });
    return { tcp, trace };
  },
  childInit(ctx, st) {
    // every module is initialised: proto_hep's TRACER is there if it is loaded at all
    st.trace.emitter?.bind(ctx.container);
  },
});
