// bin/ferry and bin/ferry-checkpoint of the release tarball. A static program that runs the
// binary of its own name in <root>/libexec/ through the loader and C library bundled in
// <root>/lib/, so that the release runs on any x86-64 Linux whatever its glibc (Debian 12's
// libstdc++ alone needs glibc 2.36, Amazon Linux 2023 has 2.34):
//   <root>/bin/NAME ARGS...  ->  <root>/lib/ld-linux-x86-64.so.2 --library-path <root>/lib
//                                 --argv0 ARGV0 <root>/libexec/NAME ARGS...
// <root> comes from /proc/self/exe (a symbolic link such as /usr/bin/ferry -> /opt/ferry/bin/ferry
// is resolved), or, where /proc is not mounted, from the path the kernel ran (AT_EXECFN).
// The environment is passed on unchanged: nothing here leaks into processes ferry starts.
#include <sys/auxv.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

std::string own_path() {
  char buffer[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof buffer);
  if (n > 0 && static_cast<size_t>(n) < sizeof buffer) return std::string(buffer, n);
  const auto* ran = reinterpret_cast<const char*>(::getauxval(AT_EXECFN));
  if (ran != nullptr && ::realpath(ran, buffer) != nullptr) return buffer;
  return {};
}

std::string parent(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string self = own_path();
  if (self.empty() || argc < 1) {
    std::fprintf(stderr, "ferry: cannot find where this program is installed: %s\n",
                 std::strerror(errno));
    return 127;
  }
  const std::string name = self.substr(self.rfind('/') + 1);
  const std::string root = parent(parent(self));
  const std::string loader = root + "/lib/ld-linux-x86-64.so.2";
  const std::string library_path = root + "/lib";
  const std::string program = root + "/libexec/" + name;

  std::vector<char*> args;
  args.reserve(static_cast<size_t>(argc) + 6);
  args.push_back(const_cast<char*>(loader.c_str()));
  args.push_back(const_cast<char*>("--library-path"));
  args.push_back(const_cast<char*>(library_path.c_str()));
  args.push_back(const_cast<char*>("--argv0"));
  args.push_back(argv[0]);
  args.push_back(const_cast<char*>(program.c_str()));
  for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
  args.push_back(nullptr);
  ::execv(loader.c_str(), args.data());
  std::fprintf(stderr, "ferry: cannot run %s: %s\n", loader.c_str(), std::strerror(errno));
  return 127;
}
