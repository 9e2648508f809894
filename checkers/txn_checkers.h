// Checkers for transactions (KIP-98), in the spirit of Jepsen's Kafka workloads. They read
// the transactions as their producers saw them (History::transactions()), what consumers
// read, and the final log with each transactional record's fate as the log's own markers
// tell it (FinalRecordMeta::txn):
//   aborted_reads          a read_committed consumer read a record of an aborted transaction
//                          (aborted by its producer, or by the markers in the final log);
//   read_past_lso          a read_committed consumer read a transactional record before its
//                          producer had even asked to commit, or one whose transaction the
//                          final log never decided (past the last stable offset);
//   torn_transactions      a committed transaction some of whose records are visible as
//                          committed in the final log and others not;
//   lost_committed_writes  records of committed transactions not visible as committed in the
//                          final log (absent, aborted or still open there).
// `committed_transactions` (how many transactions committed, the floor a scenario sets so
// that "none torn" never passes vacuously) is returned beside them.
#pragma once

#include "checkers/checkers.h"

namespace checkers {

struct TransactionChecks {
  CheckResult aborted_reads;
  CheckResult read_past_lso;
  CheckResult torn_transactions;
  CheckResult lost_committed_writes;
  int64_t committed = 0, aborted = 0, unknown = 0;
};
TransactionChecks check_transactions(const History& h);

// A record's place in a partition's final log and what the markers after it decided; the
// transaction and consume-transform-produce checkers tell stories with them.
struct FinalPlace {
  TopicPartition tp;
  Offset offset;
  FinalRecordMeta::Txn fate = FinalRecordMeta::Txn::kNone;
};
// "committed (a COMMIT marker follows it)", "aborted (an ABORT marker follows it)", ...
const char* txn_fate_name(FinalRecordMeta::Txn f);

}  // namespace checkers
