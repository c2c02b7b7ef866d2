// Unit tests for core/cloudwatch_request (PutMetricData bodies within the API's limits, the
// error document, failure classes) and core/cloudwatch_metrics (a period's datapoints from the
// metrics registry, the bounded queue).
#include "core/cloudwatch_request.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "core/cloudwatch_metrics.hpp"
#include "core/text.hpp"

namespace ferry {
namespace {

constexpr int64_t kNov24 = 1795510256123;  // 2026-11-24T08:50:56.123Z

// The body's parameters, decoded (the test's own decoder: %XX and nothing else).
std::map<std::string, std::string> form(const std::string& body) {
  const auto decode = [](std::string_view text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '%' && i + 2 < text.size()) {
        out.push_back(
            static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
        i += 2;
      } else {
        EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(text[i])) ||
                    std::string_view("-_.~").find(text[i]) != std::string_view::npos)
            << "unencoded " << text[i];
        out.push_back(text[i]);
      }
    }
    return out;
  };
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('&', start);
    if (end == std::string::npos) end = body.size();
    const std::string_view pair(body.data() + start, end - start);
    const size_t eq = pair.find('=');
    EXPECT_NE(eq, std::string_view::npos) << pair;
    const auto [it, inserted] =
        out.emplace(decode(pair.substr(0, eq)), decode(pair.substr(eq + 1)));
    EXPECT_TRUE(inserted) << "repeated " << it->first;
    start = end + 1;
  }
  return out;
}

MetricDatum datum(std::string name, double value, std::vector<MetricDimension> dims = {},
                  MetricUnit unit = MetricUnit::count) {
  return MetricDatum{std::move(name), std::move(dims), value, unit, kNov24};
}

TEST(CloudWatchRequest, OneCallCarriesEveryField) {
  const std::vector<MetricDatum> datums = {
      datum("RecordsSent", 42, {{"Destination", "S3:retention"}, {"Instance", "i-0abc"}}),
      datum("BytesSent", 1048576, {{"Destination", "Directory:/var/out dir/ü"}}, MetricUnit::bytes),
      datum("PartUploadLatency", 12.5, {}, MetricUnit::milliseconds),
  };
  const auto calls = put_metric_data_calls("AWSKinesisAgent", datums);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].datums, 3u);
  EXPECT_TRUE(calls[0].body.starts_with(
      "Action=PutMetricData&Version=2010-08-01&Namespace=AWSKinesisAgent&MetricData.member.1."));
  const auto p = form(calls[0].body);
  EXPECT_EQ(p.at("MetricData.member.1.MetricName"), "RecordsSent");
  EXPECT_EQ(p.at("MetricData.member.1.Dimensions.member.1.Name"), "Destination");
  EXPECT_EQ(p.at("MetricData.member.1.Dimensions.member.1.Value"), "S3:retention");
  EXPECT_EQ(p.at("MetricData.member.1.Dimensions.member.2.Name"), "Instance");
  EXPECT_EQ(p.at("MetricData.member.1.Dimensions.member.2.Value"), "i-0abc");
  EXPECT_EQ(p.at("MetricData.member.1.Value"), "42");
  EXPECT_EQ(p.at("MetricData.member.1.Unit"), "Count");
  EXPECT_EQ(p.at("MetricData.member.1.Timestamp"), "2026-11-24T08:50:56.123Z");
  EXPECT_EQ(p.at("MetricData.member.2.Dimensions.member.1.Value"), "Directory:/var/out dir/ü");
  EXPECT_EQ(p.at("MetricData.member.2.Value"), "1048576");
  EXPECT_EQ(p.at("MetricData.member.2.Unit"), "Bytes");
  EXPECT_EQ(p.at("MetricData.member.3.Value"), "12.5");
  EXPECT_EQ(p.at("MetricData.member.3.Unit"), "Milliseconds");
  EXPECT_EQ(p.count("MetricData.member.3.Dimensions.member.1.Name"), 0u);
  EXPECT_EQ(p.size(), 3u + 8 + 6 + 4);  // Action, Version, Namespace; then per datum
  // Reserved characters are percent-encoded, uppercase, never '+'.
  EXPECT_NE(calls[0].body.find("Directory%3A%2Fvar%2Fout%20dir%2F%C3%BC"), std::string::npos);
}

TEST(CloudWatchRequest, NoDatumsNoCall) {
  EXPECT_TRUE(put_metric_data_calls("N", {}).empty());
}

