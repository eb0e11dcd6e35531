import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { spawnTracked, stopChild, waitExit } from './children.js';

/**
 * A helper process of the bench (a load client, a collector) driven over stdin/stdout:
 * one command line in, one answer line out. Keeping such work in its own process keeps
 * its CPU out of the bench's timers and makes it measurable on its own (/proc/<pid>).
 */
export class LineChild {
  private readonly early: string[] = [];
  private waiting: ((line: string) => void) | undefined;

  constructor(readonly name: string, readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const w = this.waiting;
      if (w) {
        this.waiting = undefined;
        w(line);
      } else this.early.push(line);
    });
  }

  /** Starts `node <script> args...` (stderr goes to the bench's stderr). */
  static node(name: string, script: string, args: readonly string[]): LineChild {
    return new LineChild(name, spawnTracked(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'inherit'] }));
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} did not start`);
    return this.child.pid;
  }

  /** Sends `cmd` and resolves with the answer line; an "error ..." answer rejects. */
  ask(cmd: string, timeoutMs: number): Promise<string> {
    const queued = this.early.shift();
    if (queued !== undefined) return Promise.reject(new Error(`${this.name}: unexpected output "${queued}"`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.waiting = undefined; reject(new Error(`${this.name}: no answer to "${cmd}" in ${timeoutMs} ms`)); }, timeoutMs);
      this.waiting = (line) => {
        clearTimeout(timer);
        if (line.startsWith('error ')) reject(new Error(`${this.name}: ${line.slice(6)}`));
        else resolve(line);
      };
      this.child.stdin!.write(`${cmd}\n`);
    });
  }

  /** Ends the child: EOF on stdin makes it exit; a signal if it does not. */
  async stop(): Promise<void> {
    this.child.stdin?.end();
    if (!(await waitExit(this.child, 5000))) await stopChild(this.child, 2000);
  }
}

/**
 * The child's side: reads command lines, answers each with what `handle` returns, one at
 * a time; exits when stdin closes (the bench is done or gone).
 */
export function serveLines(handle: (cmd: string, arg: string) => Promise<string> | string, onEnd: () => void = () => undefined): void {
  let queue = Promise.resolve();
  createInterface({ input: process.stdin }).on('line', (line) => {
    queue = queue.then(async () => {
      const t = line.trim();
      if (!t) return;
      const sp = t.indexOf(' ');
      let answer: string;
      try {
        answer = await handle(sp < 0 ? t : t.slice(0, sp), sp < 0 ? '' : t.slice(sp + 1));
      } catch (e) {
        answer = `error ${(e as Error).message.replace(/\n/g, ' ')}`;
      }
      process.stdout.write(`${answer}\n`);
    });
  }).on('close', () => {
    void queue.then(() => { onEnd(); process.exit(0); });
  });
}
