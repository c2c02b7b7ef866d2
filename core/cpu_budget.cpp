#include "core/cpu_budget.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "core/text.hpp"

namespace ferry {

namespace {

// A decimal count as the kernel writes it (digits only, at most 18 of them).
std::optional<uint64_t> parse_count(std::string_view text) {
  return text.size() <= 18 ? parse_decimal(text, UINT64_MAX) : std::nullopt;
}

std::string_view trim_newline(std::string_view text) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  return text;
}

std::optional<double> limit_of(uint64_t quota, uint64_t period) {
  if (quota == 0 || period == 0) return std::nullopt;
  return static_cast<double>(quota) / static_cast<double>(period);
}

bool is_normal_absolute_path(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  size_t begin = 1;
  while (begin <= path.size()) {
    size_t end = path.find('/', begin);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view part = path.substr(begin, end - begin);
    if (part == "." || part == "..") return false;
    if (part.empty() && end != path.size()) return false;  // "//"
    begin = end + 1;
  }
  return path.find('\0') == std::string_view::npos;
}

bool names_controller(std::string_view list, std::string_view controller) {
  while (!list.empty()) {
    const size_t comma = list.find(',');
    if (list.substr(0, comma) == controller) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

std::optional<double> cgroup2_cpu_limit(std::string_view cpu_max) {
  cpu_max = trim_newline(cpu_max);
  const size_t space = cpu_max.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const std::string_view quota = cpu_max.substr(0, space);
  const auto period = parse_count(cpu_max.substr(space + 1));
  if (quota == "max" || !period) return std::nullopt;
  const auto count = parse_count(quota);
  return count ? limit_of(*count, *period) : std::nullopt;
}

std::optional<double> cgroup1_cpu_limit(std::string_view quota, std::string_view period) {
  quota = trim_newline(quota);
  if (quota == "-1") return std::nullopt;
  const auto count = parse_count(quota);
  const auto per = parse_count(trim_newline(period));
  return count && per ? limit_of(*count, *per) : std::nullopt;
}

std::optional<std::string> cgroup_path(std::string_view proc_self_cgroup,
                                       std::string_view controller) {
  while (!proc_self_cgroup.empty()) {
    const size_t newline = proc_self_cgroup.find('\n');
    const std::string_view line = proc_self_cgroup.substr(0, newline);
    proc_self_cgroup.remove_prefix(newline == std::string_view::npos ? proc_self_cgroup.size()
                                                                     : newline + 1);
    // hierarchy-ID:controller-list:path (the path may itself hold ':')
    const size_t first = line.find(':');
    if (first == std::string_view::npos) continue;
    const size_t second = line.find(':', first + 1);
    if (second == std::string_view::npos) continue;
    const std::string_view id = line.substr(0, first);
    const std::string_view controllers = line.substr(first + 1, second - first - 1);
    const std::string_view path = line.substr(second + 1);
    const bool wanted = controller.empty() ? id == "0" && controllers.empty()
                                           : names_controller(controllers, controller);
    if (!wanted) continue;
    if (!is_normal_absolute_path(path)) return std::nullopt;
    return std::string(path);
  }
  return std::nullopt;
}

unsigned available_cpus(unsigned allowed, std::optional<double> limit) {
  allowed = std::max(1u, allowed);
  if (!limit || !(*limit > 0)) return allowed;
  const double rounded = std::ceil(*limit);
  if (rounded >= static_cast<double>(allowed)) return allowed;
  return std::max(1u, static_cast<unsigned>(rounded));
}

std::string describe_cpu_budget(const CpuBudget& budget) {
  std::string out = cat(budget.allowed, budget.allowed == 1 ? " CPU" : " CPUs");
  if (!budget.limit) return out;
  char quota[32];
  std::snprintf(quota, sizeof quota, "%.2f", *budget.limit);
  return cat(out, ", cgroup quota ", quota, ": ", budget.available);
}

unsigned default_workers(unsigned available) {
  return std::clamp(available, 1u, kMaxDefaultWorkers);
}

}  // namespace ferry
