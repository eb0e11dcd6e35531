import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import type { DatagramEndpoint, DatagramOptions, Destination, Listener, MessageSink, ProtoHandler, ReceiveInfo, SendResult } from '@tsips/core';
import { createHepFramer } from './framing.js';

/** HEP_PORT: the default port of hep_* listeners until hep_port says otherwise */
export const HEP_PORT = 9060;

/** A bound hep_udp socket; what it sends (replies to injected SIP) goes out as is. */
class HepUdpEndpoint implements DatagramEndpoint {
  constructor(
    readonly listener: Listener,
    private readonly socket: dgram.Socket,
    private readonly onSendError: (error: string) => void,
  ) {}

  send(dst: Destination, buf: Buffer, onFail?: (error: string) => void): SendResult {
    try {
      this.socket.send(buf, dst.port, dst.ip, (err) => {
        if (err) (onFail ?? this.onSendError)(err.message);
      });
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
    return { ok: true, conId: 0 };
  }

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

function bindHepUdp(listener: Listener, sink: MessageSink, opts: DatagramOptions = {}): Promise<DatagramEndpoint> {
  const socket = dgram.createSocket({
    type: listener.family === 6 ? 'udp6' : 'udp4',
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
      socket.on('error', () => undefined);
      listener.port = socket.address().port;
      const { ip: dstIp, port: dstPort } = listener;
      socket.on('message', (msg, rinfo) => {
        const rcv: ReceiveInfo = { proto: 'hep_udp', srcIp: rinfo.address, srcPort: rinfo.port, dstIp, dstPort, conId: 0, listener, time: performance.now() };
        sink.receive(msg, rcv);
      });
      resolve(new HepUdpEndpoint(listener, socket, opts.onSendError ?? (() => undefined)));
    });
  });
}

/** `socket=hep_udp:IP[:port]`: receives HEPv1, v2 and v3 datagrams. */
export const hepUdpProto: ProtoHandler = Object.freeze({
  name: 'hep_udp',
  defaultPort: HEP_PORT,
  stream: false,
  bindDatagram: bindHepUdp,
});

/** `socket=hep_tcp:IP[:port]`: HEPv3 over TCP; the core TCP manager owns the sockets. */
export const hepTcpProto: ProtoHandler = Object.freeze({
  name: 'hep_tcp',
  defaultPort: HEP_PORT,
  stream: true,
  createFramer: createHepFramer,
});
