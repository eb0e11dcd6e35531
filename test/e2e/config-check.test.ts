import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { runTsips, writeConfig, REPO } from './lib/tsips.js';

// Issue 2 acceptance: `tsips -C -f` reports every error with file:line and a hint, exit 1; valid: exit 0.
describe('tsips -C (config check)', () => {
  it('accepts the default config and every example config', async () => {
    const files = [join(REPO, 'config/tsips.cfg'), ...readdirSync(join(REPO, 'config/examples')).filter((f) => f.endsWith('.cfg')).map((f) => join(REPO, 'config/examples', f))];
    for (const f of files) {
      const r = await runTsips(['-C', '-f', f]);
      expect({ file: f, code: r.code, stderr: r.stderr }).toEqual({ file: f, code: 0, stderr: '' });
    }
  });

  it('reports a bad modparam, an unknown module, an unknown function and a function in the wrong route, each with file:line and a hint', async () => {
    const file = writeConfig(
      [
        'socket=udp:127.0.0.1:5060', // 1
        'loadmodule "proto_udp"', // 2
        'loadmodule "tm"', // 3
        'loadmodule "no_such_module"', // 4
        'modparam("tm", "fr_timeout", "abc")', // 5
        'route {', // 6
        '    no_such_function();', // 7
        '    t_relay();', // 8
        '}', // 9
        'onreply_route {', // 10
        '    t_relay();', // 11
        '}', // 12
      ].join('\n'),
    );
    const r = await runTsips(['-C', '-f', file]);
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('ERROR: '));
    const find = (re: RegExp) => lines.find((l) => re.test(l));
    expect(find(new RegExp(`${file}:4(:\\d+)?: module "no_such_module" not found .*hint: `))).toBeDefined();
    expect(find(new RegExp(`${file}:5(:\\d+)?: modparam\\("tm", "fr_timeout"\\): expects an integer.*"abc".*hint: `))).toBeDefined();
    expect(find(new RegExp(`${file}:7:\\d+: .*unknown function 'no_such_function'.*hint: `))).toBeDefined();
    expect(find(new RegExp(`${file}:11:\\d+: .*'t_relay' cannot be used in onreply_route.*`))).toBeDefined();
  });

  it('reports an unbalanced brace with the line of the block it belongs to', async () => {
    const file = writeConfig(['loadmodule "sl"', 'route {', '    if (is_method("INVITE")) {', '        exit;', '}'].join('\n'));
    const r = await runTsips(['-C', '-f', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${file}:\\d+(:\\d+)?: .*hint: missing '}'.*${file}:[23]`));
  });
});
