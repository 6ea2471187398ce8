// The browser side of browser.test.js. The test calls these with page.evaluate:
//
//   await window.hub.start({ url, transport, protocol, targets })
//       -> { connectionId, transport }   (transport: the one the client selected)
//   await window.hub.invoke(method, ...args)   (tagged values in and out, see below)
//   await window.hub.stop()
//
// Every message the server pushes to one of `targets` is appended to window.received as
// { target, args }. Values crossing to the test are "tagged" so that their JavaScript types
// survive JSON: a Uint8Array is { $bytes: [..] }, a Date { $date: ISO string }, undefined
// { $undefined: true }, a Map { $map: [[k, v], ..] }; arrays and plain objects are walked.
// The client's log (Debug and above) is kept in window.hubLog.
(function () {
  "use strict";

  window.received = [];
  window.hubLog = [];
  window.closedWith = undefined;
  let connection;

  function tag(value) {
    if (value === undefined) return { $undefined: true };
    if (value === null || typeof value !== "object") return value;
    if (value instanceof Uint8Array) return { $bytes: Array.from(value) };
    if (value instanceof ArrayBuffer) return { $arrayBuffer: Array.from(new Uint8Array(value)) };
    if (value instanceof Date) return { $date: value.toISOString() };
    if (value instanceof Map) return { $map: Array.from(value, ([k, v]) => [tag(k), tag(v)]) };
    if (Array.isArray(value)) return value.map(tag);
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = tag(v);
    return out;
  }

  function untag(value) {
    if (value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) return value.map(untag);
    if ("$bytes" in value) return new Uint8Array(value.$bytes);
    if ("$date" in value) return new Date(value.$date);
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = untag(v);
    return out;
  }

  const logger = {
    log(level, message) {
      if (level >= signalR.LogLevel.Debug) window.hubLog.push(`${signalR.LogLevel[level]}: ${message}`);
    },
  };

  function show() {
    document.getElementById("received").textContent = window.received
      .map((m) => `${m.target} ${JSON.stringify(m.args)}`)
      .join("\n");
  }

  window.hub = {
    async start({
      url = "/hubs/browser",
      transport = "WebSockets",
      protocol = "json",
      targets = ["Notify", "Typed", "Marker"],
    } = {}) {
      if (!(transport in signalR.HttpTransportType)) throw new Error(`unknown transport ${transport}`);
      let builder = new signalR.HubConnectionBuilder()
        .withUrl(url, { transport: signalR.HttpTransportType[transport] })
        .configureLogging(logger);
      if (protocol === "messagepack") {
        builder = builder.withHubProtocol(new signalR.protocols.msgpack.MessagePackHubProtocol());
      } else if (protocol !== "json") {
        throw new Error(`unknown protocol ${protocol}`);
      }
      connection = builder.build();
      for (const target of targets) {
        connection.on(target, (...args) => {
          window.received.push({ target, args: tag(args) });
          show();
        });
      }
      connection.onclose((error) => {
        window.closedWith = { error: error ? String(error.message || error) : null };
      });
      await connection.start();
      // "Selecting transport 'X'." is the client's own record of the transport it uses.
      const selected = window.hubLog
        .map((line) => /Selecting transport '(\w+)'/.exec(line))
        .filter(Boolean)
        .map((m) => m[1])
        .pop();
      document.getElementById("connection-id").textContent = connection.connectionId;
      document.getElementById("transport").textContent = selected;
      return { connectionId: connection.connectionId, transport: selected, state: connection.state };
    },

    async invoke(method, ...args) {
      return tag(await connection.invoke(method, ...args.map(untag)));
    },

    async stop() {
      if (connection) await connection.stop();
    },
  };

  window.hubReady = true;
})();
