// The permission probe (see the header): PutObject, HeadObject, a one-part multipart upload with
// ListParts and Complete, and an aborted upload, on "<keyPrefix>_ferry-probe-<host>", a name
// Athena skips (a leading underscore) that every probe of the host overwrites.
#include "agent/commands/probe_command.hpp"

#include <ctime>
#include <set>
#include <string_view>

#include "agent/setup/s3_setup.hpp"
#include "core/batch/object_key.hpp"
#include "core/text.hpp"
#include "io/host_name.hpp"

namespace ferry {
namespace {

constexpr std::string_view kBody = "ferry permission probe\n";

struct Probe {
  S3Client& client;
  const std::string& bucket;
  const std::string& key;
  std::ostream& out;
  bool all_ok = true;

  // One request's line; `why` says which permission and what ferry needs it for.
  template <class Request>
  auto check(std::string_view what, std::string_view why, Request&& request) {
    auto result = request();
    if (result) {
      out << "probe: s3://" << bucket << "/" << key << ": " << what << " ok\n";
    } else {
      all_ok = false;
      out << "probe: s3://" << bucket << "/" << key << ": " << what << " FAILED ("
          << result.error().message << "): needs " << why << "\n";
    }
    return result;
  }
};

void probe_destination(const config::S3Destination& s3, Probe& probe) {
  S3Client& client = probe.client;
  const std::string& key = probe.key;
  const std::span<const char> body(kBody.data(), kBody.size());
  (void)probe.check("PutObject", "s3:PutObject (every object)",
                    [&] { return client.put_object(s3.bucket, key, body, s3.request); });
  (void)probe.check("HeadObject",
                    "s3:GetObject (recovery: was an object completed before a crash?)",
                    [&] { return client.head_object(s3.bucket, key); });
  // Without checksums: the probe asks for permissions, not for the server's checksum support.
  S3ObjectOptions plain = s3.request;
  plain.checksum_crc32c = false;
  const char* multipart = "s3:PutObject (multipart uploads: every object of a part or more)";
  auto upload = probe.check("CreateMultipartUpload", multipart,
                            [&] { return client.create_multipart_upload(s3.bucket, key, plain); });
  if (upload) {
    auto etag = probe.check("UploadPart", multipart,
                            [&] { return client.upload_part(s3.bucket, key, *upload, 1, body); });
    (void)probe.check("ListParts",
                      "s3:ListMultipartUploadParts (recovery: is an open upload still there?)",
                      [&] { return client.list_parts(s3.bucket, key, *upload); });
    if (etag) {
      (void)probe.check("CompleteMultipartUpload", multipart, [&] {
        return client.complete_multipart_upload(s3.bucket, key, *upload, {{1, *etag, ""}});
      });
    }
  }
  auto aborted = probe.check("CreateMultipartUpload (to abort)", multipart,
                             [&] { return client.create_multipart_upload(s3.bucket, key, plain); });
  if (aborted) {
    (void)probe.check("AbortMultipartUpload",
                      "s3:AbortMultipartUpload (an upload S3 refused to complete is aborted)",
                      [&] { return client.abort_multipart_upload(s3.bucket, key, *aborted); });
  }
}

}  // namespace

int run_probe(const config::Config& config, std::ostream& out) {
  std::optional<S3Client> client;
  std::set<std::pair<std::string, std::string>> probed;  // bucket, key: once each
  bool all_ok = true;
  const std::string host = host_name();
  const std::time_t now = std::time(nullptr);
  for (const auto& flow : config.flows) {
    const auto* s3 = std::get_if<config::S3Destination>(&flow.destination);
    if (s3 == nullptr) continue;
    if (!client) {
      auto access = resolve_aws_access(config);
      if (!access) {
        out << "probe: " << access.error().message << "\n";
        return 2;
      }
      auto options = s3_client_options(config, *access);
      if (!options) {
        out << "probe: " << options.error().message << "\n";
        return 2;
      }
      options->max_attempts = std::min(options->max_attempts, 3);  // an answer, not a wait
      client.emplace(*options);
    }
    const std::string key =
        cat(render_key_prefix(flow.object.key_prefix, now, flow.name, host), "_ferry-probe-", host);
    if (!probed.emplace(s3->bucket, key).second) continue;
    out << "probe: flow " << flow.name << ": s3://" << s3->bucket << "/" << key << "\n";
    Probe probe{*client, s3->bucket, key, out};
    probe_destination(*s3, probe);
    all_ok = all_ok && probe.all_ok;
  }
  out << (all_ok ? "probe: every request went through\n"
                 : "probe: some requests were refused; grant what the lines above name\n");
  return all_ok ? 0 : 1;
}

}  // namespace ferry
