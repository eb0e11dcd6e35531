import { createHash } from 'node:crypto';

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

/** The parameters of a `Digest k=v, k="v"` challenge (test side, independent of src/). */
export function challengeParams(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of value.replace(/^\s*Digest\s+/i, '').matchAll(/([a-z]+)=(?:"([^"]*)"|([^,\s]+))/gi)) out[m[1]!.toLowerCase()] = m[2] ?? m[3]!;
  return out;
}

/** An RFC 2617 Authorization value (qop=auth, MD5) answering `wwwAuthenticate` for method AUTH. */
export function authorization(wwwAuthenticate: string, user: string, password: string, uri: string, o: { cnonce?: string; nc?: string } = {}): string {
  const c = challengeParams(wwwAuthenticate);
  const cnonce = o.cnonce ?? 'c0ffee42';
  const nc = o.nc ?? '00000001';
  const ha1 = md5(`${user}:${c.realm}:${password}`);
  const response = md5(`${ha1}:${c.nonce}:${nc}:${cnonce}:auth:${md5(`AUTH:${uri}`)}`);
  return (
    `Digest username="${user}", realm="${c.realm}", nonce="${c.nonce}", uri="${uri}", response="${response}", ` +
    `algorithm=MD5, cnonce="${cnonce}", opaque="${c.opaque ?? ''}", qop=auth, nc=${nc}`
  );
}

/** rspauth the server must put in Authentication-Info for that Authorization. */
export function expectedRspauth(wwwAuthenticate: string, user: string, password: string, uri: string, cnonce = 'c0ffee42', nc = '00000001'): string {
  const c = challengeParams(wwwAuthenticate);
  const ha1 = md5(`${user}:${c.realm}:${password}`);
  return md5(`${ha1}:${c.nonce}:${nc}:${cnonce}:auth:${md5(`:${uri}`)}`);
}
