'use strict';
// Token lifetime: the clock skew allowed for exp/nbf (5 minutes by default, as in ASP.NET Core),
// and close_on_authentication_expiration (ASP.NET Core's CloseOnAuthenticationExpiration): the
// connection ends when its token expires, with a Close the client can reconnect after.

const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const { startGateway, test } = require('./lib/gateway');
const { buildConnection, connect, negotiate, stopAll, waitFor, withTimeout, mintToken } = require('./lib/clients');
const { scrape } = require('./lib/admin');

const SECRET = 'auth-lifetime-secret-0123456789abcdef';
let gw; // default clock skew
let strict; // clock_skew: 1s, one hub closing on expiry
const open = [];

before(async () => {
  gw = await startGateway({
    name: 'default-skew',
    config: { auth: { hs256_secret: SECRET }, hubs: [{ name: 'secure', path: '/hubs/secure', require_auth: true }] },
  });
  strict = await startGateway({
    name: 'close-on-expiry',
    config: {
      auth: { hs256_secret: SECRET, clock_skew: '1s' },
      hubs: [
        { name: 'closing', path: '/hubs/closing', require_auth: true, close_on_authentication_expiration: true },
        { name: 'keeping', path: '/hubs/keeping', require_auth: true },
      ],
    },
  });
});

after(async () => {
  await stopAll(open);
  if (gw) await gw.stop();
  if (strict) await strict.stop();
});

test('the default clock skew of 5 minutes accepts a token that expired a minute ago, not 6', async () => {
  const now = Math.floor(Date.now() / 1000);
  const lately = mintToken('late', SECRET, { claims: { exp: now - 60 } });
  assert.equal((await negotiate(gw.hubUrl('/hubs/secure'), { token: lately })).status, 200);
  const long = mintToken('late', SECRET, { claims: { exp: now - 360 } });
  assert.equal((await negotiate(gw.hubUrl('/hubs/secure'), { token: long })).status, 401);
  const early = mintToken('early', SECRET, { claims: { nbf: now + 60 } });
  assert.equal((await negotiate(gw.hubUrl('/hubs/secure'), { token: early })).status, 200);
});

test('close_on_authentication_expiration closes the connection when its token expires', async () => {
  const exp = Math.floor(Date.now() / 1000) + 2;
  const token = mintToken('short-lived', SECRET, { claims: { exp } });
  const closing = buildConnection(strict.hubUrl('/hubs/closing'), { accessToken: token });
  const closedWith = new Promise((resolve) => closing.onclose(resolve));
  await withTimeout(closing.start(), 10000, 'start');
  open.push(closing);
  const keeping = await connect(strict.hubUrl('/hubs/keeping'), { accessToken: token });
  open.push(keeping);

  // exp + 1 s of skew, checked on the once-a-second tick.
  const error = await withTimeout(closedWith, 10000, 'onclose after the token expired');
  assert.equal(String(error), 'Error: Server returned an error on close: Connection closed with an error.');
  assert.ok(Date.now() >= exp * 1000 + 1000, 'not before exp + clock_skew');
  await strict.waitForLog(/closed: authentication expired/);

  const got = waitFor(keeping, 'StillHere');
  const r = await strict.grpcClient.send({ hub: 'keeping', method: 'StillHere', userId: 'short-lived' });
  assert.equal(r.queuedConnections, '1', 'a hub without the option keeps the connection');
  await got;
  const metrics = await scrape(strict);
  assert.equal(
    metrics.value('hubgate_disconnects_total', { hub: 'closing', reason: 'authentication_expired' }),
    1,
  );
});
