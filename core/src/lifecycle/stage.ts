import { TsipsError } from '../errors.js';

/**
 * Run one lifecycle step with a deadline; a step that hangs fails start-up (or shutdown) with
 * an error naming it, instead of hanging the process.
 */
export async function stage<T>(what: string, ms: number, fn: () => T | Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TsipsError('TSIPS_ERR_STAGE_TIMEOUT', `${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([Promise.resolve().then(fn), timeout]);
  } catch (err) {
    if (err instanceof TsipsError) throw err;
    throw new TsipsError('TSIPS_ERR_STAGE', `${what} failed: ${(err as Error).message ?? String(err)}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}
