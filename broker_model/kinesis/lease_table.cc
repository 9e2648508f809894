#include "broker_model/kinesis/lease_table.h"

namespace broker_model::kinesis {

bool parents_finished(const Lease& child, const std::vector<Lease>& table) {
  for (int32_t parent : child.parents)
    for (const Lease& l : table)
      if (l.shard == parent && !l.finished()) return false;
  return true;
}

sim::BootFn make_lease_table_boot() {
  return [](sim::NodeContext& ctx) { ctx.make<LeaseTableServer>(ctx).run(); };
}

void LeaseTableServer::run() {
  rpc_.start([this](const RequestInfo& info, sim::Payload&& body) {
    const auto* req = sim::payload_cast<LeaseRequest>(&body);
    if (req == nullptr) return;
    rpc_.reply_sized(info, apply(tables_[req->table], *req));
  });
}

LeaseResponse LeaseTableServer::apply(std::map<int32_t, Lease>& table, const LeaseRequest& req) {
  LeaseResponse out;
  if (req.op == LeaseOp::kList) {
    out.ok = true;
    for (const auto& [shard, lease] : table) out.leases.push_back(lease);
    return out;
  }
  auto it = table.find(req.shard);
  if (req.op == LeaseOp::kCreateIfAbsent) {
    if (it == table.end()) {
      it = table.emplace(req.shard, Lease{req.shard, "", 0, -1, req.parents}).first;
      out.ok = true;
    }
    out.leases.push_back(it->second);
    return out;
  }
  if (it == table.end()) return out;
  Lease& l = it->second;
  const bool counter_ok = l.counter == req.expected_counter;
  switch (req.op) {
    case LeaseOp::kTake:
      out.ok = counter_ok;
      if (out.ok) {
        l.owner = req.owner;
        ++l.counter;
      }
      break;
    case LeaseOp::kRenew:
      out.ok = counter_ok && l.owner == req.owner;
      if (out.ok) ++l.counter;
      break;
    case LeaseOp::kCheckpoint:
      out.ok = counter_ok && l.owner == req.owner;
      if (out.ok) l.checkpoint = req.checkpoint;
      break;
    case LeaseOp::kList:
    case LeaseOp::kCreateIfAbsent: break;
  }
  out.leases.push_back(l);
  return out;
}

}  // namespace broker_model::kinesis
