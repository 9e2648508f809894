// The pipeline's end-to-end checker (docs/pipeline.md): what the devices sent against what the
// store holds at the end, from checkers/pipeline_history.h.
// - pipeline_missing: a QoS 1 reading the device had acknowledged (PUBACK), well-formed, with
//   no document in the store (upsert by device: a device with acknowledged readings and no
//   document). The story follows it hop by hop and says where it stopped;
// - pipeline_qos0_lost: QoS 0 readings with no document (at most once: counted);
// - pipeline_duplicates: a reading held by more than one document, told with its cause: the
//   device or the rule sent it twice, the queue delivered it again (a visibility timeout that
//   ended while an invocation still ran, a timed-out or failed invocation), or a sink task
//   wrote one record twice (a replay from the last committed offset);
// - pipeline_out_of_order: a write that replaced a device's document holding a newer reading
//   (upsert by device: a document overwritten by an older reading);
// - pipeline_redelivered (queue messages received more than once), pipeline_replayed (topic
//   records a sink wrote more than once), pipeline_dead_lettered (records sent to the
//   dead-letter topic or left in the queue's dead-letter queue): counted;
// - latency: from a reading's first PUBLISH to its first acknowledged store write.
#pragma once

#include <utility>
#include <vector>

#include "checkers/checkers.h"
#include "checkers/history.h"

namespace checkers {

struct PipelineLatency {
  int64_t count = 0;
  sim::Duration p50, p99, max;
  // (reading's first PUBLISH, its latency), in time order: the report's latency over time.
  std::vector<std::pair<sim::Instant, sim::Duration>> series;
};

struct PipelineChecks {
  CheckResult missing{"pipeline_missing", 0, {}, {}};
  CheckResult qos0_lost{"pipeline_qos0_lost", 0, {}, {}};
  CheckResult duplicates{"pipeline_duplicates", 0, {}, {}};
  // Duplicates whose cause no hop's recorded behaviour explains (a re-delivery, a timed-out or
  // failed invocation, a replay, a lost store answer): 0 unless the model has a gap.
  CheckResult unexplained_duplicates{"pipeline_unexplained_duplicates", 0, {}, {}};
  CheckResult out_of_order{"pipeline_out_of_order", 0, {}, {}};
  CheckResult mqtt_redelivered{"pipeline_mqtt_redelivered", 0, {}, {}};  // readings sent again with DUP=1
  CheckResult redelivered{"pipeline_redelivered", 0, {}, {}};
  CheckResult replayed{"pipeline_replayed", 0, {}, {}};
  CheckResult dead_lettered{"pipeline_dead_lettered", 0, {}, {}};
  int64_t delivered = 0;  // readings with a document
  PipelineLatency latency;
};

PipelineChecks check_pipeline(const History& h);

}  // namespace checkers
