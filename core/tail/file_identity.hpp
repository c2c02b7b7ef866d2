// FileIdentity: how ferry recognises a file across renames and restarts: (device, inode) plus a
// fingerprint of its first bytes, so that a reused inode is not mistaken for the file it replaced.
#pragma once

#include <cstdint>
#include <string_view>

namespace ferry {

// Bytes hashed into the fingerprint once the file has them; shorter files hash what they have.
inline constexpr uint32_t kFingerprintBytes = 1024;

struct FileIdentity {
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t fingerprint = 0;        // FNV-1a 64 of the first fingerprint_bytes bytes
  uint32_t fingerprint_bytes = 0;  // 0: the file was empty when first seen

  bool same_inode(const FileIdentity& other) const {
    return device == other.device && inode == other.inode;
  }
  friend bool operator==(const FileIdentity&, const FileIdentity&) = default;
};

inline uint64_t fingerprint_of(std::string_view bytes) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

}  // namespace ferry
