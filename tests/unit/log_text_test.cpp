// What reaches a log line: credentials masked in linear time, control characters and bytes that
// are not UTF-8 escaped, long messages cut in the middle.
#include "core/observe/log_text.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <ctime>
#include <string>

#include "core/observe/secret_scrubber.hpp"

namespace ferry {
namespace {

TEST(SecretScrubber, MasksCredentialShapes) {
  EXPECT_EQ(scrub_secrets("Authorization: AWS4-HMAC-SHA256 Credential=AKIA/x, Signature=ab"),
            "Authorization: <redacted>");
  EXPECT_EQ(scrub_secrets("GET /?X-Amz-Signature=deadbeef&x=1"),
            "GET /?X-Amz-Signature=<redacted>&x=1");
  EXPECT_EQ(scrub_secrets("{\"SessionToken\": \"IQoJb3Jp\", \"k\": 1}"),
            "{\"SessionToken\": \"<redacted>\", \"k\": 1}");
  EXPECT_EQ(scrub_secrets("aws_secret_access_key = wJalr\nnext"),
            "aws_secret_access_key = <redacted>\nnext");
  EXPECT_EQ(scrub_secrets("x-amz-security-token:FwoG;rest"),
            "x-amz-security-token:<redacted>;rest");
}

TEST(SecretScrubber, LeavesOrdinaryTextAlone) {
  for (const char* line : {"token bucket refilled", "tokens: ", "a signature is missing",
                           "awsSecretAccessKey (not set)", "plain line"})
    EXPECT_EQ(scrub_secrets(line), line);
}

// CPU time of this thread: a loaded machine (a build beside the sanitizer run) stretches the
// wall clock, not this.
std::chrono::nanoseconds thread_cpu_time() {
  timespec now{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
}

TEST(SecretScrubber, IsLinearOnHostileLines) {
  // std::regex recursed per character here and died of a stack overflow at ~100 KB; anything
  // quadratic would take hours on these lines.
  std::string line = "403 Forbidden token=" + std::string(4 << 20, 'A') + " end";
  const auto started = thread_cpu_time();
  EXPECT_EQ(scrub_secrets(line), "403 Forbidden token=<redacted> end");
  std::string blanks = "token" + std::string(2 << 20, ' ') + "x";
  EXPECT_EQ(scrub_secrets(blanks), blanks);
  std::string keys;
  for (int i = 0; i < 100000; ++i) keys += "token signature ;";
  EXPECT_EQ(scrub_secrets(keys).size(), keys.size());
  EXPECT_LT(thread_cpu_time() - started, std::chrono::seconds(20));
}

TEST(LogText, EscapesWhatATerminalActsOn) {
  EXPECT_EQ(inert_log_text("bad\nname\r\tx"), "bad\\nname\\r\\tx");
  EXPECT_EQ(inert_log_text("\x1b[2Jbell\x07 del\x7f"), "\\x1b[2Jbell\\x07 del\\x7f");
  EXPECT_EQ(inert_log_text("raw\xff\xfe end"), "raw\\xff\\xfe end");
  EXPECT_EQ(inert_log_text("c1 \xC2\x9B x"), "c1 \\u{009b} x");
  EXPECT_EQ(inert_log_text("rtl \xE2\x80\xAE x \xE2\x80\xA8"), "rtl \\u{202e} x \\u{2028}");
  EXPECT_EQ(inert_log_text("caf\xC3\xA9 \xF0\x9F\x98\x80"), "caf\xC3\xA9 \xF0\x9F\x98\x80");
}

TEST(LogText, EveryByteComesOutPrintableUtf8) {
  std::string all;
  for (int b = 0; b <= 0xFF; ++b) all.push_back(static_cast<char>(b));
  const std::string out = inert_log_text(all);
  EXPECT_TRUE(simdjson::validate_utf8(out.data(), out.size()));
  for (const char c : out) {
    const auto u = static_cast<unsigned char>(c);
    EXPECT_TRUE(u >= 0x20 && u != 0x7F) << static_cast<int>(u);
  }
}

TEST(LogText, LongMessagesLoseTheirMiddle) {
  const std::string message = "start " + std::string(1 << 20, 'x') + " the end";
  const std::string out = inert_log_text(message);
  EXPECT_LE(out.size(), kMaxLogMessageBytes + 64);
  EXPECT_TRUE(out.starts_with("start xxx"));
  EXPECT_TRUE(out.ends_with("xxx the end"));
  EXPECT_NE(out.find(" bytes cut]..."), std::string::npos);
  const std::string escapes(1 << 20, '\x1b');
  EXPECT_LE(inert_log_text(escapes).size(), kMaxLogMessageBytes * 5);
  EXPECT_EQ(inert_log_text(std::string(kMaxLogMessageBytes, 'y')),
            std::string(kMaxLogMessageBytes, 'y'));
}

}  // namespace
}  // namespace ferry
