// name_this_thread: the kernel's name of the calling thread (/proc/self/task/<tid>/comm), cut to
// the 15 bytes Linux keeps; other threads keep theirs.
#include "io/thread_name.hpp"

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <string_view>
#include <thread>

namespace ferry {
namespace {

std::string kernel_name_of(long tid) {
  std::ifstream comm("/proc/self/task/" + std::to_string(tid) + "/comm");
  std::string name;
  std::getline(comm, name);
  return name;
}

// The kernel's name of a new thread that named itself `name`.
std::string name_seen_in_a_thread(std::string_view name) {
  std::string seen;
  std::thread([&] {
    name_this_thread(name);
    seen = kernel_name_of(syscall(SYS_gettid));
  }).join();
  return seen;
}

TEST(ThreadName, NamesTheCallingThreadOnly) {
  const std::string main_name = kernel_name_of(syscall(SYS_gettid));
  EXPECT_EQ(name_seen_in_a_thread("ferry-worker-3"), "ferry-worker-3");
  EXPECT_EQ(kernel_name_of(syscall(SYS_gettid)), main_name);
}

TEST(ThreadName, LongNamesAreCutToFifteenBytes) {
  EXPECT_EQ(name_seen_in_a_thread("ferry-a-name-longer-than-fifteen"), "ferry-a-name-lo");
}

}  // namespace
}  // namespace ferry
