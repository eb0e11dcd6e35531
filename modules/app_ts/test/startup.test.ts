import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createTestServer, TsipsError, type TestServer } from '@tsips/core';
import { config, probe, routingFile, start, removeRoutingFiles } from './helpers.js';

afterAll(removeRoutingFiles);

let ts: TestServer | undefined;
afterEach(async () => {
  await ts?.stop();
  ts = undefined;
});

/** The start-up error of a config, rendered as tsips prints it. */
async function startupError(text: string): Promise<string> {
  try {
    ts = await createTestServer(text, { modules: [probe] });
  } catch (err) {
    return err instanceof TsipsError ? err.render() : String(err);
  }
  throw new Error('start-up succeeded');
}

describe('app_ts start-up', () => {
  it('a TypeScript syntax error stops start-up naming file:line:col', async () => {
    const file = routingFile('export function request(ksr) {\n  const x = ;\n}\n');
    const msg = await startupError(config(file));
    expect(msg).toContain(`${file}:2:13: syntax error in routing file: Expression expected.`);
  });

  it('a missing routing file stops start-up naming the file', async () => {
    const file = join(dirname(routingFile('')), 'nowhere.ts');
    const msg = await startupError(config(file));
    expect(msg).toContain(`cannot read routing file ${file}`);
  });

  it('an error thrown while the file is imported stops start-up naming the file', async () => {
    const file = routingFile('throw new Error("top-level failure");\nexport function request() {}\n');
    const msg = await startupError(config(file));
    expect(msg).toContain(`routing file ${file} failed to load: top-level failure`);
  });

  it('a callback param naming a function the file does not export stops start-up naming it', async () => {
    const file = routingFile('export function request(ksr) {}\nexport function on_event(ksr, name) {}\n');
    const reply = await startupError(config(file, 'modparam("app_ts", "reply_route_callback", "on_reply")'));
    expect(reply).toContain(`modparam("app_ts", "reply_route_callback", "on_reply"): ${file} exports no function "on_reply"`);
    expect(reply).toContain('it exports: request, on_event');
    const request = await startupError(config(file, 'modparam("app_ts", "request_route_callback", "ksr_route")'));
    expect(request).toContain('exports no function "ksr_route"');
    const event = await startupError(config(file, 'modparam("app_ts", "event_route_callback", "on_evt")'));
    expect(event).toContain('exports no function "on_evt"');
  });

  it('subscribe_event needs event_route_callback and a known event name', async () => {
    const file = routingFile('export function on_event() {}\n');
    expect(await startupError(config(file, 'modparam("app_ts", "subscribe_event", "E_X")'))).toContain('needs the function to call');
    const unknown = await startupError(
      config(file, 'modparam("app_ts", "event_route_callback", "on_event")\nmodparam("app_ts", "subscribe_event", "tcp:nothing")'),
    );
    expect(unknown).toContain('"tcp:nothing"): no loaded module publishes this event');
  });

  it('the load param is required and must name a .ts/.mts/.js/.mjs file', async () => {
    const noLoad = config('x.ts').replace(/modparam\("app_ts", "load".*\n/, '');
    expect(await startupError(noLoad)).toContain('app_ts needs a routing file');
    expect(await startupError(config('/tmp/routes.py'))).toContain('expects a .ts, .mts, .js or .mjs file');
  });

  it('a .ts file is transpiled beside its source, its relative imports resolve, and the temporary file is removed', async () => {
    const file = routingFile(`
import { reason } from './reason.mjs';
export function request(ksr): void { ksr.sl.sl_send_reply(200, reason); }
`);
    writeFileSync(join(dirname(file), 'reason.mjs'), 'export const reason = "Imported";\n');
    ts = await start(file);
    expect((await readdir(dirname(file))).sort()).toEqual(['reason.mjs', 'routes.ts']);
    ts.inject(
      'OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-i\r\nFrom: <sip:b@127.0.0.1>;tag=1\r\n' +
        'To: <sip:a@127.0.0.1>\r\nCall-ID: imp\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n',
    );
    expect(ts.sent.map((m) => m.text.split('\r\n')[0])).toEqual(['SIP/2.0 200 Imported']);
  });
});
