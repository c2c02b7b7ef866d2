// Worker processing: redaction + one zstd frame per batch; frames concatenate into one stream.
#include "core/batch/batch_processor.hpp"

#include <gtest/gtest.h>
#include <zstd.h>

namespace ferry {
namespace {

std::string decompress(const std::string& compressed) {
  std::string out;
  ZSTD_DStream* stream = ZSTD_createDStream();
  ZSTD_inBuffer in{compressed.data(), compressed.size(), 0};
  std::string chunk(1 << 16, '\0');
  while (in.pos < in.size) {
    ZSTD_outBuffer o{chunk.data(), chunk.size(), 0};
    const size_t rc = ZSTD_decompressStream(stream, &o, &in);
    EXPECT_FALSE(ZSTD_isError(rc)) << ZSTD_getErrorName(rc);
    if (ZSTD_isError(rc)) break;
    out.append(chunk.data(), o.pos);
  }
  ZSTD_freeDStream(stream);
  return out;
}

void add_record(Batch& batch, std::string_view record, uint64_t offset) {
  if (batch.positions.empty()) batch.positions.push_back({"/in/events.log", {1, 2, 3, 4}, 0});
  batch.records.push_back({static_cast<uint32_t>(batch.input.size()),
                           static_cast<uint32_t>(record.size()), 0, false, offset});
  batch.input.append(record);
  batch.input.push_back('\n');
  batch.positions[0].end_offset = offset + record.size() + 1;
}

// A worker's processor over a table holding `flows`, numbered in order.
class TableProcessor {
 public:
  explicit TableProcessor(std::vector<FlowProcessing> flows) : processor_(table_) {
    for (FlowProcessing& flow : flows) table_.add(std::move(flow));
  }
  void process(Batch& batch, int64_t now_unix_millis) {
    processor_.process(batch, now_unix_millis);
  }

 private:
  FlowProcessingTable table_;
  BatchProcessor processor_;
};

const RedactionRule kSeedRule{
    "data_share_consent", {"dob", "ssn_no"}, "REDACTED_CONTENT", "data_redacted"};

TEST(BatchProcessor, FlowWithoutRulesCompressesInputByteForByte) {
  TableProcessor processor({FlowProcessing{{}, {}, 3}});
  Batch batch;
  add_record(batch, "not json at all", 0);
  add_record(batch, R"({"dob":"1990-01-01"})", 16);
  processor.process(batch, 0);
  EXPECT_EQ(decompress(batch.frame), batch.input.view());
  EXPECT_EQ(batch.stats.records, 2u);
  EXPECT_EQ(batch.stats.redacted, 0u);
}

TEST(BatchProcessor, FlowWithRulesRedactsAndCountsOutcomes) {
  TableProcessor processor({FlowProcessing{{}, {kSeedRule}, 3}});
  Batch batch;
  add_record(batch, R"({"dob":"1990-01-01","data_share_consent":true})", 0);
  add_record(batch, R"({"dob":"1990-01-01","ssn_no":"123"})", 48);
  add_record(batch, "garbage 1990-01-01", 90);
  processor.process(batch, 0);
  EXPECT_EQ(
      decompress(batch.frame),
      "{\"dob\":\"1990-01-01\",\"data_share_consent\":true}\n"
      "{\"dob\":\"REDACTED_CONTENT\",\"ssn_no\":\"REDACTED_CONTENT\",\"data_redacted\":true}\n"
      "{\"ferry_invalid_record\":true,\"ferry_file\":\"/in/"
      "events.log\",\"ferry_offset\":90,\"ferry_length\":18}\n");
  EXPECT_EQ(batch.stats.redacted, 1u);
  EXPECT_EQ(batch.stats.invalid, 1u);
}

TEST(BatchProcessor, FramesOfSeveralBatchesConcatenateIntoOneValidStream) {
  TableProcessor processor({FlowProcessing{{}, {}, 1}, FlowProcessing{{}, {kSeedRule}, 19}});
  std::string object, expected;
  for (int i = 0; i < 5; ++i) {
    Batch batch;
    batch.flow = 1;
    for (int j = 0; j < 100; ++j) {
      const std::string record =
          "{\"id\":" + std::to_string(i * 100 + j) + ",\"data_share_consent\":true}";
      add_record(batch, record, 0);
      expected += record + "\n";
    }
    processor.process(batch, 0);
    EXPECT_LT(batch.frame.size(), batch.input.size());
    object += batch.frame;
  }
  EXPECT_EQ(decompress(object), expected);
}

TEST(BatchProcessor, PieceOfAnOverLongLineIsNeverShippedInAFlowWithRules) {
  TableProcessor processor({FlowProcessing{{}, {kSeedRule}, 3}});
  Batch batch;
  // Parses on its own, but it is only the start of a longer (invalid) line.
  add_record(batch, R"({"dob":"1990-01-01","data_share_consent":true})", 0);
  batch.records.back().piece = true;
  processor.process(batch, 0);
  EXPECT_EQ(decompress(batch.frame),
            "{\"ferry_invalid_record\":true,\"ferry_file\":\"/in/"
            "events.log\",\"ferry_offset\":0,\"ferry_length\":46}\n");
  EXPECT_EQ(batch.stats.invalid, 1u);
}

TEST(BatchProcessor, PositionOnlyBatchHasNoFrame) {
  TableProcessor processor({FlowProcessing{{}, {kSeedRule}, 3}});
  Batch batch;
  batch.positions.push_back({"/in/a", {1, 2, 3, 4}, 4096});
  processor.process(batch, 0);
  EXPECT_TRUE(batch.frame.empty());
}

}  // namespace
}  // namespace ferry

