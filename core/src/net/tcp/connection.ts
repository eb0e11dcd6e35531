import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { HookBus } from '../../hooks.js';
import type { FramerHost, MessageSink, ProtoHandler, StreamFramer } from '../proto.js';
import type { Listener, ProtoName, ReceiveInfo, SendData, SendResult } from '../types.js';
import { REASON, reasonForSocketError } from './reasons.js';
import { ConnState, type CloseReason, type StreamProtoOptions, type TcpConnInfo, type TcpProfile } from './types.js';
import type { HeldWrites, WriteBatch } from './write-batch.js';

type FailFn = (error: string) => void;

/**
 * Socket events go to shared functions that find their connection on the socket, instead of
 * a set of closures per connection: idle connections are the bulk of a TCP server's memory.
 */
const CONN = Symbol('tsips.tcpConnection');
type OwnedSocket = Socket & { [CONN]: TcpConnection };
function socketData(this: OwnedSocket, chunk: Buffer): void {
  this[CONN].onData(chunk);
}
function socketEnd(this: OwnedSocket): void {
  this[CONN].onEnd();
}
function socketError(this: OwnedSocket, err: NodeJS.ErrnoException): void {
  this[CONN].onError(err);
}
function socketClose(this: OwnedSocket): void {
  this[CONN].onClose();
}
function socketConnect(this: OwnedSocket): void {
  this[CONN].onConnect();
}
function socketDrain(this: OwnedSocket): void {
  this[CONN].onDrain();
}
const writeTimedOut = (conn: TcpConnection): void => conn.onWriteTimeout();
const connectTimedOut = (conn: TcpConnection): void => conn.onConnectTimeout();

/** What a connection asks of its manager. */
export interface ConnOwner {
  readonly log: Logger;
  readonly hooks: HookBus;
  /** writes made while a read is dispatched are held here and coalesced */
  readonly batch: WriteBatch;
  /** an outbound connect completed */
  onConnected(conn: TcpConnection): void;
  /** take the connection out of service (idempotent); `detail` goes to waiting senders */
  drop(conn: TcpConnection, reason: CloseReason, detail?: string): void;
}

interface QueuedWrite {
  buf: SendData;
  onFail: FailFn | undefined;
}

export interface ConnInit {
  id: number;
  proto: ProtoName;
  handler: ProtoHandler;
  socket: Socket;
  listener: Listener | null;
  outbound: boolean;
  profile: TcpProfile;
  options: Readonly<StreamProtoOptions>;
  sink: MessageSink;
  remoteIp: string;
  remotePort: number;
}

/**
 * One stream connection: the socket, its framer, the write path (ordered, bounded, with a
 * no-progress timeout) and the deadlines the manager's periodic scan checks. Socket handlers
 * are created once per connection; nothing allocates a closure per message.
 */
export class TcpConnection implements TcpConnInfo, FramerHost, HeldWrites {
  readonly id: number;
  readonly proto: ProtoName;
  readonly listener: Listener | null;
  readonly outbound: boolean;
  readonly profile: TcpProfile;
  readonly options: Readonly<StreamProtoOptions>;
  readonly remoteIp: string;
  readonly remotePort: number;
  readonly aliases: number[];
  readonly socket: Socket;
  state: number;
  localIp = '';
  localPort = 0;
  /** ms since epoch; the idle scan closes the connection after it */
  lifetimeDeadline: number;
  /** ms since epoch by which the message being read must be complete; 0 = none pending */
  readDeadline = 0;
  closedEvent = false;
  rcv: ReceiveInfo;
  readonly framer: StreamFramer;

  private readonly owner: ConnOwner;
  private readonly sink: MessageSink;
  private delivered = 0;
  /** writes node still holds (the kernel did not take them at once) */
  /** the kernel refused more data: writes are postponed until 'drain' */
  private blocked = false;
  private pendingWrites = 0;
  private pendingFails: FailFn[] | null = null;
  private writeTimer: NodeJS.Timeout | undefined;
  private connectQueue: QueuedWrite[] | null = null;
  private connectTimer: NodeJS.Timeout | undefined;
  /** buffers sent during the current read dispatch (WriteBatch), written when it ends */
  private held: Buffer[] | null = null;
  private heldFails: FailFn[] | null = null;

  constructor(owner: ConnOwner, init: ConnInit) {
    this.owner = owner;
    this.id = init.id;
    this.proto = init.proto;
    this.socket = init.socket;
    this.listener = init.listener;
    this.outbound = init.outbound;
    this.profile = init.profile;
    this.options = init.options;
    this.sink = init.sink;
    this.remoteIp = init.remoteIp;
    this.remotePort = init.remotePort;
    this.aliases = [init.remotePort];
    this.state = init.outbound ? ConnState.CONNECTING : ConnState.OK;
    if (init.outbound) this.connectQueue = [];
    this.lifetimeDeadline = Date.now() + this.profile.conLifetime * 1000;
    if (!init.outbound) this.takeLocalAddress();
    this.rcv = this.makeRcv();
    const socket = this.socket as OwnedSocket;
    socket[CONN] = this;
    socket.setNoDelay(true);
    socket.on('data', socketData);
    socket.on('end', socketEnd);
    socket.on('error', socketError);
    socket.on('close', socketClose);
    if (!init.handler.createFramer) throw new Error(`proto ${init.proto} has no stream framer`);
    this.framer = init.handler.createFramer(this);
  }

