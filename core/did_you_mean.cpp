// Suggestions for misspellings (see did_you_mean.hpp).
// Words longer than kMaxWord get no suggestion, which keeps the quadratic distance cheap.
#include "core/did_you_mean.hpp"

#include <algorithm>
#include <vector>

namespace ferry::config {
namespace {

constexpr std::size_t kMaxWord = 64;

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  // Three rows of the dynamic-programming table: two back (for transpositions), previous, current.
  std::vector<std::size_t> two_back(m + 1), previous(m + 1), current(m + 1);
  for (std::size_t j = 0; j <= m; ++j) previous[j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], two_back[j - 2] + 1);
      }
    }
    std::swap(two_back, previous);
    std::swap(previous, current);
  }
  return previous[m];
}

std::string_view closest_match(std::string_view word,
                               std::span<const std::string_view> candidates) {
  if (word.empty() || word.size() > kMaxWord) return {};
  for (std::string_view candidate : candidates) {
    if (equal_ignoring_case(word, candidate)) return candidate;
  }
  // "warning" for "warn", "nam" for "name": one is a prefix of the other.
  for (std::string_view candidate : candidates) {
    const std::string_view shorter = word.size() < candidate.size() ? word : candidate;
    if (shorter.size() >= 3 && (word.starts_with(candidate) || candidate.starts_with(word))) {
      return candidate;
    }
  }
  std::string_view best;
  std::size_t best_distance = 3;
  for (std::string_view candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate);
    if (distance < best_distance && 2 * distance < candidate.size()) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

}  // namespace ferry::config
