#include "cli/sweep/results.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "reports/output_file.h"
#include "reports/results_line.h"

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
  if (!h.scenario_digests.empty()) j["scenario_digests"] = h.scenario_digests;
  if (!h.variants.empty()) j["variants"] = h.variants;
  j["max_inconclusive_percent"] = h.max_inconclusive_percent;
  return reports::seal_line(j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
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
  if (!r.fault_points.empty()) j["fault_points"] = r.fault_points;
  j["replay"] = r.replay;
  return reports::seal_line(j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
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
  return reports::seal_line(j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
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
  r.fault_points = get_or<std::map<std::string, uint64_t>>(j, "fault_points", {});
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

namespace {

SweepHeader header_from(const json& j) {
  SweepHeader h;
  if (get_or<std::string>(j, "type", "") != "sweep") {
    throw std::runtime_error("the first line is not a sweep header (\"type\":\"sweep\")");
  }
  h.version = j.at("version").get<int>();
  if (h.version < 1 || h.version > kResultsFormatVersion) {
    throw std::runtime_error("format version " + std::to_string(h.version) + ", expected 1 to " +
                             std::to_string(kResultsFormatVersion));
  }
  h.eddy_version = get_or<std::string>(j, "eddy", "");
  h.scenarios = j.at("scenarios").get<std::vector<std::string>>();
  h.seed_first = j.at("seed_first").get<uint64_t>();
  h.seed_last = j.at("seed_last").get<uint64_t>();
  if (!parse_shard(get_or<std::string>(j, "shard", "1/1"), h.shard_index, h.shard_count)) {
    throw std::runtime_error("bad shard (expected \"I/N\")");
  }
  h.started_utc = get_or<std::string>(j, "started", "");
  h.scenario_digests = get_or<std::vector<std::string>>(j, "scenario_digests", {});
  h.variants = get_or<std::vector<std::string>>(j, "variants", {});
  h.max_inconclusive_percent = get_or<double>(j, "max_inconclusive_percent", kDefaultMaxInconclusivePercent);
  return h;
}

DeterminismRecord determinism_from(const json& j) {
  DeterminismRecord d;
  d.scenario = j.at("scenario").get<std::string>();
  d.seed = j.at("seed").get<uint64_t>();
  d.fingerprint_first = get_or<std::string>(j, "fingerprint_first", "");
  d.fingerprint_second = get_or<std::string>(j, "fingerprint_second", "");
  d.equal = get_or<bool>(j, "equal", false);
  d.message = get_or<std::string>(j, "message", "");
  return d;
}

// A record line of a file whose header was (or was not) sealed: false when it must be dropped.
bool usable(std::string_view line, bool sealed) {
  reports::LineSeal seal = reports::check_line(line);
  return seal == reports::LineSeal::kIntact || (seal == reports::LineSeal::kUnsealed && !sealed);
}

// Adds one record line to `f`; false when the line is damaged or not a record.
bool add_record(ResultsFile& f, const std::string& line, bool sealed) {
  if (!usable(line, sealed)) return false;
  try {
    json j = json::parse(line);
    std::string type = get_or<std::string>(j, "type", "");
    if (type == "seed") f.seeds.push_back(seed_from(j));
    else if (type == "determinism") f.determinism.push_back(determinism_from(j));
    else if (type == "sweep") return false;  // a second header: not this sweep's line
    return true;                             // other types: written by newer tools, skipped
  } catch (const std::exception&) {
    return false;
  }
}

std::optional<std::string> read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

std::optional<ResultsFile> read_results(const std::string& path_in, std::string& error) {
  std::string path = path_in;
  if (std::filesystem::is_directory(path)) path = (std::filesystem::path(path) / kResultsFileName).string();
  std::optional<std::string> content = read_whole(path);
  if (!content) {
    error = path + ": cannot read (expected a sweep's results.jsonl or the directory holding it)";
    return std::nullopt;
  }
  ResultsFile f;
  size_t nl = content->find('\n');
  if (nl == std::string::npos) {
    error = path + (content->empty() ? ": empty (no sweep header)" : ": no complete sweep header line");
    return std::nullopt;
  }
  std::string first = content->substr(0, nl);
  bool sealed = reports::check_line(first) == reports::LineSeal::kIntact;
  try {
    if (reports::check_line(first) == reports::LineSeal::kDamaged) throw std::runtime_error("damaged header line");
    f.header = header_from(json::parse(first));
    if (f.header.version >= 2 && !sealed) throw std::runtime_error("format 2 header without its seal");
  } catch (const std::exception& e) {
    error = path + ":1: " + e.what();
    return std::nullopt;
  }
  for (size_t pos = nl + 1; pos < content->size();) {
    size_t end = content->find('\n', pos);
    if (end == std::string::npos) {  // a line cut short by a kill: dropped, redone on resume
      f.torn_bytes = content->size() - pos;
      break;
    }
    if (!add_record(f, content->substr(pos, end - pos), sealed)) ++f.dropped_lines;
    pos = end + 1;
  }
  return f;
}

bool drop_damaged_lines(const std::string& path, std::string& error) {
  std::optional<std::string> content = read_whole(path);
  if (!content) {
    error = path + ": cannot read";
    return false;
  }
  size_t nl = content->find('\n');
  if (nl == std::string::npos) {
    error = path + ": no complete sweep header line";
    return false;
  }
  bool sealed = reports::check_line(std::string_view(*content).substr(0, nl)) == reports::LineSeal::kIntact;
  std::string kept = content->substr(0, nl + 1);
  for (size_t pos = nl + 1; pos < content->size();) {
    size_t end = content->find('\n', pos);
    if (end == std::string::npos) break;
    ResultsFile scratch;
    std::string line = content->substr(pos, end - pos);
    if (add_record(scratch, line, sealed)) kept += line + "\n";
    pos = end + 1;
  }
  std::string tmp = path + ".rewrite";
  if (auto e = reports::write_text_file(tmp, kept)) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    error = *e;
    return false;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    error = path + ": cannot replace it with its clean lines: " + std::strerror(errno);
    return false;
  }
  return true;
}

ResultsAppender::~ResultsAppender() {
  if (fd_ >= 0) ::close(fd_);
}

bool ResultsAppender::open(const std::string& path, std::string& error) {
  path_ = path;
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    error = path + ": cannot open for appending: " + std::strerror(errno);
    return false;
  }
  return true;
}

bool ResultsAppender::append(const std::string& line) {
  if (fd_ < 0) {
    error_ = reports::write_error(path_, EBADF);
    return false;
  }
  struct stat st {};
  off_t before = ::fstat(fd_, &st) == 0 ? st.st_size : -1;
  std::string buf = line + "\n";
  size_t done = 0;
  while (done < buf.size()) {
    ssize_t n = ::write(fd_, buf.data() + done, buf.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error_ = reports::write_error(path_, n < 0 ? errno : EIO);
      // Half a line must not stay: the next line, once space is back, would be spliced onto it.
      if (before >= 0 && ::ftruncate(fd_, before) != 0) error_ += " (and the partial line could not be cut off)";
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

bool ResultsAppender::close() {
  if (fd_ < 0) return error_.empty();
  int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0 && error_.empty()) error_ = reports::write_error(path_, errno);
  return rc == 0 && error_.empty();
}

}  // namespace cli::sweep