namespace ferry {
namespace {

std::vector<std::string> kept_records(const Batch& batch) {
  std::vector<std::string> records;
  uint32_t begin = 0;
  for (const uint32_t end : batch.record_ends) {
    records.push_back(batch.frame.substr(begin, end - begin));
    begin = end;
  }
  EXPECT_EQ(begin, batch.frame.size());
  return records;
}

TEST(BatchProcessor, AStreamFlowKeepsItsRecordsUncompressedWithTheirEnds) {
  FlowProcessing stream{{}, {}, 3};
  stream.keep_records = true;
  TableProcessor processor({stream});
  Batch batch;
  add_record(batch, "plain line", 0);
  add_record(batch, "multi\nline record", 11);
  processor.process(batch, 0);
  EXPECT_EQ(batch.frame, batch.input.view());
  EXPECT_EQ(kept_records(batch),
            (std::vector<std::string>{"plain line\n", "multi\nline record\n"}));
}

TEST(BatchProcessor, AStreamFlowsRecordsAreRedactedAndDroppedOnesLeaveNoEnd) {
  ProcessingOption log_to_json;
  log_to_json.kind = ProcessingKind::log_to_json;
  log_to_json.log_format = LogFormat::common_apache;
  log_to_json.has_log_format = true;
  FlowProcessing stream{{log_to_json}, {RedactionRule{"", {"host"}, "REDACTED_CONTENT", ""}}, 3};
  stream.keep_records = true;
  TableProcessor processor({stream});
  Batch batch;
  add_record(batch, R"(10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326)", 0);
  add_record(batch, "not an apache line", 70);
  add_record(batch, R"(10.0.0.2 - bob [10/Oct/2000:13:55:37 -0700] "GET /a HTTP/1.0" 404 -)", 89);
  processor.process(batch, 0);
  EXPECT_EQ(batch.stats.dropped, 1u);
  const std::vector<std::string> records = kept_records(batch);
  ASSERT_EQ(records.size(), 2u);
  for (const std::string& record : records) {
    EXPECT_EQ(record.back(), '\n');
    EXPECT_NE(record.find(R"("host":"REDACTED_CONTENT")"), std::string::npos) << record;
    EXPECT_EQ(record.find("10.0.0."), std::string::npos) << record;
  }
  EXPECT_NE(records[1].find(R"("authuser":"bob")"), std::string::npos) << records[1];
}

TEST(BatchProcessor, FollowsTheTableAsFlowsAreAddedAndEnded) {
  FlowProcessingTable table;
  EXPECT_EQ(table.add(FlowProcessing{{}, {}, 3}), 0u);
  BatchProcessor processor(table);
  const std::string record = R"({"dob":"1990-01-01"})";
  Batch plain;
  plain.flow = 0;
  add_record(plain, record, 0);
  processor.process(plain, 0);
  EXPECT_EQ(decompress(plain.frame), plain.input.view());
  // Added after the processor was made: caught up with before the batch.
  EXPECT_EQ(table.add(FlowProcessing{{}, {kSeedRule}, 3}), 1u);
  table.end(0);
  Batch redacted;
  redacted.flow = 1;
  add_record(redacted, record, 0);
  processor.process(redacted, 0);
  EXPECT_EQ(decompress(redacted.frame), R"({"dob":"REDACTED_CONTENT","data_redacted":true})"
                                        "\n");
  const FlowProcessingTable::View view = table.since(0);
  EXPECT_EQ(view.added.size(), 2u);
  EXPECT_EQ(view.ended, (std::vector<uint32_t>{0}));
}

}  // namespace
}  // namespace ferry
