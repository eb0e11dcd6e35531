import type { CmdSpec } from '@tsips/core';
import { parseHepIds } from './hep-id.js';
import type { ProtoHepState } from './state.js';

const TYPES = ['REQUEST', 'FAILURE', 'ONREPLY', 'BRANCH', 'LOCAL'] as const;

/** A correlation type, upper-cased; throws (compile-time error for a literal) otherwise. */
function correlationType(v: string | number): string {
  const t = String(v).trim().toUpperCase();
  if (!(TYPES as readonly string[]).includes(t)) throw new Error(`unknown correlation type "${v}" (${TYPES.join(', ')})`);
  return t;
}

/**
 * The hep_id argument: with the module's params at hand (a literal at compile time), it must
 * name a configured HEPv3 destination; the run-time check covers the rest.
 */
function hepIdArg(v: string | number, params?: Readonly<Record<string, unknown>>): string {
  const name = String(v).trim();
  const lines = params?.hep_id;
  if (!Array.isArray(lines)) return name;
  const specs = parseHepIds(lines as string[]);
  if (typeof specs === 'string') return name; // reported by the modparam check
  const d = specs.find((s) => s.name === name);
  if (!d) throw new Error(`no hep_id named "${name}" (defined: ${specs.map((s) => s.name).join(', ') || 'none'})`);
  if (d.version !== 3) throw new Error(`hep_id "${name}" is HEPv${d.version}: correlate() needs a version 3 destination`);
  return name;
}

/**
 * `correlate(hep_id, type1, corr1, type2, corr2)`: tell the collector that two correlation ids
 * belong together, with a HEPv3 "control" packet (hep.md §3). 1 sent, -1 error (unknown or
 * v1/v2 destination, equal types).
 */
export const correlate: CmdSpec<ProtoHepState> = {
  doc: 'send a HEPv3 control packet correlating two ids; types REQUEST|FAILURE|ONREPLY|BRANCH|LOCAL must differ',
  args: [
    { kind: 'str', fixup: hepIdArg },
    { kind: 'str', fixup: correlationType },
    { kind: 'str' },
    { kind: 'str', fixup: correlationType },
    { kind: 'str' },
  ],
  run(_ctx, st, id: string, type1: string, corr1: string, type2: string, corr2: string): number {
    const d = st.dests.get(id);
    if (!d || d.version !== 3) {
      st.log.warn({ hep_id: id }, d ? 'correlate(): the destination is not HEPv3' : 'correlate(): no such hep_id');
      return -1;
    }
    if (type1 === type2) {
      st.log.warn({ type: type1 }, 'correlate(): the two correlation types must differ');
      return -1;
    }
    st.tracer.control(d, [
      [type1.toLowerCase(), corr1],
      [type2.toLowerCase(), corr2],
    ]);
    return 1;
  },
};
