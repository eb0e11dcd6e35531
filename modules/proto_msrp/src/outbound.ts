import { lookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { ConnState, type Destination, type Listener, type Logger, type SendData, type TcpManager, type Transports } from '@tsips/core';
import type { MsrpUri } from './codec/uri.js';

/** forward_request / send_request results (msrp.md §6) */
export const SEND_OK = 0;
export const BAD_INPUT = -1;
export const NO_ROUTE = -2;
export const SEND_ERROR = -3;
export type SendCode = 0 | -1 | -2 | -3;

/** called once when a frame accepted for sending is lost later (connect refused, DNS failure ...) */
export type LateFailure = (error: string) => void;

/**
 * Where MSRP frames go: back on a known connection (responses, REPORTs, relay sessions), or
 * to the next hop's URI through the core TCP manager, which reuses a connection to that
 * address or opens one. URI hosts resolve with plain A/AAAA look-ups (no SRV); IP literals
 * are sent at once, names after an asynchronous look-up, in order per name.
 */
export class Outbound {
  /** names being looked up, with the sends waiting for the answer (in order) */
  private readonly resolving = new Map<string, ((addrs: readonly LookupAddress[]) => void)[]>();

  constructor(
    private readonly transports: Transports,
    private readonly tcp: TcpManager,
    private readonly log: Logger,
  ) {}

  /** Send on live connection `conId` only (no new connection). */
  sendOnConn(conId: number, buf: SendData, onFail?: LateFailure): SendCode {
    const c = conId ? this.tcp.get(conId) : undefined;
    if (!c || (c.state !== ConnState.OK && c.state !== ConnState.CONNECTING)) return NO_ROUTE;
    const dst: Destination = { proto: c.proto, ip: c.remoteIp, port: c.remotePort, conId, listener: c.listener, noNewConn: true };
    return this.transports.send(dst, buf, onFail).ok ? SEND_OK : SEND_ERROR;
  }

  /**
   * Send towards `uri` (explicit port required): from `forced`, else from `inbound` if it is a
   * socket of the URI's kind, else from the first socket of that kind (the manager's default).
   */
  sendToUri(uri: MsrpUri, buf: SendData, forced: Listener | undefined, inbound: Listener | null, onFail: LateFailure | undefined): SendCode {
    if (uri.port === 0) return BAD_INPUT;
    const proto = uri.secured ? 'msrps' : 'msrp';
    if (!this.transports.hasProto(proto)) return NO_ROUTE;
    const pick = forced ?? (inbound?.proto === proto ? inbound : undefined);
    const family = isIP(uri.host);
    if (family !== 0) return this.sendTo(proto, uri.host, family, uri.port, pick, forced !== undefined, buf, onFail);
    const send = (addrs: readonly LookupAddress[]): void => {
      // the first address we have a socket for (localhost may answer ::1 first)
      const a = addrs.find((x) => (pick ? pick.family === x.family : this.transports.defaultListener(proto, x.family === 6 ? 6 : 4))) ?? addrs[0];
      const code = a === undefined ? NO_ROUTE : this.sendTo(proto, a.address, a.family, uri.port, pick, forced !== undefined, buf, onFail);
      if (code !== SEND_OK) onFail?.(a === undefined ? `cannot resolve ${uri.host}` : `cannot send to ${a.address}:${uri.port}`);
    };
    const waiting = this.resolving.get(uri.host);
    if (waiting) waiting.push(send);
    else {
      this.resolving.set(uri.host, [send]);
      lookup(uri.host, { all: true }, (err, addrs) => {
        const list = this.resolving.get(uri.host) ?? [];
        this.resolving.delete(uri.host);
        if (err) this.log.debug({ host: uri.host, err: err.message }, 'MSRP next hop does not resolve');
        for (const f of list) f(err ? [] : addrs);
      });
    }
    return SEND_OK;
  }

  private sendTo(proto: string, ip: string, family: number, port: number, pick: Listener | undefined, forced: boolean, buf: SendData, onFail: LateFailure | undefined): SendCode {
    let listener = pick;
    if (listener && listener.family !== family) {
      if (forced) return NO_ROUTE;
      listener = undefined;
    }
    if (!listener && !this.transports.defaultListener(proto, family === 6 ? 6 : 4)) return NO_ROUTE;
    return this.transports.send({ proto, ip, port, listener }, buf, onFail).ok ? SEND_OK : SEND_ERROR;
  }
}
