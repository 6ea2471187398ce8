'use strict';
// The clinical example (examples/clinical) walked through as ward staff would use it: sign-in
// is required by the backend (OnConnected rejects anonymous connections), a nurse follows
// ward A and a doctor ward B, alarms are acknowledged, INR readings are streamed and the
// stream is cancelled, and REST actions notify the ward groups.
//
// The hub has require_auth false so that the backend's own rejection is what is tested.

const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const { startGateway, test } = require('./lib/gateway');
const {
  buildConnection,
  connect,
  collect,
  mintToken,
  stopAll,
  subscribeStream,
  withTimeout,
  errorOf,
  matrix,
  signalR,
} = require('./lib/clients');
const { freePort, waitForDescription, eventually, waitUntilGone } = require('./lib/hub_handler');
const { startExampleBackend, httpJson } = require('./lib/example_backends');

const SECRET = 'clinical-scenario-secret-0123456789ab';
const METHODS = [
  'WardCapacityUpdated',
  'AlarmAcknowledged',
  'PatientAdmitted',
  'DrugOrderStatusChanged',
  'Fence',
];
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const invokeError = (m) => `An unexpected error occurred invoking '${m}' on the server.`;

let gw;
let backend;
const staff = {}; // name -> {conn, log}
let fenceSeq = 0;

before(async () => {
  const grpcPort = await freePort();
  backend = await startExampleBackend('clinical', {
    gateway: `127.0.0.1:${grpcPort}`,
    extraArgs: ['--inr_interval_ms=50'],
  });
  gw = await startGateway({
    workers: 2,
    grpcListen: `127.0.0.1:${grpcPort}`,
    config: {
      auth: { hs256_secret: SECRET },
      hubs: [
        {
          name: 'clinical',
          path: '/hubs/clinical',
          require_auth: false,
          backend_target: backend.target,
          backend_deadline: '5s',
        },
      ],
    },
  });
  await waitForDescription(gw, 'clinical');
});

after(async () => {
  await stopAll(Object.values(staff).map((s) => s.conn));
  if (gw) await gw.stop();
  if (backend) await backend.stop();
});

async function signIn(name, userId) {
  const conn = await connect(gw.hubUrl('/hubs/clinical'), { accessToken: mintToken(userId, SECRET) });
  staff[name] = { conn, log: collect(conn, METHODS) };
  return staff[name];
}

/** What the member received since its previous fence (ordered delivery; see groups.test.js). */
async function since(name) {
  const { conn, log } = staff[name];
  const fence = `fence-${++fenceSeq}`;
  await gw.grpcClient.send({
    hub: 'clinical',
    method: 'Fence',
    argumentsJson: JSON.stringify([fence]),
    connectionId: conn.connectionId,
  });
  const events = await log.waitUntil(
    (evs) => evs.some((e) => e.method === 'Fence' && e.args[0] === fence),
    5000,
    `${name} ${fence}`,
  );
  const end = events.findIndex((e) => e.method === 'Fence' && e.args[0] === fence);
  let start = end - 1;
  while (start >= 0 && events[start].method !== 'Fence') start -= 1;
  return events.slice(start + 1, end).map((e) => ({ method: e.method, args: e.args }));
}


const stats = async () => {
  const r = await httpJson(`${backend.httpUrl}/api/stats`);
  assert.equal(r.status, 200);
  return r.body;
};

test('without a token the backend refuses the connection: "Unauthenticated."', async () => {
  // Over Server-Sent Events the JS client (10.0.11) rethrows a handshake error from its
  // EventSource callback, which surfaces as an unhandled rejection besides start()'s rejection;
  // the refusal itself is transport-independent, so that one cell uses WebSockets here.
  const anonymous = buildConnection(
    gw.hubUrl('/hubs/clinical'),
    matrix.transport === 'ServerSentEvents' ? { transport: signalR.HttpTransportType.WebSockets } : {},
  );
  let error;
  try {
    await withTimeout(anonymous.start(), 10000, 'start()');
  } catch (err) {
    error = err;
  }
  assert.ok(error, 'start() must fail');
  assert.equal(error.message, 'Server returned handshake error: Unauthenticated.');
  assert.equal(anonymous.state, 'Disconnected');
  // Not counted by the backend either.
  assert.equal((await stats()).connected, 0);
});

test('a nurse and a doctor sign in; the backend counts them', async () => {
  await signIn('nurse', 'nurse-1');
  await signIn('doctor', 'dr-2');
  assert.equal((await stats()).connected, 2);
});

test('the nurse subscribes to ward A and gets its capacity before invoke() resolves', async () => {
  const { conn, log } = staff.nurse;
  await conn.invoke('SubscribeToWard', 'A');
  assert.deepEqual(log.of('WardCapacityUpdated'), [[{ wardId: 'A', totalBeds: 24, occupiedBeds: 18 }]]);
  await staff.doctor.conn.invoke('SubscribeToWard', 'B');
  assert.deepEqual(await since('nurse'), [
    { method: 'WardCapacityUpdated', args: [{ wardId: 'A', totalBeds: 24, occupiedBeds: 18 }] },
  ]);
  assert.deepEqual(await since('doctor'), [
    { method: 'WardCapacityUpdated', args: [{ wardId: 'B', totalBeds: 16, occupiedBeds: 11 }] },
  ]);
});

test('an unknown ward is a HubException', async () => {
  assert.equal(
    await errorOf(staff.nurse.conn.invoke('SubscribeToWard', 'Z')),
    `${invokeError('SubscribeToWard')} HubException: Ward Z not found.`,
  );
  assert.deepEqual(await since('nurse'), []);
});

