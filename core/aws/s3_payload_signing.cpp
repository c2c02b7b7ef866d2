#include "core/aws/s3_payload_signing.hpp"

namespace ferry {

bool s3_payload_may_be_unsigned(std::string_view url, const std::vector<HttpHeader>& headers,
                                size_t body_bytes) {
  if (body_bytes == 0 || !url.starts_with("https://")) return false;
  for (const HttpHeader& header : headers) {
    if (header.value.empty()) continue;
    if (header.name == "x-amz-checksum-crc32c" || header.name == "content-md5") return true;
  }
  return false;
}

}  // namespace ferry
