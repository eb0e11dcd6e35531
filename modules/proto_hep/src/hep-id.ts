/**
 * `hep_id` destinations (hep.md §3): `[name] host[:port] [; transport=udp|tcp|tls] [; version=1|2|3]`.
 * Spaces are allowed around every part, keys come in any order, a trailing ';' is optional.
 * Defaults: version 3, transport tcp, port 9060 (HEP_PORT; hep_port is for listeners only).
 */
export interface HepIdSpec {
  name: string;
  host: string;
  port: number;
  /** as written; the sender falls back to udp for version < 3 */
  transport: 'udp' | 'tcp';
  version: 1 | 2 | 3;
}

export const HEP_ID_DEFAULT_PORT = 9060;

const NAME_RE = /^[A-Za-z0-9_.-]+$/;
const HOST_RE = /^[A-Za-z0-9_.-]+$/;

/** Parse one hep_id value: the spec, or a message that says what is wrong. */
export function parseHepId(text: string): HepIdSpec | string {
  const s = text.trim();
  if (!s.startsWith('[')) return 'must start with the destination name in square brackets: "[name] host[:port]"';
  const close = s.indexOf(']');
  if (close < 0) return 'missing "]" after the destination name';
  const name = s.slice(1, close).trim();
  if (!name) return 'empty destination name in "[]"';
  if (!NAME_RE.test(name)) return `bad destination name "${name}" (letters, digits, "_", "-", "." only)`;
  const [addr = '', ...opts] = s.slice(close + 1).split(';');
  const hp = parseHostPort(addr.trim());
  if (typeof hp === 'string') return hp;
  const spec: HepIdSpec = { name, host: hp.host, port: hp.port, transport: 'tcp', version: 3 };
  const seen = new Set<string>();
  for (const raw of opts) {
    const opt = raw.trim();
    if (!opt) continue; // "a;;b" and the trailing ';'
    const eq = opt.indexOf('=');
    if (eq < 0) return `option "${opt}" is not key=value`;
    const key = opt.slice(0, eq).trim().toLowerCase();
    const val = opt.slice(eq + 1).trim().toLowerCase();
    if (seen.has(key)) return `option "${key}" given twice`;
    seen.add(key);
    if (key === 'transport') {
      if (val === 'tls') return 'transport=tls is not supported (no hep_tls in this server); use udp or tcp';
      if (val !== 'udp' && val !== 'tcp') return `bad transport "${val}" (udp or tcp)`;
      spec.transport = val;
    } else if (key === 'version') {
      if (val !== '1' && val !== '2' && val !== '3') return `bad version "${val}" (1, 2 or 3)`;
      spec.version = Number(val) as 1 | 2 | 3;
    } else return `unknown option "${key}" (transport, version)`;
  }
  return spec;
}

function parseHostPort(s: string): { host: string; port: number } | string {
  if (!s) return 'missing host after the destination name';
  let host: string;
  let rest: string;
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) return `unterminated IPv6 address "${s}"`;
    host = s.slice(1, end);
    rest = s.slice(end + 1);
    if (!host.includes(':')) return `"${host}" in brackets is not an IPv6 address`;
  } else {
    const colon = s.indexOf(':');
    if (colon >= 0 && s.indexOf(':', colon + 1) >= 0) return `IPv6 address "${s}" must be in brackets: [addr]:port`;
    host = colon < 0 ? s : s.slice(0, colon);
    rest = colon < 0 ? '' : s.slice(colon);
    if (!HOST_RE.test(host)) return `bad host "${host}"`;
  }
  if (rest === '') return { host, port: HEP_ID_DEFAULT_PORT };
  const m = /^:\s*(\d{1,5})$/.exec(rest.trim());
  const port = m ? Number(m[1]) : NaN;
  if (!(port >= 1 && port <= 65535)) return `bad port "${rest.slice(1)}" (1..65535)`;
  return { host, port };
}

/** Parse every hep_id line; duplicate names are an error (the loader checked each line already). */
export function parseHepIds(lines: readonly string[]): HepIdSpec[] | string {
  const out: HepIdSpec[] = [];
  for (const line of lines) {
    const r = parseHepId(line);
    if (typeof r === 'string') return `hep_id "${line}": ${r}`;
    if (out.some((d) => d.name === r.name)) return `hep_id "${line}": destination name "${r.name}" is defined twice`;
    out.push(r);
  }
  return out;
}