  /** Outbound: start the connect; data sent meanwhile is queued (bounded). */
  connect(localAddress: string | undefined, family: 4 | 6): void {
    this.connectTimer = setTimeout(connectTimedOut, this.profile.connectTimeout, this);
    this.socket.once('connect', socketConnect);
    this.socket.connect({ host: this.remoteIp, port: this.remotePort, localAddress, family });
  }

  /** Queue or write `buf` (a message, or its parts) in order. A failure known only later calls onFail once. */
  send(buf: SendData, onFail?: FailFn): SendResult {
    if (this.state === ConnState.OK) return this.writeNow(buf, onFail);
    if (this.state === ConnState.CONNECTING) {
      const q = this.connectQueue!;
      if (q.length >= this.options.maxPendingWrites) return this.overflow();
      q.push({ buf, onFail });
      return { ok: true, conId: this.id };
    }
    return { ok: false, error: `connection ${this.id} is closed` };
  }

  /** Extend-only lifetime refresh (traffic, dst_attr): never shortens the deadline. */
  extendLifetime(secs: number): void {
    const d = Date.now() + secs * 1000;
    if (d > this.lifetimeDeadline) this.lifetimeDeadline = d;
  }

  get idle(): boolean {
    return !this.blocked;
  }

  // ---- FramerHost ----

  deliver(msg: Buffer): void {
    if (this.state !== ConnState.OK) return;
    this.delivered++;
    this.extendLifetime(this.profile.conLifetime);
    const base = this.rcv;
    const rcv: ReceiveInfo = {
      proto: base.proto,
      srcIp: base.srcIp,
      srcPort: base.srcPort,
      dstIp: base.dstIp,
      dstPort: base.dstPort,
      conId: base.conId,
      listener: base.listener,
      time: performance.now(),
    };
    const hooks = this.owner.hooks;
    if (hooks.trace.isUsed())
      hooks.trace.call({ direction: 'in', buf: msg, proto: this.proto, srcIp: rcv.srcIp, srcPort: rcv.srcPort, dstIp: rcv.dstIp, dstPort: rcv.dstPort, conId: this.id });
    try {
      this.sink.receive(msg, rcv);
    } catch (e) {
      this.owner.log.error({ err: e, conId: this.id, peer: `${this.remoteIp}:${this.remotePort}` }, 'message handler threw');
    }
  }

  write(buf: Buffer): void {
    this.send(buf);
  }

  fail(reason: string): void {
    this.owner.log.info({ conId: this.id, peer: `${this.remoteIp}:${this.remotePort}`, reason }, 'closing connection: framing error');
    this.owner.drop(this, { kind: 'protocol', text: reason });
  }

  // ---- teardown (called by the manager's drop) ----

  /** Stop everything: timers, socket, waiting senders. */
  teardown(reason: CloseReason, detail: string | undefined): void {
    this.state = stateAfter(reason);
    clearTimeout(this.connectTimer);
    clearTimeout(this.writeTimer);
    this.socket.destroy();
    const why = detail ?? reason.text;
    const queued = this.connectQueue;
    const pending = this.pendingFails;
    const held = this.heldFails;
    this.connectQueue = null;
    this.pendingFails = null;
    this.held = null;
    this.heldFails = null;
    if (queued) for (const q of queued) q.onFail?.(why);
    if (pending) for (const f of pending) f(why);
    if (held) for (const f of held) f(why);
  }

  // ---- internals ----

  /**
   * Write in order. A chunk counts as postponed (OpenSIPS async write queue) only while the
   * kernel is not keeping up: from a write that leaves the socket over its high-water mark
   * until 'drain'. Counting every write whose callback is still due would fill the queue under
   * plain load. During a read dispatch the data is held and leaves with the batch (flushHeld).
   */
  private writeNow(buf: SendData, onFail: FailFn | undefined): SendResult {
    if (this.blocked && this.pendingWrites >= this.options.maxPendingWrites) return this.overflow();
    const batch = this.owner.batch;
    if (batch.open) {
      if (this.held === null) {
        this.held = [];
        batch.hold(this);
      }
      if (Array.isArray(buf)) for (const b of buf as readonly Buffer[]) this.held.push(b);
      else this.held.push(buf as Buffer);
      if (onFail) (this.heldFails ??= []).push(onFail);
    } else this.writeOut(buf, onFail, null);
    return { ok: true, conId: this.id };
  }

  /** The end of a read dispatch: what was held leaves as one write. */
  flushHeld(): void {
    const held = this.held;
    if (held === null) return; // torn down meanwhile (its senders were told)
    const fails = this.heldFails;
    this.held = null;
    this.heldFails = null;
    this.writeOut(held.length === 1 ? held[0]! : held, undefined, fails);
  }

