// What a reload (SIGHUP) does with the top-level keys, so that none is ignored silently: the
// ones the running process applies are listed ("key old -> new"), the ones that change only at
// the next start are named in a warning and kept at their running values in the new
// configuration (flow keys, s3.*, the stream services, credentials and HTTP tuning are applied
// by the run that follows the reload, which builds its clients anew).
#pragma once

#include <string>
#include <vector>

#include "agent/config/config.hpp"

namespace ferry {

struct ReloadSettings {
  std::vector<std::string> applied;   // "metrics.unhealthyAfterSeconds 60 -> 7"
  std::vector<std::string> warnings;  // "reload: checkpointFile changes only at the next start"
};

// `log_file_from_cli`: --log-file (-l) names the log file, whatever log.file says.
ReloadSettings settle_reload_settings(const config::Config& running, config::Config& next,
                                      bool log_file_from_cli);

}  // namespace ferry
