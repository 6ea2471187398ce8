// The generated TypeScript wrapper at run time: a fake HubConnection records what the wrapper
// hands the official client and feeds it each protocol's wire form, and the app must see the
// declared types either way (docs/typed-hubs.md#typescript-browsers).
// Run by check_ts_runtime.sh with HUBGATE_GENERATED_JS pointing at the compiled module.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { EverythingHubConnection, Severity } = require(process.env.HUBGATE_GENERATED_JS);

// Stands in for @microsoft/signalr's HubConnection: records calls, answers with `reply`.
class FakeConnection {
  constructor(reply) {
    this.reply = reply;
    this.calls = [];
    this.handlers = new Map();
  }
  async invoke(method, ...args) {
    this.calls.push({ kind: "invoke", method, args });
    return this.reply;
  }
  async send(method, ...args) {
    this.calls.push({ kind: "send", method, args });
  }
  stream(method, ...args) {
    this.calls.push({ kind: "stream", method, args });
    const items = this.reply;
    return {
      subscribe(subscriber) {
        for (const item of items) subscriber.next(item);
        subscriber.complete();
        return { dispose() {} };
      },
    };
  }
  on(method, handler) {
    this.handlers.set(method, [...(this.handlers.get(method) ?? []), handler]);
  }
  off(method, handler) {
    this.handlers.set(method, (this.handlers.get(method) ?? []).filter((h) => h !== handler));
  }
  // What the official client does when the server invokes `method`.
  async deliver(method, ...args) {
    const results = [];
    for (const handler of this.handlers.get(method) ?? []) results.push(await handler(...args));
    return results;
  }
}

const at = new Date("2024-05-01T12:00:00.500Z");
const address = { street: "Main", houseNumber: 4 };
const everything = {
  flag: true, small: -1, big: 2 ** 40, count: 3, huge: 4, ratio: 0.5, precise: 0.25,
  text: "t", blob: new Uint8Array([0, 255]), at, severity: Severity.HighRisk, address,
  maybeSmall: null, maybeText: "x", tags: ["a"], addresses: [address],
  counters: { beds: 7 }, addressesByName: { home: address }, severities: [Severity.Low],
  signedBig: -5, fixedBig: 6, ward: "4B", tree: { label: "root", children: [] },
};

test("JSON: DTOs go out as ASP.NET's JSON form and come back as the declared types", async () => {
  const connection = new FakeConnection({
    flag: true, blob: "AP8=", at: "2024-05-01T12:00:00.5Z", severity: 2,
    address: { street: "Main", houseNumber: 4 }, addressesByName: { home: { street: "Elm" } },
    counters: { beds: 7 }, ward: "4B",
  });
  const hub = new EverythingHubConnection(connection, "json");

  const echoed = await hub.invoke.Echo(everything);

  const sent = connection.calls[0].args[0];
  assert.equal(connection.calls[0].method, "Echo");
  assert.equal(sent.blob, "AP8=");  // byte[] is base64 in JSON
  assert.equal(sent.severity, 2);  // enums are numbers in JSON
  assert.equal(sent.houseNumber, undefined);
  assert.deepEqual(sent.address, { street: "Main", houseNumber: 4 });  // camelCase
  assert.equal(JSON.stringify(sent.at), JSON.stringify(at));  // a Date, written as ISO text

  assert.deepEqual(echoed.blob, new Uint8Array([0, 255]));
  assert.ok(echoed.at instanceof Date);
  assert.equal(echoed.at.getTime(), at.getTime());
  assert.equal(echoed.severity, Severity.HighRisk);
  assert.equal(echoed.addressesByName.home.street, "Elm");
  assert.equal(echoed.addressesByName.home.houseNumber, 0);  // missing: the C# default
  assert.deepEqual(echoed.tags, []);
  assert.equal(echoed.maybeSmall, null);
  assert.equal(echoed.ward, "4B");
});

test("MessagePack: DTOs go out as ASP.NET's MessagePack form and come back declared", async () => {
  const connection = new FakeConnection({
    Flag: true, Blob: new Uint8Array([1]), At: at, Severity: "Low", Address: null,
    Tags: ["x"], Severities: ["HighRisk", 0], ward: "4B",
  });
  const hub = new EverythingHubConnection(connection, "messagepack");

  const echoed = await hub.invoke.Echo(everything);

  const sent = connection.calls[0].args[0];
  assert.ok(sent.Blob instanceof Uint8Array);  // bin
  assert.equal(sent.Severity, "HighRisk");  // enums are member names in MessagePack
  assert.deepEqual(sent.Address, { Street: "Main", HouseNumber: 4 });  // PascalCase
  assert.deepEqual(sent.Severities, ["Low"]);
  assert.equal(sent.ward, "4B");  // an explicit json_name is kept in both protocols
  assert.equal(sent.At, at);  // ext -1 timestamp

  assert.equal(echoed.flag, true);
  assert.deepEqual(echoed.blob, new Uint8Array([1]));
  assert.equal(echoed.at, at);
  assert.equal(echoed.severity, Severity.Low);
  assert.equal(echoed.address, null);
  assert.deepEqual(echoed.tags, ["x"]);
  assert.deepEqual(echoed.severities, [Severity.HighRisk, Severity.Unspecified]);
});

