import type { Logger, MessageSink, ReceiveInfo, SendData } from '@tsips/core';
import type { MsrpApi, MsrpForwardOptions, MsrpHandle, MsrpHandler, MsrpHandlerFilter, MsrpMessage, MsrpNewRequest, MsrpTransaction } from './api.js';
import { buildReport, buildRequest, buildResponse, relayFrameParts } from './codec/builder.js';
import { H } from './codec/headers.js';
import { MsrpFrame, parseMsrp } from './codec/parser.js';
import { parseMsrpUri } from './codec/uri.js';
import { HandlerRegistry } from './dispatch.js';
import { TextMemo } from './memo.js';
import { BAD_INPUT, SEND_ERROR, SEND_OK, type Outbound, type SendCode } from './outbound.js';
import type { MsrpStats } from './stats.js';
import { Transaction, TransactionTable, type RandomSource, type TxFields } from './transactions.js';

const METHODS = new Set(['SEND', 'REPORT', 'AUTH']);

/**
 * proto_msrp's engine: the sink of msrp listeners (parse, validate, dispatch requests by the
 * top To-Path URI, match responses to transactions) and the MsrpApi other modules call
 * (msrp.md §6). Invalid frames are dropped silently and counted; nothing is answered here.
 */
export class MsrpEngine implements MsrpApi, MessageSink {
  readonly handlers = new HandlerRegistry();
  readonly txs: TransactionTable;
  /** parsed To-Path URIs: a session's frames carry the same ones */
  private readonly uris = new TextMemo(parseMsrpUri);

  constructor(
    private readonly out: Outbound,
    private readonly stats: MsrpStats,
    private readonly log: Logger,
    random?: RandomSource,
  ) {
    this.txs = new TransactionTable(this.onExpired, random);
  }

  // ---- receive path ----

  receive(buf: Buffer, rcv: ReceiveInfo): void {
    const m = parseMsrp(buf, rcv);
    if (typeof m === 'string') return this.drop(m, rcv);
    if (m.kind === 'response') {
      this.stats.receivedReplies.inc();
      const tx = this.txs.take(m.transactionId);
      if (!tx) {
        this.stats.droppedUnmatched.inc();
        return;
      }
      tx.handler.onReply(m, tx);
      return;
    }
    const top = this.uris.get(m.toPath[0]!);
    if (!top) return this.drop('bad top To-Path URI', rcv);
    this.stats.receivedRequests.inc();
    const reg = this.handlers.match(top);
    if (!reg) {
      this.stats.droppedNoHandler.inc();
      return;
    }
    reg.handler.onRequest(m);
  }

  private drop(why: string, rcv: ReceiveInfo): void {
    this.stats.droppedInvalid.inc();
    if (this.log.isLevelEnabled('debug')) this.log.debug({ peer: `${rcv.srcIp}:${rcv.srcPort}`, conId: rcv.conId, why }, 'invalid MSRP frame dropped');
  }

  // ---- MsrpApi ----

  registerHandler(filter: MsrpHandlerFilter, handler: MsrpHandler): MsrpHandle {
    return this.handlers.register(filter, handler);
  }

  sendReply(hdl: MsrpHandle, req: MsrpMessage, code: number, reason: string, extraHeaders?: readonly string[]): boolean {
    if (!this.handlers.get(hdl) || req.kind !== 'request' || req.method === 'REPORT' || !validCode(code)) return false;
    const to = req.method === 'SEND' ? req.fromPath[0]! : req.fromPath.join(' ');
    return this.reply(req.rcv.conId, buildResponse(req.transactionId, code, reason, to, req.toPath[0]!, extraHeaders));
  }

  sendReplyOnTransaction(hdl: MsrpHandle, tx: MsrpTransaction, code: number, reason: string, extraHeaders?: readonly string[]): boolean {
    if (!this.handlers.get(hdl) || !tx.prevId || !validCode(code)) return false;
    return this.reply(tx.prevConId, buildResponse(tx.prevId, code, reason, tx.fromPath.join(' '), tx.toTop, extraHeaders));
  }

  sendReport(hdl: MsrpHandle, status: string, req: MsrpMessage | null, tx: MsrpTransaction | null): boolean {
    if (!this.handlers.get(hdl)) return false;
    const src = req ?? tx;
    if (!src) return false;
    const byteRange = req ? req.header('byte-range') : tx!.byteRange;
    const conId = req ? req.rcv.conId : tx!.prevConId;
    const toTop = req ? req.toPath[0] : tx!.toTop;
    if (!src.messageId || !byteRange || !toTop || src.fromPath.length === 0) return false;
    const buf = buildReport(this.txs.freshId(), src.fromPath.join(' '), toTop, src.messageId, byteRange, status);
    if (this.out.sendOnConn(conId, buf) !== SEND_OK) {
      this.stats.sendFailures.inc();
      return false;
    }
    this.stats.sentReports.inc();
    return true;
  }

