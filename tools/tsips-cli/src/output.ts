/** How a result is printed: `pretty` (4-space JSON, the default), `json` (one line), `lines`. */
export const OUTPUT_TYPES = ['pretty', 'json', 'lines'] as const;
export type OutputType = (typeof OUTPUT_TYPES)[number];

function scalar(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** opensips-cli's `lines`: `key: value`, nested objects and arrays indented by 4. */
function lines(v: unknown, indent: string, out: string[]): void {
  if (Array.isArray(v)) for (const item of v) lines(item, indent, out);
  else if (typeof v === 'object' && v !== null)
    for (const [k, item] of Object.entries(v)) {
      if (typeof item === 'object' && item !== null) {
        out.push(`${indent}${k}:`);
        lines(item, `${indent}    `, out);
      } else out.push(`${indent}${k}: ${scalar(item)}`);
    }
  else out.push(`${indent}${scalar(v)}`);
}

export function formatResult(result: unknown, type: OutputType): string {
  switch (type) {
    case 'pretty':
      return JSON.stringify(result, null, 4);
    case 'json':
      return JSON.stringify(result);
    case 'lines': {
      const out: string[] = [];
      lines(result, '', out);
      return out.join('\n');
    }
  }
}
