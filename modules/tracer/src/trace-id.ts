import { TsipsError, type SipMessage, type TraceDestination, type Tracer } from '@tsips/core';

/** One `trace_id` modparam: a name the script uses and the proto_hep `hep_id` it sends to. */
export class TraceTarget {
  /** the proto_hep destination, looked up once at start-up (childInit) */
  dst: TraceDestination | null = null;
  /** generation of the last outgoing message sent here (capture.ts: one copy per message) */
  outGen = 0;
  /** the last received message sent here (the same message is traced once per target) */
  lastIn: SipMessage | null = null;

  constructor(
    readonly name: string,
    readonly hepId: string,
  ) {}
}

// "[name]uri=hep:hep_id" (OpenSIPS) or "[name]hep:hep_id"; blanks allowed around the parts
const TRACE_ID_RE = /^\s*\[([^\]\s]+)\]\s*(?:uri\s*=\s*)?([a-z][a-z0-9+.-]*):\s*([^\s;]+)\s*;?\s*$/i;

/** Parse one trace_id value; returns the definition or why it is wrong. */
export function parseTraceId(raw: string): { name: string; hepId: string } | { error: string } {
  const m = TRACE_ID_RE.exec(raw);
  if (!m) return { error: `bad trace_id "${raw}": expected "[name]uri=hep:<hep_id>"` };
  if (m[2]!.toLowerCase() !== 'hep')
    return { error: `trace_id "[${m[1]}]": only hep: destinations are supported, got "${m[2]}:" (database and other tracing backends are not)` };
  return { name: m[1]!, hepId: m[3]! };
}

/** The `validate` of the trace_id param: syntax is checked per modparam line. */
export function validateTraceId(raw: string): string | undefined {
  const r = parseTraceId(raw);
  return 'error' in r ? r.error : undefined;
}

/** Build the targets of every trace_id line; a name defined twice is a start-up error. */
export function buildTargets(values: readonly string[]): Map<string, TraceTarget> {
  const out = new Map<string, TraceTarget>();
  for (const raw of values) {
    const r = parseTraceId(raw);
    if ('error' in r) throw new TsipsError('TRACER_ERR_TRACE_ID', r.error, { hint: 'write modparam("tracer", "trace_id", "[name]uri=hep:<hep_id>")' });
    if (out.has(r.name))
      throw new TsipsError('TRACER_ERR_TRACE_ID', `trace_id "[${r.name}]" is defined twice`, { hint: 'give every trace_id its own name' });
    out.set(r.name, new TraceTarget(r.name, r.hepId));
  }
  return out;
}

/**
 * Bind every target to its proto_hep destination (after every module's init). A missing
 * tracer service or an unknown hep_id stops start-up before any socket opens.
 */
export function bindTargets(targets: ReadonlyMap<string, TraceTarget>, tracer: Tracer | undefined): void {
  if (targets.size === 0) return;
  if (!tracer)
    throw new TsipsError('TRACER_ERR_NO_HEP', 'no HEP tracing service is registered (TRACER): trace_id needs proto_hep', {
      hint: 'loadmodule "proto_hep" and define the destination with modparam("proto_hep", "hep_id", ...)',
    });
  for (const t of targets.values()) {
    const dst = tracer.destination(t.hepId);
    if (!dst)
      throw new TsipsError('TRACER_ERR_UNKNOWN_HEP_ID', `trace_id "[${t.name}]" sends to hep_id "${t.hepId}", which proto_hep does not define`, {
        hint: `add modparam("proto_hep", "hep_id", "[${t.hepId}] host:port") or fix the name`,
      });
    t.dst = dst;
  }
}
