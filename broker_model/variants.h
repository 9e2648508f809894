// The bug zoo: named protocol variants that bring back one historical Apache Kafka bug (or one
// missing safeguard) each, so the lab's power to find bugs it did not plant can be measured
// (docs/bug-zoo.md). Every variant is off unless a scenario turns it on
// (`cluster: {variants: [name, ...]}`, or `--variant NAME`); the code of each lives beside the
// correct code it replaces, small and marked `// BUG ZOO:` with its KIP or JIRA.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace broker_model {

enum class Variant : uint8_t {
  // replication (broker)
  kPreKip101Truncation,
  kPreKip279EpochLookup,
  kPreKip320UnfencedFetch,
  kKafka7128IsrExpansion,
  kHwOverCommittedIsr,
  // metadata quorum (Raft)
  kRaftVoteBeforePersist,
  kRaftCommitPreviousTerm,
  kRaftNoElectionRestriction,
  kRaftNoPrevote,
  // idempotent producer
  kPreKafka5494OneBatch,
  kProducerBumpBehindAcked,
  // consumer groups
  kGroupCommitIgnoresGeneration,
  kOffsetsNotLoadedOnFailover,
  // replication (controller and broker): eligible leader replicas off
  kPreKip966NoElr,
  // transactions (broker_model/txn/): planted mutations the transaction checkers must catch
  kReadCommittedPastLso,
  kNoAbortedTransactionsInFetch,
  // operations (broker and controller): controlled shutdown
  kControlledShutdownNoWait,
  kCtpOffsetsOutsideTransaction,
  // security (broker_model/security/): planted mutations the ACL checkers must catch
  kAclAllowOverridesDeny,
  kAclRemovalsIgnored,
  // transactions (broker): a planted mutation the transaction cycle checker must catch
  kStaleEpochProduceAccepted,
  // operations: JBOD log directories (KIP-112, KIP-858)
  kAckOnFailedLogDir,
  kLogDirFailureUnreported,
  kCount
};

struct VariantInfo {
  Variant variant;
  const char* name;         // the scenario file's spelling
  const char* area;         // replication, controller, raft, producer, groups
  const char* reference;    // KIP / JIRA and the release that fixed it
  const char* description;  // one line: what the variant does
};

// Every variant, in enum order.
const std::vector<VariantInfo>& variant_catalogue();
const VariantInfo& info_of(Variant v);
std::optional<Variant> variant_from_name(std::string_view name);
// "a, b, c": every known name, for error messages.
std::string known_variant_names();

// A set of variants; empty (every protocol rule as Kafka has it today) by default.
class ProtocolVariants {
 public:
  bool has(Variant v) const { return (bits_ >> static_cast<unsigned>(v)) & 1u; }
  void set(Variant v) { bits_ |= 1u << static_cast<unsigned>(v); }
  bool empty() const { return bits_ == 0; }
  std::vector<std::string> names() const;  // in catalogue order
  std::string str() const;                 // "a, b" or "none"
  bool operator==(const ProtocolVariants&) const = default;

 private:
  uint32_t bits_ = 0;
  static_assert(static_cast<unsigned>(Variant::kCount) <= 32);
};

}  // namespace broker_model
