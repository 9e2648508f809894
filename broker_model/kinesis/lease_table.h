// The KCL's lease table, kept in a small simulated key-value store with conditional writes, as
// the Kinesis Client Library keeps it in a DynamoDB table: one item per shard with its owner,
// a lease counter every renewal increments, and the shard's checkpoint. Every change is a
// conditional write ("leaseCounter = :expected AND leaseOwner = :owner"), which is all the
// mutual exclusion the KCL has. The store is one process on its own node and keeps its table
// in memory: DynamoDB's own durability is not what the lab studies (docs/kinesis.md).
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "broker_model/rpc/rpc_endpoint.h"
#include "sim/node_context.h"
#include "sim/symbol.h"

namespace broker_model::kinesis {

inline const sim::Symbol kLeaseTableRpc{"LeaseTable"};

// The checkpoint of a shard read to its end: the KCL's sentinel SHARD_END, written when
// GetRecords answers no NextShardIterator (the shard is closed and every record processed).
inline constexpr int64_t kShardEnd = std::numeric_limits<int64_t>::max();

struct Lease {
  int32_t shard = 0;
  std::string owner;          // "" when nobody holds it
  int64_t counter = 0;        // leaseCounter
  int64_t checkpoint = -1;    // the last processed sequence number; -1: TRIM_HORIZON; kShardEnd
  std::vector<int32_t> parents;  // parentShardIds: the shards this one was split or merged from
  bool finished() const { return checkpoint == kShardEnd; }
};

// Parent before child, as the KCL's BlockOnParentShardTask decides: "If a checkpoint for a
// parent shard is found, we poll and wait until the checkpoint value is SHARD_END (application
// has checkpointed after processing all records in the shard). If we don't find a checkpoint
// for the parent shard(s), we assume they have been trimmed and directly proceed". True when
// `child` may be processed given the table's leases.
bool parents_finished(const Lease& child, const std::vector<Lease>& table);

enum class LeaseOp : uint8_t {
  kList,            // every lease
  kCreateIfAbsent,  // a new lease for `shard` (no owner, counter 0) unless there is one
  kTake,            // owner := owner, counter + 1   if counter == expected_counter
  kRenew,           // counter + 1                   if counter == expected and owner == owner
  kCheckpoint,      // checkpoint := checkpoint      if counter == expected and owner == owner
};

struct LeaseRequest {
  LeaseOp op = LeaseOp::kList;
  int32_t shard = 0;
  std::string owner;
  int64_t expected_counter = 0;
  int64_t checkpoint = -1;
  std::vector<int32_t> parents;  // kCreateIfAbsent
  // The application's table: each KCL application keeps its leases in its own DynamoDB table
  // (named after the application), so applications reading one stream do not share leases.
  std::string table;
};
struct LeaseResponse {
  bool ok = false;  // the condition held (for kList, always)
  std::vector<Lease> leases;  // kList: all; otherwise the lease as it is now
};
inline uint32_t wire_bytes(const LeaseRequest& r) { return 96 + 8 * static_cast<uint32_t>(r.parents.size()); }
inline uint32_t wire_bytes(const LeaseResponse& r) { return 32 + 64 * static_cast<uint32_t>(r.leases.size()); }

sim::BootFn make_lease_table_boot();

class LeaseTableServer {
 public:
  explicit LeaseTableServer(sim::NodeContext& ctx) : rpc_(ctx) {}
  void run();
  // The condition and the write, as DynamoDB applies a conditional UpdateItem.
  static LeaseResponse apply(std::map<int32_t, Lease>& table, const LeaseRequest& req);

 private:
  RpcEndpoint rpc_;
  std::map<std::string, std::map<int32_t, Lease>> tables_;
};

}  // namespace broker_model::kinesis
