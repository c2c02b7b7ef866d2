// Command line parsing: flags, their values, and the usage text.
#include "agent/commands/cli.hpp"

#include <optional>
#include <string_view>

#include "core/text.hpp"

namespace ferry {

const char* usage_text() {
  return R"(usage: ferry [--config PATH] [--once] [--check-config [--probe]] [--log-level LEVEL]
             [--log-file FILE]
       ferry redact [--config PATH] --flow NAME|INDEX
       ferry athena-ddl [--config PATH] --flow NAME|INDEX [--sample FILE]...
                        [--schema wickr|sample] [--table NAME] [--location S3URL]
                        [--since DATE]
       ferry migrate [--config PATH] [--from DB] [--dry-run] [--force]
       ferry --version | --help

Ships records from files to S3 (or a local directory), redacted on the host and
compressed with zstd. Reads the Kinesis Agent's agent.json.

  --config PATH      configuration file (default /etc/aws-kinesis/agent.json)
  --once             ship what the matched files hold now, complete every object,
                     write the checkpoint and exit (0: all delivered, 1: not)
  --check-config     validate the configuration, print its flows, exit (2: invalid)
  --probe            with --check-config: try every S3 request ferry needs (PutObject,
                     HeadObject, multipart, ListParts, Abort) on a probe object per
                     destination ("<keyPrefix>_ferry-probe-<host>"); exit 1 if any is refused
  --log-level LEVEL  debug | info | warn | error (overrides "log.level"; the Kinesis
                     Agent's TRACE | DEBUG | INFO | WARN | ERROR are read too)
  --log-file FILE    also write the log to FILE, in the Kinesis Agent's layout, rolled
                     over by size (overrides "log.file")
  --workers N        compression threads (default: one per available CPU, at most 4)
  --version          print the version
  --help             print this text

ferry redact reads lines on stdin and prints, uncompressed, what the flow (by name,
or its index in "flows" from 0) would ship for them; a summary goes to stderr.

ferry athena-ddl prints an Athena CREATE EXTERNAL TABLE for the flow's objects:
columns inferred from its files (or --sample files) as the flow ships them, united
with the documented Wickr message shape, shipped through the same rules, when the
records are Wickr messages (--schema wickr: always; --schema sample: never);
partition projection from its keyPrefix (docs/operations.md).

ferry migrate carries the Kinesis Agent's checkpoints over: it reads its SQLite
database (--from, default /var/run/aws-kinesis-agent/checkpoints) read-only and
records in ferry's checkpointFile where each flow resumes, for the files that are
still the ones checkpointed; every row and file is reported. Stop the Kinesis Agent
first. --dry-run writes nothing; --force replaces positions ferry already has
(docs/migrating-from-kinesis-agent.md).

Without --once, ferry follows the files until SIGTERM or SIGINT, then completes
open objects, writes the checkpoint and exits 0.

The Kinesis Agent's arguments (its AGENT_ARGS) are understood: -c/--configuration
PATH, -L/--log-level LEVEL, and -l/--log-file FILE; "--flag=VALUE" works for every
flag that takes a value.
)";
}

namespace {

// The flags that take a value (the only ones "--flag=VALUE" may spell).
bool value_taken(std::string_view flag) {
  for (std::string_view taking : {"--config", "-c", "--configuration", "--log-level", "-L",
                                  "--log-file", "-l", "--workers", "--flow"})
    if (flag == taking) return true;
  return false;
}

}  // namespace

Result<CliOptions> parse_cli(const std::vector<std::string>& args) {
  CliOptions options;
  size_t first = 0;
  if (!args.empty() && args[0] == "redact") {
    options.redact = true;
    first = 1;
  }
  for (size_t i = first; i < args.size(); ++i) {
    std::string arg = args[i];
    // "--flag=VALUE" (the Kinesis Agent's JCommander takes "="), else the next argument.
    std::optional<std::string> inline_value;
    if (const size_t equals = arg.find('='); arg.starts_with("-") && equals != std::string::npos) {
      inline_value = arg.substr(equals + 1);
      arg.resize(equals);
    }
    auto value = [&](std::string_view flag) -> Result<std::string> {
      if (inline_value) return *inline_value;
      if (i + 1 >= args.size()) return make_error(cat(flag, " needs a value"));
      return args[++i];
    };
    if (arg == "--once") {
      options.once = true;
    } else if (arg == "--check-config") {
      options.check_config = true;
    } else if (arg == "--probe") {
      options.check_config = options.probe = true;
    } else if (arg == "--version") {
      options.version = true;
    } else if (arg == "--help" || arg == "-h") {
      options.help = true;
    } else if (arg == "--config" || arg == "-c" || arg == "--configuration") {
      auto v = value(arg);
      if (!v) return v.error();
      options.config_path = v.value();  // a later one wins (AGENT_ARGS after the unit's)
    } else if (arg == "--log-level" || arg == "-L") {
      auto v = value(arg);
      if (!v) return v.error();
      options.log_level = v.value();
    } else if (arg == "--log-file" || arg == "-l") {
      auto v = value(arg);
      if (!v) return v.error();
      options.log_file = v.value();
    } else if (arg == "--workers") {
      auto v = value(arg);
      if (!v) return v.error();
      const std::string& text = v.value();
      if (text.empty() || text.size() > 3 ||
          text.find_first_not_of("0123456789") != std::string::npos || std::stoul(text) == 0 ||
          std::stoul(text) > 256)
        return make_error(cat("--workers must be a number from 1 to 256, got ", text));
      options.workers = static_cast<unsigned>(std::stoul(text));
    } else if (arg == "--flow" && options.redact) {
      auto v = value(arg);
      if (!v) return v.error();
      options.flow = v.value();
    } else {
      return make_error(cat("unknown argument ", args[i], " (see --help)"));
    }
    if (inline_value && !value_taken(arg))
      return make_error(cat(arg, " takes no value, got ", args[i]));
  }
  if (options.redact && options.flow.empty()) return make_error("ferry redact needs --flow");
  if (options.redact && (options.once || options.check_config)) {
    return make_error("ferry redact takes only --config, --flow and --log-level");
  }
  return options;
}

}  // namespace ferry
