// libFuzzer target for DirectoryWatcher::handle, the decoder of inotify event buffers (event
// headers from the kernel, file names chosen by whoever creates files): any bytes must decode
// without crashing, and every file event must name a path under the watched root.
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/assert.hpp"
#include "io/tail/directory_watcher.hpp"

namespace {

// A real watched tree (root/*/x*.log with root/a existing), made once per process.
struct Tree {
  std::string root;
  std::unique_ptr<ferry::DirectoryWatcher> watcher;

  Tree() {
    char dir[] = "/tmp/ferry-inotify-fuzz-XXXXXX";
    FERRY_ASSERT(::mkdtemp(dir) != nullptr);
    root = dir;
    FERRY_ASSERT(::mkdir((root + "/a").c_str(), 0700) == 0);
    watcher = std::make_unique<ferry::DirectoryWatcher>(
        std::vector<ferry::PathGlob>{ferry::parse_path_glob(root + "/*/x*.log")});
    FERRY_ASSERT(watcher->init(true).ok());
    watcher->rescan([](uint32_t, const std::string&) {});
  }
};

}  // namespace

// Input: the buffer itself; each event's wd is taken modulo 4 so that it names the watches of
// the tree (1: root, 2: root/a) as often as unknown ones.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Tree tree;
  std::vector<char> buffer(data, data + size);
  for (size_t at = 0; at + sizeof(inotify_event) <= buffer.size();) {
    inotify_event header;
    std::memcpy(&header, buffer.data() + at, sizeof header);
    header.wd = static_cast<int>(static_cast<unsigned>(header.wd) % 4);
    header.mask &= ~static_cast<uint32_t>(IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF);
    header.len %= 64;
    std::memcpy(buffer.data() + at, &header, sizeof header);
    at += sizeof header + header.len;
  }
  std::vector<ferry::FileEvent> events;
  tree.watcher->handle(std::span<const char>(buffer.data(), buffer.size()), events);
  for (const auto& event : events) {
    FERRY_ASSERT(event.path.rfind(tree.root + "/", 0) == 0);
    FERRY_ASSERT(event.from.empty() || event.from.rfind(tree.root + "/", 0) == 0);
  }
  return 0;
}
