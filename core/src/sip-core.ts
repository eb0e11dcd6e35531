import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { SipMessage } from './sip/message.js';
import { SipParseError } from './sip/errors.js';
import { buildReply } from './sip/reply.js';
import type { HookBus } from './hooks.js';
import type { StatsRegistry, Stat } from './stats/registry.js';
import type { Transports } from './net/transports.js';
import type { TcpManager } from './net/tcp/manager.js';
import type { MessageSink } from './net/proto.js';
import type { Destination, Listener, ReceiveInfo, SendResult } from './net/types.js';
import type { ScriptEngine } from './script/engine.js';
import { ScriptContext } from './script/context.js';
import { RouteType } from './script/route-type.js';
import type { CoreConfig } from './config/globals.js';
import type { FlagNames } from './script/flags.js';
import { DEFAULT_PORTS } from './config/globals.js';
import { replyDestination, nextViaDestination } from './routing/replies.js';
import { Myself } from './routing/myself.js';
import { fnv1a } from './routing/hash.js';

export interface SipCoreDeps {
  log: Logger;
  hooks: HookBus;
  stats: StatsRegistry;
  transports: Transports;
  tcp: TcpManager | null;
  engine: ScriptEngine;
  config: CoreConfig;
  flags: FlagNames;
}

const SUPPORTED_SCHEMES = /^(sips?|tel):/i;

/**
 * The SIP receive path (a MessageSink for every SIP proto): parse, check, RFC 3581 Via
 * handling, then the request route, or for replies the onreply_route, tm, and stateless
 * relay. Bad input is answered or dropped and counted; nothing thrown here reaches a socket
 * handler. Also the stateless reply/relay helpers that core functions and modules share.
 */
export class SipCore implements MessageSink {
  readonly myself: Myself;
  readonly log: Logger;
  /** branch flag (tcp_no_new_conn_bflag) that forbids opening a connection; 0 = none */
  readonly noNewConnMask: number;
  private readonly hooks: HookBus;
  private readonly transports: Transports;
  private readonly tcp: TcpManager | null;
  private readonly engine: ScriptEngine;
  private readonly maxBuffer: number;
  private readonly serverHeader: string[];
  /** a per-process prefix of the to-tags this server generates */
  private readonly tagBase = randomBytes(4).toString('hex');
  private readonly s: Record<
    | 'rcvRequests' | 'rcvReplies' | 'fwdRequests' | 'fwdReplies' | 'dropRequests' | 'dropReplies'
    | 'errRequests' | 'errReplies' | 'badUris' | 'badMsgHdr' | 'oversize' | 'loops' | 'internal',
    Stat
  >;

  constructor(deps: SipCoreDeps) {
    this.log = deps.log;
    this.hooks = deps.hooks;
    this.transports = deps.transports;
    this.tcp = deps.tcp;
    this.engine = deps.engine;
    this.maxBuffer = deps.config.globals.maxbuffer;
    const g = deps.config.globals;
    this.serverHeader = g.server_signature ? [g.server_header] : [];
    this.noNewConnMask = g.tcp_no_new_conn_bflag ? deps.flags.mask(g.tcp_no_new_conn_bflag) : 0;
    this.myself = new Myself(() => deps.transports.listeners(), deps.config.aliases);
    const c = (name: string) => deps.stats.counter('core', name);
    this.s = {
      rcvRequests: c('rcv_requests'),
      rcvReplies: c('rcv_replies'),
      fwdRequests: c('fwd_requests'),
      fwdReplies: c('fwd_replies'),
      dropRequests: c('drop_requests'),
      dropReplies: c('drop_replies'),
      errRequests: c('err_requests'),
      errReplies: c('err_replies'),
      badUris: c('bad_URIs_rcvd'),
      badMsgHdr: c('bad_msg_hdr'),
      oversize: c('oversize_msgs'),
      loops: c('loops_detected'),
      internal: c('internal_errors'),
    };
  }

