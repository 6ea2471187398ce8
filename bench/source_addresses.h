#pragma once

#include <optional>
#include <string>
#include <vector>

namespace hubgate::bench {

// --source_addresses: a range "127.0.0.2-127.0.0.9" (same first three parts) or a comma list
// "a,b,c"; empty text gives an empty list. nullopt for a malformed range.
std::optional<std::vector<std::string>> ParseSources(const std::string& text);

}  // namespace hubgate::bench
