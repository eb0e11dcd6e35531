/**
 * OpenSIPS "payload parts" (hep.md §3): (key, value) pairs that become the payload of a
 * non-SIP HEP packet. JSON mode: a pretty-printed JSON object; HOMER5 mode: the values only,
 * joined by homer5_delim, in insertion order.
 */
export type PayloadParts = readonly (readonly [string, string])[];

export interface PayloadMode {
  homer5: boolean;
  delim: string;
}

export function payloadText(parts: PayloadParts, mode: PayloadMode): string {
  if (mode.homer5) {
    let out = '';
    for (let i = 0; i < parts.length; i++) out += (i ? mode.delim : '') + parts[i]![1];
    return out;
  }
  const obj: Record<string, string> = {};
  for (const [k, v] of parts) obj[k] = v;
  return JSON.stringify(obj, null, '\t');
}
