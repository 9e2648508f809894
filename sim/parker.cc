#include "sim/parker.h"

namespace sim {

thread_local Parker* Parker::current_ = nullptr;

}  // namespace sim
