// How a flow's objects are written to S3: the headers of CreateMultipartUpload / PutObject
// (encryption, storage class, content type and encoding) and the integrity checks sent with
// every body (CRC32C, Content-MD5). A plain value, parsed from the flow's "s3" block.
#pragma once

#include <optional>
#include <string>

namespace ferry {

struct S3ObjectOptions {
  std::string server_side_encryption;      // "", "AES256" or "aws:kms"
  std::string kms_key_id;                  // with aws:kms; empty: the account's aws/s3 key
  std::optional<bool> bucket_key_enabled;  // with aws:kms; unset: the bucket's setting
  std::string storage_class;               // empty: the bucket's default (STANDARD)
  std::string content_type = "application/x-ndjson";
  std::string content_encoding;  // empty: no Content-Encoding header
  bool checksum_crc32c = true;   // x-amz-checksum-crc32c on every body, listed in Complete
  bool content_md5 = false;      // Content-MD5 on every body (buckets that demand it)

  bool operator==(const S3ObjectOptions&) const = default;
};

}  // namespace ferry
