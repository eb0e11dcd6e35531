import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import httpd, { HTTPD_API, type HttpdApi } from '@tsips/httpd';
import { defineModule } from '@tsips/core';
import { startModules, type TestServer } from './harness.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

/** A module that mounts handlers on httpd and exposes the API it resolved. */
function mounter(mounts: Record<string, Parameters<HttpdApi['mount']>[1]>) {
  const seen: { api?: HttpdApi } = {};
  const def = defineModule({
    name: 'mounter',
    deps: ['httpd'],
    init(ctx) {
      const api = ctx.resolve(HTTPD_API);
      for (const [path, h] of Object.entries(mounts)) api.mount(path, h);
      seen.api = api;
    },
  });
  return { def, seen };
}

async function start(mounts: Parameters<typeof mounter>[0], params: Record<string, unknown> = {}) {
  const m = mounter(mounts);
  server = await startModules([{ def: httpd, params: { port: 0, ...params } }, { def: m.def }]);
  const api = m.seen.api!;
  return { api, url: `http://127.0.0.1:${api.address().port}` };
}

const echo: Parameters<HttpdApi['mount']>[1] = (req, res, body) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ method: req.method, url: req.url, body: body.toString() }));
};

describe('httpd', () => {
  it('binds to 127.0.0.1 by default, on an OS-assigned port when port=0', async () => {
    expect(httpd.params!.ip.default).toBe('127.0.0.1');
    expect(httpd.params!.port.default).toBe(8888);
    const { api } = await start({ '/x': echo });
    expect(api.address().ip).toBe('127.0.0.1');
    expect(api.address().port).toBeGreaterThan(0);
  });

  it('routes by path prefix (longest first), ignoring the query string; 404 elsewhere', async () => {
    const other: Parameters<HttpdApi['mount']>[1] = (_q, res) => void res.end('deep');
    const { url } = await start({ '/a': echo, 'a/b/': other });
    const r1 = await fetch(`${url}/a?x=1`, { method: 'POST', body: 'hi' });
    expect(await r1.json()).toEqual({ method: 'POST', url: '/a?x=1', body: 'hi' });
    expect(await (await fetch(`${url}/a/b/c`)).text()).toBe('deep');
    expect((await fetch(`${url}/a/zz`)).status).toBe(200);
    const miss = await fetch(`${url}/ab`);
    expect(miss.status).toBe(404);
    expect((await fetch(`${url}/`)).status).toBe(404);
  });

  it('refuses a body over post_buf_size with 413 without calling the handler', async () => {
    let called = 0;
    const { url } = await start({ '/up': (_q, res) => void (called++, res.end('ok')) }, { post_buf_size: 1000 });
    const big = await fetch(`${url}/up`, { method: 'POST', body: Buffer.alloc(2_000_000, 97) });
    expect(big.status).toBe(413);
    expect(called).toBe(0);
    const fits = await fetch(`${url}/up`, { method: 'POST', body: Buffer.alloc(1000, 97) });
    expect(fits.status).toBe(200);
    expect(called).toBe(1);
  });

  it('refuses a chunked body that grows over the limit', async () => {
    const { url } = await start({ '/up': echo }, { post_buf_size: 100 });
    const chunks = [Buffer.alloc(60, 98), Buffer.alloc(60, 98)];
    const body = new ReadableStream({
      pull(c) {
        const next = chunks.shift();
        if (next) c.enqueue(next);
        else c.close();
      },
    });
    const r = await fetch(`${url}/up`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(r.status).toBe(413);
  });

  it('answers 500 when a handler throws and keeps serving', async () => {
    const { url } = await start({ '/bad': () => { throw new Error('boom'); }, '/good': echo });
    expect((await fetch(`${url}/bad`)).status).toBe(500);
    expect((await fetch(`${url}/good`)).status).toBe(200);
  });

  it('answers 400 to a malformed HTTP request and keeps serving', async () => {
    const { api, url } = await start({ '/good': echo });
    const reply = await new Promise<string>((resolve, reject) => {
      const s = connect(api.address().port, '127.0.0.1', () => s.write('NOT HTTP AT ALL\r\n\r\n'));
      let data = '';
      s.on('data', (d) => (data += d.toString()));
      s.on('close', () => resolve(data));
      s.on('error', reject);
      s.setTimeout(5000, () => s.destroy(new Error('timeout')));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await fetch(`${url}/good`)).status).toBe(200);
  });

  it('refuses a second mount of the same path', async () => {
    await expect(start({ '/p': echo, 'p/': echo })).rejects.toThrow(/already mounted/);
  });

  it('address() throws before listening; a busy port fails child init naming it', async () => {
    const first = await start({ '/x': echo });
    const port = first.api.address().port;
    const m = mounter({});
    const busy = startModules([{ def: httpd, params: { port } }, { def: m.def }]);
    await expect(busy).rejects.toThrow(`httpd: cannot listen on 127.0.0.1:${port}`);
    expect(() => m.seen.api!.address()).toThrow(/not listening/);
  });

  it('stops listening on destroy', async () => {
    const { url } = await start({ '/x': echo });
    await server!.stop();
    server = undefined;
    await expect(fetch(`${url}/x`)).rejects.toThrow();
  });
});
