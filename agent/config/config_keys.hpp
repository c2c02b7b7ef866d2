// The keys each object of agent.json may hold: those ferry acts on, the Kinesis Agent's keys
// ferry accepts without acting on yet, and the Kinesis Agent's keys that tune the JVM agent's
// internals and mean nothing to ferry (no-ops: type-checked, then an info note). Anything else is
// an unknown key: a warning, never an error.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/config/config_values.hpp"
#include "core/result.hpp"

namespace ferry::config {

// A Kinesis Agent key without meaning in ferry; its value must still have the right type.
struct NoopKey {
  enum class Type { uint, boolean, string };
  std::string_view name;
  Type type;
  std::string_view why;  // completes "has no effect in ferry: <why>"
};

struct KeyTable {
  std::span<const std::string_view> known;     // acted on by ferry
  std::span<const std::string_view> accepted;  // Kinesis Agent keys ferry ignores for now
  std::span<const NoopKey> noop = {};          // Kinesis Agent keys that are no-ops in ferry
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
  // `notes` receives the info notes of no-op keys.
  KeyChecker(const KeyTable& table, std::string path, std::vector<std::string>& warnings,
             std::vector<std::string>& notes)
      : table_(table), path_(std::move(path)), warnings_(warnings), notes_(&notes) {}

  // A key the parser did not handle: "accepted but not implemented yet" or "unknown key".
  void unhandled(std::string_view key);

  // As unhandled(key), but a no-op key of the table is type-checked (an error names the key)
  // and noted: "config: <path>: has no effect in ferry: <why>".
  Status unhandled(std::string_view key, element value);

  // A known Kinesis Agent key whose value ferry can safely ignore: "accepted but not implemented".
  void ignored(std::string_view key);

  // "config: <path>.<key>: required key missing", plus a hint naming a likely misspelling.
  Error missing(std::string_view key) const;

  const std::string& path() const { return path_; }

 private:
  const KeyTable& table_;
  std::string path_;
  std::vector<std::string>& warnings_;
  std::vector<std::string>* notes_ = nullptr;  // null: notes go to warnings_
  std::vector<std::pair<std::string, std::string_view>> misspellings_;  // key, meant key
};

}  // namespace ferry::config