TEST(CloudWatchRequest, SplitsAtAThousandDatumsRenumberingEachCall) {
  std::vector<MetricDatum> datums;
  for (int i = 0; i < 2500; ++i) datums.push_back(datum(cat("M", i), i, {{"Flow", "f"}}));
  const auto calls = put_metric_data_calls("N", datums);
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].datums, 1000u);
  EXPECT_EQ(calls[1].datums, 1000u);
  EXPECT_EQ(calls[2].datums, 500u);
  const auto second = form(calls[1].body);
  EXPECT_EQ(second.at("MetricData.member.1.MetricName"), "M1000");
  EXPECT_EQ(second.at("MetricData.member.1000.MetricName"), "M1999");
  EXPECT_EQ(second.count("MetricData.member.1001.MetricName"), 0u);
  EXPECT_EQ(form(calls[2].body).at("MetricData.member.500.Value"), "2499");
}

TEST(CloudWatchRequest, SplitsBeforeTheSizeLimit) {
  std::vector<MetricDatum> datums;
  for (int i = 0; i < 300; ++i) {
    std::vector<MetricDimension> dims;
    for (int d = 0; d < 30; ++d) dims.push_back({cat("D", d), std::string(200, 'v')});
    datums.push_back(datum("Big", i, std::move(dims)));
  }
  const auto calls = put_metric_data_calls("N", datums);
  ASSERT_GT(calls.size(), 1u);
  size_t total = 0;
  for (const auto& call : calls) {
    EXPECT_LE(call.body.size(), kCloudWatchMaxCallBytes);
    EXPECT_EQ(form(call.body).count(cat("MetricData.member.", call.datums, ".MetricName")), 1u);
    total += call.datums;
  }
  EXPECT_EQ(total, 300u);
  // Tighter limits split earlier.
  const auto small = put_metric_data_calls("N", std::span(datums).first(10), {3, 1u << 20});
  ASSERT_EQ(small.size(), 4u);
  EXPECT_EQ(small[3].datums, 1u);
}

TEST(CloudWatchRequest, CutsLongNamesAndSkipsEmptyOrExtraDimensions) {
  std::vector<MetricDimension> dims = {{"Empty", ""}, {"", "nameless"}};
  for (int d = 0; d < 35; ++d) dims.push_back({cat("D", d), "v"});
  // 254 ASCII then a 2-byte character: the cut may not split it.
  dims[2].value = std::string(254, 'a') + "é";
  const auto calls = put_metric_data_calls("N", std::vector{datum(std::string(300, 'm'), 1, dims)});
  const auto p = form(calls.at(0).body);
  EXPECT_EQ(p.at("MetricData.member.1.MetricName"), std::string(255, 'm'));
  EXPECT_EQ(p.at("MetricData.member.1.Dimensions.member.1.Name"), "D0");
  EXPECT_EQ(p.at("MetricData.member.1.Dimensions.member.1.Value"), std::string(254, 'a'));
  EXPECT_EQ(p.at("MetricData.member.1.Dimensions.member.30.Name"), "D29");
  EXPECT_EQ(p.count("MetricData.member.1.Dimensions.member.31.Name"), 0u);
}

TEST(CloudWatchRequest, ValuesPrintExactlyAndNeverAsNaN) {
  const auto calls = put_metric_data_calls(
      "N", std::vector{datum("a", 9007199254740991.0), datum("b", 0.1), datum("c", -3),
                       datum("d", std::numeric_limits<double>::quiet_NaN()),
                       datum("e", std::numeric_limits<double>::infinity())});
  const auto p = form(calls.at(0).body);
  EXPECT_EQ(p.at("MetricData.member.1.Value"), "9007199254740991");
  EXPECT_EQ(p.at("MetricData.member.2.Value"), "0.1");
  EXPECT_EQ(p.at("MetricData.member.3.Value"), "-3");
  EXPECT_EQ(p.at("MetricData.member.4.Value"), "0");
  EXPECT_EQ(p.at("MetricData.member.5.Value"), "0");
}

TEST(CloudWatchRequest, NamespaceRules) {
  EXPECT_EQ(check_cloudwatch_namespace("AWSKinesisAgent"), "");
  EXPECT_EQ(check_cloudwatch_namespace("My App/Prod-1"), "");
  EXPECT_NE(check_cloudwatch_namespace(""), "");
  EXPECT_NE(check_cloudwatch_namespace("AWS/EC2"), "");
  EXPECT_NE(check_cloudwatch_namespace(":x"), "");
  EXPECT_NE(check_cloudwatch_namespace("caf\xc3\xa9"), "");
  EXPECT_NE(check_cloudwatch_namespace(std::string(256, 'n')), "");
}

