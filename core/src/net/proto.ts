import type { Destination, Listener, ProtoName, ReceiveInfo, SendResult } from './types.js';
import type { StreamProtoOptions, TcpProfile } from './tcp/types.js';

/**
 * A transport implementation a proto module registers (OpenSIPS proto_init). The core owns
 * the sockets of every stream proto (TCP manager) and asks the handler only to frame bytes;
 * datagram protos bind their own sockets.
 */
export interface ProtoHandler {
  readonly name: ProtoName;
  readonly defaultPort: number;
  readonly stream: boolean;
  /** stream protos: a fresh framer for each connection */
  createFramer?(conn: FramerHost): StreamFramer;
  /** datagram protos: open a bound socket for a listener */
  bindDatagram?(listener: Listener, sink: MessageSink, opts?: DatagramOptions): Promise<DatagramEndpoint>;
}

/** Socket options for a datagram listener (core globals udp_rcvbuf / udp_sndbuf; 0 = OS default). */
export interface DatagramOptions {
  rcvBuf?: number;
  sndBuf?: number;
  /** a send failed that had no onFail of its own (counted and logged by the caller) */
  onSendError?(error: string): void;
}

/** Where received messages go (the SIP core's receive path, or a non-SIP proto's own). */
export interface MessageSink {
  receive(buf: Buffer, rcv: ReceiveInfo): void;
}

/** What a framer may do with its connection. */
export interface FramerHost {
  readonly id: number;
  readonly rcv: ReceiveInfo;
  /** the connection's profile (copied at creation; attrs.maxMsgChunks overrides the proto's) */
  readonly profile: TcpProfile;
  /** the proto's settings (its module's params) */
  readonly options: Readonly<StreamProtoOptions>;
  /** a complete message: hand it on */
  deliver(msg: Buffer): void;
  /** write raw bytes (a CRLF pong) */
  write(buf: Buffer): void;
  /** give up on the connection (framing error, too many chunks) with an OpenSIPS reason text */
  fail(reason: string): void;
}

export interface StreamFramer {
  /** bytes read from the socket, in order */
  push(chunk: Buffer): void;
  /** a message is partially read (the read deadline applies) */
  readonly pending: boolean;
}

export interface DatagramEndpoint {
  readonly listener: Listener;
  /** onFail: called once if the datagram is refused after this returned (EMSGSIZE, EHOSTUNREACH ...) */
  send(dst: Destination, buf: Buffer, onFail?: (error: string) => void): SendResult;
  close(): Promise<void>;
}
