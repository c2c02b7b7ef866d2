// The configuration a subcommand with arguments of its own (athena-ddl, migrate) runs on.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "agent/config/config.hpp"

namespace ferry {

// The configuration at `path`, or nothing once its error is printed on `err` (the subcommand
// then exits 2).
std::optional<config::Parsed> load_command_config(const std::string& path, std::ostream& err);

}  // namespace ferry
