#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "hubcore/hub_backend.h"
#include "hubgate/v1/hub_handler.pb.h"

namespace hubgate::services {

// A backend's methods by lower-case name (.NET matches hub method names ignoring case); the
// canonical spelling is kept in MethodInfo::name.
using MethodTable = absl::flat_hash_map<std::string, hubcore::MethodInfo>;

// The key of `name` in a MethodTable.
std::string MethodTableKey(std::string_view name);

// The table of a Describe answer. Methods without a name are ignored and, of names that differ
// only in case, the first wins (both logged at warning level for hub `hub`).
std::shared_ptr<const MethodTable> MethodTableFrom(const v1::HubDescription& description,
                                                   const std::string& hub);

}  // namespace hubgate::services
