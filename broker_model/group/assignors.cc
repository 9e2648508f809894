#include "broker_model/group/assignors.h"

#include <algorithm>
#include <set>

namespace broker_model {

namespace {

bool subscribes(const AssignorMember& m, const std::string& topic) {
  const auto& t = m.subscription.topics;
  return std::find(t.begin(), t.end(), topic) != t.end();
}

// Kafka sorts members by group.instance.id when set (static members keep their place), else
// by member id.
std::vector<const AssignorMember*> sorted_members(const std::vector<AssignorMember>& members) {
  std::vector<const AssignorMember*> out;
  for (const auto& m : members) out.push_back(&m);
  std::sort(out.begin(), out.end(), [](const AssignorMember* a, const AssignorMember* b) {
    const std::string& ka = a->group_instance_id ? *a->group_instance_id : a->member_id;
    const std::string& kb = b->group_instance_id ? *b->group_instance_id : b->member_id;
    if (a->group_instance_id.has_value() != b->group_instance_id.has_value()) return a->group_instance_id.has_value();
    return ka < kb;
  });
  return out;
}

GroupAssignment empty_for(const std::vector<AssignorMember>& members) {
  GroupAssignment out;
  for (const auto& m : members) out[m.member_id];
  return out;
}

}  // namespace

std::optional<std::string> assignor_name_of_class(const std::string& c) {
  if (c == "org.apache.kafka.clients.consumer.RangeAssignor" || c == "range") return std::string(kRangeAssignor);
  if (c == "org.apache.kafka.clients.consumer.RoundRobinAssignor" || c == "roundrobin") return std::string(kRoundRobinAssignor);
  if (c == "org.apache.kafka.clients.consumer.StickyAssignor" || c == "sticky") return std::string(kStickyAssignor);
  if (c == "org.apache.kafka.clients.consumer.CooperativeStickyAssignor" || c == "cooperative-sticky")
    return std::string(kCooperativeStickyAssignor);
  return std::nullopt;
}

bool is_cooperative(const std::string& assignor) { return assignor == kCooperativeStickyAssignor; }

GroupAssignment assign(const std::string& assignor, const std::vector<AssignorMember>& members,
                       const std::map<std::string, int32_t>& partitions) {
  if (assignor == kRoundRobinAssignor) return assign_round_robin(members, partitions);
  if (assignor == kCooperativeStickyAssignor) return assign_cooperative_sticky(members, partitions);
  if (assignor == kStickyAssignor) return assign_sticky(members, partitions);
  return assign_range(members, partitions);
}

GroupAssignment assign_range(const std::vector<AssignorMember>& members, const std::map<std::string, int32_t>& partitions) {
  GroupAssignment out = empty_for(members);
  std::vector<const AssignorMember*> sorted = sorted_members(members);
  for (const auto& [topic, count] : partitions) {
    std::vector<const AssignorMember*> subs;
    for (const auto* m : sorted)
      if (subscribes(*m, topic)) subs.push_back(m);
    if (subs.empty()) continue;
    int32_t n = static_cast<int32_t>(subs.size());
    int32_t per = count / n, extra = count % n;
    int32_t next = 0;
    for (int32_t i = 0; i < n; ++i) {
      int32_t take = per + (i < extra ? 1 : 0);
      for (int32_t k = 0; k < take; ++k) out[subs[static_cast<size_t>(i)]->member_id].push_back(TopicPartition{topic, next++});
    }
  }
  return out;
}

GroupAssignment assign_round_robin(const std::vector<AssignorMember>& members,
                                   const std::map<std::string, int32_t>& partitions) {
  GroupAssignment out = empty_for(members);
  std::vector<const AssignorMember*> sorted = sorted_members(members);
  if (sorted.empty()) return out;
  size_t cursor = 0;
  for (const auto& [topic, count] : partitions) {
    for (int32_t p = 0; p < count; ++p) {
      for (size_t tries = 0; tries < sorted.size(); ++tries) {
        const AssignorMember* m = sorted[cursor % sorted.size()];
        ++cursor;
        if (subscribes(*m, topic)) {
          out[m->member_id].push_back(TopicPartition{topic, p});
          break;
        }
      }
    }
  }
  return out;
}

// Balanced and sticky, for members with the same subscription (eddy's workloads); members
// subscribed to other topics take part only for their topics.
namespace {
GroupAssignment sticky_plan(const std::vector<AssignorMember>& members, const std::map<std::string, int32_t>& partitions,
                            bool cooperative);
}  // namespace

GroupAssignment assign_cooperative_sticky(const std::vector<AssignorMember>& members,
                                          const std::map<std::string, int32_t>& partitions) {
  return sticky_plan(members, partitions, true);
}

GroupAssignment assign_sticky(const std::vector<AssignorMember>& members, const std::map<std::string, int32_t>& partitions) {
  return sticky_plan(members, partitions, false);
}

namespace {
GroupAssignment sticky_plan(const std::vector<AssignorMember>& members, const std::map<std::string, int32_t>& partitions,
                            bool cooperative) {
  GroupAssignment out = empty_for(members);
  std::vector<const AssignorMember*> sorted = sorted_members(members);
  // Current owners: a partition claimed by two members (a zombie's stale claim) goes to the
  // claim of the highest generation.
  std::map<TopicPartition, std::pair<int32_t, std::string>> owner;
  for (const auto* m : sorted)
    for (const auto& tp : m->subscription.owned_partitions) {
      auto it = owner.find(tp);
      if (it == owner.end() || m->subscription.generation > it->second.first)
        owner[tp] = {m->subscription.generation, m->member_id};
    }
  for (const auto& [topic, count] : partitions) {
    std::vector<const AssignorMember*> subs;
    for (const auto* m : sorted)
      if (subscribes(*m, topic)) subs.push_back(m);
    if (subs.empty()) continue;
    const int32_t n = static_cast<int32_t>(subs.size());
    const int32_t min_quota = count / n;
    int32_t extra = count % n;  // members that may hold min_quota + 1
    std::map<std::string, std::vector<TopicPartition>> kept;
    std::set<int32_t> taken;
    // 1. Each member keeps up to min_quota of the partitions it owns.
    for (const auto* m : subs) {
      for (const auto& tp : m->subscription.owned_partitions) {
        if (tp.topic != topic || tp.partition >= count || taken.count(tp.partition) != 0) continue;
        if (owner[tp].second != m->member_id) continue;
        if (static_cast<int32_t>(kept[m->member_id].size()) >= min_quota) break;
        kept[m->member_id].push_back(tp);
        taken.insert(tp.partition);
      }
    }
    // 2. Members that own more keep one more while extra slots remain.
    for (const auto* m : subs) {
      if (extra == 0) break;
      for (const auto& tp : m->subscription.owned_partitions) {
        if (tp.topic != topic || tp.partition >= count || taken.count(tp.partition) != 0) continue;
        if (owner[tp].second != m->member_id) continue;
        kept[m->member_id].push_back(tp);
        taken.insert(tp.partition);
        --extra;
        break;
      }
    }
    // 3. The rest go to members under min_quota first, then to members at min_quota while
    //    extra slots remain.
    std::vector<int32_t> free;
    for (int32_t p = 0; p < count; ++p)
      if (taken.count(p) == 0) free.push_back(p);
    size_t next = 0;
    for (const auto* m : subs)
      while (next < free.size() && static_cast<int32_t>(kept[m->member_id].size()) < min_quota)
        kept[m->member_id].push_back(TopicPartition{topic, free[next++]});
    for (const auto* m : subs) {
      if (next >= free.size() || extra == 0) break;
      if (static_cast<int32_t>(kept[m->member_id].size()) == min_quota) {
        kept[m->member_id].push_back(TopicPartition{topic, free[next++]});
        --extra;
      }
    }
    // 4. Cooperative: a partition moving from a member still in the group to another is
    //    withheld this round; its owner revokes it and rejoins.
    for (auto& [member, tps] : kept) {
      for (const auto& tp : tps) {
        auto it = owner.find(tp);
        bool moving = cooperative && it != owner.end() && it->second.second != member &&
                      std::any_of(subs.begin(), subs.end(), [&](const AssignorMember* m) { return m->member_id == it->second.second; });
        if (!moving) out[member].push_back(tp);
      }
    }
  }
  for (auto& [member, tps] : out) std::sort(tps.begin(), tps.end());
  return out;
}
}  // namespace

}  // namespace broker_model
