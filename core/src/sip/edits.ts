/**
 * Recorded changes to a received message. Every call is appended to an operation log and
 * applied to a small state (removed lines, values cut from the front of a line, added
 * lines ...); build() renders that state over the received bytes. changeMark()/revertTo()
 * truncate the log and replay it, which is how per-branch changes are undone.
 */
import type { BuildOptions } from './build.js';
import { bytesOf } from './chars.js';
import { H_VIA, type NameMatch, matchLine, matcherFor, matcherOf, signature } from './headers.js';
import { listRanges, splitList } from './lists.js';
import type { SipMessage } from './message.js';
import { STRIDE } from './scan.js';

const RURI = 0;
const ADD = 1;
const FIRST = 2;
const RM = 3;
const RMV = 4;
const VIA_PARAM = 5;
const BODY = 6;
const FIRST_DEFERRED = 7;

/**
 * Writes a header line (or several, CRLF-separated; '' for none) when the message is built,
 * from that build's options: what depends on the outgoing socket (double Record-Route) is
 * only known then, and differs per branch. `opts.via` is our Via, naming that socket.
 */
export type LineRenderer = (opts: BuildOptions | undefined) => string;

interface Op {
  kind: number;
  a: string;
  b: string | undefined;
  body: Buffer | undefined;
  render?: LineRenderer;
}

/** A header line added by the script: its text (no line end) and its name in lower case. */
interface AddedLine {
  text: string;
  lname: string;
  /** lname as bytes, to match it like a received header */
  lbytes: Buffer;
  /** a line written at build time (text is unused) */
  render?: LineRenderer;
}

function line(text: string, lname: string): AddedLine {
  return { text, lname, lbytes: bytesOf(lname) };
}

function addedLine(text: string): AddedLine {
  let end = text.length;
  while (end > 0 && (text.charCodeAt(end - 1) === 10 || text.charCodeAt(end - 1) === 13)) end--;
  const t = text.slice(0, end);
  const colon = t.indexOf(':');
  if (colon <= 0) throw new Error(`header line "${t}" is not "Name: value"`);
  const name = t.slice(0, colon).trim();
  return line(t, name.toLowerCase());
}

export class Edits {
  private readonly ops: Op[] = [];
  ruri: string | undefined = undefined;
  /** table indexes (see scan.ts) of received header lines that are removed */
  readonly gone = new Set<number>();
  /** table index → number of values removed from the front of that line */
  readonly skip = new Map<number, number>();
  /** lines placed before the first received header, topmost first */
  readonly top: AddedLine[] = [];
  /** lines appended after the last received header */
  readonly tail: AddedLine[] = [];
  /** parameters to set on the top Via value */
  readonly viaParams: Array<[string, string | undefined]> = [];
  body: Buffer | undefined = undefined;

  constructor(private readonly msg: SipMessage) {}

  mark(): number {
    return this.ops.length;
  }

  revertTo(mark: number): void {
    if (mark >= this.ops.length) return;
    this.ops.length = Math.max(0, mark);
    this.ruri = undefined;
    this.gone.clear();
    this.skip.clear();
    this.top.length = 0;
    this.tail.length = 0;
    this.viaParams.length = 0;
    this.body = undefined;
    for (const op of this.ops) this.apply(op);
  }

  setRuri(uri: string): void { this.record(RURI, uri); }
  addHeader(line: string): void { this.record(ADD, line); }
  insertHeaderFirst(line: string): void { this.record(FIRST, line); }
  /** Like insertHeaderFirst, the line being rendered at build time (see LineRenderer). */
  insertHeaderFirstDeferred(name: string, render: LineRenderer): void { this.record(FIRST_DEFERRED, name, undefined, undefined, render); }
  removeHeader(name: string): number { return this.record(RM, name); }
  removeFirstValue(name: string): boolean { return this.record(RMV, name) > 0; }
  addViaParam(name: string, value?: string): void { this.record(VIA_PARAM, name, value); }

  setBody(body: Buffer | string, contentType?: string): void {
    this.record(BODY, '', contentType, typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
  }

  /** The first received Via line still present (table index), or -1. */
  topViaLine(): number {
    const via = matcherOf(H_VIA);
    const n = this.msg._count();
    for (let k = 0; k < n; k += STRIDE) if (!this.gone.has(k) && this.msg._is(k, via)) return k;
    return -1;
  }

  private record(kind: number, a: string, b?: string, body?: Buffer, render?: LineRenderer): number {
    const op: Op = { kind, a, b, body, render };
    const r = this.apply(op);
    this.ops.push(op);
    return r;
  }

  private apply(op: Op): number {
    switch (op.kind) {
      case RURI: this.ruri = op.a; return 0;
      case ADD: this.tail.push(addedLine(op.a)); return 0;
      case FIRST: this.top.unshift(addedLine(op.a)); return 0;
      case FIRST_DEFERRED: this.top.unshift({ ...line('', op.a.toLowerCase()), render: op.render }); return 0;
      case RM: return this.remove(op.a);
      case RMV: return this.removeFirst(op.a) ? 1 : 0;
      case VIA_PARAM: this.viaParams.push([op.a, op.b]); return 0;
      default:
        this.body = op.body;
        if (op.b !== undefined) {
          this.remove('Content-Type');
          this.tail.push(line(`Content-Type: ${op.b}`, 'content-type'));
        } else if (op.body!.length === 0) {
          this.remove('Content-Type');
        }
        return 0;
    }
  }

  private remove(name: string): number {
    const m = matcherFor(name);
    let n = 0;
    const slots = this.msg._count();
    for (let k = 0; k < slots; k += STRIDE) {
      if (!this.gone.has(k) && this.msg._is(k, m)) {
        this.gone.add(k);
        this.skip.delete(k);
        n++;
      }
    }
    return n + dropMatching(this.top, m) + dropMatching(this.tail, m);
  }

  private removeFirst(name: string): boolean {
    const m = matcherFor(name);
    if (cutFirstValue(this.top, m)) return true;
    const h = this.msg._h;
    const n = this.msg._count();
    for (let k = 0; k < n; k += STRIDE) {
      if (this.gone.has(k) || !this.msg._is(k, m)) continue;
      const values = listRanges(this.msg.buf, h[k + 2]!, h[k + 3]!).length >> 1;
      const cut = (this.skip.get(k) ?? 0) + 1;
      if (cut >= values) {
        this.gone.add(k);
        this.skip.delete(k);
      } else {
        this.skip.set(k, cut);
      }
      return true;
    }
    return cutFirstValue(this.tail, m);
  }
}

/** Added lines are matched through the same matcher as received ones (compact forms too). */
function matches(line: AddedLine, m: NameMatch): boolean {
  return matchLine(line.lbytes, signature(line.lbytes, 0, line.lbytes.length), 0, m);
}

function dropMatching(lines: AddedLine[], m: NameMatch): number {
  let n = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (matches(lines[i]!, m)) {
      lines.splice(i, 1);
      n++;
    }
  }
  return n;
}

function cutFirstValue(lines: AddedLine[], m: NameMatch): boolean {
  const i = lines.findIndex((l) => matches(l, m));
  if (i < 0) return false;
  const line = lines[i]!;
  const colon = line.text.indexOf(':');
  const values = splitList(line.text.slice(colon + 1));
  // a deferred line has no values yet: it goes as a whole
  if (values.length <= 1 || line.render) lines.splice(i, 1);
  else line.text = `${line.text.slice(0, colon)}: ${values.slice(1).join(', ')}`;
  return true;
}
