/** One JSON-RPC 2.0 call to a tsips MI endpoint (mi_http) over HTTP POST. */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** The MI answered with a JSON-RPC error (exit 1). */
export class MiRpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'MiRpcError';
  }

  /** opensips-cli's form: `code: message (data)` */
  render(): string {
    const data = this.data === undefined ? '' : ` (${typeof this.data === 'string' ? this.data : JSON.stringify(this.data)})`;
    return `${this.code}: ${this.message}${data}`;
  }
}

/** The MI could not be reached or did not answer JSON-RPC (exit 2). */
export class MiTransportError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MiTransportError';
  }
}

export interface CallOptions {
  timeoutMs?: number;
}

function networkReason(err: unknown): string {
  if ((err as NodeJS.ErrnoException).code === 'ECONNREFUSED') return 'connection refused (is tsips running, with httpd and mi_http loaded?)';
  return (err as Error).message;
}

/**
 * POST with node:http(s) rather than fetch: fetch refuses the "bad ports" of the Fetch
 * standard (5060 and 5061 among them), which an operator may well give the MI.
 */
function post(url: URL, body: string, timeoutMs: number): Promise<{ status: number; statusText: string; text: string }> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

export async function miCall(url: string, method: string, params: unknown, opts: CallOptions = {}): Promise<unknown> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new MiTransportError(`bad MI URL "${url}"`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new MiTransportError(`bad MI URL "${url}": http or https expected`);
  // opensips-cli sends a random id in 0..32767, as a string
  const id = String(Math.floor(Math.random() * 32768));
  const body = JSON.stringify(params === undefined ? { jsonrpc: '2.0', method, id } : { jsonrpc: '2.0', method, params, id });
  let res: { status: number; statusText: string; text: string };
  try {
    res = await post(target, body, opts.timeoutMs ?? 10_000);
  } catch (err) {
    throw new MiTransportError(`cannot reach ${url}: ${networkReason(err)}`, { cause: err });
  }
  const text = res.text;
  if (res.status !== 200) throw new MiTransportError(`${url} answered HTTP ${res.status} ${res.statusText}${text ? `: ${text.trim()}` : ''}`);
  let reply: { result?: unknown; error?: { code?: unknown; message?: unknown; data?: unknown } } | null;
  try {
    reply = JSON.parse(text) as typeof reply;
  } catch {
    reply = null;
  }
  if (typeof reply !== 'object' || reply === null || Array.isArray(reply))
    throw new MiTransportError(`${url} did not answer a JSON-RPC object: ${text.slice(0, 200)}`);
  if (reply.error) {
    const e = reply.error;
    throw new MiRpcError(typeof e.code === 'number' ? e.code : -32603, typeof e.message === 'string' ? e.message : 'Internal error', e.data);
  }
  if (!('result' in reply)) throw new MiRpcError(-32603, 'Internal error');
  return reply.result;
}
