import { apiToken, type Listener, type ReceiveInfo } from '@tsips/core';

/**
 * What proto_msrp offers other modules (OpenSIPS load_msrp / struct msrp_binds): resolve
 * MSRP_API once in init. msrp_relay (RFC 4976) is built on it; so can be a B2B or a gateway.
 * msrp.md §6 is the spec of every call.
 */
export interface MsrpApi {
  /**
   * Receive requests whose TOP To-Path URI matches: `host` is a case-insensitive shell glob
   * (`*` = any), `port` 0 = any, `secured` = msrps. First registered match wins; requests that
   * match no handler are dropped. Both callbacks are mandatory.
   */
  registerHandler(filter: MsrpHandlerFilter, handler: MsrpHandler): MsrpHandle;
  /** A response (code 100..999) to `req` on its connection; refused (false) for REPORT. */
  sendReply(hdl: MsrpHandle, req: MsrpMessage, code: number, reason: string, extraHeaders?: readonly string[]): boolean;
  /** The same from a transaction's stored data (the request is gone: a timeout, a late reply). */
  sendReplyOnTransaction(hdl: MsrpHandle, tx: MsrpTransaction, code: number, reason: string, extraHeaders?: readonly string[]): boolean;
  /**
   * A REPORT with `status` ("000 200", "000 481") for `req` (or a transaction's stored data),
   * no transaction. False if the request had no Message-ID or Byte-Range, or sending failed.
   */
  sendReport(hdl: MsrpHandle, status: string, req: MsrpMessage | null, tx: MsrpTransaction | null): boolean;
  /**
   * Forward `req` to the next To-Path hop: new transaction id (REPORT keeps its own), the top
   * To-Path URI moves to the front of From-Path, everything else is copied byte for byte;
   * `extraHeaders` go after the last header. A transaction is created unless it is a REPORT;
   * its reply (or null on timeout) reaches the handler's onReply with `param`.
   * `conId` sends on that connection (a relay's session) instead of connecting to the next URI.
   * Returns 0, -1 bad input (no next hop), -2 resolve/socket error, -3 build/send error.
   */
  forwardRequest(hdl: MsrpHandle, req: MsrpMessage, opts?: MsrpForwardOptions): 0 | -1 | -2 | -3;
  /** Send `reply` back to the previous hop of `tx` with the id it used; paths rewritten as per §6. */
  forwardReply(hdl: MsrpHandle, reply: MsrpMessage, tx: MsrpTransaction): boolean;
  /** A new request (SEND, REPORT, AUTH); a transaction unless REPORT. 0 ok, negative as forwardRequest. */
  sendRequest(hdl: MsrpHandle, req: MsrpNewRequest): 0 | -1 | -2 | -3;
}

export interface MsrpHandlerFilter {
  host: string;
  port: number;
  secured: boolean;
}

export interface MsrpHandler {
  onRequest(msg: MsrpMessage): void;
  /** a response to a transaction this handler created, or null when it timed out (30 s) */
  onReply(reply: MsrpMessage | null, tx: MsrpTransaction): void;
}

/** Opaque registration returned by registerHandler. */
export interface MsrpHandle {
  readonly id: number;
}

/** A parsed MSRP frame (request or response), valid for the duration of the callback. */
export interface MsrpMessage {
  readonly kind: 'request' | 'response';
  /** the whole frame as received (first line to end-line) */
  readonly buf: Buffer;
  readonly transactionId: string;
  /** requests: SEND, REPORT, AUTH or another all-uppercase method */
  readonly method: string;
  /** responses: status code and optional comment */
  readonly status: number;
  readonly comment: string;
  /** To-Path / From-Path URIs, in order, as written */
  readonly toPath: readonly string[];
  readonly fromPath: readonly string[];
  /** other headers by lower-case name (Message-ID, Byte-Range, Content-Type, extensions) */
  header(name: string): string | undefined;
  readonly messageId: string | undefined;
  /** continuation flag of the end-line */
  readonly continuation: '$' | '+' | '#';
  /** body bytes (without the CRLF before the end-line), if any */
  readonly body: Buffer | undefined;
  /** where it came from (conId = the connection it arrived on) */
  readonly rcv: ReceiveInfo;
}

/** A pending client transaction (forwarded or new request) awaiting its response. */
export interface MsrpTransaction {
  /** our transaction id on the outgoing hop */
  readonly id: string;
  readonly method: string;
  /** for replies going back: the previous hop's id and connection, and the original paths */
  readonly prevId: string;
  readonly prevConId: number;
  readonly fromPath: readonly string[];
  readonly toTop: string;
  readonly messageId: string | undefined;
  readonly byteRange: string | undefined;
  readonly failureReport: string | undefined;
  /** what the caller passed to forwardRequest / sendRequest */
  readonly param: unknown;
}

export interface MsrpForwardOptions {
  extraHeaders?: readonly string[];
  /** send on this live connection (e.g. the one a relay session was authenticated on) */
  conId?: number;
  /** local socket to use; default: the inbound socket if its kind fits, else the first msrp(s) one */
  listener?: Listener;
  param?: unknown;
}

export interface MsrpNewRequest {
  method: 'SEND' | 'REPORT' | 'AUTH';
  fromPath: readonly string[];
  toPath: readonly string[];
  contentType?: string;
  body?: Buffer | string;
  extraHeaders?: readonly string[];
  continuation?: '$' | '+' | '#';
  conId?: number;
  listener?: Listener;
  param?: unknown;
}

export const MSRP_API = apiToken<MsrpApi>('proto_msrp');
