// Which payload hash an S3 request is signed with. Over HTTPS, a body that carries its own
// checksum (x-amz-checksum-crc32c or Content-MD5, which S3 verifies) is signed as
// UNSIGNED-PAYLOAD, as botocore does: TLS protects it in transit and the checksum against
// corruption, and no SHA-256 pass over every part is needed. Over plain HTTP, or without a
// checksum, the body's SHA-256 is signed: then it is what protects the body.
#pragma once

#include <string_view>
#include <vector>

#include "core/aws/sigv4.hpp"

namespace ferry {

inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

// `url`: where the request goes (scheme://host/...); `headers`: its own headers, lowercase names.
bool s3_payload_may_be_unsigned(std::string_view url, const std::vector<HttpHeader>& headers,
                                size_t body_bytes);

}  // namespace ferry
