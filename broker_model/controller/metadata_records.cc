#include "broker_model/controller/metadata_records.h"

#include "broker_model/controller/metadata_record_codec.h"
#include "sim/prng.h"

namespace broker_model {

namespace {

std::string join_ids(const std::vector<BrokerId>& ids) {
  std::string out = "[";
  for (size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + ids[i].str();
  return out + "]";
}

std::string describe_fields(const RegisterBrokerRecord& r) {
  return "broker " + r.broker_id.str() + " epoch " + r.broker_epoch.str() + " rack '" + r.rack + "' at " +
         r.endpoint.str();
}
std::string describe_fields(const FenceBrokerRecord& r) { return "broker " + r.broker_id.str() + " epoch " + r.broker_epoch.str(); }
std::string describe_fields(const UnfenceBrokerRecord& r) {
  return "broker " + r.broker_id.str() + " epoch " + r.broker_epoch.str();
}
std::string describe_fields(const BrokerRegistrationChangeRecord& r) {
  return "broker " + r.broker_id.str() + " epoch " + r.broker_epoch.str() +
         (r.in_controlled_shutdown ? " in_controlled_shutdown" : "");
}
std::string describe_fields(const BrokerLogDirOfflineRecord& r) {
  return "broker " + r.broker_id.str() + " epoch " + r.broker_epoch.str() + " dir '" + r.dir + "' replicas " +
         std::to_string(r.replicas.size());
}
std::string describe_fields(const TopicRecord& r) {
  return r.name + " partitions " + std::to_string(r.partitions) + " configs " + std::to_string(r.configs.size());
}
std::string describe_fields(const PartitionRecord& r) {
  return r.tp.str() + " replicas " + join_ids(r.replicas) + " isr " + join_ids(r.isr) + " leader " + r.leader.str() +
         " leader_epoch " + r.leader_epoch.str() + " partition_epoch " + r.partition_epoch.str();
}
std::string describe_fields(const PartitionChangeRecord& r) {
  std::string s = r.tp.str();
  if (r.leader) s += " leader " + r.leader->str();
  if (r.isr) s += " isr " + join_ids(*r.isr);
  s += " leader_epoch " + r.leader_epoch.str() + " partition_epoch " + r.partition_epoch.str();
  if (r.unclean_election) s += " UNCLEAN";
  if (r.replicas) s += " replicas " + join_ids(*r.replicas);
  if (r.adding_replicas) s += " adding " + join_ids(*r.adding_replicas);
  if (r.removing_replicas) s += " removing " + join_ids(*r.removing_replicas);
  return s;
}
std::string describe_fields(const UnregisterBrokerRecord& r) {
  return "broker " + r.broker_id.str() + " epoch " + r.broker_epoch.str();
}
std::string describe_fields(const ConfigRecord& r) {
  std::string s = r.resource_type == ConfigRecord::Resource::kTopic ? "topic " : "broker ";
  s += (r.resource_name.empty() ? "<default>" : r.resource_name) + " " + r.name;
  return s + (r.value ? "=" + *r.value : " deleted");
}
std::string describe_fields(const LeaderChangeRecord& r) { return "leader " + r.leader.str(); }
std::string describe_fields(const NoOpRecord&) { return ""; }
std::string describe_fields(const ProducerIdsRecord& r) {
  return "broker " + r.broker_id.str() + " epoch " + r.broker_epoch.str() + " next_producer_id " +
         std::to_string(r.next_producer_id);
}

std::string describe_fields(const AccessControlEntryRecord& r) { return "id " + std::to_string(r.id) + " " + r.acl.str(); }
std::string describe_fields(const RemoveAccessControlEntryRecord& r) { return "id " + std::to_string(r.id); }

}  // namespace

const char* record_type_name(const MetadataRecord& r) {
  static constexpr const char* kNames[] = {"RegisterBrokerRecord",  "FenceBrokerRecord", "UnfenceBrokerRecord",
                                           "TopicRecord",           "PartitionRecord",   "PartitionChangeRecord",
                                           "LeaderChangeRecord",    "NoOpRecord",        "ProducerIdsRecord",
                                           "BrokerRegistrationChangeRecord", "AccessControlEntryRecord",
                                           "RemoveAccessControlEntryRecord", "UnregisterBrokerRecord",
                                           "ConfigRecord", "BrokerLogDirOfflineRecord"};
  static_assert(std::size(kNames) == std::variant_size_v<MetadataRecord>);
  return kNames[r.index()];
}

std::string describe(const MetadataRecord& r) {
  std::string fields = std::visit([](const auto& rec) { return describe_fields(rec); }, r);
  return std::string(record_type_name(r)) + (fields.empty() ? "" : " ") + fields;
}

uint32_t record_bytes(const MetadataRecord& r) {
  std::string out;
  encode_record(r, out);
  return static_cast<uint32_t>(out.size());
}

uint32_t batch_bytes(const MetadataBatch& b) {
  uint32_t n = 4;
  for (const MetadataRecord& r : b) n += record_bytes(r);
  return n;
}

uint64_t batch_digest(const MetadataBatch& b) { return sim::hash_bytes(encode_batch(b)); }

}  // namespace broker_model
