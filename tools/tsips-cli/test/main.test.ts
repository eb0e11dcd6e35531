import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/main.js';

/** A small JSON-RPC server that records requests and answers per method. */
let server: Server;
let url: string;
const seen: { method: string; params: unknown; id: unknown }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const r = JSON.parse(body) as { method: string; params: unknown; id: unknown };
      seen.push(r);
      const reply = (x: object) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ jsonrpc: '2.0', ...x, id: r.id }));
      };
      if (r.method === 'echo') reply({ result: { got: r.params } });
      else if (r.method === 'fail') reply({ error: { code: -32602, message: 'Invalid params', data: 'Bad PID' } });
      else if (r.method === 'fail_nodata') reply({ error: { code: 404, message: 'Statistics Not Found' } });
      else if (r.method === 'empty') reply({});
      else if (r.method === 'http500') (res.writeHead(500), res.end());
      else if (r.method === 'notjson') (res.writeHead(200), res.end('<html>'));
      else reply({ error: { code: -32601, message: 'Method not found' } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mi`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('tsips-cli mi', () => {
  it('sends named params and pretty-prints the result', async () => {
    const r = await run('-u', url, 'mi', 'echo', 'level=4', 'pid=7');
    expect(r).toEqual({ code: 0, out: `${JSON.stringify({ got: { level: '4', pid: '7' } }, null, 4)}\n`, err: '' });
    const req = seen.at(-1)!;
    expect(req.method).toBe('echo');
    expect(typeof req.id).toBe('string');
    expect(Number(req.id)).toBeGreaterThanOrEqual(0);
    expect(Number(req.id)).toBeLessThan(32768);
  });

  it('sends positional params, including words that look like options', async () => {
    const r = await run('-u', url, '-o', 'json', 'mi', 'echo', '-1', 'x');
    expect(r.out).toBe('{"got":["-1","x"]}\n');
  });

  it('-j sends JSON values; get_statistics words are packed into one array', async () => {
    expect((await run('-u', url, '-j', '-o', 'json', 'mi', 'echo', 'level=4', 'list=[1,"a"]')).out).toBe('{"got":{"level":4,"list":[1,"a"]}}\n');
    await run('-u', url, 'mi', 'get_statistics', 'tm:', 'core:');
    expect(seen.at(-1)).toMatchObject({ method: 'get_statistics', params: [['tm:', 'core:']] });
  });

  it('prints a JSON-RPC error as "code: message (data)" on stderr and exits 1', async () => {
    expect(await run('-u', url, 'mi', 'fail')).toEqual({ code: 1, out: '', err: '-32602: Invalid params (Bad PID)\n' });
    expect(await run('-u', url, 'mi', 'fail_nodata')).toEqual({ code: 1, out: '', err: '404: Statistics Not Found\n' });
    expect((await run('-u', url, 'mi', 'empty')).err).toBe('-32603: Internal error\n');
  });

  it('exits 2 with a clear message when nothing listens, or on an HTTP error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const r = await run('-u', `http://127.0.0.1:${port}/mi`, 'mi', 'version');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+\/mi: connection refused/);
    const h = await run('-u', url, 'mi', 'http500');
    expect(h.code).toBe(2);
    expect(h.err).toMatch(/answered HTTP 500/);
    const j = await run('-u', url, 'mi', 'notjson');
    expect(j.code).toBe(2);
    expect(j.err).toMatch(/did not answer a JSON-RPC object: <html>/);
    expect((await run('-u', 'ftp://x/mi', 'mi', 'version')).err).toMatch(/http or https expected/);
  });

  it('--help prints usage on stdout and exits 0', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Usage: tsips-cli/);
    expect(r.out).toContain('--url');
  });

  it('rejects an unknown output type and a missing command', async () => {
    expect((await run('-o', 'yaml', 'mi', 'echo')).code).not.toBe(0);
    expect((await run('mi')).code).not.toBe(0);
  });
});
