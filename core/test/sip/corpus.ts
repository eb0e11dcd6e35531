/**
 * The RFC 4475 torture messages. /work/shared sits next to the repository root, so the
 * corpus is found as <repo>/../shared/testdata/rfc4475 wherever the repository is cloned.
 */
import { readFileSync } from 'node:fs';

export const CORPUS_DIR = new URL('../../../../shared/testdata/rfc4475/', import.meta.url);

export interface CorpusEntry {
  file: string;
  section: string;
  verdict: 'valid' | 'invalid' | 'transaction' | 'application';
  category: string;
  message: 'request' | 'response';
  method?: string;
  status?: string;
  responses: number[];
  drop: boolean;
  liberal_ok: boolean;
  size: number;
  content_length: string[];
  body_length: number | null;
}

export const corpus: CorpusEntry[] = JSON.parse(readFileSync(new URL('index.json', CORPUS_DIR), 'utf8'));

export function corpusBytes(file: string): Buffer {
  return readFileSync(new URL(file, CORPUS_DIR));
}