  receive(buf: Buffer, rcv: ReceiveInfo): void {
    try {
      if (buf.length > this.maxBuffer) return this.oversize(buf, rcv);
      const msg = SipMessage.parse(buf);
      if (msg.isRequest) this.onRequest(msg, rcv);
      else this.onReply(msg, rcv);
    } catch (err) {
      if (err instanceof SipParseError) {
        // not even a start line and header boundaries: nothing to answer to
        this.s.badMsgHdr.inc();
        this.hooks.badMessage.isUsed() && this.hooks.badMessage.call(buf, rcv, err.reason);
        this.log.warn({ src: `${rcv.proto}:${rcv.srcIp}:${rcv.srcPort}`, reason: err.reason }, 'unparsable SIP message dropped');
        return;
      }
      this.s.internal.inc();
      this.log.error({ err, src: `${rcv.srcIp}:${rcv.srcPort}` }, 'internal error while processing a message');
    }
  }

  private onRequest(msg: SipMessage, rcv: ReceiveInfo): void {
    this.s.rcvRequests.inc();
    try {
      msg.validate();
    } catch (err) {
      if (!(err instanceof SipParseError)) throw err;
      return this.badRequest(msg, rcv, err);
    }
    const via = msg.via1;
    // RFC 3581 §4 / RFC 3261 §18.2.1: record where the request really came from
    if (via.rport === null) {
      msg.addViaParam('received', rcv.srcIp);
      msg.addViaParam('rport', String(rcv.srcPort));
    } else if (stripBrackets(via.host) !== rcv.srcIp) msg.addViaParam('received', rcv.srcIp);
    if (rcv.conId !== 0 && this.tcp) this.tcp.handleViaAlias(rcv.conId, via.port ?? DEFAULT_PORTS[rcv.proto] ?? 5060, via.alias);

    if (!SUPPORTED_SCHEMES.test(msg.ruri)) {
      this.s.badUris.inc();
      if (msg.method !== 'ACK') this.sendReply(msg, rcv, 416, 'Unsupported URI Scheme');
      return;
    }
    const ctx = new ScriptContext(msg, rcv, RouteType.REQUEST);
    if (this.hooks.requestIn.isUsed() && this.hooks.requestIn.call(ctx) === false) return;
    const route = this.engine.routes.request;
    if (route) this.engine.run(route, ctx);
    if (ctx.dropped) this.s.dropRequests.inc();
  }

  private badRequest(msg: SipMessage, rcv: ReceiveInfo, err: SipParseError): void {
    this.s.errRequests.inc();
    this.s.badMsgHdr.inc();
    if (this.hooks.badMessage.isUsed()) this.hooks.badMessage.call(msg.buf, rcv, err.reason);
    this.log.warn({ src: `${rcv.proto}:${rcv.srcIp}:${rcv.srcPort}`, reason: err.reason }, 'bad SIP request');
    const errorRoute = this.engine.routes.error;
    if (errorRoute) {
      const ctx = new ScriptContext(msg, rcv, RouteType.ERROR);
      ctx.error = { class: 1, level: 1, info: err.reason, rcode: err.status, rreason: err.reason };
      this.engine.run(errorRoute, ctx);
      return;
    }
    if (msg.method !== 'ACK') this.sendReply(msg, rcv, err.status, err.reason);
  }

  private oversize(buf: Buffer, rcv: ReceiveInfo): void {
    this.s.oversize.inc();
    this.log.warn({ src: `${rcv.proto}:${rcv.srcIp}:${rcv.srcPort}`, size: buf.length }, 'message over maxbuffer');
    try {
      const msg = SipMessage.parse(buf);
      if (msg.isRequest && msg.method !== 'ACK') this.sendReply(msg, rcv, 513, 'Message Too Large');
    } catch {
      // unparsable as well: drop
    }
  }

