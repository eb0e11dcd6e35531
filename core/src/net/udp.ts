import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import type { DatagramEndpoint, DatagramOptions, MessageSink, ProtoHandler } from './proto.js';
import type { Destination, Listener, ReceiveInfo, SendResult } from './types.js';

type FailFn = (error: string) => void;

/**
 * One bound UDP socket. A received datagram becomes one message: the Buffer node gives us is
 * handed on as is (no copy), with a fresh ReceiveInfo because upper layers may keep it.
 */
class UdpEndpoint implements DatagramEndpoint {
  constructor(
    readonly listener: Listener,
    private readonly socket: dgram.Socket,
    private readonly onSendError: (error: string) => void,
  ) {}

  send(dst: Destination, buf: Buffer, onFail?: FailFn): SendResult {
    try {
      this.socket.send(buf, dst.port, dst.ip, onFail ? failOnce(onFail) : this.onSendDone);
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
    return { ok: true, conId: 0 };
  }

  /** dgram emits 'error' for send failures without a callback, so there always is one */
  private readonly onSendDone = (err: Error | null): void => {
    if (err) this.onSendError(err.message);
  };

  close(): Promise<void> {
    return new Promise((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve(); // already closed
      }
    });
  }
}

const ignore = (): void => undefined;

function failOnce(onFail: FailFn): (err: Error | null) => void {
  return (err) => {
    if (err) onFail(err.message);
  };
}

/**
 * Bind a UDP socket for `listener`; what arrives goes to `sink` as proto `proto`. The core
 * UDP transport uses it, and so can a module's datagram proto (proto_hep's hep_udp).
 */
export function bindUdpSocket(proto: string, listener: Listener, sink: MessageSink, opts: DatagramOptions = {}): Promise<DatagramEndpoint> {
  const socket = dgram.createSocket({
    type: listener.family === 6 ? 'udp6' : 'udp4',
    // a v6 wildcard must not swallow v4 traffic: v4 listeners bind their own sockets
    ipv6Only: listener.family === 6,
    recvBufferSize: opts.rcvBuf || undefined,
    sendBufferSize: opts.sndBuf || undefined,
  });
  return new Promise((resolve, reject) => {
    const onBindError = (err: Error): void => {
      socket.close();
      reject(err);
    };
    socket.once('error', onBindError);
    socket.bind(listener.port, listener.ip, () => {
      socket.off('error', onBindError);
      // after bind, a socket error (ICMP-driven on some systems) must not crash the process
      socket.on('error', () => undefined);
      listener.port = socket.address().port;
      const dstIp = listener.ip;
      const dstPort = listener.port;
      socket.on('message', (msg, rinfo) => {
        const rcv: ReceiveInfo = {
          proto,
          srcIp: rinfo.address,
          srcPort: rinfo.port,
          dstIp,
          dstPort,
          conId: 0,
          listener,
          time: performance.now(),
        };
        sink.receive(msg, rcv);
      });
      resolve(new UdpEndpoint(listener, socket, opts.onSendError ?? ignore));
    });
  });
}

/** The core UDP transport (OpenSIPS proto_udp, built in). */
export const udpProto: ProtoHandler = Object.freeze<ProtoHandler>({
  name: 'udp',
  defaultPort: 5060,
  stream: false,
  bindDatagram: (listener, sink, opts) => bindUdpSocket('udp', listener, sink, opts),
});
