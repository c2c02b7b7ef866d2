// HttpConnection: one client of the metrics server as a state machine without sockets. It reads
// one request head (at most kMaxRequestHeadBytes, before a deadline counted from the accept),
// then writes one answer (before a deadline counted from the answer being ready), then is done.
// The server's event loop makes the socket calls and closes what is done or past its deadline.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/http/http_request_head.hpp"

namespace ferry {

struct ConnectionDeadlines {
  uint64_t head_millis = 3000;     // from the accept to the end of the request head
  uint64_t answer_millis = 10000;  // from the answer being ready to its last byte sent
};

class HttpConnection {
 public:
  enum class Phase { reading, writing, done };

  HttpConnection(uint64_t opened_millis, ConnectionDeadlines deadlines);

  Phase phase() const { return phase_; }
  uint64_t opened_millis() const { return opened_millis_; }
  // When the current phase must end (steady clock); meaningless once done.
  uint64_t deadline_millis() const { return deadline_millis_; }
  bool expired(uint64_t now_millis) const {
    return phase_ != Phase::done && now_millis >= deadline_millis_;
  }

  // Reading: how many more bytes the head may take (at least 1).
  size_t read_room() const;
  // Reading: appends at most read_room() bytes received. Returns the head parsed so far:
  // incomplete (read on), or complete or bad (the caller answers). Its views point into this
  // connection and stay valid until answer().
  RequestHead received(std::string_view bytes);

  // Reading -> writing: the bytes of the answer; its deadline starts at `now_millis`.
  void answer(std::string bytes, uint64_t now_millis);
  // Writing: what is left to send.
  std::string_view unsent() const;
  // Writing: `n` bytes of unsent() went out; the last of them ends the connection (done).
  void sent(size_t n);

  // Any phase -> done: the client left, failed, or is dropped.
  void close() { phase_ = Phase::done; }

 private:
  ConnectionDeadlines deadlines_;
  Phase phase_ = Phase::reading;
  uint64_t opened_millis_;
  uint64_t deadline_millis_;
  std::string head_;    // reading: the bytes so far, at most kMaxRequestHeadBytes
  std::string answer_;  // writing
  size_t sent_ = 0;     // writing: bytes of answer_ sent
};

// The order in which the server drops connections to admit a new one when it holds its cap:
// true if `a` goes before `b`. A connection still reading its head goes first (a live client
// sends its head at once, so this one is idle or slow), then the older one.
bool drops_before(const HttpConnection& a, const HttpConnection& b);

}  // namespace ferry
