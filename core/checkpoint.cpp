// Checkpoint model updates and its JSON encoding with a trailing SHA-256 of the body.
#include "core/checkpoint.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstdio>

#include "core/assert.hpp"
#include "core/crypto.hpp"
#include "core/text.hpp"

namespace ferry {
namespace {

constexpr std::string_view kChecksumKey = ",\"sha256\":\"";

std::string hex64(uint64_t value) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(value));
  return buf;
}

bool parse_hex64(std::string_view text, uint64_t& out) {
  if (text.size() != 16) return false;
  out = 0;
  for (char c : text) {
    int digit;
    if (c >= '0' && c <= '9')
      digit = c - '0';
    else if (c >= 'a' && c <= 'f')
      digit = c - 'a' + 10;
    else
      return false;
    out = (out << 4) | static_cast<uint64_t>(digit);
  }
  return true;
}

Error bad(std::string_view what) {
  return make_error(cat("checkpoint: ", what));
}

}  // namespace

const FlowCheckpoint* Checkpoint::find_flow(std::string_view name) const {
  for (const auto& f : flows)
    if (f.flow == name) return &f;
  return nullptr;
}

FlowCheckpoint& Checkpoint::flow(std::string_view name) {
  for (auto& f : flows)
    if (f.flow == name) return f;
  flows.push_back(FlowCheckpoint{std::string(name), {}});
  return flows.back();
}

void Checkpoint::commit(std::string_view flow_name, const SourcePosition& position,
                        int64_t now_unix) {
  // The shipper commits in source order and the reactor owns identity (it detects truncation and
  // inode reuse), so the newest position for an inode always replaces the entry.
  FlowCheckpoint& f = flow(flow_name);
  FileCheckpoint entry{position.path, position.identity, position.end_offset, now_unix};
  for (auto& file : f.files) {
    if (file.identity.same_inode(position.identity)) {
      file = std::move(entry);
      return;
    }
  }
  f.files.push_back(std::move(entry));
}

void Checkpoint::prune(int64_t now_unix, int64_t max_age_seconds) {
  for (auto& f : flows) {
    std::erase_if(f.files, [&](const FileCheckpoint& file) {
      return now_unix - file.updated_unix > max_age_seconds;
    });
  }
}

std::string encode_checkpoint(const Checkpoint& checkpoint) {
  std::string out = cat("{\"ferry_checkpoint\":", kCheckpointVersion,
                        ",\"generation\":", checkpoint.generation, ",\"flows\":[");
  for (size_t i = 0; i < checkpoint.flows.size(); ++i) {
    const FlowCheckpoint& f = checkpoint.flows[i];
    if (i) out.push_back(',');
    out.append("{\"flow\":");
    append_json_string(out, f.flow);
    out.append(",\"files\":[");
    for (size_t j = 0; j < f.files.size(); ++j) {
      const FileCheckpoint& file = f.files[j];
      if (j) out.push_back(',');
      out.append("\n{\"path\":");
      append_json_string(out, file.path);
      out.append(cat(",\"device\":", file.identity.device, ",\"inode\":", file.identity.inode,
                     ",\"fingerprint\":\"", hex64(file.identity.fingerprint),
                     "\",\"fingerprint_bytes\":", file.identity.fingerprint_bytes,
                     ",\"offset\":", file.offset, ",\"updated\":", file.updated_unix, "}"));
    }
    out.append("]}");
  }
  out.append("]");
  const std::string checksum = sha256_hex(out);
  out.append(kChecksumKey);
  out.append(checksum);
  out.append("\"}\n");
  return out;
}

Result<Checkpoint> decode_checkpoint(std::string_view text) {
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  const size_t mark = text.rfind(kChecksumKey);
  if (mark == std::string_view::npos || !text.ends_with("\"}"))
    return bad("no checksum: the file is truncated or not a ferry checkpoint");
  const std::string_view body = text.substr(0, mark);
  const std::string_view stored =
      text.substr(mark + kChecksumKey.size(), text.size() - mark - kChecksumKey.size() - 2);
  if (sha256_hex(body) != stored) return bad("checksum mismatch: the file is damaged");

  simdjson::dom::parser parser;
  const simdjson::padded_string json(cat(body, "}"));
  simdjson::dom::element root;
  if (parser.parse(json).get(root)) return bad("invalid JSON");

  Checkpoint checkpoint;
  int64_t version = 0;
  if (root["ferry_checkpoint"].get_int64().get(version) || version != kCheckpointVersion)
    return bad(cat("unsupported version (this ferry reads version ", kCheckpointVersion, ")"));
  if (root["generation"].get_uint64().get(checkpoint.generation)) return bad("no generation");
  simdjson::dom::array flows;
  if (root["flows"].get_array().get(flows)) return bad("no flows array");
  for (simdjson::dom::element flow_element : flows) {
    FlowCheckpoint flow;
    std::string_view name;
    simdjson::dom::array files;
    if (flow_element["flow"].get_string().get(name)) return bad("flow without a name");
    if (flow_element["files"].get_array().get(files)) return bad("flow without files");
    flow.flow = std::string(name);
    for (simdjson::dom::element file_element : files) {
      FileCheckpoint file;
      std::string_view path, fingerprint;
      uint64_t fingerprint_bytes = 0;
      if (file_element["path"].get_string().get(path) ||
          file_element["device"].get_uint64().get(file.identity.device) ||
          file_element["inode"].get_uint64().get(file.identity.inode) ||
          file_element["fingerprint"].get_string().get(fingerprint) ||
          file_element["fingerprint_bytes"].get_uint64().get(fingerprint_bytes) ||
          file_element["offset"].get_uint64().get(file.offset) ||
          file_element["updated"].get_int64().get(file.updated_unix))
        return bad("file entry with a missing or mistyped field");
      if (!parse_hex64(fingerprint, file.identity.fingerprint) ||
          fingerprint_bytes > kFingerprintBytes)
        return bad("file entry with an invalid fingerprint");
      file.identity.fingerprint_bytes = static_cast<uint32_t>(fingerprint_bytes);
      file.path = std::string(path);
      flow.files.push_back(std::move(file));
    }
    checkpoint.flows.push_back(std::move(flow));
  }
  return checkpoint;
}

}  // namespace ferry
