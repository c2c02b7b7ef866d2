// The few S3 XML documents ferry reads and writes: UploadId, <Error>, the Complete result, the
// parts of an upload (ListParts) and the Complete request. Pure functions over outside bytes:
// bounded, never read out of range.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace ferry {

struct CompletedPart {
  int part_number;
  std::string etag;             // as S3 returned it, quotes included
  std::string checksum_crc32c;  // base64, as sent with the part; empty: not listed
};

struct S3ErrorDetails {
  std::string code;  // "NoSuchUpload", "SlowDown", ...
  std::string message;
  std::string request_id;
};

// Name of the document's root element, skipping the XML declaration, comments and doctype;
// empty if there is none.
std::string_view xml_root_element(std::string_view xml);

// Decoded text of the first element named `name` anywhere in the document (a namespace prefix
// is ignored); nullopt if absent or unterminated. Markup inside it is dropped, CDATA kept.
std::optional<std::string> xml_element_text(std::string_view xml, std::string_view name);

// Replaces &quot; &amp; &lt; &gt; &apos; and &#N; / &#xH; references; anything malformed stays
// as written, and a reference to an invalid code point becomes U+FFFD.
std::string xml_decode(std::string_view text);

// Escapes & < > " ' for element text and attribute values.
std::string xml_escape(std::string_view text);

// UploadId of an InitiateMultipartUploadResult.
Result<std::string> parse_upload_id(std::string_view xml);

// Code, Message and RequestId when the document is an <Error>; nullopt otherwise.
std::optional<S3ErrorDetails> parse_s3_error(std::string_view xml);

// ETag of a CompleteMultipartUploadResult (S3 may answer 200 with an <Error> instead).
Result<std::string> parse_complete_etag(std::string_view xml);

// One page of ListParts: the parts the destination holds for an upload.
struct ListedPart {
  int number = 0;
  std::string etag;  // as S3 lists it, quotes included
  uint64_t size = 0;
};
struct ListPartsPage {
  std::vector<ListedPart> parts;
  bool truncated = false;  // more parts after next_marker
  int next_marker = 0;     // NextPartNumberMarker, when truncated
};
inline constexpr int kMaxPartNumber = 10000;
// Parts numbered 1..10000 with an ETag and a Size; a truncated page names its next marker.
Result<ListPartsPage> parse_list_parts(std::string_view xml);

// The CompleteMultipartUpload request body listing `parts` in the given order.
std::string complete_multipart_body(const std::vector<CompletedPart>& parts);

// A short printable excerpt of a response for error messages.
std::string xml_excerpt(std::string_view xml);

}  // namespace ferry
