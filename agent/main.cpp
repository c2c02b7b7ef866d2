// ferry's entry point: command line and configuration, then a subcommand or the agent.
// Exit codes: 0 delivered, 1 not everything could be delivered, 2 bad configuration or usage.
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "agent/commands/athena_ddl_command.hpp"
#include "agent/commands/cli.hpp"
#include "agent/config/config.hpp"
#include "agent/commands/migrate_command.hpp"
#include "agent/commands/probe_command.hpp"
#include "agent/commands/redact_command.hpp"
#include "agent/run_command.hpp"
#include "core/observe/log.hpp"
#include "core/text.hpp"
#include "io/checkpoint_store.hpp"

namespace {

using ferry::kExitConfig;
using ferry::kExitDelivered;
using ferry::kExitUndelivered;

void print_summary(const ferry::config::Config& config) {
  std::printf("configuration ok: %zu flow(s); checkpoint %s\n", config.flows.size(),
              config.checkpoint_file.c_str());
  for (const auto& flow : config.flows) {
    using ferry::cat;
    std::string destination;
    const std::string objects =
        cat("zstd level ", flow.object.compression_level, "; objects up to ",
            flow.object.max_object_bytes, " B / ", flow.object.max_object_age_millis, " ms");
    if (const auto* s3 = std::get_if<ferry::config::S3Destination>(&flow.destination))
      destination = cat("s3://", s3->bucket, "/", flow.object.key_prefix, " (part ",
                        s3->part_size_bytes, " B); ", objects);
    else if (const auto* stream = std::get_if<ferry::config::StreamDestination>(&flow.destination))
      destination = cat(
          stream->kind == ferry::config::StreamDestination::Kind::firehose ? "Firehose delivery "
                                                                           : "Kinesis data ",
          "stream ", stream->name, "; calls of up to ", stream->max_buffer_size_records,
          " records / ", stream->max_buffer_size_bytes, " B, sent within ",
          flow.max_buffer_age_millis, " ms");
    else
      destination = cat(std::get<ferry::config::DirectoryDestination>(flow.destination).path, "/",
                        flow.object.key_prefix, "; ", objects);
    std::printf("  flow %s: %s -> %s; %zu redaction rule(s); starts at %s\n", flow.name.c_str(),
                flow.file_pattern.c_str(), destination.c_str(), flow.redact.size(),
                flow.initial_position == ferry::config::InitialPosition::start_of_file
                    ? "START_OF_FILE"
                    : "END_OF_FILE");
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "athena-ddl") {
    return ferry::run_athena_ddl_command(std::vector<std::string>(argv + 2, argv + argc), std::cout,
                                         std::cerr);
  }
  if (argc > 1 && std::string_view(argv[1]) == "migrate") {
    return ferry::run_migrate_command(std::vector<std::string>(argv + 2, argv + argc), std::cout,
                                      std::cerr);
  }
  auto cli = ferry::parse_cli(std::vector<std::string>(argv + 1, argv + argc));
  if (!cli) {
    std::fprintf(stderr, "ferry: %s\n", cli.error().message.c_str());
    return kExitConfig;
  }
  if (cli->help) {
    std::fputs(ferry::usage_text(), stdout);
    return kExitDelivered;
  }
  if (cli->version) {
    std::printf("ferry %s\n", FERRY_VERSION);
    return kExitDelivered;
  }
  std::optional<ferry::log::Level> cli_level;
  if (cli->log_level) {
    cli_level = ferry::parse_log_level(*cli->log_level);
    if (!cli_level) {
      std::fprintf(stderr,
                   "ferry: --log-level must be debug, info, warn or error (or TRACE, DEBUG, INFO, "
                   "WARN, ERROR), got %s\n",
                   cli->log_level->c_str());
      return kExitConfig;
    }
  }

  auto parsed = ferry::config::load(cli->config_path);
  if (!parsed) {
    std::fprintf(stderr, "%s\n", parsed.error().message.c_str());
    return kExitConfig;
  }
  const ferry::config::Config& config = parsed->config;
  ferry::apply_log_settings(config, *cli);
  // The agent's lines, from these warnings on, go to log.file too; the other commands log to
  // stderr only. Destroyed last: it writes what is queued.
  std::unique_ptr<ferry::LogFileWriter> log_file;
  if (!cli->check_config && !cli->redact) log_file = ferry::start_log_file(config, *cli);
  for (const auto& warning : parsed->warnings) FERRY_WARN(warning);
  for (const auto& note : parsed->notes) FERRY_INFO(note);
  if (cli->check_config) {
    // A checkpoint ferry could not resume from (damaged, or the Kinesis Agent's SQLite database
    // under a kept checkpointFile) is reported here, before a service restarts into it.
    if (auto checkpoint = ferry::load_checkpoint(config.checkpoint_file); !checkpoint) {
      std::fprintf(stderr, "%s\n", checkpoint.error().message.c_str());
      return kExitConfig;
    }
    print_summary(config);
    if (cli->probe) {
      const int code = ferry::run_probe(config, std::cout);
      std::cout.flush();
      return code;
    }
    return kExitDelivered;
  }
  if (cli->redact) {
    const auto flow = ferry::find_flow(config, cli->flow);
    if (!flow) {
      std::fprintf(stderr, "ferry: redact: no flow named or numbered %s\n", cli->flow.c_str());
      return kExitConfig;
    }
    const auto counts = ferry::run_redact_command(config.flows[*flow], std::cin, std::cout);
    std::cout.flush();
    std::fprintf(stderr,
                 "ferry redact: %llu record(s), %llu redacted, %llu invalid, %llu dropped\n",
                 static_cast<unsigned long long>(counts.records),
                 static_cast<unsigned long long>(counts.redacted),
                 static_cast<unsigned long long>(counts.invalid),
                 static_cast<unsigned long long>(counts.dropped));
    for (size_t r = 0; r < counts.rules.size(); ++r) {
      const std::string line =
          ferry::describe_audit(r, ferry::describe(config.flows[*flow].redact[r]), counts.rules[r]);
      std::fprintf(stderr, "ferry redact: %s\n", line.c_str());
    }
    if (counts.unterminated_bytes > 0) {
      std::fprintf(stderr, "ferry redact: %llu byte(s) after the last newline not shipped\n",
                   static_cast<unsigned long long>(counts.unterminated_bytes));
    }
    return std::cout ? kExitDelivered : kExitUndelivered;
  }

  return ferry::run_agent(*cli, std::move(parsed->config));
}