  forwardRequest(hdl: MsrpHandle, req: MsrpMessage, opts: MsrpForwardOptions = {}): SendCode {
    const reg = this.handlers.get(hdl);
    if (!reg || !(req instanceof MsrpFrame) || req.kind !== 'request' || req.toPath.length < 2) return BAD_INPUT;
    const next = opts.conId ? undefined : this.uris.get(req.toPath[1]!);
    if (!opts.conId && !next) return BAD_INPUT;
    let tx: Transaction | undefined;
    if (req.method !== 'REPORT') {
      tx = this.txs.create(reg.handler, {
        method: req.method,
        prevId: req.transactionId,
        prevConId: req.rcv.conId,
        fromPath: req.fromPath,
        toTop: req.toPath[0]!,
        messageId: req.messageId,
        byteRange: req.known(H.BYTE_RANGE),
        failureReport: req.known(H.FAILURE_REPORT),
        param: opts.param,
      });
      if (!tx) return SEND_ERROR;
    }
    // the body goes out as a view of the received frame (no copy)
    const parts = relayFrameParts(req, tx?.id, opts.extraHeaders);
    return this.launch(tx, parts!, next, opts.conId, opts.listener, req.rcv.listener);
  }

  forwardReply(hdl: MsrpHandle, reply: MsrpMessage, tx: MsrpTransaction): boolean {
    if (!this.handlers.get(hdl) || !(reply instanceof MsrpFrame) || reply.kind !== 'response' || !tx.prevId) return false;
    const parts = relayFrameParts(reply, tx.prevId);
    return parts !== undefined && this.reply(tx.prevConId, parts);
  }

  sendRequest(hdl: MsrpHandle, r: MsrpNewRequest): SendCode {
    const reg = this.handlers.get(hdl);
    if (!reg || !METHODS.has(r.method) || r.toPath.length === 0 || r.fromPath.length === 0) return BAD_INPUT;
    if (r.body !== undefined && !r.contentType) return BAD_INPUT;
    const next = r.conId ? undefined : parseMsrpUri(r.toPath[0]!);
    if (!r.conId && !next) return BAD_INPUT;
    let tx: Transaction | undefined;
    if (r.method !== 'REPORT') {
      tx = this.txs.create(reg.handler, { ...fromExtraHeaders(r.extraHeaders), method: r.method, prevId: '', prevConId: 0, fromPath: r.fromPath, toTop: r.toPath[0]!, param: r.param });
      if (!tx) return SEND_ERROR;
    }
    const buf = buildRequest({ ...r, id: tx?.id ?? this.txs.freshId() });
    return this.launch(tx, buf, next, r.conId, r.listener, null);
  }

  // ---- internals ----

  /** Send a request (its transaction created); a failure now drops the transaction quietly. */
  private launch(tx: Transaction | undefined, buf: SendData, next: ReturnType<typeof parseMsrpUri>, conId: number | undefined, forced: MsrpForwardOptions['listener'], inbound: ReceiveInfo['listener']): SendCode {
    const onFail = tx ? (error: string) => this.failTx(tx, error) : this.countLateFailure;
    const code = conId ? this.out.sendOnConn(conId, buf, onFail) : this.out.sendToUri(next!, buf, forced, inbound, onFail);
    if (code === SEND_OK) {
      this.stats.sentRequests.inc();
      if (tx) this.stats.txCreated.inc();
    } else {
      this.stats.sendFailures.inc();
      if (tx) this.txs.remove(tx);
    }
    return code;
  }

  private reply(conId: number, buf: SendData): boolean {
    if (this.out.sendOnConn(conId, buf) !== SEND_OK) {
      this.stats.sendFailures.inc();
      return false;
    }
    this.stats.sentReplies.inc();
    return true;
  }

  /** The request of `tx` was lost after it left (connect refused, DNS): end it now, as a timeout would. */
  private failTx(tx: Transaction, error: string): void {
    this.stats.sendFailures.inc();
    if (!this.txs.remove(tx)) return;
    this.stats.txFailed.inc();
    this.log.debug({ tx: tx.id, error }, 'MSRP request could not be delivered');
    try {
      tx.handler.onReply(null, tx);
    } catch (err) {
      this.log.error({ err, tx: tx.id }, 'MSRP reply handler threw');
    }
  }

  private readonly countLateFailure = (error: string): void => {
    this.stats.sendFailures.inc();
    this.log.debug({ error }, 'MSRP REPORT could not be delivered');
  };

  private readonly onExpired = (tx: Transaction, err: unknown): void => {
    this.stats.txTimedOut.inc();
    if (err) this.log.error({ err, tx: tx.id }, 'MSRP reply handler threw on timeout');
  };
}

const validCode = (code: number): boolean => Number.isInteger(code) && code >= 100 && code <= 999;

/** Message-ID / Byte-Range / Failure-Report of a new request, kept for a later send_report. */
function fromExtraHeaders(extra: readonly string[] | undefined): Pick<TxFields, 'messageId' | 'byteRange' | 'failureReport'> {
  const out: { messageId: string | undefined; byteRange: string | undefined; failureReport: string | undefined } = { messageId: undefined, byteRange: undefined, failureReport: undefined };
  for (const h of extra ?? []) {
    const colon = h.indexOf(':');
    if (colon < 0) continue;
    const name = h.slice(0, colon).trim().toLowerCase();
    const value = h.slice(colon + 1).trim();
    if (name === 'message-id') out.messageId = value;
    else if (name === 'byte-range') out.byteRange = value;
    else if (name === 'failure-report') out.failureReport = value;
  }
  return out;
}
