// ferry's entry point: command line, configuration, signals, then the pipeline.
// Exit codes: 0 delivered, 1 not everything could be delivered, 2 bad configuration or usage.
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "agent/cli.hpp"
#include "agent/config.hpp"
#include "agent/pipeline.hpp"
#include "agent/redact_command.hpp"
#include "core/log.hpp"
#include "core/text.hpp"
#include "io/unique_fd.hpp"

namespace {

constexpr int kExitDelivered = 0;
constexpr int kExitUndelivered = 1;
constexpr int kExitConfig = 2;

std::optional<ferry::log::Level> parse_level(std::string_view name) {
  if (name == "debug") return ferry::log::Level::debug;
  if (name == "info") return ferry::log::Level::info;
  if (name == "warn") return ferry::log::Level::warn;
  if (name == "error") return ferry::log::Level::error;
  return std::nullopt;
}

ferry::log::Level to_log_level(ferry::config::LogLevel level) {
  switch (level) {
    case ferry::config::LogLevel::debug: return ferry::log::Level::debug;
    case ferry::config::LogLevel::info: return ferry::log::Level::info;
    case ferry::config::LogLevel::warn: return ferry::log::Level::warn;
    case ferry::config::LogLevel::error: return ferry::log::Level::error;
  }
  return ferry::log::Level::info;
}

void print_summary(const ferry::config::Config& config) {
  std::printf("configuration ok: %zu flow(s); checkpoint %s\n", config.flows.size(),
              config.checkpoint_file.c_str());
  for (const auto& flow : config.flows) {
    std::string destination;
    if (const auto* s3 = std::get_if<ferry::config::S3Destination>(&flow.destination))
      destination = ferry::cat("s3://", s3->bucket, "/", flow.object.key_prefix, " (part ",
                               s3->part_size_bytes, " B)");
    else
      destination = ferry::cat(std::get<ferry::config::DirectoryDestination>(flow.destination).path,
                               "/", flow.object.key_prefix);
    std::printf(
        "  flow %s: %s -> %s; zstd level %d; objects up to %llu B / %llu ms; %zu "
        "redaction rule(s); starts at %s\n",
        flow.name.c_str(), flow.file_pattern.c_str(), destination.c_str(),
        flow.object.compression_level,
        static_cast<unsigned long long>(flow.object.max_object_bytes),
        static_cast<unsigned long long>(flow.object.max_object_age_millis), flow.redact.size(),
        flow.initial_position == ferry::config::InitialPosition::start_of_file ? "START_OF_FILE"
                                                                               : "END_OF_FILE");
  }
}

}  // namespace

int main(int argc, char** argv) {
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
    cli_level = parse_level(*cli->log_level);
    if (!cli_level) {
      std::fprintf(stderr, "ferry: --log-level must be debug, info, warn or error, got %s\n",
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
  ferry::log::set_level(cli_level.value_or(to_log_level(config.log_level)));
  for (const auto& warning : parsed->warnings) FERRY_WARN(warning);
  if (cli->check_config) {
    print_summary(config);
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
    std::fprintf(stderr, "ferry redact: %llu record(s), %llu redacted, %llu invalid\n",
                 static_cast<unsigned long long>(counts.records),
                 static_cast<unsigned long long>(counts.redacted),
                 static_cast<unsigned long long>(counts.invalid));
    if (counts.unterminated_bytes > 0) {
      std::fprintf(stderr, "ferry redact: %llu byte(s) after the last newline not shipped\n",
                   static_cast<unsigned long long>(counts.unterminated_bytes));
    }
    return std::cout ? kExitDelivered : kExitUndelivered;
  }

  // SIGTERM/SIGINT arrive through a signalfd that the reactor reads in its ring; blocked here
  // before any thread starts, so every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  ferry::UniqueFd signal_fd(::signalfd(-1, &signals, SFD_CLOEXEC));

  FERRY_INFO(ferry::cat("ferry ", FERRY_VERSION, " starting: ", config.flows.size(), " flow(s), ",
                        cli->once ? "--once" : "following files"));
  ferry::RunOptions run_options;
  run_options.once = cli->once;
  run_options.signal_fd = signal_fd.get();
  run_options.workers = cli->workers;
  auto summary = ferry::run_pipeline(config, run_options);
  if (!summary) {
    FERRY_ERROR(summary.error().message);
    return kExitUndelivered;
  }
  const double mb = static_cast<double>(summary->bytes_read) / 1e6;
  const ferry::ShipperStats& shipped = summary->shipped;
  FERRY_INFO(
      ferry::cat("done: ", shipped.records, " records (", shipped.redacted, " redacted, ",
                 shipped.invalid, " invalid), ", summary->bytes_read, " bytes read, ",
                 shipped.objects, " objects, ", shipped.compressed_bytes, " bytes compressed, ",
                 static_cast<uint64_t>(summary->seconds * 1000), " ms, ",
                 static_cast<uint64_t>(summary->seconds > 0 ? mb / summary->seconds : 0), " MB/s"));
  return kExitDelivered;
}
