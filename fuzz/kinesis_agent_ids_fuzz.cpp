// libFuzzer target for core/checkpoint/kinesis_agent_ids: the flow and fileId columns of the Kinesis Agent's
// checkpoint database are outside bytes. An id that parses must print back to itself: a flow id
// rebuilt from its parts (its pattern already as Java prints it), a file id in the JDK's form.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/checkpoint/kinesis_agent_ids.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const auto flow = ferry::parse_kinesis_agent_flow_id(text)) {
    if (flow->stream.empty() || flow->file_pattern.empty() ||
        flow->stream.find(':') != std::string::npos)
      std::abort();
    const std::string rebuilt =
        ferry::kinesis_agent_flow_id(flow->firehose, flow->stream, flow->file_pattern);
    if (ferry::java_normal_path(flow->file_pattern) == flow->file_pattern && rebuilt != text)
      std::abort();
  }
  if (const auto key = ferry::parse_kinesis_agent_file_id(text)) {
    char printed[64];
    const int n = std::snprintf(printed, sizeof printed, "(dev=%llx,ino=%lld)",
                                static_cast<unsigned long long>(key->device),
                                static_cast<long long>(key->inode));
    // Leading zeros are accepted, so compare values through a second parse.
    const auto again = ferry::parse_kinesis_agent_file_id(std::string_view(printed, n));
    if (!again || again->device != key->device || again->inode != key->inode) std::abort();
  }
  return 0;
}
