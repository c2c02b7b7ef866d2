// Unit tests for core/aws/cloudwatch_request (PutMetricData bodies within the API's limits, the
// error document, failure classes), core/aws/statistic_set and core/aws/cloudwatch_metrics (a period's
// datapoints from the metrics registry, aggregated as the Java agent aggregates them; the bounded
// queue).
#include "core/aws/cloudwatch_request.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "core/aws/cloudwatch_metrics.hpp"
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
  return MetricDatum{std::move(name), std::move(dims), StatisticSet::of(value), unit, kNov24};
}

TEST(CloudWatchRequest, OneCallCarriesEveryField) {
  const std::vector<MetricDatum> datums = {
      datum("RecordsSent", 42, {{"Destination", "S3:retention"}, {"Instance", "i-0abc"}}),
      datum("BytesSent", 1048576, {{"Destination", "Directory:/var/out dir/ü"}}, MetricUnit::bytes),
      MetricDatum{"PartUploadLatency", {}, {3, 37.5, 2.5, 30}, MetricUnit::milliseconds, kNov24},
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
  // Every datum as StatisticValues, as the Java agent sends them; never a plain Value.
  EXPECT_EQ(p.at("MetricData.member.1.StatisticValues.SampleCount"), "1");
  EXPECT_EQ(p.at("MetricData.member.1.StatisticValues.Sum"), "42");
  EXPECT_EQ(p.at("MetricData.member.1.StatisticValues.Minimum"), "42");
  EXPECT_EQ(p.at("MetricData.member.1.StatisticValues.Maximum"), "42");
  EXPECT_EQ(p.count("MetricData.member.1.Value"), 0u);
  EXPECT_EQ(p.at("MetricData.member.1.Unit"), "Count");
  EXPECT_EQ(p.at("MetricData.member.1.Timestamp"), "2026-11-24T08:50:56.123Z");
  EXPECT_EQ(p.at("MetricData.member.2.Dimensions.member.1.Value"), "Directory:/var/out dir/ü");
  EXPECT_EQ(p.at("MetricData.member.2.StatisticValues.Sum"), "1048576");
  EXPECT_EQ(p.at("MetricData.member.2.Unit"), "Bytes");
  EXPECT_EQ(p.at("MetricData.member.3.StatisticValues.SampleCount"), "3");
  EXPECT_EQ(p.at("MetricData.member.3.StatisticValues.Sum"), "37.5");
  EXPECT_EQ(p.at("MetricData.member.3.StatisticValues.Minimum"), "2.5");
  EXPECT_EQ(p.at("MetricData.member.3.StatisticValues.Maximum"), "30");
  EXPECT_EQ(p.at("MetricData.member.3.Unit"), "Milliseconds");
  EXPECT_EQ(p.count("MetricData.member.3.Dimensions.member.1.Name"), 0u);
  EXPECT_EQ(p.size(), 3u + 11 + 9 + 7);  // Action, Version, Namespace; then per datum
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
  EXPECT_EQ(form(calls[2].body).at("MetricData.member.500.StatisticValues.Sum"), "2499");
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

TEST(CloudWatchRequest, ValuesPrintExactlyAndStayWithinWhatCloudWatchTakes) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const auto calls = put_metric_data_calls(
      "N",
      std::vector{datum("a", 9007199254740991.0), datum("b", 0.1), datum("c", -3), datum("d", kNaN),
                  datum("e", kInf), datum("f", -std::ldexp(1.0, 400)), datum("g", 1e-200),
                  MetricDatum{"h", {}, {2, kNaN, -kInf, kInf}, MetricUnit::count, kNov24},
                  MetricDatum{"i", {}, {}, MetricUnit::count, kNov24}});
  const auto p = form(calls.at(0).body);
  const auto sum = [&](int member) {
    return p.at(cat("MetricData.member.", member, ".StatisticValues.Sum"));
  };
  EXPECT_EQ(sum(1), "9007199254740991");
  EXPECT_EQ(sum(2), "0.1");
  EXPECT_EQ(sum(3), "-3");
  // The API refuses NaN, infinities and values beyond ±2^360 (the whole call with them), and
  // truncates magnitudes below 10^-130: each is sent as the nearest value it takes.
  EXPECT_EQ(sum(4), "0");
  const std::string max = p.at("MetricData.member.5.StatisticValues.Maximum");
  EXPECT_EQ(std::stod(max), kCloudWatchMaxValue) << max;
  EXPECT_EQ(std::stod(sum(6)), -kCloudWatchMaxValue);
  EXPECT_EQ(sum(7), "0");
  EXPECT_EQ(sum(8), "0");
  EXPECT_EQ(std::stod(p.at("MetricData.member.8.StatisticValues.Minimum")), -kCloudWatchMaxValue);
  EXPECT_EQ(p.at("MetricData.member.8.StatisticValues.SampleCount"), "2");
  // SampleCount must be positive: a set without samples goes as one sample of 0.
  EXPECT_EQ(p.at("MetricData.member.9.StatisticValues.SampleCount"), "1");
  EXPECT_EQ(p.at("MetricData.member.9.StatisticValues.Sum"), "0");
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

// ---- StatisticSet ----------------------------------------------------------------------------

// The Java agent's AccumulatingMetricsScope and MetricAccumulatingQueue.accumulate: a metric's
// samples become SampleCount + 1, Sum + value, Minimum = min, Maximum = max.
TEST(StatisticSet, AccumulatesAsTheJavaAgent) {
  StatisticSet set;
  EXPECT_TRUE(set.empty());
  set.add(500);
  EXPECT_EQ(set, (StatisticSet{1, 500, 500, 500}));
  set.add(10);
  set.add(0);
  EXPECT_EQ(set, (StatisticSet{3, 510, 0, 500}));
  StatisticSet other = StatisticSet::of(-4);
  other.add(700);
  set.merge(other);
  EXPECT_EQ(set, (StatisticSet{5, 1206, -4, 700}));
  set.merge(StatisticSet{});  // nothing to add: unchanged
  EXPECT_EQ(set.sample_count, 5u);
  StatisticSet empty;
  empty.merge(other);
  EXPECT_EQ(empty, other);
}

TEST(SampleStats, TakeReturnsThePeriodsSamplesAndStartsAgain) {
  SampleStats stats;
  EXPECT_TRUE(stats.take().empty());
  stats.observe(3);
  stats.observe(1);
  EXPECT_EQ(stats.take(), (StatisticSet{2, 4, 1, 3}));
  EXPECT_TRUE(stats.take().empty());
}

// ---- the period's datapoints -----------------------------------------------------------------

// name|dim=value|dim=value -> (statistics, unit)
std::map<std::string, std::pair<StatisticSet, MetricUnit>> by_key(
    const std::vector<MetricDatum>& datums) {
  std::map<std::string, std::pair<StatisticSet, MetricUnit>> out;
  for (const MetricDatum& d : datums) {
    std::string key = d.name;
    for (const auto& dim : d.dimensions) key.append(cat("|", dim.name, "=", dim.value));
    EXPECT_TRUE(out.emplace(key, std::pair{d.statistics, d.unit}).second) << "repeated " << key;
    EXPECT_EQ(d.timestamp_unix_ms, kNov24);
    EXPECT_FALSE(d.statistics.empty()) << key;
  }
  return out;
}

std::pair<StatisticSet, MetricUnit> one(double value, MetricUnit unit = MetricUnit::count) {
  return {StatisticSet::of(value), unit};
}

// The Java agent (FirehoseSender / KinesisSender.attemptSend) opens one metrics scope per
// PutRecordBatch / PutRecords call, with the dimension Destination=DeliveryStream:<name> (or
// KinesisStream:<name>): RecordSendAttempts = the call's records, before it is sent; then
// ServiceErrors = 0 when it is answered, 1 when it throws; and only when answered, BytesSent =
// the data bytes of the records accepted and RecordSendErrors = the records refused. Each scope
// commits one sample per metric; the publisher's MetricAccumulatingQueue adds up the samples of
// the same name and dimensions until it is drained, every cloudwatch.metricsBufferTimeMillis,
// and sends each metric as StatisticValues. A period without calls sends nothing.
TEST(CloudWatchCollector, SamplesEachStreamCallAsTheJavaAgent) {
  Metrics metrics;
  std::vector<RuleMetrics*> rules;
  FlowMetrics& flow = metrics.flow("events", {}, rules);
  CloudWatchCollector collector("");
  collector.set_destination("events", {"DeliveryStream:ev", true});

  flow.record_stream_call(500, false);  // answered: 490 records (490 lines) in, 10 refused
  flow.record_stream_answer(490, 49'000, 10);
  flow.record_stream_call(10, true);   // failed as a whole (a 500, a timeout)
  flow.record_stream_call(10, false);  // the 10 again: all in
  flow.record_stream_answer(10, 1'000, 0);
  auto first = by_key(collector.collect(metrics, {{1, 0}}, kNov24));
  const std::string d = "|Destination=DeliveryStream:ev";
  EXPECT_EQ(first.at("RecordSendAttempts" + d),
            std::pair(StatisticSet{3, 520, 10, 500}, MetricUnit::count));
  EXPECT_EQ(first.at("ServiceErrors" + d).first, (StatisticSet{3, 1, 0, 1}));
  EXPECT_EQ(first.at("BytesSent" + d),
            std::pair(StatisticSet{2, 50'000, 1'000, 49'000}, MetricUnit::bytes));
  EXPECT_EQ(first.at("RecordSendErrors" + d).first, (StatisticSet{2, 10, 0, 10}));
  EXPECT_EQ(first.at("RecordsSent" + d).first, (StatisticSet{2, 500, 10, 490}));
  EXPECT_EQ(first.at("ConsecutiveProcessingErrors" + d), one(0));
  // The counters behind /metrics moved with the samples.
  EXPECT_EQ(flow.stream_record_attempts.value(), 520u);
  EXPECT_EQ(flow.stream_service_errors.value(), 1u);
  EXPECT_EQ(flow.stream_record_errors.value(), 10u);
  EXPECT_EQ(flow.stream_calls.value(), 2u);
  EXPECT_EQ(flow.records_shipped.value(), 500u);
  EXPECT_EQ(flow.bytes_shipped.value(), 50'000u);
  // By Flow: one sample per period, the counter's growth.
  EXPECT_EQ(first.at("RecordsShipped|Flow=events").first, StatisticSet::of(500));
  EXPECT_EQ(first.at("BytesShipped|Flow=events"), one(50'000, MetricUnit::bytes));

  // A period without a call: no send metric at all (the Java agent sends none), only the
  // ConsecutiveProcessingErrors gauge; the flow's own metrics still read 0.
  auto quiet = by_key(collector.collect(metrics, {{1, 0}}, kNov24));
  for (const auto& [key, value] : quiet) {
    if (key.find("Destination") != std::string::npos) {
      EXPECT_EQ(key, "ConsecutiveProcessingErrors" + d);
    }
  }
  EXPECT_EQ(quiet.at("RecordsShipped|Flow=events"), one(0));
  EXPECT_EQ(quiet.size(), 9u);

  // The next call is the next period's only sample.
  flow.record_stream_call(7, false);
  flow.record_stream_answer(7, 70, 0);
  auto third = by_key(collector.collect(metrics, {{1, 0}}, kNov24));
  EXPECT_EQ(third.at("RecordSendAttempts" + d).first, StatisticSet::of(7));
  EXPECT_EQ(third.at("ServiceErrors" + d).first, StatisticSet::of(0));
}

TEST(CloudWatchCollector, ObjectsAreTheSendsOfS3AndDirectoryFlows) {
  Metrics metrics;
  std::vector<RuleMetrics*> rules;
  FlowMetrics& s3 = metrics.flow("logs", {}, rules);
  CloudWatchCollector collector("");
  collector.set_destination("logs", {"S3:retention", false});

  s3.records_read.add(10);
  s3.bytes_read.add(1000);
  s3.records_redacted.add(2);
  s3.record_object(8, 300);
  s3.record_object(2, 100);
  auto first = by_key(collector.collect(metrics, {{3, 4096}}, kNov24));
  EXPECT_EQ(first.at("RecordsSent|Destination=S3:retention"),
            std::pair(StatisticSet{2, 10, 2, 8}, MetricUnit::count));
  EXPECT_EQ(first.at("BytesSent|Destination=S3:retention"),
            std::pair(StatisticSet{2, 400, 100, 300}, MetricUnit::bytes));
  // No PutRecordBatch / PutRecords call: none of the stream-only metrics.
  EXPECT_EQ(first.count("RecordSendAttempts|Destination=S3:retention"), 0u);
  EXPECT_EQ(first.count("ServiceErrors|Destination=S3:retention"), 0u);
  EXPECT_EQ(first.at("RecordsRead|Flow=logs"), one(10));
  EXPECT_EQ(first.at("BytesRead|Flow=logs"), one(1000, MetricUnit::bytes));
  EXPECT_EQ(first.at("RecordsRedacted|Flow=logs"), one(2));
  EXPECT_EQ(first.at("RecordsShipped|Flow=logs"), one(10));
  EXPECT_EQ(first.at("RecordsDropped|Flow=logs"), one(0));
  EXPECT_EQ(first.at("LagBytes|Flow=logs"), one(4096, MetricUnit::bytes));
  EXPECT_EQ(first.count("PartUploadLatency"), 0u);
  EXPECT_EQ(first.size(), 3u + 8);

  // The next period: only what grew since; the period's uploads as one set.
  s3.record_object(5, 50);
  metrics.part_upload_latency.observe_millis(100);
  metrics.part_upload_latency.observe_millis(300);
  auto second = by_key(collector.collect(metrics, {{3, 0}}, kNov24));
  EXPECT_EQ(second.at("RecordsSent|Destination=S3:retention").first, StatisticSet::of(5));
  EXPECT_EQ(second.at("RecordsRead|Flow=logs"), one(0));
  EXPECT_EQ(second.at("PartUploadLatency"),
            std::pair(StatisticSet{2, 400, 100, 300}, MetricUnit::milliseconds));
  metrics.part_upload_latency.observe_millis(50);
  EXPECT_EQ(by_key(collector.collect(metrics, {}, kNov24)).at("PartUploadLatency").first,
            StatisticSet::of(50));
}

TEST(CloudWatchCollector, TagsEveryDatumWithTheInstance) {
  Metrics metrics;
  std::vector<RuleMetrics*> rules;
  metrics.flow("logs", {}, rules).record_object(1, 10);
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
            StatisticSet::of(1));
}

TEST(CloudWatchCollector, RemovedFlowsReportOnlyWhatGrewAndSharedDestinationsAddUp) {
  Metrics metrics;
  std::vector<RuleMetrics*> rules;
  FlowMetrics& old_flow = metrics.flow("old", {}, rules);
  CloudWatchCollector collector("");
  collector.set_destination("old", {"S3:b", false});
  EXPECT_FALSE(collector.collect(metrics, {{0, 0}}, kNov24).empty());
  metrics.begin_configuration();  // a reload without "old"
  FlowMetrics& new_flow = metrics.flow("new", {}, rules);
  collector.set_destination("new", {"S3:b", false});
  auto quiet = by_key(collector.collect(metrics, {{0, 0}, {0, 0}}, kNov24));
  EXPECT_EQ(quiet.count("RecordsRead|Flow=old"), 0u);
  EXPECT_EQ(quiet.count("RecordsRead|Flow=new"), 1u);
  old_flow.record_object(3, 30);  // its last object completed after the reload
  new_flow.record_object(4, 40);
  auto last = by_key(collector.collect(metrics, {{0, 0}, {0, 0}}, kNov24));
  EXPECT_EQ(last.at("RecordsShipped|Flow=old"), one(3));
  EXPECT_EQ(last.count("LagBytes|Flow=old"), 0u);
  // Both flows write to S3:b: one datapoint per metric, the samples of the two.
  EXPECT_EQ(last.at("RecordsSent|Destination=S3:b").first, (StatisticSet{2, 7, 3, 4}));
  // The gauge: the active flow only.
  EXPECT_EQ(last.at("ConsecutiveProcessingErrors|Destination=S3:b"), one(0));
}

// The Java agent (pull request 289, FileTailer): ConsecutiveProcessingErrors is a gauge per
// tailer, one more on each processRecords() iteration that throws, 0 again on one that succeeds
// or is idle; it is added to a metrics scope with the tailer's Destination (and Instance) every
// log.statusReportingPeriodSeconds, so CloudWatch gets it as StatisticValues of those samples.
// ferry's tailer never loops on an error (a file it cannot read is let go, with a warning): a
// flow is stuck when its destination keeps failing, so ferry samples the flow's failures in a
// row, once a period, 0 while it delivers.
TEST(CloudWatchCollector, ConsecutiveProcessingErrorsClimbWhileAFlowIsStuck) {
  Metrics metrics;
  std::vector<RuleMetrics*> rules;
  FlowMetrics& a = metrics.flow("a", {}, rules);
  FlowMetrics& b = metrics.flow("b", {}, rules);
  CloudWatchCollector collector("");
  collector.set_destination("a", {"KinesisStream:k", true});
  collector.set_destination("b", {"KinesisStream:k", true});
  const std::string key = "ConsecutiveProcessingErrors|Destination=KinesisStream:k";
  const auto gauge = [&] { return by_key(collector.collect(metrics, {}, kNov24)).at(key); };

  EXPECT_EQ(gauge(), std::pair(StatisticSet{2, 0, 0, 0}, MetricUnit::count));
  a.record_failure("ResourceNotFoundException", "no such stream", 1);
  a.record_failure("ResourceNotFoundException", "no such stream", 2);
  EXPECT_EQ(gauge().first, (StatisticSet{2, 2, 0, 2}));
  a.record_failure("ResourceNotFoundException", "no such stream", 3);
  b.record_failure("AccessDenied", "denied", 3);
  EXPECT_EQ(gauge().first, (StatisticSet{2, 4, 1, 3}));
  a.record_success();  // delivered again: back to 0
  EXPECT_EQ(gauge().first, (StatisticSet{2, 1, 0, 1}));
  b.record_success();
  EXPECT_EQ(gauge().first, (StatisticSet{2, 0, 0, 0}));
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
