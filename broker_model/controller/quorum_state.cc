#include "broker_model/controller/quorum_state.h"

#include "broker_model/controller/byte_codec.h"
#include "sim/crc32c.h"

namespace broker_model {

namespace {

constexpr uint32_t kMagic = 0x51535431;  // "QST1"
constexpr int64_t kNoVote = -1;

std::string encode(const ElectionState& s) {
  std::string body;
  ByteWriter w(body);
  w.put<uint32_t>(kMagic);
  w.put<int64_t>(s.term.value());
  w.put<int64_t>(s.voted_for ? static_cast<int64_t>(s.voted_for->value) : kNoVote);
  std::string out = body;
  ByteWriter t(out);
  t.put<uint32_t>(sim::crc32c(body));
  return out;
}

}  // namespace

std::optional<ElectionState> QuorumStateStore::load() {
  sim::Files& disk = ctx_.files();
  if (disk.exists(kTempFileName)) disk.remove(kTempFileName);  // a save that never got renamed
  if (!disk.exists(kFileName)) return ElectionState{};
  sim::ReadResult r = disk.read_all(kFileName);
  if (r.status != sim::IoStatus::kOk) return std::nullopt;
  constexpr size_t kBodyBytes = 20;
  if (r.data.size() != kBodyBytes + 4) return std::nullopt;
  ByteReader in(r.data);
  uint32_t magic = in.get<uint32_t>();
  int64_t term = in.get<int64_t>();
  int64_t vote = in.get<int64_t>();
  uint32_t crc = in.get<uint32_t>();
  if (!in.done() || magic != kMagic || crc != sim::crc32c(std::string_view(r.data).substr(0, kBodyBytes)) || term < 0)
    return std::nullopt;
  ElectionState s;
  s.term = Term(term);
  if (vote != kNoVote) s.voted_for = sim::NodeId{static_cast<uint32_t>(vote)};
  return s;
}

sim::IoStatus QuorumStateStore::save(const ElectionState& state) {
  sim::Files& disk = ctx_.files();
  if (disk.exists(kTempFileName)) disk.remove(kTempFileName);
  sim::IoStatus s = disk.write(kTempFileName, 0, encode(state));
  if (s != sim::IoStatus::kOk) return s;
  s = disk.fsync(kTempFileName);
  if (s != sim::IoStatus::kOk) return s;
  return disk.rename(kTempFileName, kFileName);
}

sim::IoStatus QuorumStateStore::save_without_fsync(const ElectionState& state) {
  // BUG ZOO (raft-vote-before-persist): in place and never fsynced; a power loss keeps the
  // previous term and vote (or tears the file).
  return ctx_.files().write(kFileName, 0, encode(state));
}

}  // namespace broker_model
