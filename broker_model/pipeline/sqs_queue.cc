#include "broker_model/pipeline/sqs_queue.h"

#include <algorithm>
#include <cstdio>

namespace broker_model::pipeline {

std::string SqsQueue::send(const Reading& body, sim::Instant now) {
  if (messages_.size() >= SqsQueueConfig::kMessagesMax) return "";
  char id[32];
  std::snprintf(id, sizeof id, "m%012llu", static_cast<unsigned long long>(next_id_++));
  Entry e;
  e.message.message_id = id;
  e.message.sent_timestamp_ns = now.ns();
  e.message.body = body;
  e.visible_at = now;
  messages_.emplace(e.message.message_id, std::move(e));
  return id;
}

std::vector<SqsMessage> SqsQueue::receive(int32_t max_messages, sim::Duration visibility, sim::Instant now) {
  std::vector<SqsMessage> out;
  for (auto it = messages_.begin(); it != messages_.end() && static_cast<int32_t>(out.size()) < max_messages;) {
    Entry& e = it->second;
    if (e.visible_at > now) {
      ++it;
      continue;
    }
    // The redrive policy: a message already delivered maxReceiveCount times goes to the
    // dead-letter queue instead of being delivered once more.
    if (config_.max_receive_count > 0 && e.message.approximate_receive_count >= config_.max_receive_count) {
      dead_letters_.push_back(e.message);
      it = messages_.erase(it);
      continue;
    }
    ++e.message.approximate_receive_count;
    e.message.receipt_handle = e.message.message_id + "#" + std::to_string(e.message.approximate_receive_count);
    e.visible_at = now + visibility;
    out.push_back(e.message);
    ++it;
  }
  return out;
}

bool SqsQueue::remove(const std::string& receipt_handle) {
  const size_t hash = receipt_handle.find('#');
  if (hash == std::string::npos) return false;
  auto it = messages_.find(receipt_handle.substr(0, hash));
  // Only the most recent receipt handle deletes (an older one "succeeds" without effect).
  if (it == messages_.end() || it->second.message.receipt_handle != receipt_handle) return false;
  messages_.erase(it);
  return true;
}

sim::Instant SqsQueue::next_visible() const {
  sim::Instant next = sim::Instant::max();
  for (const auto& [id, e] : messages_) next = std::min(next, e.visible_at);
  return next;
}

int64_t SqsQueue::visible(sim::Instant now) const {
  int64_t n = 0;
  for (const auto& [id, e] : messages_) n += e.visible_at <= now ? 1 : 0;
  return n;
}

int64_t SqsQueue::not_visible(sim::Instant now) const {
  return static_cast<int64_t>(messages_.size()) - visible(now);
}

sim::BootFn make_sqs_boot(SqsQueueConfig config) {
  return [config](sim::NodeContext& ctx) { ctx.make<SqsServer>(ctx, config).run(); };
}

void SqsServer::run() {
  rpc_.start([this](const RequestInfo& info, sim::Payload&& body) { on_request(info, std::move(body)); });
  ctx_.spawn("sqs-long-polls", [this] { ticker(); });
}

sim::Duration SqsServer::visibility_of(const ReceiveMessageRequest& req) const {
  if (req.visibility_timeout_ms < 0) return queue_.config().visibility_timeout;
  return std::min(sim::milliseconds(req.visibility_timeout_ms), SqsQueueConfig::kVisibilityTimeoutMax);
}

void SqsServer::on_request(const RequestInfo& info, sim::Payload&& body) {
  const sim::Instant now = ctx_.now();
  if (const auto* r = sim::payload_cast<SendMessageRequest>(&body)) {
    rpc_.reply_sized(info, SendMessageResponse{queue_.send(r->body, now)});
    wakeup_.notify_all();
    return;
  }
  if (const auto* r = sim::payload_cast<ReceiveMessageRequest>(&body)) {
    ReceiveMessageRequest req = *r;
    req.max_number_of_messages = std::clamp(req.max_number_of_messages, 1, SqsQueueConfig::kMaxNumberOfMessagesMax);
    const sim::Duration wait = std::min(sim::milliseconds(std::max<int64_t>(0, req.wait_time_ms)), SqsQueueConfig::kWaitTimeMax);
    std::vector<SqsMessage> got = queue_.receive(req.max_number_of_messages, visibility_of(req), now);
    if (!got.empty() || wait == sim::Duration::zero() || waiters_.size() >= kWaitersMax) {
      rpc_.reply_sized(info, ReceiveMessageResponse{std::move(got)});
      return;
    }
    waiters_.push_back(Waiter{info, req, now + wait});
    wakeup_.notify_all();
    return;
  }
  if (const auto* r = sim::payload_cast<DeleteMessageBatchRequest>(&body)) {
    DeleteMessageBatchResponse resp;
    for (const std::string& h : r->receipt_handles) {
      ++resp.successful;  // DeleteMessage succeeds with a stale handle too
      resp.deleted += queue_.remove(h) ? 1 : 0;
    }
    rpc_.reply_sized(info, resp);
    return;
  }
  if (sim::payload_cast<GetQueueAttributesRequest>(&body) != nullptr) {
    GetQueueAttributesResponse resp;
    resp.approximate_number_of_messages = queue_.visible(now);
    resp.approximate_number_of_messages_not_visible = queue_.not_visible(now);
    resp.dead_lettered = static_cast<int64_t>(queue_.dead_letters().size());
    rpc_.reply_sized(info, resp);
  }
}

void SqsServer::serve_waiters() {
  const sim::Instant now = ctx_.now();
  std::deque<Waiter> still;
  for (Waiter& w : waiters_) {
    std::vector<SqsMessage> got = queue_.receive(w.req.max_number_of_messages, visibility_of(w.req), now);
    if (!got.empty() || w.deadline <= now)
      rpc_.reply_sized(w.info, ReceiveMessageResponse{std::move(got)});
    else
      still.push_back(std::move(w));
  }
  waiters_ = std::move(still);
}

void SqsServer::ticker() {
  for (;;) {
    serve_waiters();
    // Until a long poll ends or a message becomes visible; a SendMessage wakes it at once.
    sim::Instant next = queue_.next_visible();
    for (const Waiter& w : waiters_) next = std::min(next, w.deadline);
    if (waiters_.empty()) next = sim::Instant::max();
    const sim::Instant now = ctx_.now();
    const sim::Duration sleep = next == sim::Instant::max() ? sim::seconds(3600) : std::max(kTick, next - now);
    wakeup_.wait_until(ctx_.sim_deadline(sleep));
  }
}

}  // namespace broker_model::pipeline
