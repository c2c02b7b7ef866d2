// Parsing of the EC2 instance identity document into Ec2Metadata (see the header).
#include "core/aws/ec2_identity.hpp"

#include <simdjson.h>

#include <string>

#include "core/convert/data_processing_text.hpp"
#include "core/text.hpp"

namespace ferry {

namespace {

constexpr std::size_t kMaxDocumentBytes = 64 * 1024;
constexpr std::size_t kMaxTags = 64;  // EC2 allows 50 per resource
constexpr std::string_view kIdentityPath = "/latest/dynamic/instance-identity/document";
constexpr std::string_view kTagsPath = "/latest/meta-data/tags/instance";

}  // namespace

Result<Ec2Metadata> parse_instance_identity(std::string_view document,
                                            int64_t fetched_unix_millis) {
  if (document.size() > kMaxDocumentBytes)
    return make_error(cat("instance identity document: larger than ", kMaxDocumentBytes, " bytes"));
  simdjson::dom::parser parser;
  simdjson::dom::object root;
  if (parser.parse(document.data(), document.size(), true).get(root) != simdjson::SUCCESS)
    return make_error("instance identity document: not a JSON object");
  Ec2Metadata metadata;
  struct Field {
    std::string_view key;
    std::string* into;
  };
  const Field fields[] = {
      {"privateIp", &metadata.private_ip},   {"availabilityZone", &metadata.availability_zone},
      {"instanceId", &metadata.instance_id}, {"instanceType", &metadata.instance_type},
      {"accountId", &metadata.account_id},   {"imageId", &metadata.ami_id},
      {"region", &metadata.region}};
  for (const Field& field : fields) {
    std::string_view value;
    const auto error = root.at_key(field.key).get(value);
    if (error == simdjson::NO_SUCH_FIELD) continue;
    if (error)
      return make_error(cat("instance identity document: ", field.key, " is not a string"));
    field.into->assign(value);
  }
  if (metadata.instance_id.empty()) return make_error("instance identity document: no instanceId");
  // SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ssZ") in UTC: the millisecond stamp without ".SSSZ".
  std::string stamp;
  processing::append_utc_millis(stamp, fetched_unix_millis);
  metadata.metadata_timestamp = cat(std::string_view(stamp).substr(0, 19), "+0000");
  return metadata;
}

void add_instance_tag(Ec2Metadata& metadata, std::string_view key, std::string_view value) {
  std::string scratch;
  std::string lowered(processing::decode_like_java(key, scratch));
  for (char& c : lowered) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  metadata.has_tags = true;
  metadata.tags.emplace_back(std::move(lowered),
                             std::string(processing::decode_like_java(value, scratch)));
}

Result<Ec2Metadata> collect_ec2_metadata(const InstanceMetadataGet& get,
                                         int64_t fetched_unix_millis) {
  Result<std::optional<std::string>> document = get(kIdentityPath);
  if (!document.ok()) return document.error();
  if (!document->has_value()) return make_error("instance identity document: not found");
  Result<Ec2Metadata> metadata = parse_instance_identity(**document, fetched_unix_millis);
  if (!metadata.ok()) return metadata;
  Result<std::optional<std::string>> keys = get(kTagsPath);
  if (!keys.ok()) return keys.error();
  if (!keys->has_value()) return metadata;  // tags in instance metadata are off
  metadata->has_tags = true;
  std::string_view list = **keys;
  std::size_t count = 0;
  while (!list.empty()) {
    const std::size_t end = list.find('\n');
    const std::string_view key = list.substr(0, end);
    list = end == std::string_view::npos ? std::string_view() : list.substr(end + 1);
    if (key.empty()) continue;
    if (++count > kMaxTags) return make_error(cat("instance tags: more than ", kMaxTags));
    if (key.find_first_of("/?#% \r") != std::string_view::npos)
      return make_error("instance tags: a tag key unsafe in a metadata path");
    Result<std::optional<std::string>> value = get(cat(kTagsPath, "/", key));
    if (!value.ok()) return value.error();
    if (value->has_value()) add_instance_tag(*metadata, key, **value);
  }
  return metadata;
}

}  // namespace ferry
