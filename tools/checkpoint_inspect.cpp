// ferry-checkpoint: prints a checkpoint as JSON (checksum verified), for operators and tests.
// Usage: ferry-checkpoint PATH      exit 0: valid; 1: damaged or unreadable (the reason on stderr)
#include <cstdio>
#include <string>

#include "core/checkpoint/checkpoint.hpp"
#include "core/text.hpp"
#include "io/durable_file.hpp"

namespace {

std::string quoted(std::string_view text) {
  std::string out;
  ferry::append_json_string(out, text);
  return out;
}

std::string position_json(const std::string& path, const ferry::FileIdentity& id, uint64_t offset) {
  return ferry::cat(
      "{\"path\": ", quoted(path), ", \"device\": ", id.device, ", \"inode\": ", id.inode,
      ", \"fingerprint\": \"", ferry::hex64(id.fingerprint),
      "\", \"fingerprint_bytes\": ", id.fingerprint_bytes, ", \"offset\": ", offset, "}");
}

void print(const ferry::Checkpoint& checkpoint, const std::string& path) {
  std::printf("{\n  \"file\": %s,\n  \"valid\": true,\n  \"generation\": %llu,\n  \"flows\": [",
              quoted(path).c_str(), static_cast<unsigned long long>(checkpoint.generation));
  for (size_t i = 0; i < checkpoint.flows.size(); ++i) {
    const auto& flow = checkpoint.flows[i];
    std::printf("%s\n    {\n      \"flow\": %s,\n      \"files\": [", i ? "," : "",
                quoted(flow.flow).c_str());
    for (size_t j = 0; j < flow.files.size(); ++j) {
      const auto& file = flow.files[j];
      std::printf("%s\n        %s", j ? "," : "",
                  position_json(file.path, file.identity, file.offset).c_str());
    }
    std::printf("%s]", flow.files.empty() ? "" : "\n      ");
    if (flow.open) {
      const auto& open = *flow.open;
      std::printf(
          ",\n      \"open_object\": {\n        \"key\": %s,\n        \"upload_id\": %s,"
          "\n        \"single_request\": %s,\n        \"sealed\": %s,\n        \"size\": %llu,"
          "\n        \"parts\": [",
          quoted(open.key).c_str(), quoted(open.upload_id).c_str(),
          open.single_request ? "true" : "false", is_sealed(open) ? "true" : "false",
          static_cast<unsigned long long>(open.size));
      for (size_t j = 0; j < open.parts.size(); ++j)
        std::printf("%s\n          {\"number\": %d, \"etag\": %s, \"size\": %llu}", j ? "," : "",
                    open.parts[j].number, quoted(open.parts[j].etag).c_str(),
                    static_cast<unsigned long long>(open.parts[j].size));
      std::printf("%s],\n        \"positions\": [", open.parts.empty() ? "" : "\n        ");
      for (size_t j = 0; j < open.positions.size(); ++j) {
        const auto& p = open.positions[j];
        std::printf("%s\n          %s", j ? "," : "",
                    position_json(p.path, p.identity, p.end_offset).c_str());
      }
      std::printf("%s]\n      }", open.positions.empty() ? "" : "\n        ");
    }
    if (flow.started_upload)
      std::printf(",\n      \"started_upload\": {\"key\": %s, \"upload_id\": %s}",
                  quoted(flow.started_upload->key).c_str(),
                  quoted(flow.started_upload->upload_id).c_str());
    std::printf("\n    }");
  }
  std::printf("%s]\n}\n", checkpoint.flows.empty() ? "" : "\n  ");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 || std::string(argv[1]) == "--help") {
    std::fprintf(stderr,
                 "usage: ferry-checkpoint PATH\nprints ferry's checkpoint at PATH as JSON "
                 "(exit 1 if it is damaged or unreadable)\n");
    return argc == 2 ? 0 : 2;
  }
  const std::string path = argv[1];
  auto text = ferry::read_whole_file(path);
  if (!text || !text->has_value()) {
    std::fprintf(stderr, "ferry-checkpoint: %s: %s\n", path.c_str(),
                 text ? "no such file" : text.error().message.c_str());
    return 1;
  }
  auto checkpoint = ferry::decode_checkpoint(**text);
  if (!checkpoint) {
    std::fprintf(stderr, "ferry-checkpoint: %s: %s\n", path.c_str(),
                 checkpoint.error().message.c_str());
    return 1;
  }
  print(checkpoint.value(), path);
  return 0;
}
