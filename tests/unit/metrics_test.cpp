// Unit tests for the metrics registry: Prometheus rendering (checked by a small parser of the
// exposition format), histogram buckets, retry causes, the health rule, and rules across a
// reload; plus the request-head parser and listen addresses the metrics server relies on.
#include "core/observe/metrics.hpp"

#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>

#include "core/http/http_request_head.hpp"
#include "core/http/listen_address.hpp"

namespace ferry {
namespace {

// name{labels} -> value, and each family's TYPE; fails the test on a malformed line.
struct Exposition {
  std::map<std::string, std::string> samples;
  std::map<std::string, std::string> types;
};

Exposition parse_exposition(const std::string& text) {
  Exposition out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("# TYPE ", 0) == 0) {
      const std::string rest = line.substr(7);
      out.types[rest.substr(0, rest.find(' '))] = rest.substr(rest.find(' ') + 1);
      continue;
    }
    if (line.rfind("# HELP ", 0) == 0) continue;
    const size_t space = line.rfind(' ');
    EXPECT_NE(space, std::string::npos) << line;
    if (space == std::string::npos) continue;
    const std::string value = line.substr(space + 1);
    EXPECT_NO_THROW((void)std::stod(value)) << line;
    EXPECT_TRUE(out.samples.emplace(line.substr(0, space), value).second) << "repeated: " << line;
  }
  return out;
}

TEST(Metrics, RendersEveryFamilyWithFlowAndRuleLabels) {
  Metrics metrics;
  std::vector<RuleMetrics*> rules;
  FlowMetrics& flow = metrics.flow("wickr", {"fields a\"b\\c (replace)"}, rules);
  ASSERT_EQ(rules.size(), 1u);
  flow.records_read.add(10);
  flow.records_shipped.add(7);
  flow.objects_completed.add(2);
  rules[0]->records.add(3);
  rules[0]->values.add(4);
  metrics.retries(RetryCause::throttled).add(5);
  metrics.part_upload_latency.observe_millis(30);
  metrics.part_upload_latency.observe_millis(2000);
  metrics.last_checkpoint_unix_ms.set(1000);
  flow.oldest_pending_unix_ms.set(2000);

  const Exposition e = parse_exposition(render_prometheus(metrics, {FlowSample{3, 1234}}, 4500));
  EXPECT_EQ(e.samples.at(R"(ferry_records_read_total{flow="wickr"})"), "10");
  EXPECT_EQ(e.samples.at(R"(ferry_records_shipped_total{flow="wickr"})"), "7");
  EXPECT_EQ(e.samples.at(R"(ferry_objects_completed_total{flow="wickr"})"), "2");
  EXPECT_EQ(e.samples.at(R"(ferry_records_dropped_total{flow="wickr"})"), "0");
  const std::string rule_labels =
      R"x({flow="wickr",rule="1",description="fields a\"b\\c (replace)"})x";
  EXPECT_EQ(e.samples.at("ferry_redaction_records_total" + rule_labels), "3");
  EXPECT_EQ(e.samples.at("ferry_redaction_values_total" + rule_labels), "4");
  EXPECT_EQ(e.samples.at(R"(ferry_files_tailed{flow="wickr"})"), "3");
  EXPECT_EQ(e.samples.at(R"(ferry_lag_bytes{flow="wickr"})"), "1234");
  EXPECT_EQ(e.samples.at(R"(ferry_oldest_pending_seconds{flow="wickr"})"), "2.500");
  EXPECT_EQ(e.samples.at(R"(ferry_s3_retries_total{cause="throttled"})"), "5");
  EXPECT_EQ(e.samples.at(R"(ferry_s3_retries_total{cause="connection"})"), "0");
  EXPECT_EQ(e.samples.at(R"(ferry_part_upload_seconds_bucket{le="0.025"})"), "0");
  EXPECT_EQ(e.samples.at(R"(ferry_part_upload_seconds_bucket{le="0.05"})"), "1");
  EXPECT_EQ(e.samples.at(R"(ferry_part_upload_seconds_bucket{le="2.5"})"), "2");
  EXPECT_EQ(e.samples.at(R"(ferry_part_upload_seconds_bucket{le="+Inf"})"), "2");
  EXPECT_EQ(e.samples.at("ferry_part_upload_seconds_count"), "2");
  EXPECT_EQ(e.samples.at("ferry_part_upload_seconds_sum"), "2.030");
  EXPECT_EQ(e.samples.at("ferry_seconds_since_last_checkpoint"), "3.500");
  EXPECT_EQ(e.types.at("ferry_part_upload_seconds"), "histogram");
  EXPECT_EQ(e.types.at("ferry_lag_bytes"), "gauge");
  EXPECT_EQ(e.types.at("ferry_records_read_total"), "counter");
}

