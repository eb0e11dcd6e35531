import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import httpd, { HTTPD_API } from '@tsips/httpd';
import miHttp from '@tsips/mi_http';
import { registerCoreMi } from '@tsips/core';
import { startModules, type TestServer } from '../../httpd/test/harness.js';

let server: TestServer;
let url: string;

beforeAll(async () => {
  server = await startModules([{ def: httpd, params: { port: 0 } }, { def: miHttp }], ({ mi, stats }) => {
    stats.counter('core', 'rcv_requests').inc(3);
    registerCoreMi(mi, { stats, version: '0.1.0', startedAt: Date.now(), getLogLevel: () => 3, setLogLevel: () => {}, processes: () => [] });
  });
  url = `http://127.0.0.1:${server.resolve(HTTPD_API).address().port}/mi`;
});
afterAll(() => server.stop());

const post = (body: string) => fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });

describe('mi_http', () => {
  it('405 for GET, with Allow: POST', async () => {
    const r = await fetch(url);
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST');
  });

  it('400 for an empty body', async () => {
    expect((await post('')).status).toBe(400);
  });

  it('answers an unknown method with -32601 in an HTTP 200 JSON reply', async () => {
    const r = await post('{"jsonrpc":"2.0","method":"no_such_cmd","id":5}');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(await r.json()).toEqual({ jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: 5 });
  });

  it('get_statistics returns the flat group:name object', async () => {
    const r = await post('{"jsonrpc":"2.0","method":"get_statistics","params":{"statistics":["core:"]},"id":"q"}');
    expect(await r.json()).toEqual({ jsonrpc: '2.0', result: { 'core:rcv_requests': 3 }, id: 'q' });
  });

  it('-32700 for bad JSON, 202 without body for a notification', async () => {
    expect(await (await post('{oops')).json()).toEqual({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null });
    const n = await post('{"jsonrpc":"2.0","method":"version"}');
    expect(n.status).toBe(202);
    expect(await n.text()).toBe('');
  });

  it('serves under the path given by the root param, and only there', async () => {
    expect(miHttp.params!.root.default).toBe('mi');
    const other = await startModules([{ def: httpd, params: { port: 0 } }, { def: miHttp, params: { root: 'rpc/v1' } }]);
    try {
      const base = `http://127.0.0.1:${other.resolve(HTTPD_API).address().port}`;
      const r = await fetch(`${base}/rpc/v1`, { method: 'POST', body: '{"jsonrpc":"2.0","method":"x","id":1}' });
      expect(await r.json()).toMatchObject({ error: { code: -32601 } });
      expect((await fetch(`${base}/mi`, { method: 'POST', body: '{}' })).status).toBe(404);
    } finally {
      await other.stop();
    }
  });

  it('refuses a root that is not a plain path', () => {
    const validate = miHttp.params!.root.validate!;
    expect(validate('/mi')).toMatch(/URL path/);
    expect(validate('a b')).toMatch(/URL path/);
    expect(validate('api/mi')).toBeUndefined();
  });
});