test("a gateway forwarding generated C++ output to MessagePack clients is read too", async () => {
  // Today the gateway sends camelCase keys and enum numbers to MessagePack clients as well.
  const hub = new EverythingHubConnection(
      new FakeConnection({ severity: 1, blob: new Uint8Array([2]), at }), "messagepack");
  const echoed = await hub.invoke.Echo(everything);
  assert.equal(echoed.severity, Severity.Low);
  assert.deepEqual(echoed.blob, new Uint8Array([2]));
});

test("scalar parameters, bare results and void", async () => {
  const connection = new FakeConnection(7);
  const hub = new EverythingHubConnection(connection, "json");
  assert.equal(await hub.invoke.CountComments(), 7);
  assert.equal(await hub.invoke.SendComment(42, "hi"), undefined);
  await hub.send.SendComment(43, "there");
  assert.deepEqual(connection.calls.slice(1).map((c) => [c.kind, c.method, c.args]), [
    ["invoke", "SendComment", [42, "hi"]],
    ["send", "SendComment", [43, "there"]],
  ]);
  connection.reply = ["a", "b"];
  assert.deepEqual(
      await hub.invoke.CheckProbe(null, at, new Uint8Array([104, 105]), Severity.Low, null, [1]),
      ["a", "b"]);
  assert.deepEqual(connection.calls[3].args, [null, at, "aGk=", 1, null, [1]]);
  // A result of the wrong shape is a clear error.
  connection.reply = 7;
  await assert.rejects(hub.invoke.CheckProbe(null, at, new Uint8Array(), 0, null, []),
                       { name: "TypeError", message: "expected a list, got number" });
});

test("stream items arrive as the declared type", async () => {
  const hub = new EverythingHubConnection(
      new FakeConnection([{ value: 1.5, at: "2024-05-01T12:00:00Z" }, { Value: 2, At: at }]),
      "json");
  const items = [];
  await new Promise((resolve, reject) => {
    hub.stream.StreamReadings("p-1", 2).subscribe({
      next: (item) => items.push(item), error: reject, complete: resolve,
    });
  });
  assert.equal(items.length, 2);
  assert.ok(items[0].at instanceof Date);
  assert.equal(items[1].value, 2);
  assert.equal(items[1].at, at);
});

test("client methods: handlers get declared types and can be removed", async () => {
  const connection = new FakeConnection(null);
  const hub = new EverythingHubConnection(connection, "messagepack");
  const received = [];
  const handler = (dto) => received.push(dto);
  hub.on.EverythingChanged(handler);
  await connection.deliver("EverythingChanged", { Blob: new Uint8Array([9]), Severity: "Low" });
  assert.deepEqual(received[0].blob, new Uint8Array([9]));
  assert.equal(received[0].severity, Severity.Low);

  hub.off.EverythingChanged(handler);
  await connection.deliver("EverythingChanged", {});
  assert.equal(received.length, 1);

  const stop = hub.on.CommentAdded((postId, content) => received.push([postId, content]));
  await connection.deliver("CommentAdded", 5, "five");
  stop();
  await connection.deliver("CommentAdded", 6, "six");
  assert.deepEqual(received.slice(1), [[5, "five"]]);
});

test("upload stream items are sent in the protocol's form", async () => {
  const connection = new FakeConnection(2);
  const hub = new EverythingHubConnection(connection, "messagepack");
  const readings = { subscribe: (s) => { s.next({ value: 1, at }); s.complete(); } };
  const notes = { subscribe: (s) => { s.next({ street: "Elm", houseNumber: 1 }); s.complete(); } };
  assert.equal(await hub.invoke.RecordReadings(readings, "p-1", notes), 2);
  const [sentReadings, patient, sentNotes] = connection.calls[0].args;
  assert.equal(patient, "p-1");
  const items = [];
  sentReadings.subscribe({ next: (v) => items.push(v), error: assert.fail, complete: () => {} });
  sentNotes.subscribe({ next: (v) => items.push(v), error: assert.fail, complete: () => {} });
  assert.deepEqual(items, [{ Value: 1, At: at }, { Street: "Elm", HouseNumber: 1 }]);
});

test("client results are answered in the protocol's form", async () => {
  const connection = new FakeConnection(null);
  const hub = new EverythingHubConnection(connection, "messagepack");
  hub.handle.AskConsent(async (question) => ({ accepted: question.question === "ok?" }));
  assert.deepEqual(await connection.deliver("AskConsent", { Question: "ok?" }),
                   [{ Accepted: true }]);
  hub.handle.CountTabs(() => 3);
  assert.deepEqual(await connection.deliver("CountTabs"), [3]);
});
