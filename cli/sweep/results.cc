#include "cli/sweep/results.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace cli::sweep {

using nlohmann::json;

std::string to_json_line(const SweepHeader& h) {
  nlohmann::ordered_json j;
  j["type"] = "sweep";
  j["version"] = h.version;
  j["eddy"] = h.eddy_version;
  j["scenarios"] = h.scenarios;
  j["seed_first"] = h.seed_first;
  j["seed_last"] = h.seed_last;
  j["shard"] = std::to_string(h.shard_index) + "/" + std::to_string(h.shard_count);
  j["started"] = h.started_utc;
  return j.dump();
}

std::string to_json_line(const SeedRecord& r) {
  nlohmann::ordered_json j;
  j["type"] = "seed";
  j["scenario"] = r.scenario;
  j["name"] = r.name;
  j["seed"] = r.seed;
  j["verdict"] = to_string(r.verdict);
  j["exit_code"] = exit_code_of(r.verdict);
  j["fingerprint"] = r.fingerprint;
  j["failed"] = r.failed;
  j["message"] = r.message;
  j["simulated_s"] = r.simulated_s;
  j["wall_s"] = r.wall_s;
  j["events"] = r.events;
  j["checks"] = r.checks;
  j["liveness"] = r.liveness;
  j["produced"] = {{"attempted", r.counts.attempted}, {"acknowledged", r.counts.acknowledged},
                   {"failed", r.counts.failed}, {"unknown", r.counts.unknown}};
  j["consumed"] = r.counts.consumed;
  j["produce_records_per_s"] = r.produce_records_per_s;
  j["consume_records_per_s"] = r.consume_records_per_s;
  j["produce_latency_ms"] = {{"p50", r.produce_p50_ms}, {"p99", r.produce_p99_ms}, {"max", r.produce_max_ms}};
  j["faults"] = r.faults;
  j["replay"] = r.replay;
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string to_json_line(const DeterminismRecord& r) {
  nlohmann::ordered_json j;
  j["type"] = "determinism";
  j["scenario"] = r.scenario;
  j["seed"] = r.seed;
  j["fingerprint_first"] = r.fingerprint_first;
  j["fingerprint_second"] = r.fingerprint_second;
  j["equal"] = r.equal;
  j["message"] = r.message;
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

namespace {

template <typename T>
T get_or(const json& j, const char* key, T fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  return it->get<T>();
}

SeedRecord seed_from(const json& j) {
  SeedRecord r;
  r.scenario = j.at("scenario").get<std::string>();
  r.seed = j.at("seed").get<uint64_t>();
  r.verdict = verdict_from_string(j.at("verdict").get<std::string>()).value_or(Verdict::kLabError);
  r.name = get_or<std::string>(j, "name", "");
  r.fingerprint = get_or<std::string>(j, "fingerprint", "");
  r.failed = get_or<std::vector<std::string>>(j, "failed", {});
  r.message = get_or<std::string>(j, "message", "");
  r.simulated_s = get_or<double>(j, "simulated_s", 0);
  r.wall_s = get_or<double>(j, "wall_s", 0);
  r.events = get_or<uint64_t>(j, "events", 0);
  r.checks = get_or<std::map<std::string, int64_t>>(j, "checks", {});
  r.liveness = get_or<bool>(j, "liveness", false);
  if (auto p = j.find("produced"); p != j.end() && p->is_object()) {
    r.counts.attempted = get_or<int64_t>(*p, "attempted", 0);
    r.counts.acknowledged = get_or<int64_t>(*p, "acknowledged", 0);
    r.counts.failed = get_or<int64_t>(*p, "failed", 0);
    r.counts.unknown = get_or<int64_t>(*p, "unknown", 0);
  }
  r.counts.consumed = get_or<int64_t>(j, "consumed", 0);
  r.produce_records_per_s = get_or<double>(j, "produce_records_per_s", 0);
  r.consume_records_per_s = get_or<double>(j, "consume_records_per_s", 0);
  if (auto l = j.find("produce_latency_ms"); l != j.end() && l->is_object()) {
    r.produce_p50_ms = get_or<double>(*l, "p50", 0);
    r.produce_p99_ms = get_or<double>(*l, "p99", 0);
    r.produce_max_ms = get_or<double>(*l, "max", 0);
  }
  r.faults = get_or<std::vector<std::string>>(j, "faults", {});
  r.replay = get_or<std::string>(j, "replay", "");
  return r;
}

bool parse_shard(const std::string& s, int& index, int& count) {
  return std::sscanf(s.c_str(), "%d/%d", &index, &count) == 2;
}

}  // namespace

std::optional<SeedRecord> seed_record_from_json(const std::string& line) {
  try {
    json j = json::parse(line);
    if (get_or<std::string>(j, "type", "") != "seed") return std::nullopt;
    return seed_from(j);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<ResultsFile> read_results(const std::string& path_in, std::string& error) {
  std::string path = path_in;
  if (std::filesystem::is_directory(path)) path = (std::filesystem::path(path) / kResultsFileName).string();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": cannot read (expected a sweep's results.jsonl or the directory holding it)";
    return std::nullopt;
  }
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ResultsFile f;
  size_t pos = 0;
  int line_no = 0;
  while (pos < content.size()) {
    size_t nl = content.find('\n', pos);
    if (nl == std::string::npos) {  // a line cut short by a kill: dropped, redone on resume
      f.torn_bytes = content.size() - pos;
      break;
    }
    std::string line = content.substr(pos, nl - pos);
    ++line_no;
    pos = nl + 1;
    f.valid_bytes = pos;
    try {
      json j = json::parse(line);
      std::string type = get_or<std::string>(j, "type", "");
      if (line_no == 1) {
        if (type != "sweep") throw std::runtime_error("the first line is not a sweep header (\"type\":\"sweep\")");
        f.header.version = j.at("version").get<int>();
        if (f.header.version != kResultsFormatVersion) {
          throw std::runtime_error("format version " + std::to_string(f.header.version) + ", expected " +
                                   std::to_string(kResultsFormatVersion));
        }
        f.header.eddy_version = get_or<std::string>(j, "eddy", "");
        f.header.scenarios = j.at("scenarios").get<std::vector<std::string>>();
        f.header.seed_first = j.at("seed_first").get<uint64_t>();
        f.header.seed_last = j.at("seed_last").get<uint64_t>();
        if (!parse_shard(get_or<std::string>(j, "shard", "1/1"), f.header.shard_index, f.header.shard_count)) {
          throw std::runtime_error("bad shard (expected \"I/N\")");
        }
        f.header.started_utc = get_or<std::string>(j, "started", "");
      } else if (type == "seed") {
        f.seeds.push_back(seed_from(j));
      } else if (type == "determinism") {
        DeterminismRecord d;
        d.scenario = j.at("scenario").get<std::string>();
        d.seed = j.at("seed").get<uint64_t>();
        d.fingerprint_first = get_or<std::string>(j, "fingerprint_first", "");
        d.fingerprint_second = get_or<std::string>(j, "fingerprint_second", "");
        d.equal = get_or<bool>(j, "equal", false);
        d.message = get_or<std::string>(j, "message", "");
        f.determinism.push_back(d);
      }  // other types: written by newer tools, skipped
    } catch (const std::exception& e) {
      error = path + ":" + std::to_string(line_no) + ": " + e.what();
      return std::nullopt;
    }
  }
  if (line_no == 0) {
    error = path + ": empty (no sweep header)";
    return std::nullopt;
  }
  return f;
}

ResultsAppender::~ResultsAppender() {
  if (fd_ >= 0) ::close(fd_);
}

bool ResultsAppender::open(const std::string& path, std::optional<uint64_t> truncate_to, std::string& error) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    error = path + ": cannot open for appending: " + std::strerror(errno);
    return false;
  }
  if (truncate_to && ::ftruncate(fd_, static_cast<off_t>(*truncate_to)) != 0) {
    error = path + ": cannot cut the unfinished last line: " + std::strerror(errno);
    return false;
  }
  return true;
}

bool ResultsAppender::append(const std::string& line) {
  std::string buf = line + "\n";
  size_t done = 0;
  while (done < buf.size()) {
    ssize_t n = ::write(fd_, buf.data() + done, buf.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace cli::sweep
