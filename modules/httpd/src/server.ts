import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ModuleContext } from '@tsips/core';

/** A mounted handler gets the whole request body, already read and bounded. */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void | Promise<void>;

/** What httpd offers other modules (OpenSIPS httpd_api): mount a path, learn the bound address. */
export interface HttpdApi {
  /** Serve `pathPrefix` and everything under it (`/mi`, `/mi/...`). Mount in your `init`. */
  mount(pathPrefix: string, handler: HttpHandler): void;
  /** The address actually bound (port 0 gives an OS-assigned port); throws before listening. */
  address(): { ip: string; port: number };
}

export interface HttpServerOptions {
  /** "*" binds every address */
  ip: string;
  port: number;
  /** request bodies above this are refused with 413 */
  maxBody: number;
  log: ModuleContext['log'];
}

/** how long a refused body is drained before the connection is cut */
const DRAIN_MS = 2000;

interface Mount {
  prefix: string;
  handler: HttpHandler;
}

function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  return `/${trimmed}`;
}

function plain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(`${text}\n`);
}

/**
 * The one HTTP server of a tsips instance. Routing is by path prefix (longest first); every
 * failure ends in an HTTP status, never in an exception escaping a socket callback.
 */
export class HttpServer implements HttpdApi {
  private readonly mounts: Mount[] = [];
  private server?: Server;
  private bound?: { ip: string; port: number };

  constructor(private readonly opts: HttpServerOptions) {}

  mount(pathPrefix: string, handler: HttpHandler): void {
    const prefix = normalizePrefix(pathPrefix);
    if (this.mounts.some((m) => m.prefix === prefix)) throw new Error(`httpd: path ${prefix} is already mounted`);
    this.mounts.push({ prefix, handler });
    this.mounts.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  address(): { ip: string; port: number } {
    if (!this.bound) throw new Error('httpd: not listening yet (the address is known after child init)');
    return { ...this.bound };
  }

  listen(): Promise<void> {
    const server = createServer((req, res) => this.onRequest(req, res));
    server.on('clientError', (err, socket) => {
      this.opts.log.debug({ err }, 'httpd: bad HTTP request');
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    const host = this.opts.ip === '*' ? undefined : this.opts.ip;
    return new Promise((resolve, reject) => {
      const fail = (err: Error): void => reject(new Error(`httpd: cannot listen on ${this.opts.ip}:${this.opts.port}: ${err.message}`, { cause: err }));
      server.once('error', fail);
      server.listen(this.opts.port, host, () => {
        server.off('error', fail);
        server.on('error', (err) => this.opts.log.error({ err }, 'httpd: server error'));
        const a = server.address() as AddressInfo;
        this.server = server;
        this.bound = { ip: a.address, port: a.port };
        this.opts.log.info({ ip: a.address, port: a.port, paths: this.mounts.map((m) => m.prefix) }, 'httpd listening');
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.bound = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private match(path: string): Mount | undefined {
    return this.mounts.find((m) => m.prefix === '/' || path === m.prefix || path.startsWith(`${m.prefix}/`));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    req.on('error', (err) => this.opts.log.debug({ err }, 'httpd: request stream error'));
    const path = (req.url ?? '/').split('?', 1)[0]!;
    const mount = this.match(path);
    if (!mount) {
      req.resume();
      plain(res, 404, 'Not Found');
      return;
    }
    const max = this.opts.maxBody;
    if (Number(req.headers['content-length'] ?? 0) > max) {
      this.tooLarge(req, res);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (res.headersSent) return; // already refused: the rest is drained and dropped
      size += chunk.length;
      if (size > max) this.tooLarge(req, res);
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (!res.headersSent) void this.run(mount, req, res, Buffer.concat(chunks, size));
    });
  }

  /**
   * 413, then drain what the client still sends (a client still writing its body may not
   * read an answer whose connection was reset), for a bounded time, and close.
   */
  private tooLarge(req: IncomingMessage, res: ServerResponse): void {
    plain(res, 413, 'Payload Too Large', { Connection: 'close' });
    const timer = setTimeout(() => req.socket.destroy(), DRAIN_MS);
    timer.unref();
    req.once('close', () => clearTimeout(timer));
    req.resume();
  }

  private async run(mount: Mount, req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    try {
      await mount.handler(req, res, body);
    } catch (err) {
      this.opts.log.warn({ err, path: mount.prefix }, 'httpd: handler failed');
      if (!res.headersSent) plain(res, 500, 'Internal Server Error');
      else res.destroy();
    }
  }
}
