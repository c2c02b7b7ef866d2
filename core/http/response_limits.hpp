// How much of a server's answer ferry accepts, and for how long it waits for a request: the
// bounds that keep a hostile or broken endpoint from growing memory or holding a thread forever.
// Pure functions, any thread.
//
// Body caps. The answers ferry reads are small: an S3 error document is under 1 KiB, a
// ListParts page of 1000 parts with checksums about 350 KiB, STS, CloudWatch, Firehose and
// Kinesis answers a few KiB. So a 2xx body may hold up to 1 MiB (kMaxSuccessBodyBytes) and any
// other answer's body up to 64 KiB (kMaxErrorBodyBytes); a body over its cap ends the transfer.
// So do header lines over 64 KiB in all (kMaxHeaderBytes).
//
// Deadline. A request must be done within base + body / min_bytes_per_second: slow enough for a
// 64 MiB part over a congested 256 kbit/s share (32 KiB/s: 34 min), short enough that a server
// trickling bytes cannot hold a part for days (a low-speed limit alone does not catch that).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ferry {

inline constexpr size_t kMaxSuccessBodyBytes = size_t{1} << 20;
inline constexpr size_t kMaxErrorBodyBytes = size_t{64} << 10;
// The header lines of one answer, all together: S3's are under 4 KiB.
inline constexpr size_t kMaxHeaderBytes = size_t{64} << 10;
inline constexpr uint64_t kMinAverageBytesPerSecond = uint64_t{32} << 10;

// Appends `data` to `body` unless that would make it longer than `cap`; then returns false and
// leaves `body` as it was. Capacity grows geometrically but never past `cap`, so a body never
// holds more than `cap` bytes of memory however the answer arrives.
bool append_within_cap(std::string& body, std::string_view data, size_t cap);

// The cap for a body of an answer with this HTTP status: 2xx -> success_cap, else error_cap.
size_t body_cap_for_status(long status, size_t success_cap, size_t error_cap);

// base_millis + the time to move body_bytes at min_bytes_per_second (rounded up), saturating.
uint64_t request_deadline_millis(uint64_t body_bytes, uint64_t base_millis,
                                 uint64_t min_bytes_per_second);

}  // namespace ferry
