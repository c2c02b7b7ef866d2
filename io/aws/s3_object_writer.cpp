// Multipart upload of one object: CreateMultipartUpload with part 1 on its upload thread, parts
// uploaded in parallel and acknowledged in order, CompleteMultipartUpload listing exactly the
// acknowledged parts (with their CRC32C); PutObject for objects smaller than one part. Requests
// that run out of attempts are tried again later; the thread that sent them waits meanwhile
// (nothing dropped).
#include "io/aws/s3_object_writer.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <thread>

#include "core/assert.hpp"
#include "core/backoff.hpp"
#include "core/observe/log.hpp"
#include "core/text.hpp"
#include "io/steady_clock.hpp"

namespace ferry {
namespace {
constexpr int kMaxParts = 10000;
constexpr int kPauseStepMillis = 100;  // how soon a pause notices `stopping`

// Answers after which an upload can never be completed as recorded: the upload is gone, or the
// destination refuses its parts as they are.
bool is_restart_code(std::string_view code) {
  return code == "NoSuchUpload" || code == "EntityTooSmall" || code == "InvalidPart" ||
         code == "InvalidPartOrder" || code == "MalformedXML";
}

bool has_checksums(const std::vector<CompletedPart>& parts) {
  return std::any_of(parts.begin(), parts.end(),
                     [](const CompletedPart& part) { return !part.checksum_crc32c.empty(); });
}

void without_checksums(std::vector<CompletedPart>& parts) {
  for (CompletedPart& part : parts) part.checksum_crc32c.clear();
}

std::string unquoted(std::string_view etag) {
  std::string out;
  for (char c : etag)
    if (c != '"') out.push_back(c);
  return out;
}

}  // namespace

S3ObjectWriter::S3ObjectWriter(const S3ClientOptions& client_options, S3WriterOptions options)
    : client_(client_options),
      options_(std::move(options)),
      uploader_(client_options, options_.parallel_parts, options_.object),
      client_options_(client_options) {
  FERRY_ASSERT(options_.retry_later.max_rounds >= 1);
  FERRY_ASSERT(options_.retry_later.first_pause_millis > 0 &&
               options_.retry_later.first_pause_millis <= options_.retry_later.max_pause_millis);
}

S3ObjectWriter::~S3ObjectWriter() {
  abandon();
}

std::string S3ObjectWriter::location() const {
  return location_of(key_);
}

std::string S3ObjectWriter::location_of(std::string_view key) const {
  return cat("s3://", options_.bucket, "/", key);
}

bool S3ObjectWriter::pause_before_round(std::string_view where, std::string_view what,
                                        int next_round, const std::string& failure) const {
  const RetryLaterPolicy& policy = options_.retry_later;
  if (policy.max_rounds == 1) return false;  // no rounds of "later": the caller has the failure
  auto stopping = [&] { return policy.stopping != nullptr && policy.stopping->load(); };
  auto give_up = [&](int rounds) {
    FERRY_ERROR(cat("ship: ", where, ": ", what, " failed in ", rounds, " round(s) of attempts",
                    stopping() ? " and ferry is stopping" : "", "; giving up for this run"));
    return false;
  };
  if (stopping() || next_round > policy.max_rounds) return give_up(next_round - 1);
  static thread_local std::mt19937_64 random{std::random_device{}()};
  const uint64_t pause =
      equal_jitter(doubling_backoff(static_cast<uint64_t>(policy.first_pause_millis),
                                    static_cast<uint64_t>(policy.max_pause_millis),
                                    static_cast<uint64_t>(next_round - 1)),
                   random);
  FERRY_WARN(cat("ship: ", where, ": ", what, " still fails after its attempts (", failure,
                 "); the object is kept and ", what, " is tried again in ", pause, " ms (round ",
                 next_round, " of ", policy.max_rounds, ")"));
  for (const uint64_t until = steady_millis() + pause; steady_millis() < until;) {
    if (stopping()) return give_up(next_round - 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(kPauseStepMillis));
  }
  return true;
}

template <class Request>
auto S3ObjectWriter::with_retry_later(S3Client& client, std::string_view where,
                                      std::string_view what, Request&& request) {
  for (int round = 1;; ++round) {
    auto result = request();
    if (result.ok() || !client.last_failure().retryable ||
        !pause_before_round(where, what, round + 1, result.error().message))
      return result;
  }
}

void S3ObjectWriter::reset(const std::string& key) {
  FERRY_ASSERT(!open_);
  FERRY_ASSERT(uploads_of_this_object() == 0);  // abandoned ones may still be out
  key_ = key;
  upload_id_.clear();
  parts_.clear();
  finished_.clear();
  part_rounds_.clear();
  next_part_ = 1;
  buffer_.clear();
  // The last object's buffer went with its request (or this is the first object).
  if (buffer_.capacity() < part_buffer_capacity()) next_buffer();
  FERRY_ASSERT(buffer_.capacity() >= part_buffer_capacity());  // appends never reallocate
  size_ = 0;
  failure_.reset();
  must_restart_ = false;
  open_ = true;
}

Status S3ObjectWriter::begin(const std::string& key) {
  reset(key);
  return Ok{};
}

Status S3ObjectWriter::resume(const OpenObject& open) {
  FERRY_ASSERT(!open.upload_id.empty() && !open.parts.empty());
  reset(open.key);
  upload_id_ = open.upload_id;
  parts_ = open.parts;
  next_part_ = static_cast<int>(parts_.size()) + 1;
  size_ = open.size;
  return Ok{};
}

size_t S3ObjectWriter::part_buffer_capacity() const {
  // A part holds part_size_bytes plus the frame that crosses that size (a batch's frame is at
  // most a few MiB). Reserved once: appending never reallocates, which would copy the part so
  // far and touch fresh pages at each doubling.
  return options_.part_size_bytes + (2u << 20);
}

void S3ObjectWriter::next_buffer() {
  if (spare_buffers_.empty()) {
    buffer_ = std::string();
    buffer_.reserve(part_buffer_capacity());
  } else {
    buffer_ = std::move(spare_buffers_.back());
    spare_buffers_.pop_back();
  }
  FERRY_ASSERT(buffer_.capacity() >= part_buffer_capacity());
}

void S3ObjectWriter::reuse(std::string buffer) {
  // A CompleteMultipartUpload hands back no buffer (an empty string has a few bytes of room).
  if (buffer.capacity() < part_buffer_capacity()) return;
  buffer.clear();
  spare_buffers_.push_back(std::move(buffer));
  // A buffer is made only when no spare is left, so there are never more than are out at once:
  // the parts in flight, the one filling and an object's body in its PutObject.
  FERRY_ASSERT(spare_buffers_.size() <= uploader_.capacity() + 2);
}

void S3ObjectWriter::send_part(int number, std::string body) {
  uploader_.submit(
      PartUploader::Job{options_.bucket, key_, upload_id_, number, std::move(body), generation_});
}

bool S3ObjectWriter::part_would_wait() const {
  // Bounded: a new part waits for a connection (and its buffer) to come back. Part 1 begins
  // the upload on its upload thread; a part after it waits for that answer (the upload's id)
  // only if it is full first.
  return uploader_.in_flight() >= uploader_.capacity() || (next_part_ > 1 && upload_id_.empty());
}

Status S3ObjectWriter::submit_part() {
  while (part_would_wait()) {
    auto collected = collect(/*wait=*/true);
    if (!collected) return collected.error();
    FERRY_ASSERT(collected.value());  // part 1 is in flight until the upload has its id
  }
  const int number = next_part_++;
  FERRY_ASSERT(number <= kMaxParts);  // the config keeps maxObjectBytes within 10,000 parts
  std::string body = std::move(buffer_);
  next_buffer();
  send_part(number, std::move(body));
  return Ok{};
}

Result<bool> S3ObjectWriter::collect(bool wait) {
  auto done = uploader_.collect(wait);
  if (!done) return false;
  if (done->generation != generation_) {
    // An upload abandon() let go of: only its buffer is of use now.
    FERRY_ASSERT(abandoned_in_flight_ > 0);
    --abandoned_in_flight_;
    reuse(std::move(done->body));
    return true;
  }
  if (!done->begun_upload_id.empty()) {
    FERRY_ASSERT(upload_id_.empty() && done->number == 1);
    upload_id_ = std::move(done->begun_upload_id);
  }
  if (!done->etag && done->retryable && !failure_) {
    // Out of attempts (an outage, a long SlowDown): keep the part and send it again later
    // (after CreateMultipartUpload again if that was what failed).
    const int round = ++part_rounds_[done->number];
    const std::string what =
        done->begin_failed ? "CreateMultipartUpload" : cat("UploadPart ", done->number);
    if (pause_before_round(location(), what, round + 1, done->etag.error().message)) {
      send_part(done->number, std::move(done->body));
      return true;
    }
  }
  reuse(std::move(done->body));
  if (!done->etag) {
    must_restart_ = must_restart_ || done->upload_lost;
    if (!failure_) failure_ = done->etag.error();
    return *failure_;
  }
  part_rounds_.erase(done->number);
  finished_.emplace(done->number, UploadedPart{done->number, std::move(done->etag.value()),
                                               done->size, std::move(done->checksum_crc32c)});
  // A part is acknowledged only once every part before it is.
  for (auto it = finished_.begin();
       it != finished_.end() && it->first == static_cast<int>(parts_.size()) + 1;
       it = finished_.erase(it))
    parts_.push_back(std::move(it->second));
  return true;
}

Status S3ObjectWriter::poll() {
  if (failure_) return *failure_;
  for (;;) {
    auto collected = collect(/*wait=*/false);
    if (!collected) return collected.error();
    if (!collected.value()) return Ok{};
  }
}

Status S3ObjectWriter::drain() {
  while (uploader_.in_flight() > 0) {
    if (auto collected = collect(/*wait=*/true); !collected) return collected.error();
  }
  if (failure_) return *failure_;
  return Ok{};
}

Status S3ObjectWriter::append(std::string_view frame) {
  FERRY_ASSERT(open_);
  if (failure_) return *failure_;
  buffer_.append(frame);
  size_ += frame.size();
  if (buffer_.size() >= options_.part_size_bytes) {
    if (auto status = submit_part(); !status) return status;
  }
  return poll();
}

bool S3ObjectWriter::append_would_wait(size_t bytes) const {
  return buffer_.size() + bytes >= options_.part_size_bytes && part_would_wait();
}

Status S3ObjectWriter::seal() {
  FERRY_ASSERT(open_);
  if (!single_request() && !buffer_.empty()) {
    if (auto status = submit_part(); !status) return status;
  }
  return drain();
}

Result<bool> S3ObjectWriter::try_seal() {
  FERRY_ASSERT(open_);
  if (auto status = poll(); !status) return status.error();
  if (!single_request() && !buffer_.empty()) {
    if (part_would_wait()) return false;  // the last part goes at a later try
    if (auto status = submit_part(); !status) return status.error();
  }
  return uploader_.in_flight() == 0;
}

Status S3ObjectWriter::complete() {
  FERRY_ASSERT(open_);
  Finished finished = finish(client_, take_sealed());
  reuse(std::move(finished.buffer));
  must_restart_ = must_restart_ || finished.completion.must_restart;
  if (!finished.completion.status) return finished.completion.status;
  open_ = false;
  upload_id_.clear();
  parts_.clear();
  return Ok{};
}

S3ObjectWriter::UploadToComplete S3ObjectWriter::take_sealed() {
  FERRY_ASSERT(open_);
  FERRY_ASSERT(finished_.empty() && uploader_.in_flight() == 0);
  UploadToComplete upload{key_, upload_id_, size_, {}, {}};
  if (single_request()) {
    // Everything fits in one part: one request instead of three. The body goes with it.
    FERRY_ASSERT(buffer_.size() == size_);
    upload.body = std::move(buffer_);
    buffer_ = std::string();
    return upload;
  }
  // Sealed: every byte is in an acknowledged part of the upload part 1 began.
  FERRY_ASSERT(buffer_.empty() && !upload_id_.empty());
  FERRY_ASSERT(static_cast<int>(parts_.size()) == next_part_ - 1);
  upload.parts.reserve(parts_.size());
  for (const auto& part : parts_)
    upload.parts.push_back(CompletedPart{part.number, part.etag, part.checksum_crc32c});
  return upload;
}

S3ObjectWriter::Finished S3ObjectWriter::finish(S3Client& client, UploadToComplete upload) {
  const uint64_t started = steady_millis();
  Finished finished;
  if (upload.upload_id.empty()) {
    const std::span<const char> body(upload.body.data(), upload.body.size());
    finished.completion.status = with_retry_later(
        client, location_of(upload.key), "PutObject",
        [&] { return client.put_object(options_.bucket, upload.key, body, options_.object); });
    finished.buffer = std::move(upload.body);
  } else {
    finished.completion = complete_upload(client, std::move(upload));
  }
  finished.completion.millis = steady_millis() - started;
  return finished;
}

void S3ObjectWriter::set_on_progress(std::function<void()> on_progress) {
  FERRY_ASSERT(!open_ && !completer_);
  uploader_.set_on_done(on_progress);
  on_progress_ = std::move(on_progress);
}

bool S3ObjectWriter::complete_in_background() {
  FERRY_ASSERT(open_);
  if (!completer_) {
    completion_client_ = std::make_unique<S3Client>(client_options_);
    completer_ = std::make_unique<JobThreads<UploadToComplete, Finished>>(
        1, "ferry-complete", [this](size_t, UploadToComplete& upload) {
          return finish(*completion_client_, std::move(upload));
        });
    if (on_progress_) completer_->set_on_done(on_progress_);
  }
  FERRY_ASSERT(completer_->in_flight() == 0);  // the caller took the last completion()
  completer_->submit(take_sealed());
  // The writer is free for the next object; the completer has this one's parts or body.
  open_ = false;
  upload_id_.clear();
  parts_.clear();
  return true;
}

std::optional<ObjectWriter::Completion> S3ObjectWriter::completion(bool wait) {
  if (!completer_) return std::nullopt;
  std::optional<Finished> finished = completer_->collect(wait);
  if (!finished) return std::nullopt;
  reuse(std::move(finished->buffer));
  return std::move(finished->completion);
}

S3ObjectWriter::Completion S3ObjectWriter::complete_upload(S3Client& client,
                                                           UploadToComplete upload) {
  std::vector<CompletedPart>& completed = upload.parts;
  const std::string where = location_of(upload.key);
  if (complete_without_checksums_.load()) without_checksums(completed);
  for (int round = 1;; ++round) {
    Status status =
        client.complete_multipart_upload(options_.bucket, upload.key, upload.upload_id, completed);
    if (status) return Completion{};
    const S3Failure failure = client.last_failure();
    if (failure.code == "MalformedXML" && has_checksums(completed)) {
      FERRY_WARN(cat("ship: ", where,
                     ": the server refused the parts' checksums in CompleteMultipartUpload "
                     "(MalformedXML), as S3-compatible servers such as OpenStack Swift do; "
                     "completing without them from now on (each part still carried its "
                     "x-amz-checksum-crc32c; \"checksumAlgorithm\": \"NONE\" leaves checksums "
                     "out altogether)"));
      complete_without_checksums_.store(true);
      without_checksums(completed);
      --round;  // not a retry of the same request
      continue;
    }
    // An earlier attempt may have gone through with only its answer lost (a reset, a timeout):
    // S3 then answers NoSuchUpload (s3rver an InternalError), and the object is there with
    // exactly this upload's size.
    auto visible = client.head_object(options_.bucket, upload.key);
    if (visible && visible.value() && visible.value()->size == upload.size) {
      FERRY_INFO(cat("ship: ", where, ": CompleteMultipartUpload failed (", failure.code,
                     failure.code.empty() ? "" : ": ", failure.message,
                     ") but the object is there with its ", upload.size,
                     " bytes: an earlier attempt completed it"));
      return Completion{};
    }
    if (is_restart_code(failure.code)) {
      // The upload cannot be completed as recorded, now or later: build the object again. One
      // the destination still holds would only keep its parts' storage: abort it.
      if (failure.code != "NoSuchUpload") {
        if (auto aborted =
                client.abort_multipart_upload(options_.bucket, upload.key, upload.upload_id);
            !aborted)
          FERRY_WARN(cat("ship: ", where, ": ", aborted.error().message,
                         " (the refused upload stays until a lifecycle rule aborts it)"));
      }
      return Completion{std::move(status), /*must_restart=*/true};
    }
    if (!failure.retryable ||
        !pause_before_round(where, "CompleteMultipartUpload", round + 1, status.error().message))
      return Completion{std::move(status), false};
  }
}

void S3ObjectWriter::abandon() {
  // The multipart upload itself is kept: the checkpoint names it, and the next start continues
  // it or, if it is gone, starts the object again under the same key.
  failure_ = make_error("abandoned");  // parts that fail now are not tried again
  // Part 1 beginning the upload comes back first: the upload its CreateMultipartUpload begins
  // is one the caller must name in the checkpoint (upload_id()), for a later start to abort.
  while (upload_id_.empty() && uploads_of_this_object() > 0) (void)collect(/*wait=*/true);
  // The parts of a begun upload are let go in flight (a stalled one would hold up the caller,
  // the shipper thread, for its attempts): they come back to collect(), which keeps only their
  // buffers, and the destructor waits for them.
  abandoned_in_flight_ = uploader_.in_flight();
  ++generation_;
  open_ = false;
  buffer_.clear();
  finished_.clear();
  part_rounds_.clear();
}

Result<UploadCheck> S3ObjectWriter::check_upload(const OpenObject& open) {
  FERRY_ASSERT(!open.upload_id.empty());
  auto listed = client_.list_parts(options_.bucket, open.key, open.upload_id);
  if (!listed) {
    const S3Failure& failure = client_.last_failure();
    if (failure.code == "NoSuchUpload")
      return UploadCheck{UploadCheck::Verdict::lost, listed.error().message};
    // A server without ListParts, or a role without s3:ListMultipartUploadParts: the upload is
    // continued unchecked, as before this check existed (a lost one then fails at its next
    // request and is built again).
    if (failure.http_status == 403 || failure.http_status == 405 || failure.http_status == 501)
      return UploadCheck{UploadCheck::Verdict::unchecked, listed.error().message};
    return listed.error();  // unreachable or failing now: recovery is tried at the next start
  }
  std::map<int, const ListedPart*> by_number;
  for (const ListedPart& part : *listed) by_number[part.number] = &part;
  for (const UploadedPart& part : open.parts) {
    auto found = by_number.find(part.number);
    if (found == by_number.end())
      return UploadCheck{UploadCheck::Verdict::differs, cat("part ", part.number, " is missing")};
    if (unquoted(found->second->etag) != unquoted(part.etag) || found->second->size != part.size)
      return UploadCheck{UploadCheck::Verdict::differs,
                         cat("part ", part.number, " is listed with ETag ", found->second->etag,
                             " and ", found->second->size, " bytes, acknowledged with ", part.etag,
                             " and ", part.size, " bytes")};
  }
  return UploadCheck{};
}

Status S3ObjectWriter::abort_upload(const StartedUpload& upload) {
  Status status = client_.abort_multipart_upload(options_.bucket, upload.key, upload.upload_id);
  if (!status && client_.last_failure().code == "NoSuchUpload") return Ok{};  // gone already
  return status;
}

Result<std::optional<uint64_t>> S3ObjectWriter::visible_size(const std::string& key) {
  // Recovery, before reading starts (and before SIGTERM is watched): no rounds of "later"; a
  // failure exits 1 and the service manager starts ferry again.
  auto info = client_.head_object(options_.bucket, key);
  if (!info) return info.error();
  if (!info->has_value()) return std::optional<uint64_t>{};
  return std::optional<uint64_t>((*info)->size);
}

}  // namespace ferry
