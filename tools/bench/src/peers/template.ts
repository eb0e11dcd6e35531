import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Fills `@@NAME@@` placeholders. Every placeholder in the text must have a value, so a
 * template edit that adds one cannot silently produce a broken config.
 */
export function renderTemplate(text: string, vars: Readonly<Record<string, string>>): string {
  const missing = new Set<string>();
  const out = text.replace(/@@([A-Z0-9_]+)@@/g, (_m, name: string) => {
    const v = vars[name];
    if (v === undefined) {
      missing.add(name);
      return '';
    }
    return v;
  });
  if (missing.size > 0) throw new Error(`config template: no value for ${[...missing].map((m) => `@@${m}@@`).join(', ')}`);
  return out;
}

export function renderTemplateFile(template: string, out: string, vars: Readonly<Record<string, string>>): string {
  writeFileSync(out, renderTemplate(readFileSync(template, 'utf8'), vars));
  return out;
}