TEST(Metrics, NoCheckpointYetAndNothingPending) {
  Metrics metrics;
  std::vector<RuleMetrics*> rules;
  metrics.flow("a", {}, rules);
  const Exposition e = parse_exposition(render_prometheus(metrics, {}, 5000));
  EXPECT_EQ(e.samples.at("ferry_seconds_since_last_checkpoint"), "-1");
  EXPECT_EQ(e.samples.at(R"(ferry_oldest_pending_seconds{flow="a"})"), "0.000");
  EXPECT_EQ(e.samples.at(R"(ferry_files_tailed{flow="a"})"), "0");
}

TEST(Metrics, ReloadKeepsCountsOfUnchangedRulesAndDeactivatesTheRest) {
  Metrics metrics;
  std::vector<RuleMetrics*> rules;
  metrics.flow("a", {"r1", "r2"}, rules);
  rules[0]->records.add(5);
  rules[1]->records.add(6);
  metrics.begin_configuration();
  FlowMetrics& again = metrics.flow("a", {"r1", "other"}, rules);
  EXPECT_EQ(rules[0]->records.value(), 5u);  // same index and description: same counter
  EXPECT_EQ(rules[1]->records.value(), 0u);  // a new rule at index 1
  std::vector<std::string> active;
  metrics.for_each_active_rule(again,
                               [&](const RuleMetrics& r) { active.push_back(r.description); });
  EXPECT_EQ(active, (std::vector<std::string>{"r1", "other"}));
  metrics.flow("b", {}, rules);
  metrics.begin_configuration();
  metrics.flow("b", {}, rules);
  EXPECT_FALSE(again.active.load());  // flow a was removed by the last configuration
  EXPECT_EQ(metrics.flows().size(), 2u);
}

TEST(Metrics, HealthAllowsMaxObjectAgePlusGrace) {
  Metrics metrics;
  std::vector<RuleMetrics*> rules;
  FlowMetrics& flow = metrics.flow("a", {}, rules);
  flow.max_object_age_millis.set(60000);
  EXPECT_TRUE(unhealthy_flows(metrics, 1'000'000, 5000).empty());  // nothing pending
  flow.oldest_pending_unix_ms.set(1'000'000);
  EXPECT_TRUE(unhealthy_flows(metrics, 1'065'000, 5000).empty());  // at the limit
  const auto problems = unhealthy_flows(metrics, 1'065'001, 5000);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("flow a: records waiting 65 s"), std::string::npos) << problems[0];
  EXPECT_NE(problems[0].find("never in this run"), std::string::npos) << problems[0];
  flow.active.store(false);  // removed by a reload: not judged
  EXPECT_TRUE(unhealthy_flows(metrics, 2'000'000, 5000).empty());
}

