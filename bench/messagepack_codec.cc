#include "bench/messagepack_codec.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

// msgpuck's functions are inline; this is the one translation unit of hubgate-bench that
// defines them (MP_SOURCE), as its documentation asks. Its lookup tables come from libmsgpuck.a.
#define MP_SOURCE 1
#include <msgpuck.h>

namespace hubgate::bench {
namespace {

namespace json = boost::json;

// A bounded reader over one hub message: every read checks the remaining bytes first and
// fails (ok = false) instead of reading past the end.
struct Reader {
  const char* p;
  const char* end;
  bool ok = true;

  bool Fail() { return ok = false; }
  bool Has() const { return ok && p < end; }
  mp_type Type() const { return mp_typeof(*p); }

  bool Array(uint32_t* size) {
    if (!Has() || Type() != MP_ARRAY || mp_check_array(p, end) > 0) return Fail();
    *size = mp_decode_array(&p);
    return true;
  }
  bool Map(uint32_t* size) {
    if (!Has() || Type() != MP_MAP || mp_check_map(p, end) > 0) return Fail();
    *size = mp_decode_map(&p);
    return true;
  }
  bool Uint(uint64_t* value) {
    if (!Has() || Type() != MP_UINT || mp_check_uint(p, end) > 0) return Fail();
    *value = mp_decode_uint(&p);
    return true;
  }
  // Any integer form; false (without failing) for other types.
  bool Integer(int64_t* value) {
    if (!Has()) return Fail();
    if (Type() == MP_UINT) {
      if (mp_check_uint(p, end) > 0) return Fail();
      const uint64_t v = mp_decode_uint(&p);
      *value = v > static_cast<uint64_t>(INT64_MAX) ? -1 : static_cast<int64_t>(v);
      return true;
    }
    if (Type() == MP_INT) {
      if (mp_check_int(p, end) > 0) return Fail();
      *value = mp_decode_int(&p);
      return true;
    }
    return false;
  }
  bool String(std::string_view* value) {
    if (!Has() || Type() != MP_STR || mp_check_strl(p, end) > 0) return Fail();
    const uint32_t length = mp_decode_strl(&p);
    if (length > static_cast<size_t>(end - p)) return Fail();
    *value = std::string_view(p, length);
    p += length;
    return true;
  }
  // nil (value left empty, *present false) or a string.
  bool NilOrString(std::string_view* value, bool* present) {
    if (!Has()) return Fail();
    if (Type() == MP_NIL) {
      mp_decode_nil(&p);
      *present = false;
      return true;
    }
    *present = true;
    return String(value);
  }
  // Headers: a map of string to string (usually empty, 0x80).
  bool SkipHeaders() {
    uint32_t size = 0;
    if (!Map(&size)) return false;
    std::string_view ignored;
    for (uint32_t i = 0; i < size; ++i) {
      if (!String(&ignored) || !String(&ignored)) return false;
    }
    return true;
  }
};

// "123" -> 123; -1 when not a short decimal.
int64_t DecimalId(std::string_view text) {
  if (text.empty() || text.size() > 18) return -1;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

void AppendHeader(std::string* out, char* (*encode)(char*, uint32_t), uint32_t n) {
  char buffer[8];
  out->append(buffer, encode(buffer, n) - buffer);
}

void AppendString(std::string* out, std::string_view text) {
  char buffer[8];
  out->append(buffer, mp_encode_strl(buffer, static_cast<uint32_t>(text.size())) - buffer);
  out->append(text);
}

void AppendValue(const json::value& v, std::string* out) {
  char buffer[16];
  switch (v.kind()) {
    case json::kind::null:
      out->append(buffer, mp_encode_nil(buffer) - buffer);
      break;
    case json::kind::bool_:
      out->append(buffer, mp_encode_bool(buffer, v.get_bool()) - buffer);
      break;
    case json::kind::int64:
      if (v.get_int64() >= 0) {
        out->append(buffer, mp_encode_uint(buffer, static_cast<uint64_t>(v.get_int64())) - buffer);
      } else {
        out->append(buffer, mp_encode_int(buffer, v.get_int64()) - buffer);
      }
      break;
    case json::kind::uint64:
      out->append(buffer, mp_encode_uint(buffer, v.get_uint64()) - buffer);
      break;
    case json::kind::double_:
      out->append(buffer, mp_encode_double(buffer, v.get_double()) - buffer);
      break;
    case json::kind::string:
      AppendString(out, v.get_string());
      break;
    case json::kind::array:
      AppendHeader(out, mp_encode_array, static_cast<uint32_t>(v.get_array().size()));
      for (const json::value& item : v.get_array()) {
        AppendValue(item, out);
      }
      break;
    case json::kind::object:
      AppendHeader(out, mp_encode_map, static_cast<uint32_t>(v.get_object().size()));
      for (const auto& [key, item] : v.get_object()) {
        AppendString(out, key);
        AppendValue(item, out);
      }
      break;
  }
}

}  // namespace

size_t ReadLengthPrefix(std::string_view data, uint64_t* length) {
  uint64_t value = 0;
  for (size_t i = 0; i < 5 && i < data.size(); ++i) {
    const uint8_t byte = static_cast<uint8_t>(data[i]);
    value |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) {
      if (i == 4 && byte > 0x07) return 0;  // more than 2^31 - 1
      *length = value;
      return i + 1;
    }
  }
  return 0;
}

void AppendLengthPrefix(uint64_t length, std::string* out) {
  do {
    uint8_t byte = length & 0x7f;
    length >>= 7;
    if (length != 0) byte |= 0x80;
    out->push_back(static_cast<char>(byte));
  } while (length != 0);
}

RecordInfo ParseMessagePackRecord(std::string_view record, bool* ok) {
  RecordInfo info;
  Reader r{record.data(), record.data() + record.size()};
  uint32_t size = 0;
  uint64_t type = 0;
  if (!r.Array(&size) || size == 0 || !r.Uint(&type) || type > 255) {
    *ok = false;
    return info;
  }
  info.type = static_cast<int>(type);
  std::string_view text;
  bool present = false;
  switch (info.type) {
    case 1: {  // [1, headers, invocationId|nil, target, [args], streamIds?]
      uint32_t arguments = 0;
      if (size < 5 || !r.SkipHeaders() || !r.NilOrString(&text, &present) || !r.String(&text) ||
          !r.Array(&arguments)) {
        r.Fail();
        break;
      }
      int64_t first = -1;
      if (arguments > 0 && r.Integer(&first) && first >= 0) {
        info.first_argument = first;
      }
      break;
    }
    case 3: {  // [3, headers, invocationId, resultKind, result?]
      uint64_t kind = 0;
      if (size < 4 || !r.SkipHeaders() || !r.String(&text) || !r.Uint(&kind) || kind < 1 ||
          kind > 3 || (kind != 2 && size < 5)) {
        r.Fail();
        break;
      }
      info.invocation_id = DecimalId(text);
      info.has_error = kind == 1;
      break;
    }
    case 7:  // [7, error|nil, allowReconnect?]
      if (size < 2 || !r.NilOrString(&text, &present)) {
        r.Fail();
        break;
      }
      info.has_error = present;
      break;
    default:
      break;
  }
  *ok = r.ok;
  return info;
}

bool JsonArgumentsToMessagePack(std::string_view text, std::string* out, std::string* error) {
  boost::system::error_code ec;
  const json::value value = json::parse(text, ec);
  if (ec || !value.is_array()) {
    *error = ec ? ec.message() : "not a JSON array";
    return false;
  }
  out->clear();
  AppendValue(value, out);
  return true;
}

std::string EncodeMessagePackInvocation(uint32_t invocation_id, std::string_view target,
                                        std::string_view arguments) {
  std::string body;
  body.reserve(16 + target.size() + arguments.size());
  char buffer[16];
  body.append(buffer, mp_encode_array(buffer, 6) - buffer);
  body.append(buffer, mp_encode_uint(buffer, 1) - buffer);
  body.append(buffer, mp_encode_map(buffer, 0) - buffer);
  AppendString(&body, std::to_string(invocation_id));
  AppendString(&body, target);
  body.append(arguments);
  body.append(buffer, mp_encode_array(buffer, 0) - buffer);
  std::string message;
  message.reserve(5 + body.size());
  AppendLengthPrefix(body.size(), &message);
  message.append(body);
  return message;
}

}  // namespace hubgate::bench