TEST(CloudWatchRequest, ParsesTheErrorResponse) {
  const auto error = parse_cloudwatch_error(
      R"(<?xml version="1.0"?><ErrorResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">
  <Error><Type>Sender</Type><Code>AccessDenied</Code>
  <Message>User: arn:aws:iam::1:user/x is not authorized to perform: cloudwatch:PutMetricData &amp; more</Message>
  </Error><RequestId>7e2f</RequestId></ErrorResponse>)");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, "AccessDenied");
  EXPECT_EQ(error->message,
            "User: arn:aws:iam::1:user/x is not authorized to perform: cloudwatch:PutMetricData "
            "& more");
  EXPECT_FALSE(parse_cloudwatch_error("").has_value());
  EXPECT_FALSE(parse_cloudwatch_error("<html>busy</html>").has_value());
  EXPECT_FALSE(parse_cloudwatch_error("<ErrorResponse><Error><Message>x").has_value());
  EXPECT_FALSE(parse_cloudwatch_error(R"({"__type":"Throttling"})").has_value());
}

TEST(CloudWatchRequest, ClassifiesFailures) {
  EXPECT_EQ(classify_put_metric_data_failure(400, "Throttling"), PutMetricDataFailure::retry_later);
  EXPECT_EQ(classify_put_metric_data_failure(503, ""), PutMetricDataFailure::retry_later);
  EXPECT_EQ(classify_put_metric_data_failure(500, "InternalServiceError"),
            PutMetricDataFailure::retry_later);
  EXPECT_EQ(classify_put_metric_data_failure(403, "ExpiredToken"),
            PutMetricDataFailure::refresh_credentials);
  EXPECT_EQ(classify_put_metric_data_failure(403, "AccessDenied"), PutMetricDataFailure::keep);
  EXPECT_EQ(classify_put_metric_data_failure(403, "SignatureDoesNotMatch"),
            PutMetricDataFailure::keep);
  EXPECT_EQ(classify_put_metric_data_failure(400, "InvalidParameterValue"),
            PutMetricDataFailure::drop);
  EXPECT_EQ(classify_put_metric_data_failure(413, ""), PutMetricDataFailure::drop);
}

// ---- the period's datapoints -----------------------------------------------------------------

// name|dim=value|dim=value -> (value, unit)
std::map<std::string, std::pair<double, MetricUnit>> by_key(
    const std::vector<MetricDatum>& datums) {
  std::map<std::string, std::pair<double, MetricUnit>> out;
  for (const MetricDatum& d : datums) {
    std::string key = d.name;
    for (const auto& dim : d.dimensions) key.append(cat("|", dim.name, "=", dim.value));
    EXPECT_TRUE(out.emplace(key, std::pair{d.value, d.unit}).second) << "repeated " << key;
    EXPECT_EQ(d.timestamp_unix_ms, kNov24);
  }
  return out;
}

TEST(CloudWatchCollector, SendsDeltasByDestinationAndFlow) {
  Metrics metrics;
  std::vector<RuleMetrics*> rules;
  FlowMetrics& s3 = metrics.flow("logs", {}, rules);
  FlowMetrics& stream = metrics.flow("events", {}, rules);
  CloudWatchCollector collector("");
  collector.set_destination("logs", {"S3:retention", false});
  collector.set_destination("events", {"DeliveryStream:ev", true});

  s3.records_read.add(10);
  s3.bytes_read.add(1000);
  s3.records_shipped.add(8);
  s3.bytes_shipped.add(300);
  s3.records_redacted.add(2);
  stream.stream_record_attempts.add(7);
  stream.stream_record_errors.add(1);
  stream.stream_service_errors.add(1);
  stream.records_shipped.add(6);
  auto first = by_key(collector.collect(metrics, {{3, 4096}, {1, 0}}, kNov24));
  EXPECT_EQ(first.at("RecordsSent|Destination=S3:retention").first, 8);
  EXPECT_EQ(first.at("BytesSent|Destination=S3:retention"), std::pair(300.0, MetricUnit::bytes));
  EXPECT_EQ(first.count("RecordSendAttempts|Destination=S3:retention"), 0u);
  EXPECT_EQ(first.at("RecordSendAttempts|Destination=DeliveryStream:ev").first, 7);
  EXPECT_EQ(first.at("RecordSendErrors|Destination=DeliveryStream:ev").first, 1);
  EXPECT_EQ(first.at("ServiceErrors|Destination=DeliveryStream:ev").first, 1);
  EXPECT_EQ(first.at("RecordsSent|Destination=DeliveryStream:ev").first, 6);
  EXPECT_EQ(first.at("RecordsRead|Flow=logs").first, 10);
  EXPECT_EQ(first.at("BytesRead|Flow=logs"), std::pair(1000.0, MetricUnit::bytes));
  EXPECT_EQ(first.at("RecordsRedacted|Flow=logs").first, 2);
  EXPECT_EQ(first.at("RecordsShipped|Flow=logs").first, 8);
  EXPECT_EQ(first.at("RecordsDropped|Flow=logs").first, 0);
  EXPECT_EQ(first.at("LagBytes|Flow=logs"), std::pair(4096.0, MetricUnit::bytes));
  EXPECT_EQ(first.count("PartUploadLatency"), 0u);
  EXPECT_EQ(first.size(), 2u + 5 + 2 * 8);

  // The next period: only what grew since, zeros for quiet counters.
  s3.records_shipped.add(5);
  metrics.part_upload_latency.observe_millis(100);
  metrics.part_upload_latency.observe_millis(300);
  auto second = by_key(collector.collect(metrics, {{3, 0}, {1, 0}}, kNov24));
  EXPECT_EQ(second.at("RecordsSent|Destination=S3:retention").first, 5);
  EXPECT_EQ(second.at("RecordsRead|Flow=logs").first, 0);
  EXPECT_EQ(second.at("RecordSendAttempts|Destination=DeliveryStream:ev").first, 0);
  EXPECT_EQ(second.at("PartUploadLatency"), std::pair(200.0, MetricUnit::milliseconds));
  metrics.part_upload_latency.observe_millis(50);
  EXPECT_EQ(by_key(collector.collect(metrics, {}, kNov24)).at("PartUploadLatency").first, 50);
}

