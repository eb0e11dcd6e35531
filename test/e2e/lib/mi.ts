/** MI over mi_http (JSON-RPC 2.0) for end-to-end tests. */
export interface MiReply {
  result?: unknown;
  error?: { code: number; message: string; data?: string };
}

/** One JSON-RPC call; returns the whole response object. */
export async function miReply(port: number, method: string, params?: unknown): Promise<MiReply> {
  const res = await fetch(`http://127.0.0.1:${port}/mi`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 }),
    signal: AbortSignal.timeout(10_000),
  });
  return (await res.json()) as MiReply;
}

/** One JSON-RPC call; returns its result or throws its error. */
export async function mi(port: number, method: string, params?: unknown): Promise<any> {
  const body = await miReply(port, method, params);
  if (body.error) throw new Error(`MI ${method}: ${body.error.code} ${body.error.message}`);
  return body.result;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
