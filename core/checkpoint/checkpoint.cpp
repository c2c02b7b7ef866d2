// Checkpoint model updates and its JSON encoding with a trailing SHA-256 of the body.
#include "core/checkpoint/checkpoint.hpp"

#include <simdjson.h>

#include <algorithm>

#include "core/assert.hpp"
#include "core/crypto.hpp"
#include "core/json/utf8.hpp"
#include "core/text.hpp"

namespace ferry {
namespace {

constexpr std::string_view kChecksumKey = ",\"sha256\":\"";

bool parse_hex64(std::string_view text, uint64_t& out) {
  const auto value = text.size() == 16 ? parse_lower_hex(text) : std::nullopt;
  if (value) out = *value;
  return value.has_value();
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

void Checkpoint::commit(std::string_view flow_name, const std::vector<SourcePosition>& positions,
                        int64_t now_unix) {
  for (const auto& position : positions) commit(flow_name, position, now_unix);
}

void Checkpoint::begin(const FlowStart& start, int64_t now_unix) {
  flow(start.flow);
  commit(start.flow, start.positions, now_unix);
}

void Checkpoint::prune(int64_t now_unix, int64_t max_age_seconds, const StillThere& still_there) {
  for (auto& f : flows) {
    std::erase_if(f.files, [&](FileCheckpoint& file) {
      if (now_unix - file.updated_unix <= max_age_seconds) return false;
      if (!still_there || !still_there(file)) return true;
      file.updated_unix = now_unix;  // seen now: looked at again one time-to-live from now
      return false;
    });
  }
}

Checkpoint Checkpoint::resume_view() const {
  Checkpoint view = *this;
  for (const auto& f : flows) {
    if (!f.open || f.open->single_request || f.open->parts.empty()) continue;
    view.commit(f.flow, f.open->positions, 0);
  }
  return view;
}

std::optional<FlowCheckpoint> Checkpoint::resume_of(std::string_view flow_name) const {
  const FlowCheckpoint* found = find_flow(flow_name);
  if (found == nullptr) return std::nullopt;
  Checkpoint one;
  one.flows.push_back(*found);
  return std::move(one.resume_view().flows.front());
}

bool is_sealed(const OpenObject& open) {
  if (open.single_request || open.parts.empty()) return false;
  return open.sealed || open.parts.back().size < kMinPartBytes;
}

ResumeAction decide_resume(const OpenObject& open, std::optional<uint64_t> visible_size) {
  const bool may_be_complete = open.single_request || !open.parts.empty();
  if (visible_size && may_be_complete && *visible_size == open.size)
    return ResumeAction::commit_completed;
  if (!open.single_request && !open.upload_id.empty() && !open.parts.empty())
    return is_sealed(open) ? ResumeAction::complete_sealed : ResumeAction::continue_upload;
  return ResumeAction::restart_object;
}

namespace {

// Every string goes in through encode_utf8_bytes: a file name (or a server's ETag) that is not
// UTF-8 still makes valid JSON, and comes back byte for byte.
void append_bytes(std::string& out, std::string_view value) {
  thread_local std::string encoded;
  encode_utf8_bytes(value, encoded);
  append_json_string(out, encoded);
}

void append_identity(std::string& out, const std::string& path, const FileIdentity& identity,
                     uint64_t offset) {
  out.append("{\"path\":");
  append_bytes(out, path);
  out.append(cat(",\"device\":", identity.device, ",\"inode\":", identity.inode,
                 ",\"fingerprint\":\"", hex64(identity.fingerprint),
                 "\",\"fingerprint_bytes\":", identity.fingerprint_bytes, ",\"offset\":", offset));
}

void append_open_object(std::string& out, const OpenObject& open) {
  out.append(",\"open\":{\"key\":");
  append_bytes(out, open.key);
  out.append(",\"upload_id\":");
  append_bytes(out, open.upload_id);
  out.append(cat(",\"single_request\":", open.single_request, ",\"sealed\":", open.sealed,
                 ",\"size\":", open.size, ",\"parts\":["));
  for (size_t i = 0; i < open.parts.size(); ++i) {
    if (i) out.push_back(',');
    out.append(cat("{\"number\":", open.parts[i].number, ",\"etag\":"));
    append_bytes(out, open.parts[i].etag);
    out.append(cat(",\"size\":", open.parts[i].size));
    if (!open.parts[i].checksum_crc32c.empty()) {
      out.append(",\"crc32c\":");
      append_bytes(out, open.parts[i].checksum_crc32c);
    }
    out.push_back('}');
  }
  out.append("],\"positions\":[");
  for (size_t i = 0; i < open.positions.size(); ++i) {
    if (i) out.push_back(',');
    out.append("\n");
    append_identity(out, open.positions[i].path, open.positions[i].identity,
                    open.positions[i].end_offset);
    out.push_back('}');
  }
  out.append("]}");
}

// Reads the fields append_identity wrote; false if any is missing or mistyped.
bool read_identity(simdjson::dom::element element, std::string& path, FileIdentity& identity,
                   uint64_t& offset) {
  std::string_view path_view, fingerprint;
  uint64_t fingerprint_bytes = 0;
  if (element["path"].get_string().get(path_view) ||
      element["device"].get_uint64().get(identity.device) ||
      element["inode"].get_uint64().get(identity.inode) ||
      element["fingerprint"].get_string().get(fingerprint) ||
      element["fingerprint_bytes"].get_uint64().get(fingerprint_bytes) ||
      element["offset"].get_uint64().get(offset))
    return false;
  if (!parse_hex64(fingerprint, identity.fingerprint) || fingerprint_bytes > kFingerprintBytes)
    return false;
  identity.fingerprint_bytes = static_cast<uint32_t>(fingerprint_bytes);
  path = decode_utf8_bytes(path_view);
  return true;
}

Result<OpenObject> read_open_object(simdjson::dom::element element) {
  OpenObject open;
  std::string_view key, upload_id;
  simdjson::dom::array parts, positions;
  if (element["key"].get_string().get(key) || element["upload_id"].get_string().get(upload_id) ||
      element["single_request"].get_bool().get(open.single_request) ||
      element["size"].get_uint64().get(open.size) || element["parts"].get_array().get(parts) ||
      element["positions"].get_array().get(positions))
    return bad("open object with a missing or mistyped field");
  if (key.empty()) return bad("open object without a key");
  // Absent in checkpoints written before it was recorded: is_sealed() infers it from sizes.
  if (auto sealed = element["sealed"];
      sealed.error() != simdjson::NO_SUCH_FIELD && sealed.get_bool().get(open.sealed))
    return bad("open object with a mistyped sealed field");
  open.key = decode_utf8_bytes(key);
  open.upload_id = decode_utf8_bytes(upload_id);
  uint64_t total = 0;
  for (simdjson::dom::element part_element : parts) {
    UploadedPart part;
    int64_t number = 0;
    std::string_view etag;
    if (part_element["number"].get_int64().get(number) ||
        part_element["etag"].get_string().get(etag) ||
        part_element["size"].get_uint64().get(part.size))
      return bad("part with a missing or mistyped field");
    // Parts are acknowledged in order: 1, 2, 3 ...
    if (number != static_cast<int64_t>(open.parts.size()) + 1 || number > 10000)
      return bad("parts out of order");
    part.number = static_cast<int>(number);
    part.etag = decode_utf8_bytes(etag);
    std::string_view checksum;  // optional: absent when no checksum was sent
    if (!part_element["crc32c"].get_string().get(checksum))
      part.checksum_crc32c = decode_utf8_bytes(checksum);
    total += part.size;
    open.parts.push_back(std::move(part));
  }
  if (!open.single_request && total != open.size) return bad("part sizes do not add up");
  if (!open.parts.empty() && (open.single_request || open.upload_id.empty()))
    return bad("parts without a multipart upload");
  for (simdjson::dom::element position_element : positions) {
    SourcePosition position;
    if (!read_identity(position_element, position.path, position.identity, position.end_offset))
      return bad("open object position with a missing or mistyped field");
    open.positions.push_back(std::move(position));
  }
  return open;
}

}  // namespace

std::string encode_checkpoint(const Checkpoint& checkpoint) {
  std::string out = cat("{\"ferry_checkpoint\":", kCheckpointVersion,
                        ",\"generation\":", checkpoint.generation, ",\"flows\":[");
  for (size_t i = 0; i < checkpoint.flows.size(); ++i) {
    const FlowCheckpoint& f = checkpoint.flows[i];
    if (i) out.push_back(',');
    out.append("{\"flow\":");
    append_bytes(out, f.flow);
    out.append(",\"files\":[");
    for (size_t j = 0; j < f.files.size(); ++j) {
      const FileCheckpoint& file = f.files[j];
      if (j) out.push_back(',');
      out.push_back('\n');
      append_identity(out, file.path, file.identity, file.offset);
      out.append(cat(",\"updated\":", file.updated_unix, "}"));
    }
    out.push_back(']');
    if (f.open) append_open_object(out, *f.open);
    if (f.started_upload) {
      out.append(",\"started_upload\":{\"key\":");
      append_bytes(out, f.started_upload->key);
      out.append(",\"upload_id\":");
      append_bytes(out, f.started_upload->upload_id);
      out.push_back('}');
    }
    out.push_back('}');
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
  simdjson::padded_string json(cat(body, "}"));
  simdjson::dom::element root;
  auto parsed = parser.parse(json);
  if (parsed.error() == simdjson::UTF8_ERROR) {
    // Written before names were encoded: raw bytes of a file name. Encoded now as they would
    // have been (the JSON around them is ASCII), so they decode to the same bytes.
    std::string encoded;
    encode_utf8_bytes(body, encoded);
    json = simdjson::padded_string(cat(encoded, "}"));
    parsed = parser.parse(json);
  }
  if (parsed.get(root)) return bad("invalid JSON");

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
    flow.flow = decode_utf8_bytes(name);
    for (simdjson::dom::element file_element : files) {
      FileCheckpoint file;
      if (!read_identity(file_element, file.path, file.identity, file.offset) ||
          file_element["updated"].get_int64().get(file.updated_unix))
        return bad("file entry with a missing or mistyped field");
      flow.files.push_back(std::move(file));
    }
    simdjson::dom::element open_element;
    if (!flow_element["open"].get(open_element)) {
      auto open = read_open_object(open_element);
      if (!open) return open.error();
      flow.open = std::move(open.value());
    }
    simdjson::dom::element started_element;
    if (!flow_element["started_upload"].get(started_element)) {
      std::string_view key, upload_id;
      if (started_element["key"].get_string().get(key) ||
          started_element["upload_id"].get_string().get(upload_id) || key.empty() ||
          upload_id.empty())
        return bad("started upload with a missing, empty or mistyped field");
      flow.started_upload = StartedUpload{decode_utf8_bytes(key), decode_utf8_bytes(upload_id)};
    }
    checkpoint.flows.push_back(std::move(flow));
  }
  return checkpoint;
}

}  // namespace ferry
