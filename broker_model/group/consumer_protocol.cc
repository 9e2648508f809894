#include "broker_model/group/consumer_protocol.h"

#include "broker_model/controller/byte_codec.h"

namespace broker_model {

namespace {
constexpr uint32_t kItemsMax = 100'000;
constexpr size_t kNameBytesMax = 1'024;

void put_partitions(ByteWriter& w, const std::vector<TopicPartition>& tps) {
  w.put<uint32_t>(static_cast<uint32_t>(tps.size()));
  for (const auto& tp : tps) {
    w.put_string(tp.topic);
    w.put<int32_t>(tp.partition);
  }
}

std::vector<TopicPartition> get_partitions(ByteReader& r) {
  std::vector<TopicPartition> out;
  uint32_t n = r.get_count(kItemsMax, 8);
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    TopicPartition tp;
    tp.topic = r.get_string(kNameBytesMax);
    tp.partition = r.get<int32_t>();
    out.push_back(std::move(tp));
  }
  return out;
}
}  // namespace

std::string encode_subscription(const ConsumerSubscription& s) {
  std::string out;
  ByteWriter w(out);
  w.put<uint32_t>(static_cast<uint32_t>(s.topics.size()));
  for (const auto& t : s.topics) w.put_string(t);
  put_partitions(w, s.owned_partitions);
  w.put<int32_t>(s.generation);
  return out;
}

std::optional<ConsumerSubscription> decode_subscription(const std::string& bytes) {
  ByteReader r(bytes);
  ConsumerSubscription s;
  uint32_t n = r.get_count(kItemsMax, 4);
  for (uint32_t i = 0; i < n && r.ok(); ++i) s.topics.push_back(r.get_string(kNameBytesMax));
  s.owned_partitions = get_partitions(r);
  s.generation = r.get<int32_t>();
  if (!r.done()) return std::nullopt;
  return s;
}

std::string encode_assignment(const ConsumerAssignment& a) {
  std::string out;
  ByteWriter w(out);
  put_partitions(w, a.partitions);
  return out;
}

std::optional<ConsumerAssignment> decode_assignment(const std::string& bytes) {
  if (bytes.empty()) return ConsumerAssignment{};  // Kafka: an empty assignment may be zero bytes
  ByteReader r(bytes);
  ConsumerAssignment a;
  a.partitions = get_partitions(r);
  if (!r.done()) return std::nullopt;
  return a;
}

std::string format_partitions(const std::vector<TopicPartition>& tps) {
  std::string s = "[";
  for (size_t i = 0; i < tps.size(); ++i) s += (i ? "," : "") + tps[i].str();
  return s + "]";
}

}  // namespace broker_model
