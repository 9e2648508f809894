#include "broker_model/controller/metadata_record_codec.h"

#include <type_traits>

namespace broker_model {

namespace {

// Tags are part of the on-disk format: never renumber, only add.
enum class RecordTag : uint8_t {
  kRegisterBroker = 1,
  kFenceBroker = 2,
  kUnfenceBroker = 3,
  kTopic = 4,
  kPartition = 5,
  kPartitionChange = 6,
  kLeaderChange = 7,
  kNoOp = 8,
  kProducerIds = 9,
  kBrokerRegistrationChange = 10,
  kUnregisterBroker = 11,
  kConfig = 12,
  kBrokerLogDirOffline = 13,
  // ACLs (security/acl.h); numbered apart from the replication records so the two can grow.
  kAccessControlEntry = 20,
  kRemoveAccessControlEntry = 21,
};

// Replicas one BrokerLogDirOfflineRecord may name (a broker's replicas, at most).
constexpr uint32_t kMaxOfflineReplicasPerRecord = 1'000'000;

// PartitionChangeRecord's flags byte (bit 0 was its unclean_election bool before KIP-966).
constexpr uint8_t kChangeUnclean = 1;
constexpr uint8_t kChangeHasElr = 2;
constexpr uint8_t kChangeHasLastKnownElr = 4;
// Reassignment fields (KIP-455), also only when present.
constexpr uint8_t kChangeHasReplicas = 8;
constexpr uint8_t kChangeHasAdding = 16;
constexpr uint8_t kChangeHasRemoving = 32;
constexpr uint8_t kChangeFlags =
    kChangeUnclean | kChangeHasElr | kChangeHasLastKnownElr | kChangeHasReplicas | kChangeHasAdding | kChangeHasRemoving;

void put_tp(ByteWriter& w, const TopicPartition& tp) {
  w.put_string(tp.topic);
  w.put<int32_t>(tp.partition);
}

void put_ids(ByteWriter& w, const std::vector<BrokerId>& ids) {
  w.put<uint32_t>(static_cast<uint32_t>(ids.size()));
  for (BrokerId id : ids) w.put<int32_t>(id.value());
}

TopicPartition get_tp(ByteReader& r) {
  TopicPartition tp;
  tp.topic = r.get_string(kMaxMetadataStringBytes);
  tp.partition = r.get<int32_t>();
  return tp;
}

std::vector<BrokerId> get_ids(ByteReader& r) {
  uint32_t n = r.get_count(kMaxReplicasPerPartition, 4);
  std::vector<BrokerId> ids;
  ids.reserve(n);
  for (uint32_t i = 0; i < n; ++i) ids.emplace_back(r.get<int32_t>());
  return ids;
}

void encode_fields(ByteWriter& w, const RegisterBrokerRecord& r) {
  w.put<uint8_t>(static_cast<uint8_t>(RecordTag::kRegisterBroker));
  w.put<int32_t>(r.broker_id.value());
  w.put<int64_t>(r.broker_epoch.value());
  w.put<uint64_t>(r.incarnation_id);
  w.put_string(r.rack);
  w.put<uint32_t>(r.endpoint.value);
}

void encode_fields(ByteWriter& w, const FenceBrokerRecord& r) {
  w.put<uint8_t>(static_cast<uint8_t>(RecordTag::kFenceBroker));
  w.put<int32_t>(r.broker_id.value());
  w.put<int64_t>(r.broker_epoch.value());
}

void encode_fields(ByteWriter& w, const UnfenceBrokerRecord& r) {
  w.put<uint8_t>(static_cast<uint8_t>(RecordTag::kUnfenceBroker));
  w.put<int32_t>(r.broker_id.value());
  w.put<int64_t>(r.broker_epoch.value());
}

void encode_fields(ByteWriter& w, const BrokerRegistrationChangeRecord& r) {
  w.put<uint8_t>(static_cast<uint8_t>(RecordTag::kBrokerRegistrationChange));
  w.put<int32_t>(r.broker_id.value());
  w.put<int64_t>(r.broker_epoch.value());
  w.put<uint8_t>(r.in_controlled_shutdown ? 1 : 0);
}

void encode_fields(ByteWriter& w, const BrokerLogDirOfflineRecord& r) {
  w.put<uint8_t>(static_cast<uint8_t>(RecordTag::kBrokerLogDirOffline));
  w.put<int32_t>(r.broker_id.value());
  w.put<int64_t>(r.broker_epoch.value());
  w.put_string(r.dir);
  w.put<uint32_t>(static_cast<uint32_t>(r.replicas.size()));
  for (const TopicPartition& tp : r.replicas) put_tp(w, tp);
}

void encode_fields(ByteWriter& w, const TopicRecord& r) {
  w.put<uint8_t>(static_cast<uint8_t>(RecordTag::kTopic));
  w.put_string(r.name);
  w.put<int32_t>(r.partitions);
  w.put<uint32_t>(static_cast<uint32_t>(r.configs.size()));
  for (const auto& [k, v] : r.configs) {
    w.put_string(k);
    w.put_string(v);
  }
}

void encode_fields(ByteWriter& w, const PartitionRecord& r) {
  w.put<uint8_t>(static_cast<uint8_t>(RecordTag::kPartition));
  put_tp(w, r.tp);
  put_ids(w, r.replicas);
  put_ids(w, r.isr);
  w.put<int32_t>(r.leader.value());
  w.put<int32_t>(r.leader_epoch.value());
  w.put<int32_t>(r.partition_epoch.value());
}

void encode_fields(ByteWriter& w, const PartitionChangeRecord& r) {
  w.put<uint8_t>(static_cast<uint8_t>(RecordTag::kPartitionChange));
  put_tp(w, r.tp);
  w.put_bool(r.leader.has_value());
  if (r.leader) w.put<int32_t>(r.leader->value());
  w.put_bool(r.isr.has_value());
  if (r.isr) put_ids(w, *r.isr);
  w.put<int32_t>(r.leader_epoch.value());
  w.put<int32_t>(r.partition_epoch.value());
  // One flags byte: the unclean mark and which KIP-966 fields follow (a change without them
  // costs what it did before ELR).
  uint8_t flags = static_cast<uint8_t>((r.unclean_election ? kChangeUnclean : 0) | (r.elr ? kChangeHasElr : 0) |
                                       (r.last_known_elr ? kChangeHasLastKnownElr : 0) |
                                       (r.replicas ? kChangeHasReplicas : 0) | (r.adding_replicas ? kChangeHasAdding : 0) |
                                       (r.removing_replicas ? kChangeHasRemoving : 0));
  w.put<uint8_t>(flags);
  if (r.elr) put_ids(w, *r.elr);
  if (r.last_known_elr) put_ids(w, *r.last_known_elr);
  if (r.replicas) put_ids(w, *r.replicas);
  if (r.adding_replicas) put_ids(w, *r.adding_replicas);
  if (r.removing_replicas) put_ids(w, *r.removing_replicas);
}

void encode_fields(ByteWriter& w, const UnregisterBrokerRecord& r) {
  w.put<uint8_t>(static_cast<uint8_t>(RecordTag::kUnregisterBroker));
  w.put<int32_t>(r.broker_id.value());
  w.put<int64_t>(r.broker_epoch.value());
}

void encode_fields(ByteWriter& w, const ConfigRecord& r) {
  w.put<uint8_t>(static_cast<uint8_t>(RecordTag::kConfig));
  w.put<uint8_t>(static_cast<uint8_t>(r.resource_type));
  w.put_string(r.resource_name);
  w.put_string(r.name);
  w.put_bool(r.value.has_value());
  if (r.value) w.put_string(*r.value);
}

void encode_fields(ByteWriter& w, const LeaderChangeRecord& r) {
  w.put<uint8_t>(static_cast<uint8_t>(RecordTag::kLeaderChange));
  w.put<uint32_t>(r.leader.value);
}

void encode_fields(ByteWriter& w, const NoOpRecord&) { w.put<uint8_t>(static_cast<uint8_t>(RecordTag::kNoOp)); }

void encode_fields(ByteWriter& w, const ProducerIdsRecord& r) {
  w.put<uint8_t>(static_cast<uint8_t>(RecordTag::kProducerIds));
  w.put<int32_t>(r.broker_id.value());
  w.put<int64_t>(r.broker_epoch.value());
  w.put<int64_t>(r.next_producer_id);
}

void encode_fields(ByteWriter& w, const AccessControlEntryRecord& r) {
  w.put<uint8_t>(static_cast<uint8_t>(RecordTag::kAccessControlEntry));
  w.put<int64_t>(r.id);
  w.put<uint8_t>(static_cast<uint8_t>(r.acl.resource_type));
  w.put_string(r.acl.resource_name);
  w.put<uint8_t>(static_cast<uint8_t>(r.acl.pattern_type));
  w.put_string(r.acl.principal);
  w.put_string(r.acl.host);
  w.put<uint8_t>(static_cast<uint8_t>(r.acl.operation));
  w.put<uint8_t>(static_cast<uint8_t>(r.acl.permission));
}

void encode_fields(ByteWriter& w, const RemoveAccessControlEntryRecord& r) {
  w.put<uint8_t>(static_cast<uint8_t>(RecordTag::kRemoveAccessControlEntry));
  w.put<int64_t>(r.id);
}

// The enums' codes are Kafka's; a code eddy does not know makes the record malformed.
std::optional<MetadataRecord> decode_acl(ByteReader& r) {
  AccessControlEntryRecord rec;
  rec.id = r.get<int64_t>();
  auto type = static_cast<security::ResourceType>(r.get<uint8_t>());
  rec.acl.resource_name = r.get_string(kMaxMetadataStringBytes);
  auto pattern = static_cast<security::PatternType>(r.get<uint8_t>());
  rec.acl.principal = r.get_string(kMaxMetadataStringBytes);
  rec.acl.host = r.get_string(kMaxMetadataStringBytes);
  auto op = static_cast<security::AclOperation>(r.get<uint8_t>());
  auto permission = static_cast<security::AclPermission>(r.get<uint8_t>());
  if (!security::parse_resource_type(security::name_of(type)) || !security::parse_pattern_type(security::name_of(pattern)) ||
      !security::parse_operation(security::name_of(op)) || !security::parse_permission(security::name_of(permission)) ||
      (permission != security::AclPermission::kAllow && permission != security::AclPermission::kDeny) ||
      (pattern != security::PatternType::kLiteral && pattern != security::PatternType::kPrefixed))
    return std::nullopt;
  rec.acl.resource_type = type;
  rec.acl.pattern_type = pattern;
  rec.acl.operation = op;
  rec.acl.permission = permission;
  return rec;
}

MetadataRecord decode_register(ByteReader& r) {
  RegisterBrokerRecord rec;
  rec.broker_id = BrokerId(r.get<int32_t>());
  rec.broker_epoch = BrokerEpoch(r.get<int64_t>());
  rec.incarnation_id = r.get<uint64_t>();
  rec.rack = r.get_string(kMaxMetadataStringBytes);
  rec.endpoint = sim::NodeId{r.get<uint32_t>()};
  return rec;
}

MetadataRecord decode_topic(ByteReader& r) {
  TopicRecord rec;
  rec.name = r.get_string(kMaxMetadataStringBytes);
  rec.partitions = r.get<int32_t>();
  uint32_t n = r.get_count(kMaxTopicConfigs, 8);
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    std::string k = r.get_string(kMaxMetadataStringBytes);
    rec.configs[k] = r.get_string(kMaxMetadataStringBytes);
  }
  return rec;
}

MetadataRecord decode_partition(ByteReader& r) {
  PartitionRecord rec;
  rec.tp = get_tp(r);
  rec.replicas = get_ids(r);
  rec.isr = get_ids(r);
  rec.leader = BrokerId(r.get<int32_t>());
  rec.leader_epoch = LeaderEpoch(r.get<int32_t>());
  rec.partition_epoch = PartitionEpoch(r.get<int32_t>());
  return rec;
}

// GCC 12 reports the optional<vector> members of a default-constructed record as "maybe
// uninitialized" once the record has four of them (a known false positive of its optional
// analysis, GCC bug 107138); nothing here reads an unset member.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
MetadataRecord decode_partition_change(ByteReader& r) {
  PartitionChangeRecord rec;
  rec.tp = get_tp(r);
  if (r.get_bool()) rec.leader = BrokerId(r.get<int32_t>());
  if (r.get_bool()) rec.isr = get_ids(r);
  rec.leader_epoch = LeaderEpoch(r.get<int32_t>());
  rec.partition_epoch = PartitionEpoch(r.get<int32_t>());
  uint8_t flags = r.get<uint8_t>();
  if ((flags & ~kChangeFlags) != 0) r.set_failed();
  rec.unclean_election = (flags & kChangeUnclean) != 0;
  std::vector<BrokerId> elr;
  std::vector<BrokerId> last_known;
  if ((flags & kChangeHasElr) != 0) elr = get_ids(r);
  if ((flags & kChangeHasLastKnownElr) != 0) last_known = get_ids(r);
  if ((flags & kChangeHasElr) != 0) rec.elr.emplace(std::move(elr));
  if ((flags & kChangeHasLastKnownElr) != 0) rec.last_known_elr.emplace(std::move(last_known));
  if ((flags & kChangeHasReplicas) != 0) rec.replicas.emplace(get_ids(r));
  if ((flags & kChangeHasAdding) != 0) rec.adding_replicas.emplace(get_ids(r));
  if ((flags & kChangeHasRemoving) != 0) rec.removing_replicas.emplace(get_ids(r));
  return rec;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

}  // namespace

void encode_record(const MetadataRecord& r, std::string& out) {
  ByteWriter w(out);
  std::visit([&w](const auto& rec) { encode_fields(w, rec); }, r);
}

std::string encode_batch(const MetadataBatch& batch) {
  std::string out;
  ByteWriter w(out);
  w.put<uint32_t>(static_cast<uint32_t>(batch.size()));
  for (const MetadataRecord& r : batch) encode_record(r, out);
  return out;
}

std::optional<MetadataRecord> decode_record(ByteReader& in) {
  auto tag = static_cast<RecordTag>(in.get<uint8_t>());
  if (!in.ok()) return std::nullopt;
  MetadataRecord rec;
  switch (tag) {
    case RecordTag::kRegisterBroker: rec = decode_register(in); break;
    case RecordTag::kFenceBroker: {
      BrokerId id(in.get<int32_t>());
      rec = FenceBrokerRecord{id, BrokerEpoch(in.get<int64_t>())};
      break;
    }
    case RecordTag::kUnfenceBroker: {
      BrokerId id(in.get<int32_t>());
      rec = UnfenceBrokerRecord{id, BrokerEpoch(in.get<int64_t>())};
      break;
    }
    case RecordTag::kBrokerRegistrationChange: {
      BrokerRegistrationChangeRecord c;
      c.broker_id = BrokerId(in.get<int32_t>());
      c.broker_epoch = BrokerEpoch(in.get<int64_t>());
      uint8_t flag = in.get<uint8_t>();
      if (flag > 1) return std::nullopt;
      c.in_controlled_shutdown = flag == 1;
      rec = c;
      break;
    }
    case RecordTag::kBrokerLogDirOffline: {
      BrokerLogDirOfflineRecord o;
      o.broker_id = BrokerId(in.get<int32_t>());
      o.broker_epoch = BrokerEpoch(in.get<int64_t>());
      o.dir = in.get_string(kMaxMetadataStringBytes);
      uint32_t n = in.get_count(kMaxOfflineReplicasPerRecord, 5);
      for (uint32_t i = 0; i < n && in.ok(); ++i) o.replicas.push_back(get_tp(in));
      rec = std::move(o);
      break;
    }
    case RecordTag::kTopic: rec = decode_topic(in); break;
    case RecordTag::kPartition: rec = decode_partition(in); break;
    case RecordTag::kPartitionChange: rec = decode_partition_change(in); break;
    case RecordTag::kLeaderChange: rec = LeaderChangeRecord{sim::NodeId{in.get<uint32_t>()}}; break;
    case RecordTag::kNoOp: rec = NoOpRecord{}; break;
    case RecordTag::kProducerIds: {
      ProducerIdsRecord p;
      p.broker_id = BrokerId(in.get<int32_t>());
      p.broker_epoch = BrokerEpoch(in.get<int64_t>());
      p.next_producer_id = in.get<int64_t>();
      rec = p;
      break;
    }
    case RecordTag::kAccessControlEntry: {
      std::optional<MetadataRecord> acl = decode_acl(in);
      if (!acl) return std::nullopt;
      rec = std::move(*acl);
      break;
    }
    case RecordTag::kRemoveAccessControlEntry: rec = RemoveAccessControlEntryRecord{in.get<int64_t>()}; break;
    case RecordTag::kUnregisterBroker: {
      BrokerId id(in.get<int32_t>());
      rec = UnregisterBrokerRecord{id, BrokerEpoch(in.get<int64_t>())};
      break;
    }
    case RecordTag::kConfig: {
      ConfigRecord c;
      uint8_t type = in.get<uint8_t>();
      if (type != static_cast<uint8_t>(ConfigRecord::Resource::kTopic) &&
          type != static_cast<uint8_t>(ConfigRecord::Resource::kBroker))
        return std::nullopt;
      c.resource_type = static_cast<ConfigRecord::Resource>(type);
      c.resource_name = in.get_string(kMaxMetadataStringBytes);
      c.name = in.get_string(kMaxMetadataStringBytes);
      if (in.get_bool()) c.value = in.get_string(kMaxMetadataStringBytes);
      rec = c;
      break;
    }
    default: return std::nullopt;
  }
  if (!in.ok()) return std::nullopt;
  return rec;
}

std::optional<MetadataBatch> decode_batch(std::string_view bytes) {
  ByteReader in(bytes);
  uint32_t n = in.get_count(kMaxRecordsPerBatch, 1);
  MetadataBatch batch;
  batch.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    std::optional<MetadataRecord> r = decode_record(in);
    if (!r) return std::nullopt;
    batch.push_back(std::move(*r));
  }
  if (!in.done()) return std::nullopt;
  return batch;
}

}  // namespace broker_model
