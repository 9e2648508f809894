// sweep.html: the sweep template with the aggregate and per-seed points as JSON.
#include <cmath>

#include "reports/page.h"
#include "reports/sweep_report.h"
#include "reports/web_assets.h"

namespace reports {

std::string sweep_html(const nlohmann::json& sweep, const SweepAggregate& a) {
  nlohmann::json data;
  data["sweep"] = sweep;
  data["charts"] = charts_available();
  nlohmann::json points = nlohmann::json::array();
  for (const auto& s : a.scenarios)
    for (const auto& p : s.points)
      points.push_back({{"scenario", s.name.empty() ? s.scenario : s.name}, {"seed", p.seed},
                        {"rps", std::round(p.records_per_s)}, {"p99", p.p99_ms}, {"verdict", p.verdict}});
  data["points"] = std::move(points);
  return render_page(kSweepTemplate, "eddy sweep · " + std::to_string(a.runs()) + " runs", data);
}

}  // namespace reports
