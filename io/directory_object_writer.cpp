// Directory destination: temp file, write, fsync, rename into place, fsync the directory.
#include "io/directory_object_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/assert.hpp"
#include "core/file_mode.hpp"
#include "core/observe/log.hpp"
#include "core/text.hpp"
#include "io/durable_file.hpp"

namespace ferry {

DirectoryObjectWriter::DirectoryObjectWriter(std::string root, unsigned file_mode)
    : root_(std::move(root)), file_mode_(file_mode) {}

DirectoryObjectWriter::~DirectoryObjectWriter() {
  abandon();
}

size_t DirectoryObjectWriter::remove_stale_temp_files(std::string_view host,
                                                      std::string_view flow) {
  namespace fs = std::filesystem;
  const std::string prefix = cat(".", host, "_", flow, "_");
  size_t removed = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root_, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(prefix) || !name.ends_with(".json.zst.tmp")) continue;
    if (fs::remove(it->path(), ec)) {
      ++removed;
      FERRY_INFO(cat("directory: removed ", it->path().string(), ", left by an interrupted run"));
    }
  }
  return removed;
}

Status DirectoryObjectWriter::begin(const std::string& key) {
  FERRY_ASSERT(!fd_.valid());
  final_path_ = cat(root_, "/", key);
  const size_t slash = final_path_.rfind('/');
  const std::string dir = final_path_.substr(0, slash);
  temp_path_ = cat(dir, "/.", final_path_.substr(slash + 1), ".tmp");
  if (auto status = make_directories(dir, directory_mode_for(file_mode_)); !status) return status;
  fd_.reset(::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, file_mode_));
  if (!fd_.valid()) return make_error(cat("open ", temp_path_, ": ", std::strerror(errno)));
  // Exactly fileMode, whatever the umask (a copy of a 0600 log is not world-readable under 022).
  if (::fchmod(fd_.get(), file_mode_) != 0)
    return make_error(cat("chmod ", temp_path_, ": ", std::strerror(errno)));
  size_ = 0;
  return Ok{};
}

Status DirectoryObjectWriter::resume(const OpenObject& open) {
  // A directory object completes in one rename: there is never an upload to continue.
  return make_error(cat("directory object ", open.key, " cannot be resumed"));
}

Result<std::optional<uint64_t>> DirectoryObjectWriter::visible_size(const std::string& key) {
  struct stat st {};
  const std::string path = cat(root_, "/", key);
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<uint64_t>{};
    return make_error(cat("stat ", path, ": ", std::strerror(errno)));
  }
  return std::optional<uint64_t>(static_cast<uint64_t>(st.st_size));
}

Status DirectoryObjectWriter::append(std::string_view frame) {
  FERRY_ASSERT(fd_.valid());
  if (auto status = write_all(fd_.get(), frame, temp_path_); !status) return status;
  size_ += frame.size();
  return Ok{};
}

Status DirectoryObjectWriter::complete() {
  FERRY_ASSERT(fd_.valid());
  if (::fsync(fd_.get()) != 0)
    return make_error(cat("fsync ", temp_path_, ": ", std::strerror(errno)));
  fd_.reset();
  if (::rename(temp_path_.c_str(), final_path_.c_str()) != 0)
    return make_error(cat("rename to ", final_path_, ": ", std::strerror(errno)));
  temp_path_.clear();
  return sync_parent_directory(final_path_);
}

void DirectoryObjectWriter::abandon() {
  fd_.reset();
  if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
  temp_path_.clear();
}

}  // namespace ferry
