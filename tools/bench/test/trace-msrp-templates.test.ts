import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/args.js';
import { PEERS_DIR } from '../src/paths.js';
import { renderTemplate } from '../src/peers/template.js';
import { configName, type PeerSpec } from '../src/peers/types.js';
import { SUITE_NAMES } from '../src/suites/index.js';

const VARS = { IP: '127.0.0.1', PORT: '25060', UAS_URI: 'sip:127.0.0.1:25080;transport=udp', MPATH: '/usr/lib/kamailio/modules', HEP_PORT: '25090' };
const render = (file: string): string => renderTemplate(readFileSync(join(PEERS_DIR, file), 'utf8'), VARS);

describe('trace and msrp peer configs', () => {
  it('trace configs are the stateful ones plus HEPv3 transaction tracing to the collector', () => {
    for (const peer of ['tsips', 'kamailio']) {
      const out = render(`${peer}-trace.cfg`);
      const stateful = render(`${peer}-stateful.cfg`);
      expect(out).not.toMatch(/@@[A-Z_]+@@/);
      expect(stateful).not.toContain('25090');
      expect(out).toMatch(/t_relay\(\)/);
      expect(out).toContain('$du = "sip:127.0.0.1:25080;transport=udp"');
    }
    const ts = render('tsips-trace.cfg');
    expect(ts).toContain('modparam("proto_hep", "hep_id", "[hep_dst] 127.0.0.1:25090; transport=udp; version=3")');
    expect(ts).toContain('modparam("tracer", "trace_id", "[tid]uri=hep:hep_dst")');
    expect(ts.indexOf('trace("tid", "t");')).toBeLessThan(ts.indexOf('t_relay();'));
    const ka = render('kamailio-trace.cfg');
    expect(ka).toContain('modparam("siptrace", "hep_version", 3)');
    expect(ka).toContain('modparam("siptrace", "hep_mode_on", 1)');
    expect(ka.indexOf('sip_trace("sip:127.0.0.1:25090", "", "t");')).toBeLessThan(ka.indexOf('t_relay()'));
  });

  it('msrp configs relay on 127.0.0.1 and answer the UDP start-up probe', () => {
    const ts = render('tsips-msrp.cfg');
    expect(ts).toContain('socket=msrp:127.0.0.1:25060');
    expect(ts).toContain('modparam("msrp_relay", "my_uri", "msrp://127.0.0.1:25060;tcp")');
    expect(ts).not.toMatch(/^\s*auth_route/m); // no credentials asked
    const ka = render('kamailio-msrp.cfg');
    expect(ka).toContain('listen=tcp:127.0.0.1:25060');
    expect(ka).toMatch(/msrp_cmap_save\(\)/);
    expect(ka).toMatch(/msrp_cmap_lookup\(\)/);
    for (const out of [ts, ka]) expect(out).toContain('udp:127.0.0.1:25060');
  });

  it('names a run\'s files after the template', () => {
    const spec = { mode: 'stateful', transport: 'u1' } as PeerSpec;
    expect(configName(spec, 'tsips')).toEqual({ template: 'tsips-stateful.cfg', base: 'tsips-stateful-u1' });
    expect(configName({ ...spec, template: 'trace' }, 'kamailio')).toEqual({ template: 'kamailio-trace.cfg', base: 'kamailio-trace-u1' });
  });

  it('registers the suites and parses the msrp options', () => {
    expect(SUITE_NAMES).toEqual(expect.arrayContaining(['trace', 'msrp', 'parse']));
    const o = parseArgs(['msrp', '--pairs', '2', '--window', '8', '--chunk', '4096'], SUITE_NAMES);
    expect([o.pairs, o.window, o.chunk]).toEqual([2, 8, 4096]);
    expect(parseArgs(['msrp'], SUITE_NAMES).pairs).toBeUndefined();
    expect(() => parseArgs(['msrp', '--pairs', '0'], SUITE_NAMES)).toThrow('positive integer');
  });
});