  private onReply(msg: SipMessage, rcv: ReceiveInfo): void {
    this.s.rcvReplies.inc();
    try {
      msg.validate();
    } catch (err) {
      if (!(err instanceof SipParseError)) throw err;
      this.s.errReplies.inc();
      this.s.badMsgHdr.inc();
      this.log.warn({ src: `${rcv.srcIp}:${rcv.srcPort}`, reason: err.reason }, 'bad SIP reply dropped');
      return;
    }
    const via = msg.via1;
    if (!this.myself.host(via.host, via.port ?? DEFAULT_PORTS[via.transport.toLowerCase()])) {
      this.s.dropReplies.inc();
      this.log.info({ via: via.raw }, 'reply whose top Via is not ours dropped');
      return;
    }
    const ctx = new ScriptContext(msg, rcv, RouteType.ONREPLY);
    const global = this.engine.routes.onreplyDefault;
    if (global) {
      this.engine.run(global, ctx);
      if (ctx.dropped) {
        this.s.dropReplies.inc();
        return;
      }
    }
    if (this.hooks.replyIn.isUsed() && this.hooks.replyIn.call(ctx) === true) return;
    this.relayReply(msg);
  }

  /** Stateless relay of a response to the Via below ours (RFC 3261 §16.11 / §18.2.2). */
  relayReply(reply: SipMessage): boolean {
    const dst = nextViaDestination(reply);
    if (!dst) {
      this.s.dropReplies.inc(); // a reply to a request we originated statelessly: nothing to relay
      return false;
    }
    const conHint = reply.via1.params.get('i');
    if (conHint) dst.conId = Number.parseInt(conHint, 16) || undefined;
    reply.removeFirstValue('via');
    const r = this.send(dst, reply.build());
    if (r.ok) this.s.fwdReplies.inc();
    return r.ok;
  }

  /** A stateless reply to `req` (sl_send_reply, parse errors, 416/483/513). */
  sendReply(req: SipMessage, rcv: ReceiveInfo, code: number, reason: string, opts: { headers?: string[]; body?: Buffer | string; contentType?: string } = {}): boolean {
    // buildReply adds the tag only where To has none (and copies an unparsable To as it is)
    const toTag = code > 100 ? this.toTagFor(req) : undefined;
    const headers = opts.headers ? [...opts.headers, ...this.serverHeader] : this.serverHeader;
    const buf = buildReply(req, code, reason, { toTag, headers, body: opts.body, contentType: opts.contentType });
    return this.send(replyDestination(req, rcv), buf).ok;
  }

  /**
   * The to-tag for locally generated replies: equal for retransmissions of one request. It
   * hashes raw header text, so it works for requests whose headers failed validation too.
   */
  toTagFor(req: SipMessage): string {
    return `${this.tagBase}.${fnv1a(req.header('call-id') ?? '', req.header('from') ?? '', req.header('cseq') ?? '', req.header('via') ?? '')}`;
  }

  /** Was this To tag generated here (an ACK to our own stateless reply carries it)? */
  isLocalToTag(tag: string | undefined): boolean {
    return tag !== undefined && tag.startsWith(this.tagBase + '.');
  }

  /** Hand bytes to the transport layer; counts failures. */
  send(dst: Destination, buf: Buffer, onFail?: (error: string) => void): SendResult {
    const r = this.transports.send(dst, buf, onFail);
    if (!r.ok) this.log.warn({ dst: `${dst.proto}:${dst.ip}:${dst.port}`, error: r.error }, 'send failed');
    return r;
  }

  listeners(): readonly Listener[] {
    return this.transports.listeners();
  }

  /** Does `proto` run over connections (tcp, msrp, hep_tcp ...), i.e. is it reliable? */
  isStreamProto(proto: string): boolean {
    return this.transports.isStream(proto);
  }

  /** Count a request forwarded statelessly (core:fwd_requests). */
  countForwarded(): void {
    this.s.fwdRequests.inc();
  }

  countLoop(): void {
    this.s.loops.inc();
  }
}

function stripBrackets(host: string): string {
  return host.startsWith('[') ? host.slice(1, -1) : host;
}
