// Checkers for a consume-transform-produce pipeline (KIP-98's exactly-once processing:
// read an input topic, write an output topic and commit the consumed offsets in one
// transaction). They judge the committed outcome, as a downstream read_committed reader would
// see it, against the committed input, from the final logs (each record's fate as its
// partition's markers tell it, FinalRecordMeta::txn) and the links the pipeline's members
// recorded from each output record to the input record it was made from (History::ctp_links):
//   ctp_duplicates     an input record with more than one committed output;
//   ctp_lost           a committed input record below the group's final committed offset of
//                      its partition (the pipeline said it was done with it) with no
//                      committed output;
//   ctp_order          the committed outputs of one input partition, in one output
//                      partition, not in the order of their inputs;
//   ctp_aborted_reads  a committed output made from an input record that is not committed
//                      (aborted or undecided): the pipeline read an aborted write and made it
//                      durable (what read_uncommitted does).
// `verified` counts the committed input records judged (the floor a scenario sets so that
// "no loss" never passes vacuously).
#pragma once

#include "checkers/checkers.h"

namespace checkers {

struct CtpChecks {
  CheckResult duplicates;
  CheckResult lost;
  CheckResult order;
  CheckResult aborted_reads;
  int64_t verified = 0;
};
CtpChecks check_ctp(const History& h);

}  // namespace checkers
