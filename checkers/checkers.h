// Checkers: read the History after a run and count violations of what Kafka promises.
// They live outside the model and never look inside a broker: only at what clients saw,
// what the final reads returned and what replicas held at the end (README.md).
//
// A violation names the record, partition and offset, and tells the story of events that
// led to it (produced, acknowledged by whom, leader changes and truncations afterwards).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "checkers/check_result.h"
#include "checkers/history.h"

namespace checkers {

// Acknowledged (ok) produces whose record is absent from the final read of its partition,
// except those retention deleted (History::log_cuts(): a retention cut removed the offset and
// no truncation did after the acknowledgement, and the final log starts above it): Kafka
// deletes old data as configured, and that is not a loss.
CheckResult check_lost_writes(const History& h);
// The same judgement with both counts: `lost_writes` and `expired` (the acknowledged records
// retention deleted), and how many acknowledged records were verified.
struct Durability {
  CheckResult lost_writes;
  CheckResult expired;
  int64_t verified = 0;
};
Durability check_durability(const History& h);
// Committed reads that vanished: a record a consumer read (so it was below the high watermark,
// committed whatever the producer's acks) that is absent from the final read of its partition
// and was not deleted by retention. Counted once per record however many consumers read it.
CheckResult check_lost_reads(const History& h);
// A record found at two or more offsets in the final read (`duplicates`), and among those the
// ones the broker's idempotence should have prevented (`dedup_failures`): every send of the
// record's batch carried one producer id, epoch and sequence. Copies of a batch the producer
// re-stamped between sends (an epoch bump, KIP-360; KAFKA-14034) and of a producer without
// idempotence are duplicates, not dedup failures; the story says which.
struct Duplicates {
  CheckResult duplicates;
  CheckResult dedup_failures;
};
Duplicates check_duplicates(const History& h);
// An acknowledged record at another offset than acknowledged, two records acknowledged at
// one offset, or two replicas holding different records at one offset below the high watermark.
CheckResult check_inconsistent_offsets(const History& h);
// A consumer seeing a partition's offsets go backwards, or skipping offsets that the final
// log holds below the high watermark.
CheckResult check_order(const History& h);

// Per producer and partition, acknowledged records held by the final log in the order they
// were sent, for the producers (History indexes) whose configuration promises it: Kafka's
// idempotent producer (sequence numbers), or max.in.flight.requests.per.connection=1. A record
// counts where it was acknowledged when the final log holds it there, else at its first copy;
// records the final log lacks are the lost-write check's.
CheckResult check_producer_order(const History& h, const std::set<int>& ordered_producers);

// Workload outcomes (the liveness probes are not counted).
struct OutcomeCounts {
  int64_t attempted = 0, acknowledged = 0, failed = 0, unknown = 0, consumed = 0;
};
OutcomeCounts count_outcomes(const History& h);

}  // namespace checkers
