// IMDSv2 fetches for ADDEC2METADATA on a background thread (see ec2_metadata_refresher.hpp).
#include "io/credentials/ec2_metadata_refresher.hpp"

#include <chrono>

#include "core/aws/ec2_identity.hpp"
#include "core/observe/log.hpp"
#include "core/text.hpp"
#include "io/credentials/credentials_metadata.hpp"
#include "io/steady_clock.hpp"
#include "io/thread_name.hpp"

namespace ferry {
Ec2MetadataRefresher::Ec2MetadataRefresher(std::string endpoint, uint64_t ttl_seconds,
                                           Ec2MetadataCell& cell)
    : endpoint_(std::move(endpoint)), ttl_seconds_(ttl_seconds), cell_(cell) {}

Result<std::unique_ptr<Ec2MetadataRefresher>> Ec2MetadataRefresher::start(std::string endpoint,
                                                                          uint64_t ttl_seconds,
                                                                          Ec2MetadataCell& cell) {
  std::unique_ptr<Ec2MetadataRefresher> refresher(
      new Ec2MetadataRefresher(std::move(endpoint), ttl_seconds, cell));
  if (Status first = refresher->refresh(); !first.ok()) {
    return make_error(
        cat("ADDEC2METADATA: cannot read the EC2 instance metadata service (IMDSv2 at ",
            refresher->endpoint_, "): ", first.error().message,
            "; ferry does not ship records without the metadata they promise"));
  }
  const std::shared_ptr<const Ec2Metadata> first = cell.current();
  FERRY_INFO(cat("ADDEC2METADATA: instance ", first->instance_id, " in ", first->region,
                 ", refreshed every ", ttl_seconds, " s"));
  if (!first->has_tags) {
    FERRY_INFO(
        "ADDEC2METADATA: the instance does not allow tags in its instance metadata, so records "
        "get no \"tags\" (ferry reads tags from IMDS, not from EC2 DescribeTags; enable "
        "instance metadata tags to get them)");
  }
  refresher->thread_ = std::thread([r = refresher.get()] {
    name_this_thread("ferry-ec2meta");
    r->run();
  });
  return refresher;
}

Ec2MetadataRefresher::~Ec2MetadataRefresher() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Status Ec2MetadataRefresher::refresh() {
  const int64_t fetched = unix_millis();
  Result<Ec2Metadata> metadata = make_error("not fetched");
  const Status session =
      with_instance_metadata_session(endpoint_, [&](const InstanceMetadataGet& get) -> Status {
        metadata = collect_ec2_metadata(get, fetched);
        if (!metadata.ok()) return metadata.error();
        return Ok{};
      });
  if (!session.ok()) return session;
  cell_.publish(std::make_shared<const Ec2Metadata>(std::move(metadata.value())));
  return Ok{};
}

void Ec2MetadataRefresher::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (wake_.wait_for(lock, std::chrono::seconds(ttl_seconds_), [this] { return stop_; })) return;
    lock.unlock();
    const Status refreshed = refresh();
    lock.lock();
    if (!refreshed.ok() && !failing_) {
      FERRY_WARN(cat("ADDEC2METADATA: refreshing the instance metadata failed (",
                     refreshed.error().message, "); records keep the metadata of ",
                     cell_.current()->metadata_timestamp, " until a refresh succeeds"));
    } else if (refreshed.ok() && failing_) {
      FERRY_INFO("ADDEC2METADATA: instance metadata refreshed again");
    }
    failing_ = !refreshed.ok();
  }
}

}  // namespace ferry
