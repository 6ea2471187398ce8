#include "services/method_table.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "hubcore/string_view_compat.h"
#include "spdlog/spdlog.h"

namespace hubgate::services {

std::string MethodTableKey(std::string_view name) {
  return absl::AsciiStrToLower(AsAbsl(name));
}

std::shared_ptr<const MethodTable> MethodTableFrom(const v1::HubDescription& description,
                                                   const std::string& hub) {
  auto table = std::make_shared<MethodTable>();
  for (const v1::MethodDescription& method : description.methods()) {
    if (method.name().empty()) {
      spdlog::warn("hub '{}': backend describes a method without a name; ignored", hub);
      continue;
    }
    hubcore::MethodInfo info;
    info.name = method.name();
    info.kind = method.kind() == v1::MethodDescription::KIND_STREAM
                    ? hubcore::MethodInfo::Kind::kStream
                    : hubcore::MethodInfo::Kind::kInvoke;
    info.upload_streams = method.upload_streams();
    auto [it, inserted] = table->try_emplace(MethodTableKey(method.name()), std::move(info));
    if (!inserted) {
      // .NET forbids overloads; the first spelling wins, as a client cannot tell them apart.
      spdlog::warn("hub '{}': backend describes '{}' twice (names ignore case); keeping '{}'", hub,
                   method.name(), it->second.name);
    }
  }
  return table;
}

}  // namespace hubgate::services
