import net from 'node:net';
import type { Logger } from '@tsips/core';
import type { SendStats } from './stats.js';

export interface TcpLinkOptions {
  /** packets that may wait while connecting or while the socket is blocked (hep_async_max_postponed_chunks) */
  maxQueued: number;
  /** ms a connect may take */
  connectTimeout: number;
  /** ms queued packets may wait on a blocked socket before the connection is given up (hep_send_timeout) */
  sendTimeout: number;
  /** consecutive failures before sends are suppressed (hep_max_retries) */
  maxRetries: number;
  /** ms of suppression after that (hep_retry_cooldown) */
  cooldown: number;
}

/**
 * The TCP connection of one hep_id destination. A HEP collector is not a SIP peer, so this
 * does not go through the SIP TCP manager (no conn ids, aliases, profiles, SIP framing or
 * connection events for it): the link owns one net.Socket. Connects are asynchronous;
 * packets wait in a bounded queue while connecting or blocked (beyond it they are dropped
 * and counted). A failed connection is reopened on the next send; after `maxRetries`
 * consecutive failures nothing is sent for `cooldown` ms.
 */
export class TcpLink {
  private sock: net.Socket | null = null;
  private connected = false;
  private queue: Buffer[] = [];
  private failures = 0;
  private suppressedUntil = 0;
  private connectTimer: NodeJS.Timeout | undefined;
  private writeTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly ip: string,
    private readonly port: number,
    private readonly opts: TcpLinkOptions,
    private readonly stats: SendStats,
    private readonly log: Logger,
  ) {}

  /** state for tests and MI-style dumps */
  get status(): { connected: boolean; queued: number; failures: number; suppressed: boolean } {
    return { connected: this.connected, queued: this.queue.length, failures: this.failures, suppressed: this.suppressedUntil > Date.now() };
  }

  send(buf: Buffer): void {
    if (this.closed) return void this.stats.dropped.inc();
    if (this.suppressedUntil !== 0) {
      if (Date.now() < this.suppressedUntil) return void this.stats.dropped.inc();
      this.suppressedUntil = 0;
      this.failures = 0;
    }
    if (!this.sock) this.connect();
    const s = this.sock!;
    if (this.connected && this.queue.length === 0 && !s.writableNeedDrain) {
      s.write(buf);
      this.stats.sent.inc();
      return;
    }
    if (this.queue.length >= this.opts.maxQueued) return void this.stats.dropped.inc();
    this.queue.push(buf);
    if (this.connected) this.armWriteTimer();
  }

  private connect(): void {
    const s = net.connect({ host: this.ip, port: this.port });
    this.sock = s;
    this.connected = false;
    s.setNoDelay(true);
    this.connectTimer = setTimeout(() => s.destroy(new Error(`connect timed out after ${this.opts.connectTimeout} ms`)), this.opts.connectTimeout);
    s.once('connect', () => {
      clearTimeout(this.connectTimer);
      this.connected = true;
      this.failures = 0;
      this.flush();
    });
    s.on('drain', () => this.flush());
    s.on('data', () => undefined); // a collector has nothing to say; keep the socket flowing
    s.on('error', (err) => this.onError(s, err));
    s.on('close', () => this.onClose(s));
  }

  private flush(): void {
    const s = this.sock;
    if (!s || !this.connected) return;
    clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    while (this.queue.length > 0 && !s.writableNeedDrain) {
      s.write(this.queue.shift()!);
      this.stats.sent.inc();
    }
    if (this.queue.length > 0) this.armWriteTimer();
  }

  private armWriteTimer(): void {
    if (this.writeTimer) return;
    const s = this.sock!;
    this.writeTimer = setTimeout(() => s.destroy(new Error(`write blocked for more than ${this.opts.sendTimeout} ms`)), this.opts.sendTimeout);
  }

  private onError(s: net.Socket, err: Error): void {
    if (s !== this.sock) return;
    this.stats.failures.inc();
    this.failures++;
    if (this.failures >= this.opts.maxRetries) {
      this.suppressedUntil = Date.now() + this.opts.cooldown;
      this.log.warn({ dst: `${this.ip}:${this.port}`, error: err.message }, `HEP destination failed ${this.failures} times: nothing is sent to it for ${this.opts.cooldown / 1000} s`);
    } else this.log.debug({ dst: `${this.ip}:${this.port}`, error: err.message }, 'HEP connection failed');
  }

  /** the socket is gone (error, peer close): what waited is lost, the next send reconnects */
  private onClose(s: net.Socket): void {
    if (s !== this.sock) return;
    clearTimeout(this.connectTimer);
    clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    this.sock = null;
    this.connected = false;
    if (this.queue.length > 0) {
      this.stats.dropped.inc(this.queue.length);
      this.queue = [];
    }
  }

  close(): void {
    this.closed = true;
    const s = this.sock;
    if (s) {
      this.onClose(s);
      s.destroy();
    }
  }
}
