// The metrics server's per-connection state: bounded head, answer, deadlines.
#include "core/http/http_connection.hpp"

#include <utility>

#include "core/assert.hpp"

namespace ferry {

HttpConnection::HttpConnection(uint64_t opened_millis, ConnectionDeadlines deadlines)
    : deadlines_(deadlines),
      opened_millis_(opened_millis),
      deadline_millis_(opened_millis + deadlines.head_millis) {}

size_t HttpConnection::read_room() const {
  FERRY_ASSERT(phase_ == Phase::reading);
  FERRY_ASSERT(head_.size() < kMaxRequestHeadBytes);
  return kMaxRequestHeadBytes - head_.size();
}

RequestHead HttpConnection::received(std::string_view bytes) {
  FERRY_ASSERT(bytes.size() <= read_room());
  head_.append(bytes);
  const RequestHead head = parse_request_head(head_);
  // A full buffer never stays incomplete: the parser calls a head of the limit's size bad.
  FERRY_ASSERT(head.state != RequestHead::State::incomplete || head_.size() < kMaxRequestHeadBytes);
  return head;
}

void HttpConnection::answer(std::string bytes, uint64_t now_millis) {
  FERRY_ASSERT(phase_ == Phase::reading);
  phase_ = bytes.empty() ? Phase::done : Phase::writing;
  answer_ = std::move(bytes);
  sent_ = 0;
  deadline_millis_ = now_millis + deadlines_.answer_millis;
  std::string().swap(head_);  // the head's memory goes back at once
}

std::string_view HttpConnection::unsent() const {
  FERRY_ASSERT(phase_ == Phase::writing);
  return std::string_view(answer_).substr(sent_);
}

void HttpConnection::sent(size_t n) {
  FERRY_ASSERT(phase_ == Phase::writing);
  FERRY_ASSERT(n <= answer_.size() - sent_);
  sent_ += n;
  if (sent_ == answer_.size()) {
    phase_ = Phase::done;
    std::string().swap(answer_);
  }
}

bool drops_before(const HttpConnection& a, const HttpConnection& b) {
  const bool a_reading = a.phase() == HttpConnection::Phase::reading;
  const bool b_reading = b.phase() == HttpConnection::Phase::reading;
  if (a_reading != b_reading) return a_reading;
  return a.opened_millis() < b.opened_millis();
}

}  // namespace ferry
