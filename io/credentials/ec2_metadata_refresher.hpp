// Ec2MetadataRefresher: ADDEC2METADATA's facts from the EC2 instance metadata service (IMDSv2),
// fetched once at start and then every `ttl_seconds` on its own thread, published to an
// Ec2MetadataCell that the workers read: the network is never on the records' path.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/aws/ec2_metadata_cell.hpp"
#include "core/result.hpp"

namespace ferry {

class Ec2MetadataRefresher {
 public:
  // Fetches (a few seconds at most) and publishes the first snapshot, then starts the thread.
  // An error names the instance metadata service: records would ship without the fields that
  // ADDEC2METADATA promises, so ferry does not start (fail-closed). A failed refresh later keeps
  // the last snapshot and says so once per run of failures.
  static Result<std::unique_ptr<Ec2MetadataRefresher>> start(std::string endpoint,
                                                             uint64_t ttl_seconds,
                                                             Ec2MetadataCell& cell);
  ~Ec2MetadataRefresher();  // stops the thread (after a refresh in flight)
  Ec2MetadataRefresher(const Ec2MetadataRefresher&) = delete;
  Ec2MetadataRefresher& operator=(const Ec2MetadataRefresher&) = delete;

 private:
  Ec2MetadataRefresher(std::string endpoint, uint64_t ttl_seconds, Ec2MetadataCell& cell);
  Status refresh();  // one fetch; publishes on success
  void run();

  const std::string endpoint_;
  const uint64_t ttl_seconds_;
  Ec2MetadataCell& cell_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool failing_ = false;  // the last refresh failed (logged once)
  std::thread thread_;
};

}  // namespace ferry
