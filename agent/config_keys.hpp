// The keys each object of agent.json may hold: those ferry acts on, and the Kinesis Agent's keys
// ferry accepts without acting on yet. Anything else is an unknown key: a warning, never an error.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace ferry::config {

struct KeyTable {
  std::span<const std::string_view> known;     // acted on by ferry
  std::span<const std::string_view> accepted;  // Kinesis Agent keys ferry ignores for now
};

extern const KeyTable kRootKeys;
extern const KeyTable kFlowKeys;
extern const KeyTable kS3Keys;
extern const KeyTable kDirectoryKeys;
extern const KeyTable kRedactKeys;

// Collects the warnings for the keys of one object that its parser did not handle, and explains
// a missing required key when an unknown key looks like its misspelling.
class KeyChecker {
 public:
  KeyChecker(const KeyTable& table, std::string path, std::vector<std::string>& warnings)
      : table_(table), path_(std::move(path)), warnings_(warnings) {}

  // A key the parser did not handle: "accepted but not implemented yet" or "unknown key".
  void unhandled(std::string_view key);

  // A known Kinesis Agent key whose value ferry can safely ignore: "accepted but not implemented".
  void ignored(std::string_view key);

  // "config: <path>.<key>: required key missing", plus a hint naming a likely misspelling.
  Error missing(std::string_view key) const;

  const std::string& path() const { return path_; }

 private:
  const KeyTable& table_;
  std::string path_;
  std::vector<std::string>& warnings_;
  std::vector<std::pair<std::string, std::string_view>> misspellings_;  // key, meant key
};

}  // namespace ferry::config
