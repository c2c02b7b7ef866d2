// Loading a subcommand's configuration, its error reported (see the header).
#include "agent/commands/command_config.hpp"

#include <utility>

namespace ferry {

std::optional<config::Parsed> load_command_config(const std::string& path, std::ostream& err) {
  auto parsed = config::load(path);
  if (!parsed) {
    err << parsed.error().message << "\n";
    return std::nullopt;
  }
  return std::move(parsed).value();
}

}  // namespace ferry
