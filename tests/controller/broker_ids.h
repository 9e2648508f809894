// Broker id lists written as integers, for the controller tests' hand-made images and records.
#pragma once

#include <initializer_list>
#include <vector>

#include "broker_model/types.h"

namespace broker_model {

inline std::vector<BrokerId> ids(std::initializer_list<int> v) {
  std::vector<BrokerId> out;
  for (int i : v) out.emplace_back(i);
  return out;
}

}  // namespace broker_model
