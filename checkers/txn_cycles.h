// Write/read cycles between transactions: Adya's dependency graph over the committed
// transactions, inferred from the history as Elle does and as Jepsen's Kafka workload does it
// (jepsen.tests.kafka: ww-graph, wr-graph; its rw-graph is left out there too, because a poll
// that stopped at offset o never observed that o+1 was absent: the next poll may return it).
// Nodes: the transactions visible as committed (acknowledged committed, or with a record the
// final log's markers commit). Edges:
//   ww  T1 -> T2: in a partition's final log, a committed record of T2 directly follows one of
//       T1 (the log's order is the version order);
//   wr  T1 -> T2: consume-transform-produce transaction T2 read (and committed its offset past)
//       a record T1 wrote;
//   po  T1 -> T2: both of one transactional.id (one producer id), T1 ended before T2 began.
// Kafka does not isolate the writes of different transactional.ids from each other: their
// records interleave in a partition, so ww cycles between them (G0, and G1c through them) are
// in its model, not bugs (A. Livshits on users@kafka.apache.org, Nov 2024, answering Jepsen's
// Bufstream 0.1.0 analysis: "Transactions from producers with the same transactional id never
// interleave, but could be interleaved with messages produced by producers with other
// transactional ids"; Redpanda's reply to Jepsen 21.10.1 likewise). What the model forbids is
// a cycle of wr, po and ww edges between transactions of one transactional.id: every such edge
// runs forward in time when reads are of committed data (a wr reader reads after its writer's
// commit was decided; po is real time; one id's transactions never interleave), so a cycle of
// them is a read of undecided data or one id's transactions interleaved in a log.
//   txn_cycles        cycles of wr, po and one-id ww edges (G1c, G0-process, G1c-process):
//                     0 on a correct protocol;
//   txn_write_cycles  cycles through ww edges between different transactional.ids (G0, G1c):
//                     counted and told, allowed by Kafka's model.
// One violation per strongly connected component (Tarjan), told by a shortest cycle in it.
#pragma once

#include <cstdint>

#include "checkers/checkers.h"

namespace checkers {

struct TxnCycleChecks {
  CheckResult cycles;        // txn_cycles
  CheckResult write_cycles;  // txn_write_cycles
  int64_t transactions = 0;  // nodes
  int64_t edges = 0;
};

// Above this many transactions the graph is not built (the checks say so in their note).
inline constexpr size_t kTxnCycleNodesMax = 200'000;

TxnCycleChecks check_txn_cycles(const History& h);

}  // namespace checkers
