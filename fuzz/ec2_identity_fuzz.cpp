// libFuzzer target for the EC2 instance identity document parser: any bytes must parse or fail
// cleanly; a parsed document has an instance id and, put through ADDEC2METADATA, yields JSON.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/assert.hpp"
#include "core/convert/data_processing_chain.hpp"
#include "core/aws/ec2_identity.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static ferry::ProcessingChain chain = [] {
    ferry::ProcessingOption option;
    option.kind = ferry::ProcessingKind::add_ec2_metadata;
    return ferry::ProcessingChain({option});
  }();
  static simdjson::dom::parser parser;
  const std::string_view document(reinterpret_cast<const char*>(data), size);
  ferry::Result<ferry::Ec2Metadata> metadata =
      ferry::parse_instance_identity(document, 1795933191375);
  if (!metadata.ok()) return 0;
  FERRY_ASSERT(!metadata->instance_id.empty());
  FERRY_ASSERT(metadata->metadata_timestamp == "2026-11-29T06:19:51+0000");
  ferry::add_instance_tag(*metadata, "Name", document.substr(0, 8));
  ferry::ProcessingContext context;
  context.ec2 = &*metadata;
  std::string out;
  const ferry::ProcessingResult result = chain.apply(R"({"m":1})", context, out);
  FERRY_ASSERT(result.status == ferry::ProcessingStatus::converted);
  FERRY_ASSERT(!parser.parse(out).error());
  return 0;
}
