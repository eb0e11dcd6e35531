import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { startTsips, writeConfig, REPO, type TsipsProcess } from './lib/tsips.js';

const run = promisify(execFile);
const MI_PORT = 18888;
const SIP_PORT = 15260;
const URL = `http://127.0.0.1:${MI_PORT}/mi`;
const CLI = join(REPO, 'tools/tsips-cli/bin/tsips-cli.js');

const config = `
log_level = 2
socket = udp:127.0.0.1:${SIP_PORT}
loadmodule "proto_udp"
loadmodule "sl"
loadmodule "httpd"
loadmodule "mi_http"
loadmodule "tsips-example-hello"
modparam("httpd", "port", ${MI_PORT})
startup_route { hello("startup"); }
route { sl_send_reply(200, "OK"); }
`;

async function curl(body: string): Promise<{ status: string; json: any }> {
  const { stdout } = await run('curl', ['-s', '-w', '\n%{http_code}', '-H', 'Content-Type: application/json', '-d', body, URL], { timeout: 10_000 });
  const i = stdout.lastIndexOf('\n');
  const text = stdout.slice(0, i);
  return { status: stdout.slice(i + 1), json: text ? JSON.parse(text) : undefined };
}

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, '-u', URL, 'mi', ...args], { timeout: 10_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

// Issue 2 acceptance: MI through curl and tsips-cli.
describe('MI over HTTP (mi_http) with curl and tsips-cli', () => {
  let tsips: TsipsProcess;
  beforeAll(async () => {
    tsips = await startTsips(writeConfig(config));
  });
  afterAll(async () => {
    await tsips?.stop();
  });

  it('get_statistics all through curl returns core and module statistics', async () => {
    const r = await curl('{"jsonrpc":"2.0","method":"get_statistics","params":[["all"]],"id":1}');
    expect(r.status).toBe('200');
    expect(r.json.id).toBe(1);
    expect(r.json.result).toHaveProperty('core:rcv_requests');
    expect(r.json.result['hello:greetings']).toBe(1); // from startup_route
  });

  it('unknown method answers JSON-RPC -32601', async () => {
    const r = await curl('{"jsonrpc":"2.0","method":"no_such_cmd","id":"x"}');
    expect(r.json).toEqual({ jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: 'x' });
  });

  it('log_level through tsips-cli: set, then read back', async () => {
    expect((await cli('log_level', '4')).code).toBe(0);
    const r = await cli('log_level');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).Processes[0]['Log level']).toBe(4);
  });

  it("a module's own MI command answers through tsips-cli", async () => {
    const r = await cli('hello_stats');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ greeting: 'Hello', count: 1 });
  });

  it('tsips-cli prints JSON-RPC errors and exits 1', async () => {
    const r = await cli('no_such_cmd');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('-32601: Method not found');
  });

  it('listens on 127.0.0.1 only by default', async () => {
    const { stdout } = await run('ss', ['-ltnH', `sport = :${MI_PORT}`]);
    const locals = stdout.trim().split('\n').map((l) => l.trim().split(/\s+/)[3]);
    expect(locals).toEqual([`127.0.0.1:${MI_PORT}`]);
  });
});
