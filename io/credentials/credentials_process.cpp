// credential_process (see the header): posix_spawn (safe in a threaded process) into a process
// group of its own, a pipe for stdout read with poll() against one deadline that covers the
// read and the exit, SIGKILL to the whole group when it runs too long. The command's stderr is
// ferry's; its stdout (the secrets) is never logged.
#include "io/credentials/credentials_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <thread>

#include "core/assert.hpp"
#include "core/text.hpp"
#include "io/credentials/credentials_env.hpp"
#include "io/unique_fd.hpp"

extern char** environ;

namespace ferry {
namespace {

constexpr size_t kMaxOutputBytes = 64 << 10;
using Clock = std::chrono::steady_clock;

std::chrono::milliseconds left_until(Clock::time_point deadline) {
  return std::max(std::chrono::milliseconds(0),
                  std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
}

// How the child ended (empty: exit 0), once it has; nullopt while it still runs.
std::optional<std::string> try_reap(pid_t pid, bool block) {
  int status = 0;
  for (;;) {
    const pid_t got = ::waitpid(pid, &status, block ? 0 : WNOHANG);
    if (got == 0) return std::nullopt;
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return cat("waitpid failed: ", std::strerror(errno));
    break;
  }
  if (WIFEXITED(status)) {
    return WEXITSTATUS(status) == 0 ? std::string() : cat("exited ", WEXITSTATUS(status));
  }
  if (WIFSIGNALED(status)) return cat("killed by signal ", WTERMSIG(status));
  return std::string("ended abnormally");
}

// Reads the child's stdout until it closes it; a problem (deadline, cap, error) otherwise.
std::string read_output(int fd, Clock::time_point deadline, std::chrono::seconds timeout,
                        std::string& output) {
  for (;;) {
    const auto left = left_until(deadline);
    if (left.count() == 0) return cat("did not finish within ", timeout.count(), " s");
    pollfd pfd{fd, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return cat("poll: ", std::strerror(errno));
    if (ready == 0) continue;
    char buffer[4096];
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return cat("read: ", std::strerror(errno));
    if (n == 0) return {};  // the command closed its stdout
    if (static_cast<size_t>(n) > kMaxOutputBytes - output.size()) {
      return cat("wrote more than ", kMaxOutputBytes, " bytes");
    }
    output.append(buffer, static_cast<size_t>(n));
    FERRY_ASSERT(output.size() <= kMaxOutputBytes);
  }
}

}  // namespace

Result<std::chrono::seconds> credential_process_timeout() {
  const std::string text = env_value("FERRY_CREDENTIAL_PROCESS_TIMEOUT_SECONDS");
  if (text.empty()) return kDefaultCredentialProcessTimeout;
  uint64_t seconds = 0;
  for (const char c : text) {
    if (c < '0' || c > '9' || seconds > 3600) {
      seconds = 0;
      break;
    }
    seconds = seconds * 10 + static_cast<uint64_t>(c - '0');
  }
  if (seconds < 1 || seconds > 3600) {
    return make_error(
        cat("FERRY_CREDENTIAL_PROCESS_TIMEOUT_SECONDS must be a whole number of "
            "seconds from 1 to 3600, got \"",
            text, "\""));
  }
  return std::chrono::seconds(seconds);
}

Result<ExpiringCredentials> run_credential_process(const std::string& command) {
  const Result<std::chrono::seconds> timeout = credential_process_timeout();
  if (!timeout.ok()) return make_error(cat("credential_process: ", timeout.error().message));
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return make_error(cat("credential_process: pipe: ", std::strerror(errno)));
  }
  UniqueFd read_end(fds[0]);
  UniqueFd write_end(fds[1]);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  // A process group of its own (pgid = its pid): what the shell starts dies with it.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, "/bin/sh", &actions, &attributes,
                                    const_cast<char* const*>(argv), environ);
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  write_end.reset();
  if (spawned != 0) {
    return make_error(cat("credential_process: cannot start /bin/sh: ", std::strerror(spawned)));
  }

  // One deadline for the output and the exit: a command that closes its stdout and keeps
  // running is killed at the same deadline as one that never writes.
  const auto deadline = Clock::now() + *timeout;
  std::string output;
  std::string problem = read_output(read_end.get(), deadline, *timeout, output);
  read_end.reset();
  std::optional<std::string> ended;
  while (problem.empty() && !(ended = try_reap(pid, false))) {
    if (left_until(deadline).count() == 0) {
      problem = cat("did not exit within ", timeout->count(), " s");
      break;
    }
    std::this_thread::sleep_for(std::min(left_until(deadline), std::chrono::milliseconds(20)));
  }
  if (!problem.empty()) {
    ::kill(-pid, SIGKILL);  // the group: the shell and whatever it started
    ::kill(pid, SIGKILL);   // in case the group was left
    ended = try_reap(pid, true);
    return make_error(cat("credential_process: the command ", problem, " (killed)"));
  }
  FERRY_ASSERT(ended.has_value());
  if (!ended->empty()) return make_error(cat("credential_process: the command ", *ended));
  Result<ExpiringCredentials> parsed = parse_credentials_json(output);
  if (!parsed.ok()) return make_error(cat("credential_process: ", parsed.error().message));
  return parsed;
}

}  // namespace ferry
