#include "cli/protoc_gen_hubgate/ts_support.h"

namespace hubgate::protoc_gen {

// Kept as TypeScript source, copied verbatim into every generated file: the tests type-check
// it there with `tsc --strict`.
absl::string_view TypeScriptSupport() {
  return R"hubgate_ts(
// ---- Wire conversion: the thin layer between the official client and the declared types
// (docs/typed-hubs.md#typescript-browsers). Received values may come in either protocol's
// form; sent values take the form of the protocol the wrapper was given.

/** The hub protocol the HubConnection was built with (the client does not expose it). */
export type HubProtocolName = "json" | "messagepack";

type WireType =
  | { k: "string" | "number" | "bool" | "bytes" | "date" }
  | { k: "enum"; e: string }
  | { k: "message"; m: string }
  | { k: "list" | "map" | "nullable" | "upload"; of: WireType };

interface WireField {
  ts: string;
  json: string;
  msgpack: string;
  proto: string;
  t: WireType;
}

function defaultOf(t: WireType): unknown {
  switch (t.k) {
    case "string": return "";
    case "number": case "enum": return 0;
    case "bool": return false;
    case "bytes": return new Uint8Array(0);
    case "date": return new Date(-62135596800000);  // C#'s default(DateTime)
    case "list": return [];
    case "map": return {};
    default: return null;
  }
}

function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary);
}

// A value of the wrong shape (not what the contract declares) is an error, not a crash later.
function expectShape(value: unknown, t: WireType): void {
  const isObject = typeof value === "object" && !Array.isArray(value);
  const ok = t.k === "list" ? Array.isArray(value) : t.k === "map" || t.k === "message"
    ? isObject : true;
  if (!ok) {
    throw new TypeError(`expected ${t.k === "list" ? "a list" : "an object"}, got ${
      Array.isArray(value) ? "a list" : typeof value}`);
  }
}

function fromWire(value: unknown, t: WireType): unknown {
  if (value === null || value === undefined) return t.k === "nullable" ? null : defaultOf(t);
  expectShape(value, t);
  switch (t.k) {
    case "bytes": return typeof value === "string" ? base64ToBytes(value) : value;
    case "date": return typeof value === "string" ? new Date(value) : value;
    case "enum": return typeof value === "string" ? (wireEnums[t.e][value] ?? value) : value;
    case "message": {
      const source = value as Record<string, unknown>;
      const result: Record<string, unknown> = {};
      for (const f of wireMessages[t.m]) {
        const raw = f.json in source ? source[f.json]
          : f.msgpack in source ? source[f.msgpack] : source[f.proto];
        result[f.ts] = fromWire(raw, f.t);
      }
      return result;
    }
    case "list": return (value as unknown[]).map((item) => fromWire(item, t.of));
    case "map": {
      const result: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        result[key] = fromWire(item, t.of);
      }
      return result;
    }
    case "nullable": return fromWire(value, t.of);
    default: return value;
  }
}

function toWire(value: unknown, t: WireType, protocol: HubProtocolName): unknown {
  if (value === null || value === undefined) return null;
  switch (t.k) {
    case "bytes": return protocol === "json" ? bytesToBase64(value as Uint8Array) : value;
    case "enum": {
      if (protocol === "json") return value;
      const names = wireEnums[t.e];
      return Object.keys(names).find((name) => names[name] === value) ?? value;
    }
    case "message": {
      const source = value as Record<string, unknown>;
      const result: Record<string, unknown> = {};
      for (const f of wireMessages[t.m]) {
        result[protocol === "json" ? f.json : f.msgpack] = toWire(source[f.ts], f.t, protocol);
      }
      return result;
    }
    case "list": return (value as unknown[]).map((item) => toWire(item, t.of, protocol));
    case "map": {
      const result: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        result[key] = toWire(item, t.of, protocol);
      }
      return result;
    }
    case "nullable": return toWire(value, t.of, protocol);
    case "upload": {
      // The official client streams any argument with subscribe(); each item is converted.
      const items = value as IStreamResult<unknown>;
      return {
        subscribe: (subscriber: IStreamSubscriber<unknown>) => items.subscribe({
          next: (item) => subscriber.next(toWire(item, t.of, protocol)),
          error: (error) => subscriber.error(error),
          complete: () => subscriber.complete(),
        }),
      };
    }
    default: return value;
  }
}

type AnyHandler = (...args: any[]) => unknown;

/** A method's parameters and result (null: void), by wire name. */
type MethodTypes = Record<string, { args: WireType[]; result: WireType | null }>;

/** The untyped core of a generated hub wrapper. */
class TypedHubCore {
  private readonly wrapped = new Map<string, Map<AnyHandler, (...args: unknown[]) => unknown>>();

  constructor(readonly connection: HubConnection, readonly protocol: HubProtocolName,
              private readonly hubMethods: MethodTypes,
              private readonly clientMethods: MethodTypes) {}

  private encode(method: string, values: unknown[]): unknown[] {
    const types = this.hubMethods[method].args;
    return values.map((value, i) => toWire(value, types[i], this.protocol));
  }

  async invoke(method: string, values: unknown[]): Promise<unknown> {
    const value = await this.connection.invoke(method, ...this.encode(method, values));
    const result = this.hubMethods[method].result;
    return result === null ? undefined : fromWire(value, result);
  }

  send(method: string, values: unknown[]): Promise<void> {
    return this.connection.send(method, ...this.encode(method, values));
  }

  stream(method: string, values: unknown[]) {
    const inner = this.connection.stream(method, ...this.encode(method, values));
    const item = this.hubMethods[method].result as WireType;
    return {
      subscribe: (subscriber: IStreamSubscriber<unknown>): ISubscription<unknown> =>
        inner.subscribe({
          next: (value) => subscriber.next(fromWire(value, item)),
          error: (error) => subscriber.error(error),
          complete: () => subscriber.complete(),
        }),
    };
  }

  // Registers `handler` for a client method; the returned function unregisters it. A client
  // result's return value is converted to the protocol's form.
  on(method: string, handler: AnyHandler): () => void {
    const { args: types, result } = this.clientMethods[method];
    const decode = (args: unknown[]) => args.map((arg, i) => fromWire(arg, types[i]));
    const registered = result === null
      ? (...args: unknown[]) => { handler(...decode(args)); }
      : async (...args: unknown[]) => toWire(await handler(...decode(args)), result,
                                             this.protocol);
    let byHandler = this.wrapped.get(method);
    if (byHandler === undefined) {
      byHandler = new Map();
      this.wrapped.set(method, byHandler);
    }
    byHandler.set(handler, registered);
    this.connection.on(method, registered);
    return () => this.off(method, handler);
  }

  off(method: string, handler: AnyHandler): void {
    const registered = this.wrapped.get(method)?.get(handler);
    if (registered !== undefined) {
      this.connection.off(method, registered);
      this.wrapped.get(method)?.delete(handler);
    }
  }
}
)hubgate_ts";
}

}  // namespace hubgate::protoc_gen
