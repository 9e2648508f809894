#include "sim/files.h"

namespace sim {

const char* to_string(IoStatus s) {
  switch (s) {
    case IoStatus::kOk: return "ok";
    case IoStatus::kIoError: return "EIO";
    case IoStatus::kNoSpace: return "ENOSPC";
    case IoStatus::kNotFound: return "ENOENT";
  }
  return "?";
}

}  // namespace sim
