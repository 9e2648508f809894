#include "checkers/txn_cycles.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace checkers {

namespace {

using Fate = FinalRecordMeta::Txn;

enum class Dep : uint8_t { kWw, kWr, kPo };
const char* dep_name(Dep d) { return d == Dep::kWw ? "ww" : d == Dep::kWr ? "wr" : "po"; }

struct Edge {
  size_t from = 0, to = 0;  // nodes
  Dep dep = Dep::kWw;
  bool one_id = false;  // both transactions of one transactional.id (one producer id)
  TopicPartition tp;    // ww: the partition; wr: the partition read
  Offset from_offset{-1}, to_offset{-1};  // ww: the two records; wr: the record read (to_offset)
  uint64_t from_record = 0, to_record = 0;
};

// Plain containers: the nodes (transactions visible as committed), the edges, and each node's
// outgoing edges.
struct Graph {
  std::vector<size_t> txn;  // node -> index into History::transactions()
  std::vector<Edge> edges;
  std::vector<std::vector<size_t>> out;
};

using Keep = std::function<bool(const Edge&)>;

std::string at(sim::Instant t) { return "t=" + sim::format_instant(t); }

std::string name(const History& h, const Graph& g, size_t node) {
  const TxnOp& t = h.transactions()[g.txn[node]];
  return h.producer_name(t.producer) + " transaction #" + std::to_string(t.number);
}

Graph build(const History& h) {
  Graph g;
  std::map<uint64_t, size_t> txn_of;  // record id -> its transaction
  for (size_t i = 0; i < h.transactions().size(); ++i)
    for (size_t op : h.transactions()[i].ops) txn_of[h.produces()[op].record_id] = i;
  // Nodes: acknowledged committed, or with a record the final log commits (what readers see).
  std::vector<bool> visible(h.transactions().size(), false);
  for (size_t i = 0; i < h.transactions().size(); ++i) visible[i] = h.transactions()[i].result == TxnResult::kCommitted;
  for (const FinalRead& fr : h.final_reads())
    for (size_t i = 0; i < fr.records.size() && i < fr.meta.size(); ++i)
      if (fr.meta[i].txn == Fate::kCommitted)
        if (auto it = txn_of.find(fr.records[i].second); it != txn_of.end()) visible[it->second] = true;
  std::vector<int64_t> node_of(h.transactions().size(), -1);
  for (size_t i = 0; i < visible.size(); ++i)
    if (visible[i]) {
      node_of[i] = static_cast<int64_t>(g.txn.size());
      g.txn.push_back(i);
    }
  if (g.txn.size() > kTxnCycleNodesMax) return g;
  g.out.resize(g.txn.size());
  std::set<std::tuple<size_t, size_t, Dep>> seen;  // one edge of a kind per pair: the first tells it
  auto one_id = [&](size_t a, size_t b) {
    ProducerId pa = h.transactions()[g.txn[a]].producer_id, pb = h.transactions()[g.txn[b]].producer_id;
    return pa != kNoProducerId && pa == pb;
  };
  auto add = [&](Edge e) {
    if (e.from == e.to || !seen.insert({e.from, e.to, e.dep}).second) return;
    e.one_id = one_id(e.from, e.to);
    g.out[e.from].push_back(g.edges.size());
    g.edges.push_back(e);
  };
  // ww: each partition's committed records in log order; a record directly after one of
  // another transaction (records outside transactions are not versions of any).
  for (const FinalRead& fr : h.final_reads()) {
    int64_t prev = -1;
    size_t prev_i = 0;
    for (size_t i = 0; i < fr.records.size() && i < fr.meta.size(); ++i) {
      if (fr.meta[i].txn != Fate::kCommitted) continue;
      auto it = txn_of.find(fr.records[i].second);
      if (it == txn_of.end() || node_of[it->second] < 0) continue;
      const int64_t node = node_of[it->second];
      if (prev >= 0 && prev != node)
        add(Edge{static_cast<size_t>(prev), static_cast<size_t>(node), Dep::kWw, false, fr.tp, fr.records[prev_i].first,
                 fr.records[i].first, fr.records[prev_i].second, fr.records[i].second});
      prev = node;
      prev_i = i;
    }
  }
  // wr: a consume-transform-produce transaction read an input record another wrote.
  for (const CtpLink& l : h.ctp_links()) {
    auto w = txn_of.find(l.input_record_id);
    if (w == txn_of.end() || l.transaction >= node_of.size()) continue;
    const int64_t writer = node_of[w->second], reader = node_of[l.transaction];
    if (writer < 0 || reader < 0) continue;
    add(Edge{static_cast<size_t>(writer), static_cast<size_t>(reader), Dep::kWr, false, l.input_tp, Offset(-1),
             l.input_offset, 0, l.input_record_id});
  }
  // po: one producer id's transactions by when they began; one that ended before the next began.
  std::map<ProducerId, std::vector<size_t>> by_id;
  for (size_t n = 0; n < g.txn.size(); ++n)
    if (ProducerId id = h.transactions()[g.txn[n]].producer_id; id != kNoProducerId) by_id[id].push_back(n);
  for (auto& [id, nodes] : by_id) {
    std::stable_sort(nodes.begin(), nodes.end(), [&](size_t a, size_t b) {
      return h.transactions()[g.txn[a]].begun < h.transactions()[g.txn[b]].begun;
    });
    for (size_t k = 1; k < nodes.size(); ++k)
      if (h.transactions()[g.txn[nodes[k - 1]]].completed <= h.transactions()[g.txn[nodes[k]]].begun)
        add(Edge{nodes[k - 1], nodes[k], Dep::kPo, false, TopicPartition{}, Offset(-1), Offset(-1), 0, 0});
  }
  return g;
}

// Tarjan's strongly connected components over the kept edges, iteratively (a long chain of
// transactions must not overflow the stack). Only components of more than one node.
std::vector<std::vector<size_t>> components(const Graph& g, const Keep& keep) {
  const size_t n = g.txn.size();
  std::vector<int64_t> index(n, -1), low(n, 0);
  std::vector<bool> on_stack(n, false);
  std::vector<size_t> stack;
  std::vector<std::pair<size_t, size_t>> calls;  // node, next outgoing edge to look at
  std::vector<std::vector<size_t>> out;
  int64_t next = 0;
  auto visit = [&](size_t v) {
    index[v] = low[v] = next++;
    stack.push_back(v);
    on_stack[v] = true;
    calls.emplace_back(v, 0);
  };
  for (size_t root = 0; root < n; ++root) {
    if (index[root] >= 0) continue;
    visit(root);
    while (!calls.empty()) {
      const size_t v = calls.back().first;
      if (calls.back().second < g.out[v].size()) {
        const Edge& e = g.edges[g.out[v][calls.back().second++]];
        if (!keep(e)) continue;
        if (index[e.to] < 0) visit(e.to);
        else if (on_stack[e.to]) low[v] = std::min(low[v], index[e.to]);
        continue;
      }
      calls.pop_back();
      if (!calls.empty()) low[calls.back().first] = std::min(low[calls.back().first], low[v]);
      if (low[v] != index[v]) continue;
      std::vector<size_t> comp;
      for (;;) {
        const size_t w = stack.back();
        stack.pop_back();
        on_stack[w] = false;
        comp.push_back(w);
        if (w == v) break;
      }
      if (comp.size() < 2) continue;
      std::sort(comp.begin(), comp.end());
      out.push_back(std::move(comp));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A shortest cycle through the component's first node (breadth first, inside the component):
// its edges in order.
std::vector<size_t> shortest_cycle(const Graph& g, const std::vector<size_t>& comp, const Keep& keep) {
  const size_t start = comp.front();
  std::set<size_t> members(comp.begin(), comp.end());
  std::map<size_t, size_t> parent_edge;  // node -> the edge that reached it
  std::deque<size_t> queue{start};
  while (!queue.empty()) {
    const size_t v = queue.front();
    queue.pop_front();
    for (size_t ei : g.out[v]) {
      const Edge& e = g.edges[ei];
      if (!keep(e) || members.count(e.to) == 0) continue;
      if (e.to == start) {
        std::vector<size_t> cycle{ei};
        for (size_t w = v; w != start; w = g.edges[parent_edge.at(w)].from) cycle.push_back(parent_edge.at(w));
        std::reverse(cycle.begin(), cycle.end());
        return cycle;
      }
      if (e.to != start && parent_edge.emplace(e.to, ei).second) queue.push_back(e.to);
    }
  }
  return {};  // unreachable for a strongly connected component
}

// Adya's and Elle's names: G0 (ww only), G1c (wr among them); "-process" with po edges.
std::string anomaly(const Graph& g, const std::vector<size_t>& cycle) {
  bool wr = false, po = false;
  for (size_t ei : cycle) {
    wr = wr || g.edges[ei].dep == Dep::kWr;
    po = po || g.edges[ei].dep == Dep::kPo;
  }
  return std::string(wr ? "G1c" : "G0") + (po ? "-process" : "");
}

std::string edge_line(const History& h, const Graph& g, const Edge& e) {
  const std::string a = name(h, g, e.from), b = name(h, g, e.to);
  switch (e.dep) {
    case Dep::kWw:
      return a + " wrote " + format_record_id(e.from_record) + " at " + e.tp.str() + " offset " + e.from_offset.str() +
             "; the next committed record there, " + format_record_id(e.to_record) + " at offset " + e.to_offset.str() +
             ", is " + b + "'s: ww" + (e.one_id ? " (one transactional.id: its transactions never interleave)" : "");
    case Dep::kWr:
      return b + " read " + format_record_id(e.to_record) + " at " + e.tp.str() + " offset " + e.to_offset.str() +
             ", written by " + a + ": wr";
    case Dep::kPo: {
      const TxnOp& ta = h.transactions()[g.txn[e.from]];
      const TxnOp& tb = h.transactions()[g.txn[e.to]];
      return a + " ended at " + at(ta.completed) + ", before " + b + " of the same transactional.id (producer id " +
             ta.producer_id.str() + ") began at " + at(tb.begun) + ": po";
    }
  }
  return "?";
}

Violation tell(const History& h, const Graph& g, const std::vector<size_t>& comp, const std::vector<size_t>& cycle) {
  Violation v;
  std::string path, deps;
  for (size_t ei : cycle) {
    path += name(h, g, g.edges[ei].from) + " -> ";
    deps += std::string(deps.empty() ? "" : ", ") + dep_name(g.edges[ei].dep);
  }
  if (!cycle.empty()) path += name(h, g, g.edges[cycle.front()].from);
  v.summary = anomaly(g, cycle) + ": " + path + " (" + deps + "); " + std::to_string(comp.size()) +
              " transactions in the cycle's strongly connected component";
  for (size_t ei : cycle) {
    const TxnOp& t = h.transactions()[g.txn[g.edges[ei].from]];
    v.story.push_back(at(t.begun) + " " + name(h, g, g.edges[ei].from) + " (producer id " + t.producer_id.str() +
                      ", epoch " + std::to_string(t.producer_epoch) + ") began; " + at(t.completed) + " " +
                      to_string(t.result) + ": " + t.note);
  }
  for (size_t ei : cycle) v.story.push_back(edge_line(h, g, g.edges[ei]));
  for (size_t ei : cycle)
    if (g.edges[ei].dep != Dep::kPo) {
      v.record_id = g.edges[ei].to_record;
      break;
    }
  return v;
}

}  // namespace

TxnCycleChecks check_txn_cycles(const History& h) {
  TxnCycleChecks r;
  r.cycles.check = "txn_cycles";
  r.write_cycles.check = "txn_write_cycles";
  const Graph g = build(h);
  r.transactions = static_cast<int64_t>(g.txn.size());
  r.edges = static_cast<int64_t>(g.edges.size());
  if (g.txn.size() > kTxnCycleNodesMax) {
    r.cycles.note = r.write_cycles.note = std::to_string(g.txn.size()) + " committed transactions: over " +
                                          std::to_string(kTxnCycleNodesMax) + ", no graph built";
    return r;
  }
  const Keep forbidden = [](const Edge& e) { return e.dep != Dep::kWw || e.one_id; };
  const Keep all = [](const Edge&) { return true; };
  for (const auto& comp : components(g, forbidden)) add_example(r.cycles, tell(h, g, comp, shortest_cycle(g, comp, forbidden)));
  // A component of the whole graph that a ww edge between different transactional.ids holds
  // together (else it is one of the above).
  for (const auto& comp : components(g, all)) {
    const std::set<size_t> members(comp.begin(), comp.end());
    bool interleaved = false;
    for (size_t n : comp)
      for (size_t ei : g.out[n])
        interleaved = interleaved || (!forbidden(g.edges[ei]) && members.count(g.edges[ei].to) != 0);
    if (interleaved) add_example(r.write_cycles, tell(h, g, comp, shortest_cycle(g, comp, all)));
  }
  int64_t by_dep[3] = {0, 0, 0};
  for (const Edge& e : g.edges) ++by_dep[static_cast<int>(e.dep)];
  r.cycles.note = std::to_string(g.txn.size()) + " committed transactions, " + std::to_string(g.edges.size()) +
                  " dependencies (ww " + std::to_string(by_dep[0]) + ", wr " + std::to_string(by_dep[1]) + ", po " +
                  std::to_string(by_dep[2]) + ")";
  r.write_cycles.note = "writes of different transactional.ids interleave in Kafka's model: counted, not a violation";
  return r;
}

}  // namespace checkers
