// The lab loop's commands as a user runs them: eddy sweep (failures with replay commands, lab
// crashes and hangs caught, kill and resume, shards and merge), replay, check-determinism, list.
// Small seed ranges of the 31-simulated-second CI scenario keep these fast.
#include <gtest/gtest.h>
#include <signal.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "cli/sweep/sweep_plan.h"

extern char** environ;

#include "run_command.h"

namespace {

namespace fs = std::filesystem;

using eddy_test::Result;
using eddy_test::shell;

Result eddy(const std::string& args, const std::string& env = "") {
  return shell(env + (env.empty() ? "" : " ") + EDDY_BINARY + " " + args);
}

const std::string kSource = EDDY_SOURCE_DIR;
const std::string kCi = kSource + "/scenarios/ci/acks-all-single-faults.yaml";
const std::string kPlanted = kSource + "/tests/scenarios/planted-acks1-expects-no-loss.yaml";

struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name)
      : path(fs::temp_directory_path() / ("eddy-sweep-test-" + name + "-" + std::to_string(getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string str(const std::string& sub = "") const { return (sub.empty() ? path : path / sub).string(); }
};

struct Line {
  std::string type, scenario, verdict, fingerprint;
  uint64_t seed = 0;
};

// A tiny field extractor for results.jsonl lines (the test does not share the CLI's parser).
std::string field(const std::string& line, const std::string& key) {
  std::smatch m;
  if (std::regex_search(line, m, std::regex("\"" + key + "\":(\"([^\"]*)\"|([0-9]+))"))) {
    return m[2].matched ? m[2].str() : m[3].str();
  }
  return "";
}

std::vector<Line> read_lines(const std::string& path, bool* all_complete = nullptr) {
  std::ifstream in(path);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (all_complete) *all_complete = content.empty() || content.back() == '\n';
  std::vector<Line> lines;
  std::istringstream s(content);
  std::string l;
  while (std::getline(s, l)) {
    Line x;
    x.type = field(l, "type");
    x.scenario = field(l, "scenario");
    x.verdict = field(l, "verdict");
    x.fingerprint = field(l, "fingerprint");
    std::string seed = field(l, "seed");
    x.seed = seed.empty() ? 0 : std::stoull(seed);
    lines.push_back(x);
  }
  return lines;
}

std::map<uint64_t, Line> seeds_of(const std::vector<Line>& lines) {
  std::map<uint64_t, Line> m;
  for (const auto& l : lines) {
    if (l.type == "seed") {
      EXPECT_TRUE(m.emplace(l.seed, l).second) << "seed " << l.seed << " recorded twice";
    }
  }
  return m;
}

TEST(Cli, SweepOfAPlantedViolationExitsOneAndItsReplayCommandReproducesIt) {
  TempDir dir("planted");
  // The planted file includes a file outside its tree and ctest's working directory.
  const std::string root = " --include-root " + kSource;
  Result r = eddy("sweep " + kPlanted + " --seeds 1..2 --jobs 2 --no-progress --out " + dir.str("out") + " --junit " +
                  dir.str("junit.xml") + root);
  ASSERT_EQ(r.exit_code, 1) << r.out;
  EXPECT_TRUE(fs::exists(dir.path / "out/sweep.json"));
  std::ifstream junit(dir.str("junit.xml"));
  std::string xml((std::istreambuf_iterator<char>(junit)), std::istreambuf_iterator<char>());
  EXPECT_NE(xml.find("<failure"), std::string::npos) << xml;
  EXPECT_NE(r.out.find("safety 2"), std::string::npos) << r.out;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m,
                                std::regex("seed 1  fingerprint=([0-9a-f]{16})\\n +(lost_writes == 0: [0-9]+)[^\\n]*\\n +"
                                           "replay: ([^\\n]+)")))
      << r.out;
  std::string fingerprint = m[1], violation = m[2], replay = m[3];
  EXPECT_EQ(replay, std::string(EDDY_BINARY) + " replay " + kPlanted + " --seed 1" + root);
  EXPECT_EQ(seeds_of(read_lines(dir.str("out/results.jsonl")))[1].fingerprint, fingerprint);

  Result again = shell("cd " + dir.str() + " && " + replay);  // the printed command, as printed
  EXPECT_EQ(again.exit_code, 1) << again.out;
  EXPECT_NE(again.out.find("fingerprint=" + fingerprint), std::string::npos) << again.out;
  std::string count = violation.substr(violation.find(": ") + 2);
  EXPECT_NE(again.out.find("expect lost_writes == 0: " + count + " VIOLATED"), std::string::npos) << again.out;
  // The timeline tells the story: the partition fault, the new leader, the truncation.
  EXPECT_NE(again.out.find("fault                          partition broker-"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("controller.partition_change"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("log.truncate"), std::string::npos) << again.out;
  EXPECT_TRUE(fs::exists(dir.path / "eddy-out/replay/planted-acks1-expects-no-loss-seed1.trace.jsonl"));
}

// A run whose checks all held but whose progress floor was not reached is inconclusive: exit 7
// alone, and a sweep fails only when a scenario has more such seeds than --max-inconclusive
// allows (1% of its seeds by default, rounded down: none of 3).
TEST(Cli, AProgressFloorNotReachedIsInconclusiveAndASweepBoundsIt) {
  TempDir dir("inconclusive");
  const std::string floor = kSource + "/tests/scenarios/floor-out-of-reach.yaml";
  Result run = eddy("run " + floor + " --seed 1 --out " + dir.str("run"));
  EXPECT_EQ(run.exit_code, 7) << run.out;
  EXPECT_NE(run.out.find("expect acknowledged > 100000: 100 NOT REACHED (inconclusive)"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("VIOLATED"), std::string::npos) << run.out;

  Result strict = eddy("sweep " + floor + " --seeds 1..3 --jobs 2 --no-progress --out " + dir.str("strict") + " --junit " +
                       dir.str("strict.xml"));
  EXPECT_EQ(strict.exit_code, 7) << strict.out;
  EXPECT_NE(strict.out.find("inconclusive 3"), std::string::npos) << strict.out;
  EXPECT_NE(strict.out.find("OVER for " + floor + " (3 of 3)"), std::string::npos) << strict.out;
  std::ifstream sj(dir.str("strict/sweep.json"));
  std::string sweep_json((std::istreambuf_iterator<char>(sj)), std::istreambuf_iterator<char>());
  EXPECT_NE(sweep_json.find("\"verdict\": \"fail\""), std::string::npos) << sweep_json;

  Result lenient = eddy("sweep " + floor + " --seeds 1..3 --jobs 2 --no-progress --max-inconclusive 100 --out " +
                        dir.str("lenient") + " --junit " + dir.str("lenient.xml"));
  EXPECT_EQ(lenient.exit_code, 0) << lenient.out;
  std::ifstream lj(dir.str("lenient.xml"));
  std::string xml((std::istreambuf_iterator<char>(lj)), std::istreambuf_iterator<char>());
  EXPECT_NE(xml.find("<skipped message=\"inconclusive: acknowledged &gt; 100000: "), std::string::npos) << xml;
  EXPECT_EQ(xml.find("<failure"), std::string::npos) << xml;

  // A resumed sweep keeps its allowance; another one is another sweep.
  Result other = eddy("sweep " + floor + " --seeds 1..3 --jobs 2 --no-progress --resume --max-inconclusive 50 --out " +
                      dir.str("lenient"));
  EXPECT_EQ(other.exit_code, 2) << other.out;
  EXPECT_NE(other.out.find("another --max-inconclusive"), std::string::npos) << other.out;
}

TEST(Cli, SweepRecordsALabCrashWithItsSeedAndFinishesTheRest) {
  TempDir dir("crash");
  Result r = eddy("sweep " + kCi + " --seeds 1..5 --jobs 2 --no-progress --out " + dir.str("out"),
                  "EDDY_TEST_CRASH_SEED=2");
  EXPECT_EQ(r.exit_code, 5) << r.out;
  auto seeds = seeds_of(read_lines(dir.str("out/results.jsonl")));
  ASSERT_EQ(seeds.size(), 5u) << r.out;
  EXPECT_EQ(seeds[2].verdict, "lab_crash");
  for (uint64_t s : {1, 3, 4, 5}) EXPECT_EQ(seeds[s].verdict, "ok") << s;
  EXPECT_NE(r.out.find("signal 6 (Aborted)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("EDDY_TEST_CRASH_SEED=2: aborting"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("replay: " + std::string(EDDY_BINARY) + " replay " + kCi + " --seed 2"), std::string::npos);
  EXPECT_NE(r.out.find("lab crash 1, lab hang 0"), std::string::npos) << r.out;
  // The printed replay command reproduces the crash.
  Result replay = eddy("replay " + kCi + " --seed 2 --trace " + dir.str("t.jsonl"), "EDDY_TEST_CRASH_SEED=2");
  EXPECT_EQ(replay.exit_code, 128 + SIGABRT) << replay.out;  // the shell reports the abort
}

// One worker: the hung seed is killed after the timeout and a fresh worker runs the next.
// The timeout is generous so that a slow (sanitizer, loaded machine) run of seed 5 never hits it.
TEST(Cli, SweepRecordsALabHangAndGoesOn) {
  TempDir dir("hang");
  // The timeout must leave the healthy seed room on a loaded machine under ASan (5 s did not).
  Result r = eddy("sweep " + kCi + " --seeds 4..5 --jobs 1 --no-progress --seed-timeout 20 --out " + dir.str("out"),
                  "EDDY_TEST_HANG_SEED=4");
  EXPECT_EQ(r.exit_code, 5) << r.out;
  auto seeds = seeds_of(read_lines(dir.str("out/results.jsonl")));
  ASSERT_EQ(seeds.size(), 2u) << r.out;
  EXPECT_EQ(seeds[4].verdict, "lab_hang");
  EXPECT_EQ(seeds[5].verdict, "ok");
  EXPECT_NE(r.out.find("no answer within the per-seed timeout of 20 s"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("EDDY_TEST_HANG_SEED=4: hanging"), std::string::npos) << r.out;
}

// Starts a sweep in the background; returns its pid.
pid_t spawn_sweep(const std::vector<std::string>& args, const std::string& log) {
  std::vector<std::string> argv = {EDDY_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid = -1;
  EXPECT_EQ(posix_spawn(&pid, EDDY_BINARY, &fa, nullptr, cargv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

// Waits (bounded) until results.jsonl holds at least `n` seed records.
void wait_for_seeds(const std::string& results, size_t n) {
  for (int i = 0; i < 6000 && seeds_of(read_lines(results)).size() < n; ++i) usleep(10'000);
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST(Cli, AnInterruptedOrKilledSweepResumesToCompletion) {
  TempDir dir("resume");
  std::string out = dir.str("out"), results = dir.str("out/results.jsonl");
  std::vector<std::string> args = {"sweep", kCi, "--seeds", "1..10", "--jobs", "1", "--no-progress",
                                   "--determinism-sample", "2", "--out", out};
  // Ctrl-C: the sweep stops, keeps what it finished and says how to finish.
  pid_t pid = spawn_sweep(args, dir.str("log1"));
  wait_for_seeds(results, 2);
  kill(pid, SIGINT);
  EXPECT_EQ(wait_exit(pid), 128 + SIGINT);
  std::ifstream log1(dir.str("log1"));
  std::string text((std::istreambuf_iterator<char>(log1)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("interrupted"), std::string::npos) << text;
  EXPECT_NE(text.find("--out " + out + " --resume"), std::string::npos) << text;
  size_t after_int = seeds_of(read_lines(results)).size();
  EXPECT_GE(after_int, 2u);
  EXPECT_LT(after_int, 10u);

  // The same out dir without --resume is refused and left alone.
  auto size = fs::file_size(results);
  Result refused = eddy("sweep " + kCi + " --seeds 1..10 --out " + out);
  EXPECT_EQ(refused.exit_code, 2) << refused.out;
  EXPECT_NE(refused.out.find("--resume"), std::string::npos) << refused.out;
  EXPECT_EQ(fs::file_size(results), size);
  Result other = eddy("sweep " + kCi + " --seeds 1..11 --out " + out + " --resume");
  EXPECT_EQ(other.exit_code, 2) << other.out;
  EXPECT_NE(other.out.find("another seed range"), std::string::npos) << other.out;

  // SIGKILL while resumed, then a torn last line as if killed mid-write.
  std::vector<std::string> resume = args;
  resume.push_back("--resume");
  pid = spawn_sweep(resume, dir.str("log2"));
  wait_for_seeds(results, after_int + 1);
  kill(pid, SIGKILL);
  wait_exit(pid);
  std::ofstream(results, std::ios::app) << "{\"type\":\"seed\",\"scenario\":\"" << kCi << "\",\"se";

  Result finished = eddy("sweep " + kCi + " --seeds 1..10 --jobs 2 --no-progress --determinism-sample 2 --out " +
                         out + " --resume");
  EXPECT_EQ(finished.exit_code, 0) << finished.out;
  EXPECT_NE(finished.out.find("10 of 10 runs done"), std::string::npos) << finished.out;
  bool complete = false;
  auto lines = read_lines(results, &complete);
  EXPECT_TRUE(complete) << "the torn line was cut";
  auto seeds = seeds_of(lines);
  ASSERT_EQ(seeds.size(), 10u);
  for (const auto& [s, l] : seeds) EXPECT_EQ(l.verdict, "ok") << s;
  std::set<uint64_t> rechecked;
  for (const auto& l : lines) {
    if (l.type == "determinism") {
      EXPECT_TRUE(rechecked.insert(l.seed).second) << l.seed;
    }
  }
  EXPECT_EQ(rechecked.size(), 2u);

  // Resumed results equal a sweep that was never interrupted.
  Result straight = eddy("sweep " + kCi + " --seeds 1..10 --jobs 2 --no-progress --determinism-sample 0 --out " +
                         dir.str("straight"));
  ASSERT_EQ(straight.exit_code, 0) << straight.out;
  auto expected = seeds_of(read_lines(dir.str("straight/results.jsonl")));
  for (const auto& [s, l] : expected) EXPECT_EQ(seeds[s].fingerprint, l.fingerprint) << s;
}

TEST(Cli, ShardsAreDisjointAndMergeIntoTheWholeSweep) {
  TempDir dir("shards");
  for (int i = 1; i <= 2; ++i) {
    Result r = eddy("sweep " + kCi + " --seeds 1..4 --shard " + std::to_string(i) +
                    "/2 --no-progress --determinism-sample 1 --out " + dir.str("s" + std::to_string(i)));
    ASSERT_EQ(r.exit_code, 0) << r.out;
  }
  auto a = seeds_of(read_lines(dir.str("s1/results.jsonl")));
  auto b = seeds_of(read_lines(dir.str("s2/results.jsonl")));
  EXPECT_EQ(a.size(), 2u);
  EXPECT_EQ(b.size(), 2u);
  for (const auto& [s, l] : a) EXPECT_EQ(b.count(s), 0u) << s;

  Result partial = eddy("merge " + dir.str("s1"));
  EXPECT_EQ(partial.exit_code, 4) << partial.out;
  EXPECT_NE(partial.out.find("INCOMPLETE: 2 run(s) missing"), std::string::npos) << partial.out;

  Result merged = eddy("merge " + dir.str("s1") + " " + dir.str("s2") + " --out " + dir.str("all"));
  EXPECT_EQ(merged.exit_code, 0) << merged.out;
  EXPECT_NE(merged.out.find("4 of 4 runs"), std::string::npos) << merged.out;
  EXPECT_NE(merged.out.find("determinism: 2 seed(s) re-run, every fingerprint equal"), std::string::npos);
  auto all = seeds_of(read_lines(dir.str("all/results.jsonl")));
  EXPECT_EQ(all.size(), 4u);

  Result mismatch = eddy("merge " + dir.str("s1") + " " + dir.str("nope"));
  EXPECT_EQ(mismatch.exit_code, 2) << mismatch.out;
}

TEST(Cli, CheckDeterminismComparesTracesAndShowsTheFirstDivergence) {
  Result same = eddy("check-determinism " + kCi + " --seed 3");
  EXPECT_EQ(same.exit_code, 0) << same.out;
  EXPECT_NE(same.out.find("traces identical"), std::string::npos) << same.out;
  Result differs = eddy("check-determinism " + kCi + " --seed 3", "EDDY_TEST_NONDETERMINISM=1");
  EXPECT_EQ(differs.exit_code, 4) << differs.out;
  EXPECT_NE(differs.out.find("traces diverge at line "), std::string::npos) << differs.out;
  EXPECT_NE(differs.out.find("    first:  {\"t\":"), std::string::npos) << differs.out;
  EXPECT_NE(differs.out.find("    second: {\"t\":"), std::string::npos) << differs.out;
}

TEST(Cli, ListShowsBundledScenariosFaultKindsAndCheckers) {
  Result r = shell("cd / && " + std::string(EDDY_BINARY) + " list");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("ci/acks-all-single-faults.yaml"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("durability/acks1-leader-cut-off.yaml"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("expects: lost_writes > 0"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("does not load"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" crash "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" partition "), std::string::npos) << r.out;
  for (const char* key : {"lost_writes  ", "liveness  ", "group_exclusivity  ", "commits_rejected  "})
    EXPECT_NE(r.out.find(key), std::string::npos) << key << "\n" << r.out;
}

TEST(Cli, SweepRejectsBadArgumentsAndBadScenariosBeforeRunning) {
  TempDir dir("bad");
  std::ofstream(dir.str("bad.yaml")) << "name: bad\nduration: soon\n";
  for (const std::string& args : {"sweep " + kCi + " --seeds 5..1", "sweep " + kCi + " --seeds x",
                                  "sweep " + kCi + " --seeds 1..3 --shard 3/2", "sweep " + kCi,
                                  "sweep " + kCi + " --seeds 1..3 --time-budget forever",
                                  "sweep " + dir.str("bad.yaml") + " --seeds 1..3 --out " + dir.str("o"),
                                  "replay " + kCi, "merge " + dir.str("empty")}) {
    Result r = eddy(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.out;
  }
  Result bad = eddy("sweep " + dir.str("bad.yaml") + " --seeds 1..3 --out " + dir.str("o"));
  EXPECT_NE(bad.out.find(dir.str("bad.yaml") + ":2:"), std::string::npos) << bad.out;
  EXPECT_FALSE(fs::exists(dir.path / "o")) << "nothing written for bad input";
}

TEST(SweepPlan, ShardsPartitionTheSeedsAndTheSampleIsEvenlySpread) {
  using namespace cli::sweep;
  SeedRange r{10, 109};
  std::multiset<uint64_t> seen;
  for (int i = 1; i <= 7; ++i) {
    for (const Unit& u : plan_units(1, r, Shard{i, 7})) seen.insert(u.seed);
  }
  EXPECT_EQ(seen.size(), 100u);
  for (uint64_t s = 10; s <= 109; ++s) EXPECT_EQ(seen.count(s), 1u) << s;
  for (size_t units : {1u, 7u, 20u, 2000u, 12345u}) {
    for (size_t sample : {0u, 1u, 20u}) {
      size_t n = 0;
      for (size_t i = 0; i < units; ++i) n += in_determinism_sample(i, units, 1, sample) ? 1 : 0;
      EXPECT_EQ(n, std::min(units, sample)) << units << " " << sample;
    }
  }
  // Every scenario file of a sweep is sampled: with 2 files and 20 re-runs over 4,000 units, a
  // single even spacing (step 200) landed on the second file only.
  for (size_t files : {2u, 3u, 7u}) {
    size_t units = files * 2000;
    for (size_t sample : {1u, 20u}) {
      std::vector<size_t> per_file(files, 0);
      for (size_t i = 0; i < units; ++i) per_file[i % files] += in_determinism_sample(i, units, files, sample) ? 1 : 0;
      for (size_t f = 0; f < files; ++f) {
        EXPECT_GE(per_file[f], 1u) << files << " files, sample " << sample << ", file " << f;
        EXPECT_LE(per_file[f], std::max<size_t>(1, sample / files + 1)) << files << " " << sample << " " << f;
      }
    }
  }
  std::string err;
  EXPECT_FALSE(parse_seed_range("3..2", err));
  EXPECT_FALSE(parse_seed_range("-1..2", err));
  EXPECT_FALSE(parse_shard("0/2", err));
  ASSERT_TRUE(parse_seed_range("7", err));
  EXPECT_EQ(parse_seed_range("7", err)->last, 7u);
}

}  // namespace
