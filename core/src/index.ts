/**
 * @tsips/core — the public face for module authors and embedders: the module contract,
 * typed params, DI tokens, hook bus, SIP message API, transport types, script runtime types,
 * the server and a test harness.
 */
import 'reflect-metadata';

export { defineModule, isModuleDefinition } from './module/define.js';
export type { ModuleDefinition, ModuleContext, ModuleDep, CmdSpec, PvSpec, ArgSpec, ArgKind, PvRef } from './module/define.js';
export { int, str, bool, oneOf, coerceParam } from './module/params.js';
export type { ParamSpec, ParamValues, ParamValue, IntParamSpec, StrParamSpec, BoolParamSpec, EnumParamSpec } from './module/params.js';

export * from './container.js';
export { HookBus, type TraceEvent } from './hooks.js';
export type { Tracer, TraceDestination, ConnTraceEvent, ConnTraceStatus } from './trace.js';
export { connTraceParams, connTraceMi, setupConnTrace, ConnTraceControl, ConnTraceEmitter, type ConnTrace, type ConnTraceOwner } from './conn-trace.js';
export { TsipsError, ConfigErrors, formatLocation, type SourceLocation } from './errors.js';
export { StatsRegistry, Stat, type StatSpec } from './stats/registry.js';
export { MiError, type MiCommandSpec, type MiRecipe, type MiParams } from './mi/types.js';
export { MI_PARSE_ERROR, MI_INVALID_REQUEST, MI_METHOD_NOT_FOUND, MI_INVALID_PARAMS, MI_SERVER_ERROR } from './mi/types.js';
export { MiRegistry, type MiResponse, type MiErrorObject, type JsonRpcId, type MiHttpReply } from './mi/registry.js';
export { miInt, miStr, miArray } from './mi/params.js';
export { registerCoreMi, type CoreMiDeps } from './mi/core-commands.js';
export { EventBus, type EventParams, type EventSubscriber } from './events/bus.js';
export { Timers } from './timer.js';
export { createLogger, silentLogger, XLOG_LEVELS, type Logger } from './log.js';

export * from './sip/index.js';
export type { Listener, ReceiveInfo, Destination, SendData, SendResult, ProtoName } from './net/types.js';
export type { ProtoHandler, MessageSink, FramerHost, StreamFramer, DatagramEndpoint, DatagramOptions } from './net/proto.js';
export { StreamFramerBase, EMPTY_BUFFER } from './net/framer-base.js';
export { ConnState, type TcpProfile, type ProfileQuery, type CloseReason, type CloseKind, type TcpConnInfo, type StreamProtoOptions, type KeepaliveSettings } from './net/tcp/types.js';
export { Transports, type TransportsDeps } from './net/transports.js';
export { TcpManager, DEFAULT_STREAM_OPTIONS, type TcpManagerDeps, type ViaAliasResult } from './net/tcp/manager.js';
export { udpProto, bindUdpSocket } from './net/udp.js';

export { ScriptContext, Flow, type Branch, type AvpStore } from './script/context.js';
export { RouteType, ALL_ROUTES, routeTypeName, routeMaskNames } from './script/route-type.js';
export { isTruthy, toInt, toStr, type ScriptValue } from './script/values.js';
export { ScriptEngine } from './script/engine.js';
export { FlagNames } from './script/flags.js';
export type { ScriptSymbols } from './script/symbols.js';
export { pvAccessor, type PvAccessor } from './script/pv-accessor.js';

export { SipCore } from './sip-core.js';
export { replyDestination, nextViaDestination } from './routing/replies.js';
export { forwardStateless } from './routing/forward.js';
export { targetOf, targetOfUri, resolveTarget, type Target } from './routing/destination.js';
export { pickListener, advertisedHostPort, viaValue } from './routing/outbound.js';
export { fnv1a } from './routing/hash.js';
export { dummyContext, connReceiveInfo } from './lifecycle/dummy.js';

export type { CoreConfig, GlobalParams } from './config/globals.js';
export { TsipsServer, type ServerOptions } from './server.js';
export { VERSION } from './version.js';
export { createTestServer, sipRequest, firstLine, waitFor, recorder, type TestServer, type SentMessage } from './testing.js';
