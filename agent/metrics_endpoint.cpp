// /metrics and /healthz.
#include "agent/metrics_endpoint.hpp"

#include "core/text.hpp"
#include "io/tail/flow_files.hpp"
#include "io/steady_clock.hpp"

namespace ferry {

std::vector<FlowSample> sample_flows(const Metrics& metrics) {
  std::vector<FlowSample> samples;
  for (const FlowMetrics* flow : metrics.flows()) {
    if (!flow->active.load(std::memory_order_relaxed)) {
      samples.push_back(FlowSample{});
      continue;
    }
    samples.push_back(sample_flow_files(flow->file_pattern(), flow->committed()));
  }
  return samples;
}

HttpAnswer answer_metrics_request(std::string_view path, const Metrics& metrics,
                                  int64_t grace_millis) {
  const int64_t now = unix_millis();
  if (path == "/metrics") {
    return HttpAnswer{200, "text/plain; version=0.0.4; charset=utf-8",
                      render_prometheus(metrics, sample_flows(metrics), now)};
  }
  if (path == "/healthz") {
    const std::vector<std::string> problems = unhealthy_flows(metrics, now, grace_millis);
    if (problems.empty()) return HttpAnswer{200, "text/plain; charset=utf-8", "ok\n"};
    std::string body;
    for (const std::string& problem : problems) body.append(problem).append("\n");
    return HttpAnswer{503, "text/plain; charset=utf-8", std::move(body)};
  }
  return HttpAnswer{404, "text/plain; charset=utf-8", "not found: try /metrics or /healthz\n"};
}

}  // namespace ferry
