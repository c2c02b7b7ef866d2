// The Kinesis Agent's names for flows and files, as its SQLite checkpoint database stores them
// (FILE_CHECKPOINTS.flow and .fileId). Pure parsing of outside bytes, any thread.
//
// A flow's id is "fh:" + deliveryStream + ":" + filePattern, or "kinesis:" + kinesisStream + ":"
// + filePattern (the pattern as java.nio's Path prints it: no doubled or trailing '/'). A file's
// id is the JDK's Unix file key: "(dev=" + st_dev in hexadecimal + ",ino=" + st_ino in decimal +
// ")", both printed from Java's signed 64-bit longs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ferry {

struct KinesisAgentFlowId {
  bool firehose = true;      // "fh:" (a delivery stream), else "kinesis:" (a data stream)
  std::string stream;        // never empty, no ':'
  std::string file_pattern;  // never empty
};

// Nothing unless `id` is "fh:STREAM:PATTERN" or "kinesis:STREAM:PATTERN" with both non-empty.
std::optional<KinesisAgentFlowId> parse_kinesis_agent_flow_id(std::string_view id);

// The id the Kinesis Agent gives a flow with this stream and pattern.
std::string kinesis_agent_flow_id(bool firehose, std::string_view stream,
                                  std::string_view file_pattern);

// `pattern` with runs of '/' made one and a trailing '/' dropped, as Java's Path prints it.
std::string java_normal_path(std::string_view pattern);

struct KinesisAgentFileKey {
  uint64_t device = 0;
  uint64_t inode = 0;
};

// Nothing unless `id` is exactly "(dev=HEX,ino=DECIMAL)"; a negative inode (a Java long past
// 2^63) is taken back to its unsigned value.
std::optional<KinesisAgentFileKey> parse_kinesis_agent_file_id(std::string_view id);

}  // namespace ferry
