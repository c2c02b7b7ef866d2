// Unit tests for StreamCallBuilder: aggregation, truncation of records over the service limit,
// call limits (records and bytes), Kinesis partition keys, and that no other byte is lost or
// moved.
#include "core/aws/stream_calls.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace ferry {
namespace {

std::string key_of(std::string_view data) {
  std::string key = std::to_string(data.size());
  key.resize(kPartitionKeyBytes, 'k');
  return key;
}

std::string line(size_t size, char fill) {
  std::string text(size - 1, fill);
  text.push_back('\n');
  return text;
}

std::vector<StreamCall> build(StreamCallLimits limits, const std::vector<std::string>& records) {
  StreamCallBuilder builder(limits, key_of);
  std::vector<StreamCall> calls;
  for (const std::string& record : records) builder.add(record, calls);
  builder.flush(calls);
  EXPECT_TRUE(builder.empty());
  return calls;
}

// What the Kinesis Agent sends of `record` (AbstractRecord.truncate): within the limit as it is;
// over it, its first bytes, the terminator (its final '\n' the record's own), the rest dropped.
std::string truncated(const StreamCallLimits& limits, const std::string& record) {
  const size_t max_data = max_record_data_bytes(limits);
  if (record.size() <= max_data) return record;
  return record.substr(0, max_data - limits.truncation_suffix.size() - 1) +
         limits.truncation_suffix + "\n";
}

std::string joined(const std::vector<StreamCall>& calls) {
  std::string all;
  for (const StreamCall& call : calls)
    for (const StreamRecord& record : call.records) all += record.data;
  return all;
}

TEST(StreamCalls, WithoutAggregationEachRecordIsOneStreamRecord) {
  const std::vector<std::string> records = {line(10, 'a'), line(20, 'b'), line(5, 'c')};
  const auto calls = build({}, records);
  ASSERT_EQ(calls.size(), 1u);
  ASSERT_EQ(calls[0].records.size(), 3u);
  EXPECT_EQ(calls[0].records[1].data, records[1]);
  EXPECT_EQ(calls[0].records[1].lines, 1u);
  EXPECT_EQ(calls[0].bytes, 35u);
  EXPECT_TRUE(calls[0].records[0].partition_key.empty());
}

TEST(StreamCalls, CallsCloseAtTheRecordLimit) {
  std::vector<std::string> records(1201, line(8, 'x'));
  StreamCallLimits limits;
  const auto calls = build(limits, records);
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].records.size(), 500u);
  EXPECT_EQ(calls[1].records.size(), 500u);
  EXPECT_EQ(calls[2].records.size(), 201u);
  limits.max_call_records = 50;
  EXPECT_EQ(build(limits, records).size(), 25u);
}

TEST(StreamCalls, CallsCloseBeforeTheByteLimit) {
  StreamCallLimits limits;
  limits.max_call_bytes = 1000;
  const auto calls = build(limits, std::vector<std::string>(10, line(300, 'y')));
  ASSERT_EQ(calls.size(), 4u);
  for (const StreamCall& call : calls) EXPECT_LE(call.bytes, 1000u);
  EXPECT_EQ(calls[0].records.size(), 3u);
  // A record larger than the call limit (but within the service's) travels alone.
  const auto alone = build(limits, {line(10, 'a'), line(5000, 'b'), line(10, 'c')});
  ASSERT_EQ(alone.size(), 3u);
  EXPECT_EQ(alone[1].bytes, 5000u);
}

TEST(StreamCalls, AggregationJoinsWholeRecordsUpToTheSize) {
  StreamCallLimits limits;
  limits.aggregate_bytes = 100;
  std::vector<std::string> records;
  for (int i = 0; i < 30; ++i) records.push_back(line(30, static_cast<char>('a' + i % 26)));
  const auto calls = build(limits, records);
  ASSERT_EQ(calls.size(), 1u);
  ASSERT_EQ(calls[0].records.size(), 10u);  // three 30-byte records per 100-byte aggregate
  for (const StreamRecord& record : calls[0].records) {
    EXPECT_EQ(record.data.size(), 90u);
    EXPECT_EQ(record.lines, 3u);
  }
  std::string all;
  for (const auto& r : records) all += r;
  EXPECT_EQ(joined(calls), all);
}

TEST(StreamCalls, ARecordLargerThanTheAggregateGoesAloneInOrder) {
  StreamCallLimits limits;
  limits.aggregate_bytes = 50;
  const std::vector<std::string> records = {line(20, 'a'), line(20, 'b'), line(80, 'c'),
                                            line(20, 'd')};
  const auto calls = build(limits, records);
  ASSERT_EQ(calls.size(), 1u);
  ASSERT_EQ(calls[0].records.size(), 3u);
  EXPECT_EQ(calls[0].records[0].data, records[0] + records[1]);
  EXPECT_EQ(calls[0].records[1].data, records[2]);
  EXPECT_EQ(calls[0].records[2].data, records[3]);
}

