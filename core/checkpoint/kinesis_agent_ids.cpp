// Parsing the Kinesis Agent's flow and file ids (see the header).
#include "core/checkpoint/kinesis_agent_ids.hpp"

#include <limits>

#include "core/text.hpp"

namespace ferry {
namespace {

constexpr std::string_view kFirehosePrefix = "fh:";
constexpr std::string_view kKinesisPrefix = "kinesis:";

// Java's Long.toString: an optional '-' and 1 to 19 digits within a signed 64-bit long.
std::optional<uint64_t> parse_java_long(std::string_view text) {
  const bool negative = text.starts_with('-');
  if (negative) text.remove_prefix(1);
  if (text.empty() || text.size() > 19) return std::nullopt;
  uint64_t magnitude = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    magnitude = magnitude * 10 + static_cast<uint64_t>(c - '0');  // 19 digits fit in 64 bits
  }
  const uint64_t limit = static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + negative;
  if (magnitude > limit) return std::nullopt;
  return negative ? 0 - magnitude : magnitude;  // two's complement, as Java holds it
}

}  // namespace

std::optional<KinesisAgentFlowId> parse_kinesis_agent_flow_id(std::string_view id) {
  KinesisAgentFlowId parsed;
  if (id.starts_with(kFirehosePrefix)) {
    id.remove_prefix(kFirehosePrefix.size());
  } else if (id.starts_with(kKinesisPrefix)) {
    parsed.firehose = false;
    id.remove_prefix(kKinesisPrefix.size());
  } else {
    return std::nullopt;
  }
  // Stream names are letters, digits, '_', '.' and '-': the first ':' ends the name.
  const size_t colon = id.find(':');
  if (colon == 0 || colon == std::string_view::npos || colon + 1 == id.size()) return std::nullopt;
  parsed.stream = std::string(id.substr(0, colon));
  parsed.file_pattern = std::string(id.substr(colon + 1));
  return parsed;
}

std::string kinesis_agent_flow_id(bool firehose, std::string_view stream,
                                  std::string_view file_pattern) {
  return cat(firehose ? kFirehosePrefix : kKinesisPrefix, stream, ":",
             java_normal_path(file_pattern));
}

std::string java_normal_path(std::string_view pattern) {
  std::string normal;
  normal.reserve(pattern.size());
  for (char c : pattern) {
    if (c == '/' && !normal.empty() && normal.back() == '/') continue;
    normal.push_back(c);
  }
  if (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  return normal;
}

std::optional<KinesisAgentFileKey> parse_kinesis_agent_file_id(std::string_view id) {
  constexpr std::string_view kDevice = "(dev=", kInode = ",ino=";
  if (!id.starts_with(kDevice) || !id.ends_with(')')) return std::nullopt;
  id.remove_prefix(kDevice.size());
  id.remove_suffix(1);
  const size_t comma = id.find(kInode);
  if (comma == std::string_view::npos) return std::nullopt;
  // Java's Long.toHexString: 1 to 16 lowercase digits of the two's complement value.
  const auto device = parse_lower_hex(id.substr(0, comma));
  const auto inode = parse_java_long(id.substr(comma + kInode.size()));
  if (!device || !inode) return std::nullopt;
  return KinesisAgentFileKey{*device, *inode};
}

}  // namespace ferry
