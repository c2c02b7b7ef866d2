// Unit tests for the Firehose / Kinesis wire format: request bodies, per-record answers, and
// whole-call errors.
#include "core/aws/stream_protocol.hpp"

#include <gtest/gtest.h>

namespace ferry {
namespace {

TEST(StreamProtocol, FirehoseRequestsNameTheStreamAndCarryBase64Data) {
  const std::vector<StreamRecord> records = {{"hello\n", "", 1}, {"{\"a\":1}\n", "", 1}};
  EXPECT_EQ(
      encode_put_request(StreamKind::firehose, "ds1", records),
      R"({"DeliveryStreamName":"ds1","Records":[{"Data":"aGVsbG8K"},{"Data":"eyJhIjoxfQo="}]})");
  EXPECT_EQ(stream_target(StreamKind::firehose), "Firehose_20150804.PutRecordBatch");
  EXPECT_EQ(stream_service(StreamKind::firehose), "firehose");
}

TEST(StreamProtocol, KinesisRequestsCarryPartitionKeys) {
  const std::vector<StreamRecord> records = {{"x\n", "0123456789abcdef0123456789abcdef", 1}};
  EXPECT_EQ(
      encode_put_request(StreamKind::kinesis, "ks", records),
      R"({"StreamName":"ks","Records":[{"Data":"eAo=","PartitionKey":"0123456789abcdef0123456789abcdef"}]})");
  EXPECT_EQ(stream_target(StreamKind::kinesis), "Kinesis_20131202.PutRecords");
}

TEST(StreamProtocol, AnswersTellWhichRecordsFailed) {
  auto firehose = parse_put_answer(StreamKind::firehose, R"({"FailedPutCount":1,"Encrypted":false,
      "RequestResponses":[{"RecordId":"r1"},{"ErrorCode":"ServiceUnavailableException",
      "ErrorMessage":"Slow down."},{"RecordId":"r3"}]})",
                                   3);
  ASSERT_TRUE(firehose) << firehose.error().message;
  EXPECT_EQ(firehose->failed, 1u);
  EXPECT_EQ(firehose->errors, (std::vector<std::string>{"", "ServiceUnavailableException", ""}));
  EXPECT_EQ(firehose->first_error, "ServiceUnavailableException: Slow down.");
  auto kinesis = parse_put_answer(StreamKind::kinesis, R"({"FailedRecordCount":0,"Records":[
      {"SequenceNumber":"1","ShardId":"shardId-000000000000"}]})",
                                  1);
  ASSERT_TRUE(kinesis);
  EXPECT_EQ(kinesis->failed, 0u);
}

TEST(StreamProtocol, InconsistentAnswersAreErrors) {
  EXPECT_EQ(
      parse_put_answer(StreamKind::firehose, R"({"FailedPutCount":0,"RequestResponses":[]})", 2)
          .error()
          .message,
      "PutRecordBatch answer lists 0 records for 2 sent");
  EXPECT_EQ(parse_put_answer(StreamKind::kinesis, R"({"FailedRecordCount":1,"Records":[{}]})", 1)
                .error()
                .message,
            "PutRecords answer says 1 failed but lists 0");
  EXPECT_FALSE(parse_put_answer(StreamKind::kinesis, R"({"Records":[{}]})", 1));
  EXPECT_FALSE(parse_put_answer(StreamKind::kinesis, "<html>", 1));
  EXPECT_FALSE(
      parse_put_answer(StreamKind::firehose, R"({"FailedPutCount":0,"RequestResponses":[1]})", 1));
}

TEST(StreamProtocol, ServiceErrorsGiveTheirTypeWithoutNamespace) {
  const ServiceError error = parse_service_error(
      R"({"__type":"com.amazonaws.firehose#ResourceNotFoundException","message":"Stream x not found"})");
  EXPECT_EQ(error.code, "ResourceNotFoundException");
  EXPECT_EQ(error.message, "Stream x not found");
  EXPECT_EQ(parse_service_error(R"({"__type":"ThrottlingException:http://x","Message":"m"})").code,
            "ThrottlingException");
  EXPECT_EQ(parse_service_error("Service Unavailable").message, "Service Unavailable");
}

TEST(StreamProtocol, ThrottlingAndServerTroubleAreRetriedMistakesAreNot) {
  EXPECT_TRUE(is_retryable_stream_error(400, "ProvisionedThroughputExceededException"));
  EXPECT_TRUE(is_retryable_stream_error(400, "ThrottlingException"));
  EXPECT_TRUE(is_retryable_stream_error(503, ""));
  EXPECT_TRUE(is_retryable_stream_error(0, ""));
  EXPECT_FALSE(is_retryable_stream_error(400, "ResourceNotFoundException"));
  EXPECT_FALSE(is_retryable_stream_error(400, "ValidationException"));
  EXPECT_FALSE(is_retryable_stream_error(403, "AccessDeniedException"));
}

}  // namespace
}  // namespace ferry
