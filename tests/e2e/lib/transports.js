'use strict';
// Raw HTTP helpers for the Server-Sent Events and Long Polling transports (fetch, no SignalR
// client): negotiate + first poll + handshake, polls, sends, DELETE, and an SSE reader.

const { RS, withTimeout, negotiate, deferred } = require('./clients');

const TIMEOUT_MS = 5000;

/** GET ?id=TOKEN&_=now (a long poll). Resolves {status, headers, body (Buffer)}. */
async function poll(hubUrl, token, { signal, headers = {}, timeoutMs = TIMEOUT_MS } = {}) {
  const response = await withTimeout(
    fetch(`${hubUrl}?id=${token}&_=${Date.now()}`, { signal, headers }),
    timeoutMs,
    `poll of ${token}`,
  );
  const body = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, body };
}

/** POST ?id=TOKEN with `body` (string or Buffer). Resolves {status, text}. */
async function send(hubUrl, token, body, { headers = {} } = {}) {
  const response = await withTimeout(
    fetch(`${hubUrl}?id=${token}`, {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'text/plain;charset=UTF-8', ...headers },
    }),
    TIMEOUT_MS,
    `POST to ${token}`,
  );
  return { status: response.status, text: await response.text() };
}

/** DELETE ?id=TOKEN. Resolves the status. */
async function del(hubUrl, token) {
  const response = await withTimeout(
    fetch(`${hubUrl}?id=${token}`, { method: 'DELETE' }),
    TIMEOUT_MS,
    `DELETE ${token}`,
  );
  await response.arrayBuffer();
  return response.status;
}

/** The JSON hub messages of a text body (0x1E-terminated records). */
function records(text) {
  return text
    .split(RS)
    .filter((r) => r.length > 0)
    .map((r) => JSON.parse(r));
}

/**
 * A raw Long Polling JSON connection: negotiate, the first poll (checked to be 200 and empty),
 * the handshake by POST and its answer by poll. Resolves {token, connectionId, first}.
 */
async function lpConnect(hubUrl) {
  const n = await negotiate(hubUrl);
  if (n.status !== 200) throw new Error(`negotiate failed: ${n.status}`);
  const token = n.body.connectionToken;
  const first = await poll(hubUrl, token);
  const sent = await send(hubUrl, token, `{"protocol":"json","version":1}${RS}`);
  if (sent.status !== 200) throw new Error(`handshake POST failed: ${sent.status}`);
  const answer = await poll(hubUrl, token);
  if (answer.body.toString() !== `{}${RS}`) {
    throw new Error(`handshake answer ${answer.status} ${JSON.stringify(answer.body.toString())}`);
  }
  return { token, connectionId: n.body.connectionId, first };
}

/**
 * Opens GET ?id=TOKEN with Accept: text/event-stream and reads it. Resolves once the headers
 * arrived: {status, headers, text() (all bytes so far), waitFor(predicate on text), close(),
 * ended (resolves when the stream ends)}.
 */
async function sseOpen(hubUrl, token, { headers = {} } = {}) {
  const controller = new AbortController();
  const response = await withTimeout(
    fetch(`${hubUrl}?id=${token}`, {
      headers: { Accept: 'text/event-stream', ...headers },
      signal: controller.signal,
    }),
    TIMEOUT_MS,
    `SSE GET ${token}`,
  );
  let text = '';
  const waiters = new Set();
  const ended = deferred();
  const notify = () => {
    for (const w of [...waiters]) w();
  };
  if (response.body) {
    (async () => {
      try {
        for await (const chunk of response.body) {
          text += Buffer.from(chunk).toString('utf8');
          notify();
        }
      } catch {
        // aborted
      }
      ended.resolve();
      notify();
    })();
  } else {
    ended.resolve();
  }
  let done = false;
  ended.promise.then(() => {
    done = true;
  });
  return {
    status: response.status,
    headers: response.headers,
    text: () => text,
    ended: ended.promise,
    waitFor(predicate, what = 'SSE data', timeoutMs = TIMEOUT_MS) {
      if (predicate(text)) return Promise.resolve(text);
      return withTimeout(
        new Promise((resolve, reject) => {
          const w = () => {
            if (predicate(text)) {
              waiters.delete(w);
              resolve(text);
            } else if (done) {
              waiters.delete(w);
              reject(new Error(`SSE stream ended before ${what}: ${JSON.stringify(text)}`));
            }
          };
          waiters.add(w);
        }),
        timeoutMs,
        `${what}; got ${JSON.stringify(text)}`,
      );
    },
    close: () => controller.abort(),
  };
}

module.exports = { poll, send, del, records, lpConnect, sseOpen };
