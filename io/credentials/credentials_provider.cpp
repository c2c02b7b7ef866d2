// CredentialsProvider (see the header): one mutex for the current credentials, one for fetches,
// and a refresher thread that sleeps until the next refresh is due.
#include "io/credentials/credentials_provider.hpp"

#include <algorithm>

#include "core/assert.hpp"
#include "core/observe/log.hpp"
#include "core/text.hpp"
#include "io/thread_name.hpp"

namespace ferry {
namespace {

using Clock = std::chrono::system_clock;

constexpr auto kRefreshAhead = std::chrono::minutes(5);
// After a failed refresh: 1 s, 2 s, 4 s ... up to a minute (but never past half the time left).
constexpr auto kMaxRetryDelay = std::chrono::seconds(60);

std::string utc_text(Clock::time_point t) {
  return format_amz_date(std::chrono::floor<std::chrono::seconds>(t));
}

bool same_keys(const AwsCredentials& a, const AwsCredentials& b) {
  return a.access_key_id == b.access_key_id && a.secret_access_key == b.secret_access_key &&
         a.session_token == b.session_token;
}

}  // namespace

bool is_expired_credentials_code(std::string_view code) {
  return code == "ExpiredToken" || code == "ExpiredTokenException" || code == "InvalidToken" ||
         code == "TokenRefreshRequired" || code == "RequestExpired";
}

std::shared_ptr<CredentialsProvider> CredentialsProvider::fixed(AwsCredentials credentials,
                                                                std::string source) {
  return std::make_shared<CredentialsProvider>(std::move(source), Fetch(),
                                               ExpiringCredentials{std::move(credentials), {}});
}

std::shared_ptr<CredentialsProvider> CredentialsProvider::refreshing(std::string source,
                                                                     Fetch fetch,
                                                                     ExpiringCredentials first) {
  if (!first.expiration) return fixed(std::move(first.credentials), std::move(source));
  return std::make_shared<CredentialsProvider>(std::move(source), std::move(fetch),
                                               std::move(first));
}

CredentialsProvider::CredentialsProvider(std::string source, Fetch fetch, ExpiringCredentials first)
    : source_(std::move(source)),
      fetch_(std::move(fetch)),
      current_(std::move(first)),
      fetched_at_(Clock::now()),
      fetches_(fetch_ ? 1 : 0) {
  FERRY_ASSERT(!current_.credentials.access_key_id.empty());
  FERRY_ASSERT(!current_.credentials.secret_access_key.empty());
  if (fetch_ && current_.expiration)
    refresher_ = std::thread([this] {
      name_this_thread("ferry-creds");
      refresh_loop();
    });
}

CredentialsProvider::~CredentialsProvider() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (refresher_.joinable()) refresher_.join();
}

int CredentialsProvider::fetches() const {
  std::lock_guard lock(mutex_);
  return fetches_;
}

AwsCredentials CredentialsProvider::current() {
  AwsCredentials stale;
  {
    std::lock_guard lock(mutex_);
    if (!fetch_ || !current_.expiration || Clock::now() < *current_.expiration) {
      return current_.credentials;
    }
    stale = current_.credentials;
  }
  // Expired and the refresher has not replaced them yet: fetch now (a failure is logged; the
  // request is then sent with the old credentials and the service's answer says what failed).
  (void)refresh_unless_replaced(stale);
  std::lock_guard lock(mutex_);
  return current_.credentials;
}

Status CredentialsProvider::refresh_after_rejection(const AwsCredentials& rejected) {
  if (!fetch_) {
    return make_error(cat("credentials from ", source_, " were rejected as expired or invalid",
                          " and cannot be refreshed"));
  }
  return refresh_unless_replaced(rejected);
}

Status CredentialsProvider::refresh_unless_replaced(const AwsCredentials& stale) {
  FERRY_ASSERT(fetch_);
  std::lock_guard fetching(fetch_mutex_);
  {
    std::lock_guard lock(mutex_);
    if (!same_keys(current_.credentials, stale)) return Ok{};  // another thread refreshed them
  }
  Result<ExpiringCredentials> fetched = fetch_();
  std::lock_guard lock(mutex_);
  if (!fetched.ok()) {
    ++failures_in_a_row_;
    FERRY_WARN(cat("credentials: refreshing from ", source_, " failed: ", fetched.error().message));
    return fetched.error();
  }
  current_ = std::move(fetched.value());
  fetched_at_ = Clock::now();
  ++fetches_;
  failures_in_a_row_ = 0;
  FERRY_INFO(cat("credentials: refreshed from ", source_,
                 current_.expiration ? cat("; they expire at ", utc_text(*current_.expiration))
                                     : std::string("; they do not expire")));
  wake_.notify_all();  // the refresher recomputes its deadline
  return Ok{};
}

Clock::time_point CredentialsProvider::next_refresh_locked() const {
  if (!current_.expiration) return Clock::time_point::max();
  const Clock::time_point expiry = *current_.expiration;
  if (failures_in_a_row_ > 0) {
    const auto backoff = std::min<Clock::duration>(
        std::chrono::seconds(1) * (1 << std::min(failures_in_a_row_ - 1, 6)), kMaxRetryDelay);
    const auto left = expiry - Clock::now();
    return Clock::now() +
           std::max<Clock::duration>(std::chrono::milliseconds(200), std::min(backoff, left / 2));
  }
  const auto lifetime = std::max<Clock::duration>(expiry - fetched_at_, Clock::duration::zero());
  return expiry - std::min<Clock::duration>(kRefreshAhead, lifetime / 2);
}

void CredentialsProvider::refresh_loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const Clock::time_point due = next_refresh_locked();
    if (due == Clock::time_point::max()) {
      wake_.wait(lock);  // fetched credentials without an expiration: nothing to refresh
      continue;
    }
    if (Clock::now() < due) {
      wake_.wait_until(lock, due);
      continue;  // re-check: stopped, refreshed by someone else, or due now
    }
    const AwsCredentials stale = current_.credentials;
    lock.unlock();
    (void)refresh_unless_replaced(stale);  // failures are logged and counted for the backoff
    lock.lock();
  }
}

}  // namespace ferry
