#include "sim/log.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include "sim/world/world.h"

namespace sim {

namespace {

// %* in the pattern: "[12.345678901s n3]" from the world running on this thread.
class SimTimeFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
    World* w = World::current();
    std::string s = "[";
    if (w != nullptr) {
      s += format_instant(w->now());
      int node = w->current_node_index();
      s += node >= 0 ? " n" + std::to_string(node) : " world";
    } else {
      s += "host";
    }
    s += "]";
    dest.append(s.data(), s.data() + s.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<SimTimeFlag>(); }
};

std::shared_ptr<spdlog::logger> make_logger() {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_st>();
  auto logger = std::make_shared<spdlog::logger>("eddy", sink);
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<SimTimeFlag>('*').set_pattern("%* %l: %v");
  logger->set_formatter(std::move(formatter));
  logger->set_level(spdlog::level::warn);
  return logger;
}

}  // namespace

spdlog::logger& log() {
  static std::shared_ptr<spdlog::logger> logger = make_logger();
  return *logger;
}

bool set_log_level(std::string_view level) {
  auto l = spdlog::level::from_str(std::string(level));
  if (l == spdlog::level::off && level != "off") return false;
  log().set_level(l);
  return true;
}

}  // namespace sim