// A flow whose destination failed is unhealthy until it delivers again, whatever its records'
// age; its up gauge and last error (with the code as a label) are on /metrics.
TEST(Metrics, AFailingDestinationIsUnhealthyUntilItDeliversAgain) {
  Metrics metrics;
  std::vector<RuleMetrics*> rules;
  FlowMetrics& good = metrics.flow("good", {}, rules);
  FlowMetrics& bad = metrics.flow("bad", {}, rules);
  EXPECT_TRUE(bad.up());
  EXPECT_EQ(bad.record_failure("NoSuchBucket", "s3 PutObject b/k: HTTP 404 NoSuchBucket: gone",
                               1'000'000),
            1u);
  EXPECT_EQ(bad.record_failure("NoSuchBucket", "again", 1'010'000), 2u);
  const auto problems = unhealthy_flows(metrics, 1'013'000, 5000);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0], "flow bad: destination failing (2 time(s) in a row, last 3 s ago): again");
  const Exposition text = parse_exposition(render_prometheus(metrics, {}, 1'013'000));
  EXPECT_EQ(text.types.at("ferry_flow_up"), "gauge");
  EXPECT_EQ(text.samples.at("ferry_flow_up{flow=\"good\"}"), "1");
  EXPECT_EQ(text.samples.at("ferry_flow_up{flow=\"bad\"}"), "0");
  EXPECT_EQ(text.samples.at(
                "ferry_flow_last_error_timestamp_seconds{flow=\"bad\",code=\"NoSuchBucket\"}"),
            "1010.000");
  bad.record_success();
  EXPECT_TRUE(unhealthy_flows(metrics, 1'013'000, 5000).empty());
  EXPECT_EQ(bad.record_failure("AccessDenied", "denied", 1'020'000), 1u);  // counted afresh
  (void)good;
}

TEST(Metrics, RetryCauses) {
  EXPECT_EQ(classify_retry(503, "SlowDown"), RetryCause::throttled);
  EXPECT_EQ(classify_retry(429, ""), RetryCause::throttled);
  EXPECT_EQ(classify_retry(500, "InternalError"), RetryCause::server_error);
  EXPECT_EQ(classify_retry(400, "RequestTimeout"), RetryCause::timeout);
  EXPECT_EQ(classify_retry(0, ""), RetryCause::connection);
  EXPECT_EQ(classify_retry(0, "", /*timed_out=*/true), RetryCause::timeout);  // a stall
  EXPECT_EQ(classify_retry(400, "ExpiredToken"), RetryCause::expired_token);
  EXPECT_EQ(classify_retry(403, "RequestTimeTooSkewed"), RetryCause::other);
}

TEST(RequestHead, ParsesWhatTheMetricsServerAnswers) {
  const auto head = parse_request_head("GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\n\r\nrest");
  ASSERT_EQ(head.state, RequestHead::State::complete);
  EXPECT_EQ(head.method, "GET");
  EXPECT_EQ(head.path, "/metrics");
  EXPECT_EQ(head.length, 38u);
  EXPECT_EQ(parse_request_head("GET /healthz HTTP/1.0\n\n").path, "/healthz");
  EXPECT_EQ(parse_request_head("GET /metrics HTTP/1.1\r\nHost:").state,
            RequestHead::State::incomplete);
  for (const char* bad :
       {"GET  /metrics HTTP/1.1\r\n\r\n", "GET metrics HTTP/1.1\r\n\r\n",
        "GET /metrics HTTP/2.0\r\n\r\n", "G(T /metrics HTTP/1.1\r\n\r\n",
        "GET /met\x01rics HTTP/1.1\r\n\r\n", "GET /metrics HTTP/1.1\r\nX: \x7f\r\n\r\n"})
    EXPECT_EQ(parse_request_head(bad).state, RequestHead::State::bad) << bad;
  EXPECT_EQ(parse_request_head("GET /\x01").state, RequestHead::State::bad);
  EXPECT_EQ(parse_request_head(std::string(kMaxRequestHeadBytes, 'a')).state,
            RequestHead::State::bad);
}

TEST(ListenAddress, HostAndPort) {
  EXPECT_EQ(parse_listen_address("127.0.0.1:9465")->port, 9465);
  EXPECT_EQ(parse_listen_address(":9465")->host, "127.0.0.1");
  EXPECT_EQ(parse_listen_address("9465")->host, "127.0.0.1");
  EXPECT_TRUE(parse_listen_address("127.0.0.1:9465")->loopback());
  EXPECT_FALSE(parse_listen_address("0.0.0.0:9465")->loopback());
  EXPECT_EQ(parse_listen_address("127.0.0.1:99999").error().message,
            "the port must be a number from 0 to 65535, got \"99999\"");
  EXPECT_EQ(parse_listen_address("localhost:1").error().message,
            "the host must be an IPv4 address such as 127.0.0.1, got \"localhost\"");
  EXPECT_FALSE(parse_listen_address("127.0.0.1:").ok());
}

}  // namespace
}  // namespace ferry
