import { authorization } from './digest-client.js';
import { requestFrame, type Frame, type MsrpTestClient } from './msrp-client.js';

/**
 * AUTH, answer the 401 with Digest credentials, return the final response (200 with Use-Path
 * on success). `user` undefined: an open relay, one AUTH without credentials.
 */
export async function authenticate(
  c: MsrpTestClient,
  relayUri: string,
  clientUri: string,
  o: { user?: string; password?: string; expires?: number } = {},
): Promise<{ challenge: Frame | undefined; final: Frame; usePath: string | undefined }> {
  const extra: [string, string][] = o.expires === undefined ? [] : [['Expires', String(o.expires)]];
  const first = requestFrame({ method: 'AUTH', toPath: [relayUri], fromPath: [clientUri], headers: extra });
  c.write(first.buf);
  let final = await c.next((f) => f.id === first.tid);
  let challenge: Frame | undefined;
  if (o.user !== undefined && final.status === 401) {
    challenge = final;
    const cred = authorization(final.headers.get('www-authenticate')!, o.user, o.password ?? '', relayUri);
    const second = requestFrame({ method: 'AUTH', toPath: [relayUri], fromPath: [clientUri], headers: [['Authorization', cred], ...extra] });
    c.write(second.buf);
    final = await c.next((f) => f.id === second.tid);
  }
  return { challenge, final, usePath: final.headers.get('use-path') };
}

/** A SEND chunk with the usual headers. */
export function sendFrame(o: {
  toPath: string[];
  fromPath: string[];
  messageId: string;
  body: Buffer | string;
  range: string;
  flag?: '$' | '+' | '#';
  failureReport?: string;
  successReport?: string;
  contentType?: string;
}): { tid: string; buf: Buffer } {
  const headers: [string, string][] = [['Message-ID', o.messageId], ['Byte-Range', o.range]];
  if (o.failureReport !== undefined) headers.push(['Failure-Report', o.failureReport]);
  if (o.successReport !== undefined) headers.push(['Success-Report', o.successReport]);
  headers.push(['Content-Type', o.contentType ?? 'text/plain']);
  return requestFrame({ method: 'SEND', toPath: o.toPath, fromPath: o.fromPath, headers, body: o.body, flag: o.flag });
}
