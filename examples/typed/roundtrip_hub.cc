#include "examples/typed/roundtrip_hub.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace hubgate::examples::typed {

using hubgate::typed::HubCall;
using hubgate::typed::Reply;

void RoundTripHub::Echo(const HubCall& /*call*/, const roundtrip::v1::Sample& sample,
                        Reply<roundtrip::v1::Sample> reply) {
  reply.Return(sample);
}

void RoundTripHub::Render(const HubCall& /*call*/, int64_t id,
                          const google::protobuf::Timestamp& at, const std::string& blob,
                          std::optional<int32_t> maybe, roundtrip::v1::Priority priority,
                          const google::protobuf::RepeatedField<int64_t>& ids,
                          const google::protobuf::Map<std::string, std::string>& labels,
                          Reply<roundtrip::v1::Rendered> reply) {
  // Map order is unspecified: sorted, so the text is stable.
  std::vector<std::string> label_texts;
  for (const auto& [key, value] : labels) {
    label_texts.push_back(absl::StrCat(key, "=", value));
  }
  std::sort(label_texts.begin(), label_texts.end());
  roundtrip::v1::Rendered rendered;
  rendered.set_text(absl::StrCat(
      "id=", id, " at=", at.seconds(), ".", at.nanos(), " blob=", absl::BytesToHexString(blob),
      " maybe=", maybe ? absl::StrCat(*maybe) : "null",
      " priority=", roundtrip::v1::Priority_Name(priority), " ids=", absl::StrJoin(ids, ","),
      " labels=", absl::StrJoin(label_texts, ",")));
  reply.Return(rendered);
}

void RoundTripHub::PushBack(const HubCall& call, const roundtrip::v1::Sample& sample,
                            Reply<google::protobuf::Empty> reply) {
  // Answers once the gateway queued the push, so the client's invoke() resolves after it.
  clients_.Caller(call).Received(
      sample, [reply = std::make_shared<Reply<google::protobuf::Empty>>(std::move(reply))](
                  absl::StatusOr<std::uint64_t> queued) {
        if (queued.ok()) {
          reply->Return();
        } else {
          reply->Exception("PushFailed", std::string(queued.status().message()));
        }
      });
}

void RoundTripHub::Count(const HubCall& /*call*/, int32_t count,
                         hubgate::typed::StreamWriter<roundtrip::v1::Vitals> writer) {
  for (int32_t i = 0; i < count; ++i) {
    roundtrip::v1::Vitals vitals;
    vitals.set_pulse(60 + i);
    vitals.set_temperature(36.5 + i / 10.0);
    writer.Write(vitals);
  }
  writer.Complete();
}

void RoundTripHub::Collect(const HubCall& /*call*/, const std::string& label,
                           hubgate::typed::StreamReader<roundtrip::v1::Vitals> vitals,
                           Reply<roundtrip::v1::Rendered> reply) {
  // The handlers run one at a time, so the shared state needs no lock.
  struct Collected {
    explicit Collected(Reply<roundtrip::v1::Rendered> r) : reply(std::move(r)) {}
    std::vector<int32_t> pulses;
    Reply<roundtrip::v1::Rendered> reply;
  };
  auto collected = std::make_shared<Collected>(std::move(reply));
  vitals.Read(
      [collected](const roundtrip::v1::Vitals& item) { collected->pulses.push_back(item.pulse()); },
      [collected, label](const std::optional<std::string>& error) {
        if (error) {
          collected->reply.HubError(absl::StrCat("upload failed: ", *error));
          return;
        }
        roundtrip::v1::Rendered rendered;
        rendered.set_text(absl::StrCat(label, ": ", absl::StrJoin(collected->pulses, ",")));
        collected->reply.Return(rendered);
      });
}

void RoundTripHub::AskCaller(const HubCall& call, const roundtrip::v1::Question& question,
                             Reply<roundtrip::v1::Answer> reply) {
  clients_.Caller(call).Confirm(
      question, [reply = std::make_shared<Reply<roundtrip::v1::Answer>>(std::move(reply))](
                    absl::StatusOr<roundtrip::v1::Answer> answer) {
        if (answer.ok()) {
          reply->Return(*answer);
        } else {
          reply->HubError(absl::StrCat("Confirm failed: ", answer.status().message()));
        }
      });
}

}  // namespace hubgate::examples::typed
