import { defineModule, ALL_ROUTES, RouteType, type ScriptContext } from '@tsips/core';

const { REQUEST, FAILURE, BRANCH, ONREPLY, LOCAL } = RouteType;
const EDIT_ROUTES = REQUEST | FAILURE | BRANCH | ONREPLY | LOCAL;

/** "INVITE|BYE" or "INVITE,BYE" -> a set of upper-case method names. */
function methodSet(v: string | number): Set<string> {
  const names = String(v)
    .split(/[|,]/)
    .map((m) => m.trim().toUpperCase())
    .filter(Boolean);
  if (names.length === 0) throw new Error('expects one or more method names, e.g. "INVITE|BYE"');
  return new Set(names);
}

/** A header line to add: the text as given, with a CRLF removed (build() adds line ends). */
function headerLine(text: string): string | undefined {
  const line = text.replace(/\r?\n$/, '');
  return /^[!-9;-~]+\s*:/.test(line) ? line : undefined;
}

function headerName(v: string | number): string {
  const n = String(v).trim();
  if (!/^[!-9;-~]+$/.test(n)) throw new Error(`"${v}" is not a header name`);
  return n;
}

/**
 * sipmsgops: tests on and changes to the SIP message (OpenSIPS sipmsgops). Changes are
 * recorded on the message and applied when it is sent.
 */
export default defineModule({
  name: 'sipmsgops',
  doc: 'SIP message operations',
  params: {},
  cmds: {
    is_method: {
      args: [{ kind: 'str', fixup: methodSet }],
      routes: ALL_ROUTES,
      doc: 'is the request method (reply: CSeq method) one of "A|B|C"',
      run: (ctx: ScriptContext, _st, set: Set<string>) => (set.has(ctx.msg.method.toUpperCase()) ? 1 : -1),
    },
    has_totag: {
      routes: ALL_ROUTES,
      doc: 'does To carry a tag (an in-dialog request)',
      run: (ctx: ScriptContext) => {
        try {
          return ctx.msg.toTag ? 1 : -1;
        } catch {
          return -1;
        }
      },
    },
    append_hf: [
      {
        args: [{ kind: 'str' }],
        routes: EDIT_ROUTES,
        doc: 'append a header line ("Name: value\\r\\n") after the last header',
        run: (ctx: ScriptContext, _st, text: string) => {
          const line = headerLine(text);
          if (!line) return -1;
          ctx.msg.addHeader(line);
          return 1;
        },
      },
    ],
    insert_hf: {
      args: [{ kind: 'str' }],
      routes: EDIT_ROUTES,
      doc: 'insert a header line before the first header',
      run: (ctx: ScriptContext, _st, text: string) => {
        const line = headerLine(text);
        if (!line) return -1;
        ctx.msg.insertHeaderFirst(line);
        return 1;
      },
    },
    remove_hf: {
      args: [{ kind: 'str', fixup: headerName }],
      routes: EDIT_ROUTES,
      doc: 'remove every header of that name; returns how many (-1 if none)',
      run: (ctx: ScriptContext, _st, name: string) => {
        const n = ctx.msg.removeHeader(name);
        return n > 0 ? n : -1;
      },
    },
    is_present_hf: {
      args: [{ kind: 'str', fixup: headerName }],
      routes: ALL_ROUTES,
      run: (ctx: ScriptContext, _st, name: string) => (ctx.msg.hasHeader(name) ? 1 : -1),
    },
    has_body: {
      args: [{ kind: 'str', optional: true }],
      routes: ALL_ROUTES,
      doc: 'is there a body (of the given content type, e.g. "application/sdp")',
      run: (ctx: ScriptContext, _st, type?: string) => {
        if (ctx.msg.body.length === 0) return -1;
        if (type === undefined) return 1;
        const ct = (ctx.msg.header('content-type') ?? '').split(';', 1)[0]!.trim().toLowerCase();
        return ct === type.trim().toLowerCase() ? 1 : -1;
      },
    },
  },
});
