// "Did you mean ...?" suggestions for misspelled keys and enum values in the configuration.
// Pure functions, any thread.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace ferry::config {

// Optimal string alignment distance: insertions, deletions, substitutions and transpositions of
// adjacent characters each cost 1.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate `word` was most likely meant to be: equal ignoring case, a prefix of the other
// (at least 3 characters), or within a small edit distance (at most 2, and less than half the
// candidate's length). Empty when none is close.
std::string_view closest_match(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace ferry::config