TEST(StreamCalls, RecordsOverTheServiceLimitAreTruncatedWithTheTerminator) {
  StreamCallLimits limits;
  limits.max_record_bytes = 1000;
  limits.truncation_suffix = "...";
  const std::string big = line(2500, 'z');
  StreamCallBuilder builder(limits, key_of);
  std::vector<StreamCall> calls;
  EXPECT_TRUE(builder.add(line(10, 'a'), calls));
  EXPECT_FALSE(builder.add(big, calls));             // went out truncated
  EXPECT_TRUE(builder.add(line(1000, 'b'), calls));  // exactly at the limit: whole
  builder.flush(calls);
  ASSERT_EQ(calls.size(), 1u);
  ASSERT_EQ(calls[0].records.size(), 3u);
  EXPECT_EQ(calls[0].records[1].data, std::string(996, 'z') + "...\n");
  EXPECT_EQ(calls[0].records[1].lines, 1u);
  EXPECT_EQ(calls[0].records[2].data, line(1000, 'b'));
  // The Kinesis Agent's default terminator "\n": the first 999 bytes and the newline.
  limits.truncation_suffix.clear();
  const auto plain = build(limits, {big});
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_EQ(plain[0].records[0].data, std::string(999, 'z') + "\n");
}

TEST(StreamCalls, KinesisRecordsCarryKeysThatCountAgainstTheLimits) {
  StreamCallLimits limits;
  limits.max_record_bytes = kKinesisMaxRecordBytes;
  limits.max_call_bytes = kKinesisMaxCallBytes;
  limits.partition_keys = true;
  const std::string big = line(kKinesisMaxRecordBytes, 'k');  // data alone at the limit
  const auto calls = build(limits, {big, line(10, 's')});
  ASSERT_EQ(calls.size(), 1u);
  ASSERT_EQ(calls[0].records.size(), 2u);
  EXPECT_EQ(calls[0].records[0].size(), kKinesisMaxRecordBytes);  // truncated: key + data
  EXPECT_EQ(calls[0].records[0].data.size(), kKinesisMaxRecordBytes - kPartitionKeyBytes);
  EXPECT_EQ(calls[0].records[0].partition_key, key_of(calls[0].records[0].data));
  EXPECT_EQ(calls[0].records[1].partition_key.size(), kPartitionKeyBytes);
  EXPECT_EQ(calls[0].bytes, kKinesisMaxRecordBytes + 10 + kPartitionKeyBytes);
}

TEST(StreamCalls, RandomRecordsKeepTheirBytesInOrderWithinEveryLimit) {
  std::mt19937 random(7);
  for (int round = 0; round < 200; ++round) {
    StreamCallLimits limits;
    limits.max_record_bytes = 64 + random() % 2000;
    limits.max_call_bytes = limits.max_record_bytes + random() % 8000;
    limits.max_call_records = 1 + random() % 500;
    limits.aggregate_bytes = random() % 2 ? 0 : random() % limits.max_record_bytes;
    limits.partition_keys = limits.aggregate_bytes == 0 && random() % 2;
    limits.truncation_suffix = std::string(random() % 10, '~');
    std::vector<std::string> records;
    std::string all;
    for (int i = 0, n = static_cast<int>(random() % 300); i < n; ++i) {
      records.push_back(line(1 + random() % 3000, static_cast<char>('a' + i % 26)));
      all += truncated(limits, records.back());
    }
    const auto calls = build(limits, records);
    EXPECT_EQ(joined(calls), all);
    size_t lines = 0;
    for (const StreamCall& call : calls) {
      EXPECT_FALSE(call.records.empty());
      EXPECT_LE(call.records.size(), limits.max_call_records);
      size_t bytes = 0;
      for (const StreamRecord& record : call.records) {
        EXPECT_LE(record.size(), limits.max_record_bytes);
        bytes += record.size();
        lines += record.lines;
        if (limits.aggregate_bytes > 0 && record.lines > 1) {
          EXPECT_LE(record.data.size(), limits.aggregate_bytes);
        }
      }
      EXPECT_EQ(bytes, call.bytes);
      if (call.records.size() > 1) {
        EXPECT_LE(call.bytes, limits.max_call_bytes);
      }
    }
    EXPECT_EQ(lines, records.size());
  }
}

}  // namespace
}  // namespace ferry
