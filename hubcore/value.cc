#include "hubcore/value.h"

namespace hubgate::hubcore {

bool Value::operator==(const Value& other) const { return storage_ == other.storage_; }

}  // namespace hubgate::hubcore