  /** One socket write; several buffers are corked into one writev. */
  private writeOut(buf: SendData, onFail: FailFn | undefined, fails: FailFn[] | null): void {
    const wasBlocked = this.blocked;
    if (wasBlocked) {
      this.pendingWrites++;
      this.addFails(onFail, fails);
    }
    // while blocked, each completed write is progress (see progress())
    const cb = wasBlocked ? this.progress() : undefined;
    const s = this.socket;
    let flushed: boolean;
    if (Array.isArray(buf)) {
      const parts = buf as readonly Buffer[];
      s.cork();
      for (let i = 0; i < parts.length - 1; i++) s.write(parts[i]!);
      s.write(parts[parts.length - 1]!, cb);
      s.uncork();
      // what the kernel did not take at uncork is what is still queued
      flushed = s.writableLength < s.writableHighWaterMark;
    } else flushed = s.write(buf as Buffer, cb);
    if (!flushed && !wasBlocked) {
      this.blocked = true;
      this.pendingWrites = 1;
      this.addFails(onFail, fails);
      this.writeTimer = setTimeout(writeTimedOut, this.options.sendTimeout, this);
      s.once('drain', socketDrain);
    }
    this.extendLifetime(this.profile.conLifetime);
  }

  private addFails(onFail: FailFn | undefined, fails: FailFn[] | null): void {
    if (onFail) (this.pendingFails ??= []).push(onFail);
    if (fails) for (const f of fails) (this.pendingFails ??= []).push(f);
  }

  /** OpenSIPS: a full postponed-write queue fails the send and marks the connection bad. */
  private overflow(): SendResult {
    const error = `connection ${this.id}: more than ${this.options.maxPendingWrites} writes pending`;
    this.owner.drop(this, REASON.writeError, error);
    return { ok: false, error };
  }

  /**
   * The write callback used while blocked: tcp_send_timeout counts from the last completed
   * write. Made on first need, so an idle connection carries no closure for it.
   */
  private progressCb: ((err?: Error | null) => void) | null = null;
  private progress(): (err?: Error | null) => void {
    return (this.progressCb ??= (err) => {
      if (!err && this.blocked) this.writeTimer?.refresh();
    });
  }

  onDrain(): void {
    this.blocked = false;
    this.pendingWrites = 0;
    this.pendingFails = null;
    clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
  }

  onWriteTimeout(): void {
    this.writeTimer = undefined;
    this.owner.drop(this, REASON.writeError, `connection ${this.id}: write pending for more than ${this.options.sendTimeout} ms`);
  }

  onConnect(): void {
    clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    if (this.state !== ConnState.CONNECTING) return;
    this.state = ConnState.OK;
    this.takeLocalAddress();
    this.rcv = this.makeRcv();
    this.owner.onConnected(this);
    const queued = this.connectQueue;
    this.connectQueue = null;
    if (queued) for (const q of queued) if (!this.writeNow(q.buf, q.onFail).ok) return;
  }

  onConnectTimeout(): void {
    this.connectTimer = undefined;
    this.owner.drop(this, REASON.connectFailed, `connect to ${this.remoteIp}:${this.remotePort} timed out after ${this.profile.connectTimeout} ms`);
  }

  onData(chunk: Buffer): void {
    if (this.state !== ConnState.OK) return;
    const before = this.delivered;
    const batch = this.owner.batch;
    batch.begin();
    try {
      this.framer.push(chunk);
    } catch (e) {
      this.owner.log.error({ err: e, conId: this.id }, 'stream framer threw');
      this.owner.drop(this, REASON.internal);
      return;
    } finally {
      batch.end();
    }
    if (this.state !== ConnState.OK) return;
    if (!this.framer.pending) this.readDeadline = 0;
    else if (this.readDeadline === 0 || this.delivered !== before) this.readDeadline = Date.now() + this.profile.msgReadTimeout * 1000;
  }

  onEnd(): void {
    this.owner.drop(this, REASON.eof);
  }

  onError(err: NodeJS.ErrnoException): void {
    if (this.state === ConnState.CONNECTING) this.owner.drop(this, REASON.connectFailed, err.message);
    else this.owner.drop(this, reasonForSocketError(err), err.message);
  }

  onClose(): void {
    this.owner.drop(this, REASON.unknown);
  }

  private takeLocalAddress(): void {
    this.localIp = this.socket.localAddress ?? this.listener?.ip ?? '';
    this.localPort = this.socket.localPort ?? 0;
  }

  private makeRcv(): ReceiveInfo {
    return {
      proto: this.proto,
      srcIp: this.remoteIp,
      srcPort: this.remotePort,
      dstIp: this.localIp,
      dstPort: this.localPort,
      conId: this.id,
      listener: this.listener,
      time: 0,
    };
  }
}

/** The OpenSIPS state a removed connection is left in (what tcpClosed taps see). */
function stateAfter(reason: CloseReason): number {
  switch (reason.kind) {
    case 'eof':
      return ConnState.EOF;
    case 'reset':
    case 'keepalive':
    case 'error':
      return ConnState.ERROR;
    default:
      return ConnState.BAD;
  }
}
