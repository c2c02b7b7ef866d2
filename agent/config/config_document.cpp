// Configuration files and their JSON (see config_document.hpp).
#include "agent/config/config_document.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/json/json_comments.hpp"
#include "core/json/json_syntax.hpp"
#include "core/text.hpp"
#include "io/unique_fd.hpp"

namespace ferry::config {
namespace {

// A configuration is a few kilobytes; anything this large is the wrong file.
constexpr off_t kMaxConfigBytes = 16 << 20;

}  // namespace

Result<std::string> read_config_file(const std::string& path) {
  const auto cannot_read = [&path](std::string_view why) {
    return config_error(path, cat("cannot read: ", why));
  };
  const auto too_large = [&] {
    return cannot_read(cat("larger than ", kMaxConfigBytes >> 20,
                           " MiB, which no configuration needs; is this the right file?"));
  };
  const UniqueFd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!file.valid()) return cannot_read(std::strerror(errno));
  struct stat info {};
  if (::fstat(file.get(), &info) != 0) return cannot_read(std::strerror(errno));
  if (S_ISREG(info.st_mode) && info.st_size > kMaxConfigBytes) return too_large();
  std::string text;
  char buffer[65536];
  while (true) {
    const ssize_t n = ::read(file.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return cannot_read(std::strerror(errno));
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > static_cast<std::size_t>(kMaxConfigBytes)) return too_large();
  }
  return text;
}

Status parse_config_document(std::string_view text, std::string_view source,
                             ConfigDocument& document) {
  Result<std::string> stripped = strip_json_comments(text);
  if (!stripped.ok()) return config_error(source, stripped.error().message);
  document.text = simdjson::padded_string(stripped.value());
  element root;
  const simdjson::error_code error = document.parser.parse(document.text).get(root);
  if (error != simdjson::SUCCESS) {
    std::string problem = cat("invalid JSON: ", simdjson::error_message(error));
    const std::string_view view(document.text.data(), document.text.size());
    const std::size_t offset = first_json_syntax_error(view);
    if (offset != std::string_view::npos) {
      const TextPosition where = position_of(view, offset);
      problem.append(cat(" near line ", where.line, ", column ", where.column));
    }
    return config_error(source, problem);
  }
  const Status unique = check_duplicate_keys(root, "");
  if (!unique.ok()) return unique.error();
  FERRY_CONFIG_TRY(document.root, read_object(root, ""));
  return Ok{};
}

}  // namespace ferry::config
