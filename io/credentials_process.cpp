// credential_process (see the header): posix_spawn (safe in a threaded process), a pipe for
// stdout read with poll() against a deadline, SIGKILL when it runs too long. The command's
// stderr is ferry's; its stdout (the secrets) is never logged.
#include "io/credentials_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "core/text.hpp"
#include "io/unique_fd.hpp"

extern char** environ;

namespace ferry {
namespace {

constexpr size_t kMaxOutputBytes = 64 << 10;
constexpr auto kTimeout = std::chrono::seconds(60);

// Waits for the child and describes how it ended.
std::string reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return cat("waitpid failed: ", std::strerror(errno));
  }
  if (WIFEXITED(status)) {
    return WEXITSTATUS(status) == 0 ? std::string() : cat("exited ", WEXITSTATUS(status));
  }
  if (WIFSIGNALED(status)) return cat("killed by signal ", WTERMSIG(status));
  return "ended abnormally";
}

}  // namespace

Result<ExpiringCredentials> run_credential_process(const std::string& command) {
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
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  pid_t pid = 0;
  const int spawned =
      ::posix_spawn(&pid, "/bin/sh", &actions, nullptr, const_cast<char* const*>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  write_end.reset();
  if (spawned != 0) {
    return make_error(cat("credential_process: cannot start /bin/sh: ", std::strerror(spawned)));
  }

  std::string output;
  const auto deadline = std::chrono::steady_clock::now() + kTimeout;
  std::string problem;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      problem = cat("did not finish within ", kTimeout.count(), " s");
      break;
    }
    pollfd pfd{read_end.get(), POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) {
      problem = cat("poll: ", std::strerror(errno));
      break;
    }
    if (ready == 0) continue;
    char buffer[4096];
    const ssize_t n = ::read(read_end.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      problem = cat("read: ", std::strerror(errno));
      break;
    }
    if (n == 0) break;  // the command closed its stdout
    output.append(buffer, static_cast<size_t>(n));
    if (output.size() > kMaxOutputBytes) {
      problem = cat("wrote more than ", kMaxOutputBytes, " bytes");
      break;
    }
  }
  if (!problem.empty()) ::kill(pid, SIGKILL);
  const std::string ended = reap(pid);
  if (!problem.empty()) return make_error(cat("credential_process: the command ", problem));
  if (!ended.empty()) return make_error(cat("credential_process: the command ", ended));
  Result<ExpiringCredentials> parsed = parse_credentials_json(output);
  if (!parsed.ok()) return make_error(cat("credential_process: ", parsed.error().message));
  return parsed;
}

}  // namespace ferry
