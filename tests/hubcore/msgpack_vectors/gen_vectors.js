// Prints the golden vectors of js_vectors.h: the frames the JS client writes.
//   mkdir /tmp/mpcheck && cd /tmp/mpcheck && npm init -y &&
//   npm install @microsoft/signalr@10.0.11 @microsoft/signalr-protocol-msgpack@10.0.11
//   node /path/to/gen_vectors.js    (run from /tmp/mpcheck: the packages resolve from the cwd)
// With a hex argument it instead prints what the JS client parses from those bytes, e.g. to check
// a frame the C++ writer produced: node gen_vectors.js 049307c0c2
const { MessagePackHubProtocol } = require(
    require.resolve("@microsoft/signalr-protocol-msgpack", { paths: [process.cwd()] }));

const protocol = new MessagePackHubProtocol();

if (process.argv.length > 2) {
  for (const hex of process.argv.slice(2)) {
    const bytes = Buffer.from(hex.replace(/ /g, ""), "hex");
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    console.log(JSON.stringify(protocol.parseMessages(buffer, null), (key, value) =>
      value instanceof Uint8Array ? `bin:${Buffer.from(value).toString("hex")}` : value));
  }
  process.exit(0);
}

const cases = {
  invocation_hello: { type: 1, target: "ReceiveMessage", arguments: ["hello"], streamIds: [], headers: {} },
  invocation_no_stream_ids: { type: 1, invocationId: "0", target: "Echo", arguments: ["hi"] },
  invocation_all_types: {
    type: 1, invocationId: "1", target: "Send", streamIds: [],
    arguments: [null, true, false, 42, -1, 2 ** 40, -(2 ** 40), 1.5, "s", new Uint8Array([1, 2, 255]),
      new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 123)),
      new Date(Date.UTC(1969, 11, 31, 23, 59, 59)), { a: 1, b: [1, "x", { c: null }] }, [[]], 255, 256,
      65536, -33, -129, -32769, 2 ** 32],
  },
  invocation_with_stream_ids: { type: 1, invocationId: "1", target: "Upload", arguments: [], streamIds: ["0"] },
  invocation_headers: { type: 1, headers: { a: "1" }, target: "T", arguments: [], streamIds: [] },
  stream_item: { type: 2, invocationId: "0", item: "chunk", headers: {} },
  completion_result: { type: 3, invocationId: "1", result: 42 },
  completion_error: { type: 3, invocationId: "1", error: "boom" },
  completion_void: { type: 3, invocationId: "1" },
  stream_invocation: { type: 4, invocationId: "2", target: "Counter", arguments: [10, 500], streamIds: [] },
  stream_invocation_no_ids: { type: 4, invocationId: "2", target: "Counter", arguments: [10] },
  cancel_invocation: { type: 5, invocationId: "2" },
  ping: { type: 6 },
  close: { type: 7 },
  ack: { type: 8, sequenceId: 1394 },
  sequence: { type: 9, sequenceId: 7 },
};
for (const [name, message] of Object.entries(cases)) {
  console.log(name, Buffer.from(protocol.writeMessage(message)).toString("hex"));
}
