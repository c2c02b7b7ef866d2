// libFuzzer target for core/aws/s3_xml: S3 response bodies are outside bytes. Every reader must
// return without crashing or reading out of range, and escape/decode must round-trip.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/aws/s3_xml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view xml(reinterpret_cast<const char*>(data), size);

  (void)ferry::xml_root_element(xml);
  (void)ferry::xml_element_text(xml, "Code");
  (void)ferry::xml_element_text(xml, "ETag");
  (void)ferry::parse_s3_error(xml);
  (void)ferry::parse_upload_id(xml);
  (void)ferry::parse_complete_etag(xml);
  // A page of parts: numbered 1..10000, each with an ETag; a truncated page names its marker.
  if (auto page = ferry::parse_list_parts(xml)) {
    if (page->parts.size() > static_cast<size_t>(ferry::kMaxPartNumber)) std::abort();
    for (const auto& part : page->parts)
      if (part.number < 1 || part.number > ferry::kMaxPartNumber || part.etag.empty()) std::abort();
    if (page->truncated && page->next_marker < 1) std::abort();
  }
  (void)ferry::xml_excerpt(xml);

  // Decoding never grows the text by more than the widest replacement (3-byte U+FFFD for a
  // 4-byte "&#0;"), so the output stays bounded by the input.
  const std::string decoded = ferry::xml_decode(xml);
  if (decoded.size() > size) std::abort();

  if (ferry::xml_decode(ferry::xml_escape(xml)) != xml) std::abort();
  return 0;
}
