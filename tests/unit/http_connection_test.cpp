// Unit tests for the metrics server's per-connection state: the bounded request head, the
// deadlines of reading the head and of writing the answer, and which connection goes first
// when the server holds its cap.
#include "core/http/http_connection.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ferry {
namespace {

constexpr ConnectionDeadlines kDeadlines{3000, 10000};

TEST(HttpConnection, ReadsAHeadThenWritesItsAnswer) {
  HttpConnection c(1000, kDeadlines);
  EXPECT_EQ(c.phase(), HttpConnection::Phase::reading);
  EXPECT_EQ(c.deadline_millis(), 4000u);
  EXPECT_EQ(c.read_room(), kMaxRequestHeadBytes);
  EXPECT_EQ(c.received("GET /hea").state, RequestHead::State::incomplete);
  EXPECT_EQ(c.read_room(), kMaxRequestHeadBytes - 8);
  const RequestHead head = c.received("lthz HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(head.state, RequestHead::State::complete);
  EXPECT_EQ(head.method, "GET");
  EXPECT_EQ(head.path, "/healthz");

  c.answer("HTTP/1.1 200 OK\r\n\r\nok\n", 2500);
  EXPECT_EQ(c.phase(), HttpConnection::Phase::writing);
  EXPECT_EQ(c.deadline_millis(), 12500u);  // the answer's own deadline, from when it is ready
  EXPECT_EQ(c.unsent(), "HTTP/1.1 200 OK\r\n\r\nok\n");
  c.sent(5);
  EXPECT_EQ(c.unsent(), "1.1 200 OK\r\n\r\nok\n");
  EXPECT_EQ(c.phase(), HttpConnection::Phase::writing);
  c.sent(c.unsent().size());
  EXPECT_EQ(c.phase(), HttpConnection::Phase::done);
}

TEST(HttpConnection, TheHeadIsBoundedAndItsDeadlineCountsFromTheAccept) {
  HttpConnection c(0, kDeadlines);
  // One byte at a time does not move the deadline: a slow client is cut at 3 s all the same.
  for (const char byte : std::string("GET / HTTP/1.1\r\nX: ")) {
    EXPECT_EQ(c.received(std::string_view(&byte, 1)).state, RequestHead::State::incomplete);
    EXPECT_FALSE(c.expired(2999));
  }
  EXPECT_TRUE(c.expired(3000));
  EXPECT_TRUE(c.expired(100000));

  // A head that fills the limit without ending is bad, never incomplete.
  HttpConnection big(0, kDeadlines);
  const std::string start = "GET / HTTP/1.1\r\nX: ";
  EXPECT_EQ(big.received(start).state, RequestHead::State::incomplete);
  const std::string filler(big.read_room() - 1, 'a');
  EXPECT_EQ(big.received(filler).state, RequestHead::State::incomplete);
  EXPECT_EQ(big.read_room(), 1u);
  EXPECT_EQ(big.received("a").state, RequestHead::State::bad);
}

TEST(HttpConnection, AClosedOrEmptyAnswerIsDoneAndNeverExpires) {
  HttpConnection left(0, kDeadlines);
  left.close();
  EXPECT_EQ(left.phase(), HttpConnection::Phase::done);
  EXPECT_FALSE(left.expired(1'000'000));

  HttpConnection empty(0, kDeadlines);
  empty.answer("", 10);
  EXPECT_EQ(empty.phase(), HttpConnection::Phase::done);

  // A client that never reads its answer: writing until the answer deadline, then expired.
  HttpConnection stuck(0, kDeadlines);
  stuck.answer(std::string(1 << 20, 'x'), 100);
  stuck.sent(4096);
  EXPECT_FALSE(stuck.expired(10099));
  EXPECT_TRUE(stuck.expired(10100));
}

TEST(HttpConnection, AtTheCapTheOldestStillReadingGoesFirst) {
  HttpConnection old_reader(100, kDeadlines);
  HttpConnection new_reader(200, kDeadlines);
  HttpConnection old_writer(50, kDeadlines);
  old_writer.answer("answer", 60);
  HttpConnection new_writer(150, kDeadlines);
  new_writer.answer("answer", 160);

  EXPECT_TRUE(drops_before(old_reader, new_reader));
  EXPECT_FALSE(drops_before(new_reader, old_reader));
  EXPECT_TRUE(drops_before(new_reader, old_writer));  // reading beats age
  EXPECT_FALSE(drops_before(old_writer, new_reader));
  EXPECT_TRUE(drops_before(old_writer, new_writer));  // among writers: the older
  EXPECT_FALSE(drops_before(old_reader, old_reader));
}

}  // namespace
}  // namespace ferry
