import type { SipMessage, ScriptValue } from '@tsips/core';

/** What a module function accepts from TypeScript: strings, numbers, regexes (pv names for 'var' args). */
export type KsrArg = string | number | RegExp;

/** `ksr.<module>.<function>(...)`: every script function of one module; returns its code. */
export type KsrModuleFunctions = Record<string, (...args: KsrArg[]) => number>;

/** `ksr.pv`: pseudo-variables by name, as in the script (`"$ru"`, `"$avp(x)"`, `"$var(n)"`). */
export interface KsrPv {
  /** the value, or null when unset */
  get(name: string): ScriptValue;
  /** the value, or "" when unset */
  gete(name: string): string | number;
  /** the value, or `dflt` when unset */
  getvs(name: string, dflt: string): string | number;
  /** the value, or `dflt` when unset */
  getvn(name: string, dflt: number): string | number;
  /** assign a string (as the script's `=`) */
  sets(name: string, value: string): void;
  /** assign an integer */
  seti(name: string, value: number): void;
  /** assign null (an AVP is deleted) */
  unset(name: string): void;
  is_null(name: string): boolean;
}

/** `ksr.hdr`: headers of the current message. */
export interface KsrHdr {
  /** the first header of that name as received, or null */
  get(name: string): string | null;
  /** the first header of that name, or "" */
  gete(name: string): string;
  is_present(name: string): boolean;
  /** add `Name: value` (a trailing CRLF is allowed) after the last header: 1, or -1 for a bad line */
  append(line: string): number;
  /** add `Name: value` before the first header */
  insert(line: string): number;
  /** remove every header of that name: 1 when one was removed, else -1 */
  remove(name: string): number;
}

/** `ksr.x`: stop the callback (code after them does not run). */
export interface KsrX {
  /** stop, like the script's `exit` */
  exit(): never;
  /** stop and drop the message, like the script's `drop` (a reply is not relayed) */
  drop(): never;
}

/** Log levels by name (Kamailio KSR.log: "err", "warn", "notice", "info", "dbg"; xlog L_* names) or OpenSIPS number. */
export type KsrLogLevel = 'alert' | 'crit' | 'err' | 'error' | 'warn' | 'notice' | 'info' | 'dbg' | 'debug' | number | `L_${string}`;

/** The members every Ksr has; module namespaces come beside them. */
export interface KsrFixed {
  readonly pv: KsrPv;
  readonly hdr: KsrHdr;
  readonly x: KsrX;
  /** the current SIP message (read it; change it through module functions and ksr.hdr) */
  readonly msg: SipMessage;
  /** is the method (a reply: the CSeq method) one of "INVITE" / "INVITE|BYE" */
  is_method(methods: string): boolean;
  /** run the script's route[name]; its return code (0 after `exit` in it, which also stops this callback's ksr calls) */
  route(name: string): number;
  log(level: KsrLogLevel, text: string): void;
  err(text: string): void;
  warn(text: string): void;
  notice(text: string): void;
  info(text: string): void;
  dbg(text: string): void;
}

/**
 * The object every routing callback gets first (Kamailio's KSR): created once, acting on the
 * message being handled. `ksr.sl.sl_send_reply(200, "OK")`, `ksr.core.forward()`,
 * `ksr.pv.get("$ru")`. A type (not an interface) because an interface cannot combine fixed
 * members with an index signature of another type.
 */
export type Ksr = KsrFixed & { readonly [module: string]: KsrModuleFunctions };

/** The callbacks a routing file exports (any name; these are the defaults' shapes). */
export type RequestCallback = (ksr: Ksr) => unknown;
export type ReplyCallback = (ksr: Ksr) => unknown;
export type EventCallback = (ksr: Ksr, eventName: string) => unknown;
export type SubscribedEventCallback = (ksr: Ksr, eventName: string, params: Record<string, ScriptValue>) => unknown;
