import { connect, createServer, type Server, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';

/** One MSRP frame as a test client sees it (RFC 4975 §9 framing, parsed independently of src/). */
export interface Frame {
  raw: Buffer;
  id: string;
  /** requests */
  method: string | undefined;
  /** responses */
  status: number | undefined;
  comment: string;
  /** by lower-case name */
  headers: Map<string, string>;
  toPath: string[];
  fromPath: string[];
  body: Buffer | undefined;
  flag: '$' | '+' | '#';
}

const CRLF = '\r\n';
const FIRST_LINE = /^MSRP ([A-Za-z0-9][A-Za-z0-9.\-+%=]{3,31}) (?:(\d{3})(?: (.*))?|([A-Z]+))$/;

/** Split one frame off the front of `buf`; undefined when it is not complete yet. */
export function readFrame(buf: Buffer): { frame: Frame; rest: Buffer } | undefined {
  const eol = buf.indexOf(CRLF);
  if (eol < 0) return undefined;
  const first = buf.toString('latin1', 0, eol);
  const m = FIRST_LINE.exec(first);
  if (!m) throw new Error(`not an MSRP first line: ${JSON.stringify(first.slice(0, 80))}`);
  const id = m[1]!;
  const endMark = Buffer.from(`${CRLF}-------${id}`, 'latin1');
  let at = eol;
  for (;;) {
    const pos = buf.indexOf(endMark, at);
    if (pos < 0 || pos + endMark.length + 3 > buf.length) return undefined;
    const flag = String.fromCharCode(buf[pos + endMark.length]!);
    if ((flag === '$' || flag === '+' || flag === '#') && buf.toString('latin1', pos + endMark.length + 1, pos + endMark.length + 3) === CRLF) {
      const end = pos + endMark.length + 3;
      return { frame: parseFrame(buf.subarray(0, end), id, m, eol, pos, flag), rest: buf.subarray(end) };
    }
    at = pos + 1;
  }
}

function parseFrame(raw: Buffer, id: string, m: RegExpExecArray, eol: number, endPos: number, flag: '$' | '+' | '#'): Frame {
  const blank = raw.indexOf(`${CRLF}${CRLF}`, eol);
  const hasBody = blank >= 0 && blank < endPos;
  const headText = raw.toString('latin1', eol + 2, hasBody ? blank : endPos);
  const headers = new Map<string, string>();
  for (const line of headText.split(CRLF)) {
    const c = line.indexOf(':');
    if (c > 0) headers.set(line.slice(0, c).toLowerCase(), line.slice(c + 1).trim());
  }
  return {
    raw,
    id,
    method: m[4],
    status: m[2] === undefined ? undefined : Number(m[2]),
    comment: m[3] ?? '',
    headers,
    toPath: (headers.get('to-path') ?? '').split(' ').filter(Boolean),
    fromPath: (headers.get('from-path') ?? '').split(' ').filter(Boolean),
    body: hasBody ? raw.subarray(blank + 4, endPos) : undefined,
    flag,
  };
}

export const newTid = (): string => randomBytes(8).toString('hex');

/** A request frame; `headers` are written after From-Path in order; a body needs Content-Type among them. */
export function requestFrame(o: {
  method: string;
  toPath: string[];
  fromPath: string[];
  headers?: [string, string][];
  body?: Buffer | string;
  flag?: '$' | '+' | '#';
  tid?: string;
}): { tid: string; buf: Buffer } {
  const tid = o.tid ?? newTid();
  let head = `MSRP ${tid} ${o.method}${CRLF}To-Path: ${o.toPath.join(' ')}${CRLF}From-Path: ${o.fromPath.join(' ')}${CRLF}`;
  for (const [k, v] of o.headers ?? []) head += `${k}: ${v}${CRLF}`;
  const parts: Buffer[] = [Buffer.from(head, 'latin1')];
  if (o.body !== undefined) parts.push(Buffer.from(CRLF), Buffer.isBuffer(o.body) ? o.body : Buffer.from(o.body), Buffer.from(CRLF));
  parts.push(Buffer.from(`-------${tid}${o.flag ?? '$'}${CRLF}`, 'latin1'));
  return { tid, buf: Buffer.concat(parts) };
}

/** The response a client gives to a received request (To-Path = previous hop, From-Path = us). */
export function responseFrame(req: Frame, code: number, comment: string): Buffer {
  const to = req.method === 'SEND' ? req.fromPath[0]! : req.fromPath.join(' ');
  return Buffer.from(`MSRP ${req.id} ${code} ${comment}${CRLF}To-Path: ${to}${CRLF}From-Path: ${req.toPath.at(-1)}${CRLF}-------${req.id}$${CRLF}`, 'latin1');
}

/** A raw TCP MSRP endpoint: write frames, await the frames it receives. */
export class MsrpTestClient {
  private buf: Buffer = Buffer.alloc(0);
  private readonly frames: Frame[] = [];
  private waiter: (() => void) | undefined;
  error: Error | undefined;
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
      try {
        for (let r = readFrame(this.buf); r; r = readFrame(this.buf)) {
          this.frames.push(r.frame);
          this.buf = r.rest;
        }
      } catch (err) {
        this.error = err as Error;
      }
      this.waiter?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
    socket.on('error', () => undefined);
  }

  /** A listening endpoint (the relay connects to it); `accepted` resolves with the first connection. */
  static async listen(port = 0): Promise<{ port: number; server: Server; accepted: Promise<MsrpTestClient> }> {
    const server = createServer();
    const accepted = new Promise<MsrpTestClient>((resolve) => server.once('connection', (s) => resolve(new MsrpTestClient(s))));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return { port: (server.address() as { port: number }).port, server, accepted };
  }

  static open(port: number, host = '127.0.0.1'): Promise<MsrpTestClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host }, () => resolve(new MsrpTestClient(s)));
      s.once('error', reject);
    });
  }

  /** local address as an MSRP URI with a session id */
  uri(session: string): string {
    return `msrp://127.0.0.1:${this.socket.localPort}/${session};tcp`;
  }

  write(buf: Buffer): void {
    this.socket.write(buf);
  }

  /** the next received frame matching `pred` (earlier non-matching frames stay queued) */
  async next(pred: (f: Frame) => boolean = () => true, timeoutMs = 3000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.error) throw this.error;
      const i = this.frames.findIndex(pred);
      if (i >= 0) return this.frames.splice(i, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0 || this.closed) throw new Error(`no matching MSRP frame within ${timeoutMs} ms (queued: ${this.frames.map((f) => f.method ?? f.status).join(',')})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }

  /** frames received and not yet taken */
  pending(): readonly Frame[] {
    return this.frames;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 200).unref();
    });
  }
}

/** A TCP port that was free a moment ago (the relay's my_uri must name its port before start). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
