// CredentialsProvider: the credentials every S3 request is signed with, shared by all S3
// clients (the shipper's and the part uploaders'). Long-term keys are fixed; temporary ones are
// refreshed by a background thread ahead of their expiry (5 minutes before, or at half their
// lifetime when that is shorter), so signing never waits on the happy path.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/aws/aws_credentials.hpp"
#include "core/result.hpp"

namespace ferry {

class CredentialsProvider {
 public:
  // Fetches credentials from their source (blocking, bounded by the source's own timeouts).
  using Fetch = std::function<Result<ExpiringCredentials>()>;

  // Keys that never change.
  static std::shared_ptr<CredentialsProvider> fixed(AwsCredentials credentials, std::string source);
  // Credentials `first` already fetched by `fetch`; when they expire, a background thread
  // fetches new ones ahead of the expiry. Without an expiration they are used as fixed keys.
  static std::shared_ptr<CredentialsProvider> refreshing(std::string source, Fetch fetch,
                                                         ExpiringCredentials first);

  CredentialsProvider(std::string source, Fetch fetch, ExpiringCredentials first);
  ~CredentialsProvider();
  CredentialsProvider(const CredentialsProvider&) = delete;
  CredentialsProvider& operator=(const CredentialsProvider&) = delete;

  // The credentials to sign with now. Only when the background refresh has not succeeded in
  // time and they have expired does this fetch (once, for all callers) before answering.
  AwsCredentials current();

  // The service rejected `rejected` as expired or invalid (ExpiredToken): fetch new ones now,
  // unless another thread already replaced them. An error when they cannot be refreshed.
  Status refresh_after_rejection(const AwsCredentials& rejected);

  // "environment", "web identity", "profile default (shared files)", ...: never a secret.
  const std::string& source() const { return source_; }
  // Successful fetches so far, the first one included (0 for fixed keys).
  int fetches() const;

 private:
  Status refresh_unless_replaced(const AwsCredentials& stale);
  void refresh_loop();
  std::chrono::system_clock::time_point next_refresh_locked() const;

  const std::string source_;
  const Fetch fetch_;       // empty for fixed keys
  std::mutex fetch_mutex_;  // one fetch at a time; taken before mutex_, never inside it
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  ExpiringCredentials current_;
  std::chrono::system_clock::time_point fetched_at_;
  int fetches_ = 0;
  int failures_in_a_row_ = 0;
  bool stopping_ = false;
  std::thread refresher_;  // started last, joined first
};

// Whether an AWS error code means "these credentials are expired or not valid any more; fetch
// new ones and try again".
bool is_expired_credentials_code(std::string_view code);

}  // namespace ferry
