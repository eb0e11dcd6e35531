import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PEERS_DIR } from '../src/paths.js';
import { renderTemplate } from '../src/peers/template.js';
import { uasUri, type PeerSpec } from '../src/peers/types.js';

const VARS = { IP: '127.0.0.1', PORT: '25060', UAS_URI: 'sip:127.0.0.1:25080;transport=udp', MPATH: '/usr/lib/kamailio/modules' };

describe('proxy config templates', () => {
  it('fills placeholders and refuses a missing value', () => {
    expect(renderTemplate('listen=udp:@@IP@@:@@PORT@@', VARS)).toBe('listen=udp:127.0.0.1:25060');
    expect(() => renderTemplate('a @@IP@@ @@NOPE@@ @@NOPE@@', VARS)).toThrow('no value for @@NOPE@@');
  });

  it.each(readdirSync(PEERS_DIR).filter((f) => /-(stateless|stateful)\.cfg$/.test(f)))('%s renders completely and relays in-dialog requests to the uas', (file) => {
    const out = renderTemplate(readFileSync(join(PEERS_DIR, file), 'utf8'), VARS);
    expect(out).not.toMatch(/@@[A-Z_]+@@/);
    expect(out).toContain('127.0.0.1:25060');
    expect(out).toMatch(/uri == myself/);
    expect(out).toContain('$du = "sip:127.0.0.1:25080;transport=udp"');
    expect(out).toMatch(file.includes('stateful') ? /t_relay\(\)/ : /forward\(\)/);
    expect(out).toMatch(file.startsWith('tsips') ? /udp_rcvbuf=4194304/ : /maxbuffer=4194304/);
  });

  it('points the uas URI at the transport of the step', () => {
    const spec = { transport: 'tn', uas: { ip: '127.0.0.1', port: 25080 } } as PeerSpec;
    expect(uasUri(spec)).toBe('sip:127.0.0.1:25080;transport=tcp');
    expect(uasUri({ ...spec, transport: 'u1' })).toBe('sip:127.0.0.1:25080;transport=udp');
  });
});
