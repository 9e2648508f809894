// QuorumStateStore: a quorum member's durable election state — the current term and whom
// it voted for in that term — in one small file, like KRaft's `quorum-state`. A save writes
// a new file, fsyncs it and renames it over the old one, so a crash leaves either the old
// or the new state, never a mix; a CRC guards against corruption.
#pragma once

#include <optional>

#include "broker_model/types.h"
#include "sim/node_context.h"

namespace broker_model {

struct ElectionState {
  Term term{0};
  std::optional<sim::NodeId> voted_for;
  bool operator==(const ElectionState&) const = default;
};

class QuorumStateStore {
 public:
  static constexpr const char* kFileName = "__cluster_metadata-0/quorum-state";
  static constexpr const char* kTempFileName = "__cluster_metadata-0/quorum-state.tmp";

  explicit QuorumStateStore(sim::NodeContext& ctx) : ctx_(ctx) {}

  // The stored state (term 0, no vote when there is none), or nullopt if the file is
  // unreadable or corrupt: the member must not take part then (it could vote twice).
  std::optional<ElectionState> load();
  // Durable when it returns kOk.
  sim::IoStatus save(const ElectionState& state);
  // The bug zoo's raft-vote-before-persist: the state written in place, without fsync.
  sim::IoStatus save_without_fsync(const ElectionState& state);

 private:
  sim::NodeContext& ctx_;
};

}  // namespace broker_model