TEST(CloudWatchCollector, TagsEveryDatumWithTheInstance) {
  Metrics metrics;
  std::vector<RuleMetrics*> rules;
  metrics.flow("logs", {}, rules).records_shipped.add(1);
  metrics.part_upload_latency.observe_millis(10);
  CloudWatchCollector collector("i-0123456789abcdef0");
  collector.set_destination("logs", {"Directory:/out", false});
  const auto datums = collector.collect(metrics, {{1, 0}}, kNov24);
  ASSERT_FALSE(datums.empty());
  for (const MetricDatum& d : datums) {
    ASSERT_FALSE(d.dimensions.empty()) << d.name;
    EXPECT_EQ(d.dimensions.back().name, "Instance");
    EXPECT_EQ(d.dimensions.back().value, "i-0123456789abcdef0");
  }
  EXPECT_EQ(by_key(datums)
                .at("RecordsSent|Destination=Directory:/out|Instance=i-0123456789abcdef0")
                .first,
            1);
}

TEST(CloudWatchCollector, RemovedFlowsReportOnlyWhatGrewAndSharedDestinationsAddUp) {
  Metrics metrics;
  std::vector<RuleMetrics*> rules;
  FlowMetrics& old_flow = metrics.flow("old", {}, rules);
  CloudWatchCollector collector("");
  collector.set_destination("old", {"S3:b", false});
  EXPECT_FALSE(collector.collect(metrics, {{0, 0}}, kNov24).empty());
  metrics.begin_configuration();  // a reload without "old"
  metrics.flow("new", {}, rules);
  collector.set_destination("new", {"S3:b", false});
  auto quiet = by_key(collector.collect(metrics, {{0, 0}, {0, 0}}, kNov24));
  EXPECT_EQ(quiet.count("RecordsRead|Flow=old"), 0u);
  EXPECT_EQ(quiet.count("RecordsRead|Flow=new"), 1u);
  old_flow.records_shipped.add(3);  // its last object completed after the reload
  auto last = by_key(collector.collect(metrics, {{0, 0}, {0, 0}}, kNov24));
  EXPECT_EQ(last.at("RecordsShipped|Flow=old").first, 3);
  EXPECT_EQ(last.count("LagBytes|Flow=old"), 0u);
  // Both flows write to S3:b: one datapoint per metric, the sum of the two.
  EXPECT_EQ(last.at("RecordsSent|Destination=S3:b").first, 3);
}

TEST(CloudWatchQueue, DropsTheOldestBeyondItsCapacity) {
  CloudWatchQueue queue(3);
  EXPECT_EQ(queue.push({datum("a", 1), datum("b", 2)}), 0u);
  EXPECT_EQ(queue.push({datum("c", 3), datum("d", 4)}), 1u);
  ASSERT_EQ(queue.size(), 3u);
  EXPECT_EQ(queue.waiting()[0].name, "b");
  EXPECT_EQ(queue.push({datum("e", 5), datum("f", 6), datum("g", 7), datum("h", 8)}), 4u);
  ASSERT_EQ(queue.size(), 3u);
  EXPECT_EQ(queue.waiting()[0].name, "f");
  EXPECT_EQ(queue.waiting()[2].name, "h");
  EXPECT_EQ(queue.dropped(), 5u);
  queue.pop(2);
  EXPECT_EQ(queue.waiting()[0].name, "h");
}

}  // namespace
}  // namespace ferry
