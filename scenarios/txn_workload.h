// The transactional producer workload (KIP-98): a producer entry whose configs carry a
// transactional.id runs transactions of `records_per_transaction` records each, committing
// them (or aborting a share `abort_ratio` of them on purpose), and records each transaction
// with its records and outcome in the History (checkers/txn_checkers.h judges them).
#pragma once

#include "broker_model/txn/transaction_coordinator.h"
#include "scenarios/client_processes.h"

namespace scenarios {

// transaction.state.log.*, transaction.* broker configs of the scenario.
broker_model::TransactionCoordinatorConfig transaction_coordinator_config(const ScenarioSpec& spec);
bool is_transactional(const ProducerSpec& p);
// Instance k of the entry uses transactional.id "<id>-k" when the entry has more than one.
sim::BootFn make_transactional_producer_boot(const ScenarioSpec& spec, const ProducerSpec& p, int producer_index,
                                             int index_in_entry, LabState& lab);

}  // namespace scenarios