test('GetWardCapacity returns the capacity object', async () => {
  assert.deepEqual(await staff.nurse.conn.invoke('GetWardCapacity', 'A'), {
    wardId: 'A',
    totalBeds: 24,
    occupiedBeds: 18,
  });
  assert.deepEqual(await staff.doctor.conn.invoke('getwardcapacity', 'icu'), {
    wardId: 'icu',
    totalBeds: 8,
    occupiedBeds: 7,
  });
  assert.equal(
    await errorOf(staff.nurse.conn.invoke('GetWardCapacity', 'nowhere')),
    `${invokeError('GetWardCapacity')} HubException: Ward nowhere not found.`,
  );
});

test('acknowledging alarm-1 notifies ward A only', async () => {
  assert.equal(await staff.nurse.conn.invoke('AcknowledgeAlarm', 'alarm-1'), undefined);
  const events = await since('nurse');
  assert.equal(events.length, 1, JSON.stringify(events));
  assert.equal(events[0].method, 'AlarmAcknowledged');
  const [ack] = events[0].args;
  assert.equal(ack.alarmId, 'alarm-1');
  assert.equal(ack.acknowledgedBy, 'nurse-1');
  assert.match(ack.at, ISO_RE);
  assert.deepEqual(await since('doctor'), [], 'ward B is not notified');
});

test('acknowledging alarm-1 again: "Alarm already acknowledged."', async () => {
  assert.equal(
    await errorOf(staff.doctor.conn.invoke('AcknowledgeAlarm', 'alarm-1')),
    `${invokeError('AcknowledgeAlarm')} HubException: Alarm already acknowledged.`,
  );
  assert.deepEqual(await since('nurse'), []);
});

test('an unknown alarm: "Alarm <id> not found."', async () => {
  assert.equal(
    await errorOf(staff.nurse.conn.invoke('AcknowledgeAlarm', 'alarm-99')),
    `${invokeError('AcknowledgeAlarm')} HubException: Alarm alarm-99 not found.`,
  );
});

test('the doctor acknowledges alarm-2 of ward B: the doctor is notified, the nurse is not', async () => {
  await staff.doctor.conn.invoke('AcknowledgeAlarm', 'alarm-2');
  const events = await since('doctor');
  assert.deepEqual(events.map((e) => [e.method, e.args[0].alarmId, e.args[0].acknowledgedBy]), [
    ['AlarmAcknowledged', 'alarm-2', 'dr-2'],
  ]);
  assert.deepEqual(await since('nurse'), []);
});

test('INR readings stream until cancelled; the backend counts the cancellation', async () => {
  const before = await stats();
  const s = subscribeStream(staff.doctor.conn.stream('StreamINRReadings', 'patient-17'), {
    what: 'StreamINRReadings',
  });
  const readings = await s.nItems(3);
  readings.forEach((r, i) => {
    assert.equal(r.patientId, 'patient-17');
    assert.equal(r.inr, [2.0, 2.1, 2.2][i]);
    assert.match(r.at, ISO_RE);
  });
  s.subscription.dispose();
  // The cancellation travels client -> gateway -> backend; its counter is behind REST.
  const after = await eventually(
    async () => {
      const now = await stats();
      assert.equal(now.streamsCancelled, before.streamsCancelled + 1);
      return now;
    },
    { timeoutMs: 5000, intervalMs: 50, what: 'streamsCancelled incremented' },
  );
  assert.equal(after.streamsActive, 0);
  // The connection is fine afterwards.
  assert.deepEqual(await staff.doctor.conn.invoke('GetWardCapacity', 'B'), {
    wardId: 'B',
    totalBeds: 16,
    occupiedBeds: 11,
  });
});

test('invoke() of the streaming method is refused by the gateway', async () => {
  assert.equal(
    await errorOf(staff.nurse.conn.invoke('StreamINRReadings', 'patient-17')),
    "The client attempted to invoke the streaming 'StreamINRReadings' method with a non-streaming invocation.",
  );
});

test('REST admission to ward A reaches the ward A group only', async () => {
  const r = await httpJson(`${backend.httpUrl}/api/wards/A/admissions`, {
    method: 'POST',
    body: { patientId: 'p-9', name: 'Jane Doe' },
  });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.deepEqual(r.body, { queued: 1 });
  const events = await since('nurse');
  assert.equal(events.length, 1, JSON.stringify(events));
  assert.equal(events[0].method, 'PatientAdmitted');
  const [admitted] = events[0].args;
  assert.equal(admitted.wardId, 'A');
  assert.equal(admitted.patientId, 'p-9');
  assert.equal(admitted.name, 'Jane Doe');
  assert.match(admitted.at, ISO_RE);
  assert.deepEqual(await since('doctor'), []);
});

test('REST drug order status for ward B reaches the doctor', async () => {
  const r = await httpJson(`${backend.httpUrl}/api/orders/order-5/status`, {
    method: 'POST',
    body: { wardId: 'B', status: 'dispensed' },
  });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.deepEqual(await since('doctor'), [
    { method: 'DrugOrderStatusChanged', args: [{ orderId: 'order-5', status: 'dispensed' }] },
  ]);
  assert.deepEqual(await since('nurse'), []);
});

test('signing out: OnDisconnected reaches the backend, which stops counting the connection', async () => {
  const doctorId = staff.doctor.conn.connectionId; // stop() clears it
  await staff.doctor.conn.stop();
  await waitUntilGone(gw, 'clinical', doctorId);
  await eventually(
    async () => assert.equal((await stats()).connected, 1),
    { timeoutMs: 5000, intervalMs: 50, what: 'connected back to 1' },
  );
  // The ward B group is empty now.
  const r = await httpJson(`${backend.httpUrl}/api/wards/B/admissions`, {
    method: 'POST',
    body: { patientId: 'p-10', name: 'John Roe' },
  });
  assert.deepEqual(r.body, { queued: 0 });
});
