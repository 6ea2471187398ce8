'use strict';
// The value mapping between the Push API's Value model, JSON and MessagePack (docs/push-api.md,
// "Values on the wire"), checked on the client side for both protocols: binary, timestamps,
// 64-bit integers and nested maps, through a push and through a hub method round trip.

const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const { test } = require('./lib/gateway');
const { startGatewayWithTestBackend } = require('./lib/test_backend');
const { connect, stopAll, waitFor } = require('./lib/clients');

let backend;
let gw;
const conns = {};

before(async () => {
  ({ backend, gw } = await startGatewayWithTestBackend({ hubs: [{ name: 'values' }] }));
  conns.json = await connect(gw.hubUrl('/hubs/values'), { protocol: 'json' });
  conns.messagepack = await connect(gw.hubUrl('/hubs/values'), { protocol: 'messagepack' });
});

after(async () => {
  await stopAll(Object.values(conns));
  if (gw) await gw.stop();
  if (backend) await backend.stop();
});

const TYPED = [
  { intValue: '-9007199254740991' }, // -(2^53 - 1): exact in JS
  { intValue: '9223372036854775807' }, // int64 max: a JS number, rounded (as in .NET's clients)
  { uintValue: '4294967296' },
  { doubleValue: 0.1 },
  { binaryValue: Buffer.from([0, 1, 254, 255]) },
  { timestampValue: { seconds: '1700000000', nanos: 123000000 } },
  {
    mapValue: {
      fields: {
        nested: { mapValue: { fields: { list: { listValue: { values: [{ boolValue: false }, { nullValue: 'NULL_VALUE' }] } } } } },
        text: { stringValue: 'ünïcødé ✓' },
      },
    },
  },
];

function checkTyped(args, protocol) {
  assert.equal(args.length, TYPED.length);
  assert.equal(args[0], -9007199254740991);
  assert.equal(args[1], 9223372036854775807);
  assert.equal(args[2], 4294967296);
  assert.equal(args[3], 0.1);
  const when = Date.UTC(2023, 10, 14, 22, 13, 20, 123);
  if (protocol === 'messagepack') {
    assert.ok(args[4] instanceof Uint8Array, 'bin arrives as bytes');
    assert.deepEqual([...args[4]], [0, 1, 254, 255]);
    assert.ok(args[5] instanceof Date, 'timestamp ext -1 arrives as a Date');
    assert.equal(args[5].getTime(), when);
  } else {
    assert.equal(args[4], 'AAH+/w==', 'binary arrives as base64 text');
    assert.equal(typeof args[5], 'string');
    assert.equal(Date.parse(args[5]), when);
    assert.match(args[5], /^2023-11-14T22:13:20\.123/);
  }
  assert.deepEqual(args[6], { nested: { list: [false, null] }, text: 'ünïcødé ✓' });
}

test('a push with typed values reaches a JSON and a MessagePack client of the same group, each in its own form', async () => {
  for (const conn of Object.values(conns)) {
    await gw.grpcClient.addToGroup({ hub: 'values', connectionId: conn.connectionId, group: 'both' });
  }
  const received = {
    json: waitFor(conns.json, 'Typed'),
    messagepack: waitFor(conns.messagepack, 'Typed'),
  };
  const response = await gw.grpcClient.send({
    hub: 'values',
    method: 'Typed',
    group: { group: 'both' },
    arguments: { values: TYPED },
  });
  assert.equal(response.queuedConnections, '2');
  checkTyped(await received.json, 'json');
  checkTyped(await received.messagepack, 'messagepack');
});

test('MessagePack client values survive a hub method round trip exactly', async () => {
  const when = new Date(Date.UTC(2024, 1, 29, 12, 0, 0, 1));
  const value = {
    bytes: new Uint8Array([9, 8, 7]),
    when,
    big: 2 ** 53 - 1,
    negative: -(2 ** 40),
    ratio: 2.5,
    deep: { list: [1, 'two', [3], { four: null }] },
  };
  const echoed = await conns.messagepack.invoke('EchoValue', value);
  assert.ok(echoed.bytes instanceof Uint8Array);
  assert.deepEqual([...echoed.bytes], [9, 8, 7]);
  assert.ok(echoed.when instanceof Date);
  assert.equal(echoed.when.getTime(), when.getTime());
  assert.equal(echoed.big, 2 ** 53 - 1);
  assert.equal(echoed.negative, -(2 ** 40));
  assert.equal(echoed.ratio, 2.5);
  assert.deepEqual(echoed.deep, { list: [1, 'two', [3], { four: null }] });
  // The backend saw typed values: bytes and a timestamp, not text.
  const call = await backend.waitFor((e) => e.type === 'invoke' && e.method === 'EchoValue');
  assert.ok(Buffer.isBuffer(call.args[0].bytes));
  assert.equal(call.args[0].when, when.toISOString());
});

test('JSON client values survive a hub method round trip (dates and bytes are text in JSON)', async () => {
  const value = { when: '2024-02-29T12:00:00.001Z', big: 2 ** 53 - 1, deep: { a: [true, null, 1.25] } };
  assert.deepEqual(await conns.json.invoke('EchoValue', value), value);
});
