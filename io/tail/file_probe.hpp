// File probes for the tailer: a file's identity (device, inode, fingerprint of its first bytes)
// read through an open descriptor. Reactor thread.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <optional>
#include <string>

#include "core/tail/file_change.hpp"
#include "core/tail/file_identity.hpp"

namespace ferry {

// Hash of the first `bytes` bytes of the file; nothing if it is shorter or unreadable.
std::optional<uint64_t> fingerprint_file(int fd, uint32_t bytes);

// (device, inode) from `st` and the fingerprint of the first min(size, 1 KiB) bytes.
FileIdentity identify(int fd, const struct stat& st);

// A PrefixFingerprint over `fd` (valid while fd is open).
PrefixFingerprint prefix_of(int fd);

// Whether `path` is now the file with this device and inode (stat(2); any thread).
bool file_is_at(const std::string& path, uint64_t device, uint64_t inode);

}  // namespace ferry
