#pragma once

#include <string>
#include <string_view>

namespace hubgate::hubcore::testing {

// "0a ff" / "0aff" -> bytes. Spaces are skipped so vectors can be grouped for reading.
inline std::string FromHex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    return (c | 0x20) - 'a' + 10;
  };
  std::string out;
  int high = -1;
  for (char c : hex) {
    if (c == ' ') {
      continue;
    }
    if (high < 0) {
      high = nibble(c);
    } else {
      out.push_back(static_cast<char>(high * 16 + nibble(c)));
      high = -1;
    }
  }
  return out;
}

inline std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xf]);
  }
  return out;
}

// Golden vectors: frames (length prefix included) written by MessagePackHubProtocol.writeMessage()
// of @microsoft/signalr-protocol-msgpack 10.0.11 with @msgpack/msgpack 2.8.0. gen_vectors.js in
// this directory regenerates them; the tests need no node.
struct JsVector {
  const char* name;
  const char* hex;
};

inline constexpr JsVector kJsVectors[] = {
    // {type:1, target:"ReceiveMessage", arguments:["hello"], streamIds:[], headers:{}}
    {"invocation_hello", "1b960180c0ae526563656976654d65737361676591a568656c6c6f90"},
    // {type:1, invocationId:"0", target:"Echo", arguments:["hi"]} (no streamIds: 5 elements)
    {"invocation_no_stream_ids", "0e950180a130a44563686f91a26869"},
    // {type:1, invocationId:"1", target:"Send", streamIds:[], arguments:[null, true, false, 42,
    //  -1, 2**40, -(2**40), 1.5, "s", Uint8Array[1,2,255], Date.UTC(2024,0,2,3,4,5),
    //  Date.UTC(2024,0,2,3,4,5,123), Date.UTC(1969,11,31,23,59,59), {a:1, b:[1,"x",{c:null}]},
    //  [[]], 255, 256, 65536, -33, -129, -32769, 2**32]}
    {"invocation_all_types",
     "8101960180a131a453656e64dc0016c0c3c22affcf0000010000000000d3ffffff0000000000cb3ff800000000"
     "0000a173c4030102ffd6ff65937d25d7ff1d53530065937d25c70cff00000000ffffffffffffffff82a16101a1"
     "629301a17881a163c09190ccffcd0100ce00010000d0dfd1ff7fd2ffff7fffcf000000010000000090"},
    // {type:1, invocationId:"1", target:"Upload", arguments:[], streamIds:["0"]}
    {"invocation_with_stream_ids", "10960180a131a655706c6f61649091a130"},
    // {type:1, headers:{a:"1"}, target:"T", arguments:[], streamIds:[]}
    {"invocation_headers", "0c960181a161a131c0a1549090"},
    // {type:2, invocationId:"0", item:"chunk", headers:{}}
    {"stream_item", "0b940280a130a56368756e6b"},
    // {type:3, invocationId:"1", result:42}
    {"completion_result", "07950380a131032a"},
    // {type:3, invocationId:"1", error:"boom"}
    {"completion_error", "0b950380a13101a4626f6f6d"},
    // {type:3, invocationId:"1"}
    {"completion_void", "06940380a13102"},
    // {type:4, invocationId:"2", target:"Counter", arguments:[10, 500], streamIds:[]}
    {"stream_invocation", "13960480a132a7436f756e746572920acd01f490"},
    // {type:4, invocationId:"2", target:"Counter", arguments:[10]} (5 elements)
    {"stream_invocation_no_ids", "0f950480a132a7436f756e746572910a"},
    // {type:5, invocationId:"2"}
    {"cancel_invocation", "05930580a132"},
    // {type:6}
    {"ping", "029106"},
    // {type:7}: the JS client writes [7, nil]
    {"close", "039207c0"},
    // {type:8, sequenceId:1394}
    {"ack", "059208cd0572"},
    // {type:9, sequenceId:7}
    {"sequence", "03920907"},
};

}  // namespace hubgate::hubcore::testing
