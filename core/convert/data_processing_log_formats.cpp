// Hand-written matchers equivalent to the Java agent's log format regexes. Each function below
// names the pattern piece it stands for; the comments explain where backtracking cannot change
// the outcome, which is what lets a single forward pass decide the match.
#include "core/convert/data_processing_log_formats.hpp"

#include <algorithm>

#include "core/convert/data_processing_text.hpp"

namespace ferry::processing {

namespace {

constexpr std::array<std::string_view, 7> kCommonNames = {
    "host", "ident", "authuser", "datetime", "request", "response", "bytes"};
constexpr std::array<std::string_view, 9> kCombinedNames = {
    "host", "ident", "authuser", "datetime", "request", "response", "bytes", "referer", "agent"};
constexpr std::array<std::string_view, 7> kErrorNames = {
    "timestamp", "module", "severity", "processid", "threadid", "client", "message"};
constexpr std::array<std::string_view, 5> kSyslogNames = {"timestamp", "hostname", "program",
                                                          "processid", "message"};

constexpr std::array<std::string_view, 23> kMonths = {
    "Jan",       "January", "Feb",     "February", "Mar",      "March", "Apr",     "April",
    "May",       "Jun",     "June",    "Jul",      "July",     "Aug",   "August",  "Sep",
    "September", "Oct",     "October", "Nov",      "November", "Dec",   "December"};
constexpr std::array<std::string_view, 14> kDays = {
    "Mon",      "Monday", "Tue",    "Tuesday", "Wed",      "Wednesday", "Thu",
    "Thursday", "Fri",    "Friday", "Sat",     "Saturday", "Sun",       "Sunday"};

bool is_user_char(char c) {
  return is_java_word(c) || c == '.' || c == '-';
}  // [a-zA-Z0-9._-]
bool is_prog_char(char c) {
  return is_user_char(c) || c == '/' || c == '%';
}  // [\w._/%-]

// A position in the line; every matcher advances it only on success.
struct Cursor {
  std::string_view text;
  std::size_t at = 0;

  bool done() const { return at >= text.size(); }
  char peek() const { return done() ? '\0' : text[at]; }
  bool literal(std::string_view expected) {
    if (text.substr(at).substr(0, expected.size()) != expected) return false;
    at += expected.size();
    return true;
  }
  std::size_t count_while(bool (*accept)(char), std::size_t from) const {
    std::size_t end = from;
    while (end < text.size() && accept(text[end])) ++end;
    return end - from;
  }
  // `[class]+` where what follows cannot be in the class: the whole run, at least one char.
  std::optional<std::string_view> run(bool (*accept)(char)) {
    const std::size_t length = count_while(accept, at);
    if (length == 0) return std::nullopt;
    const std::string_view value = text.substr(at, length);
    at += length;
    return value;
  }
  bool spaces() {  // \s+
    const std::size_t length = count_while(is_java_space, at);
    at += length;
    return length > 0;
  }
  std::string_view since(std::size_t begin) const { return text.substr(begin, at - begin); }
};

bool is_digit_char(char c) {
  return is_digit(c);
}
bool is_word_char(char c) {
  return is_java_word(c);
}
bool is_not_space(char c) {
  return !is_java_space(c);
}

// A run of 1 or 2 digits, as the alternations of MONTHDAY, HOUR and SECOND need: the pieces that
// follow them never start with a digit, so a longer run cannot match.
std::optional<std::string_view> one_or_two_digits(Cursor& c) {
  const std::size_t length = c.count_while(is_digit_char, c.at);
  if (length == 0 || length > 2) return std::nullopt;
  const std::string_view value = c.text.substr(c.at, length);
  c.at += length;
  return value;
}

bool monthday(Cursor& c) {  // 0[1-9] | [12][0-9] | 3[01] | [1-9]
  const std::size_t begin = c.at;
  const auto digits = one_or_two_digits(c);
  if (!digits) return false;
  const bool ok = digits->size() == 1
                      ? (*digits)[0] != '0'
                      : ((*digits)[0] == '0' && (*digits)[1] != '0') || (*digits)[0] == '1' ||
                            (*digits)[0] == '2' || (*digits == "30" || *digits == "31");
  if (!ok) c.at = begin;
  return ok;
}

// \b(?:Jan(?:uary)?|...)\b: the \w run at the cursor must be one of the names.
bool month(Cursor& c) {
  const std::size_t begin = c.at;
  const auto word = c.run(is_word_char);
  if (word && std::find(kMonths.begin(), kMonths.end(), *word) != kMonths.end()) return true;
  c.at = begin;
  return false;
}

// DAY is always followed by \s+: the non-space run must be one of the names.
bool day(Cursor& c) {
  const std::size_t begin = c.at;
  const auto word = c.run(is_not_space);
  if (word && std::find(kDays.begin(), kDays.end(), *word) != kDays.end()) return true;
  c.at = begin;
  return false;
}

bool year(Cursor& c) {  // [1-9]\d*
  if (c.peek() < '1' || c.peek() > '9') return false;
  c.run(is_digit_char);
  return true;
}

// HOUR:MINUTE:SECOND with SECOND's optional [:.,]\d+ fraction. Whatever follows TIME in every
// format (\s, ' ', ']') is neither a digit nor [:.,], so greedy choices are the only ones.
bool time(Cursor& c) {
  const std::size_t begin = c.at;
  const auto fail = [&] {
    c.at = begin;
    return false;
  };
  const auto hour = one_or_two_digits(c);  // 2[0-3] | [01]?[0-9]
  if (!hour ||
      (hour->size() == 2 && !((*hour)[0] <= '1' || ((*hour)[0] == '2' && (*hour)[1] <= '3'))))
    return fail();
  if (!c.literal(":")) return fail();
  if (c.count_while(is_digit_char, c.at) != 2 || c.peek() > '5') return fail();  // [0-5][0-9]
  c.at += 2;
  if (!c.literal(":")) return fail();
  const auto second = one_or_two_digits(c);  // [0-5]?[0-9] | 60
  if (!second || (second->size() == 2 && (*second)[0] > '5' && *second != "60")) return fail();
  const char separator = c.peek();
  if ((separator == ':' || separator == '.' || separator == ',') &&
      c.count_while(is_digit_char, c.at + 1) > 0) {
    ++c.at;
    c.run(is_digit_char);
  }
  return true;
}

bool java_int(Cursor& c) {  // [+-]?[0-9]+
  const std::size_t begin = c.at;
  if (c.peek() == '+' || c.peek() == '-') ++c.at;
  if (c.run(is_digit_char)) return true;
  c.at = begin;
  return false;
}

// HOSTNAME | IP: either [\w-]+(\.[\w-]+)*\.? or [\d.]+ (HOSTNAME's `(?:\.?|\b)` can always take
// its empty first branch).
bool valid_host(std::string_view host) {
  if (host.empty()) return false;
  if (std::all_of(host.begin(), host.end(), [](char ch) { return is_digit(ch) || ch == '.'; }))
    return true;
  std::string_view labels = host;
  if (labels.back() == '.') labels.remove_suffix(1);
  std::size_t label = 0;
  for (const char ch : labels) {
    if (ch == '.') {
      if (label == 0) return false;
      label = 0;
    } else if (is_java_word(ch) || ch == '-') {
      ++label;
    } else {
      return false;
    }
  }
  return label > 0;
}

// (IPORHOST|...) followed by `terminator`, which no host char equals: the text up to it.
std::optional<std::string_view> host_until(Cursor& c, char terminator) {
  const std::size_t end = c.text.find(terminator, c.at);
  if (end == std::string_view::npos) return std::nullopt;
  const std::string_view host = c.text.substr(c.at, end - c.at);
  if (!valid_host(host)) return std::nullopt;
  c.at = end;
  return host;
}

// (USER) followed by ' ': the text up to the next space, all [a-zA-Z0-9._-].
std::optional<std::string_view> user(Cursor& c) {
  const auto value = c.run(is_user_char);
  if (!value || c.peek() != ' ') return std::nullopt;
  return value;
}

// "([^"]+)": the text between this quote and the next one, not empty.
std::optional<std::string_view> quoted(Cursor& c) {
  if (!c.literal("\"")) return std::nullopt;
  const std::size_t end = c.text.find('"', c.at);
  if (end == std::string_view::npos || end == c.at) return std::nullopt;
  const std::string_view value = c.text.substr(c.at, end - c.at);
  c.at = end + 1;
  return value;
}

// (INT|\-): INT first, so "-5" is "-5" and a lone "-" is "-".
std::optional<std::string_view> int_or_dash(Cursor& c) {
  const std::size_t begin = c.at;
  if (java_int(c) || c.literal("-")) return c.since(begin);
  return std::nullopt;
}

bool apache_access(std::string_view line, bool combined, LogFields& fields) {
  Cursor c{line};
  const auto host = host_until(c, ' ');
  if (!host || !c.literal(" ")) return false;
  const auto ident = user(c);
  if (!ident || !c.literal(" ")) return false;
  const auto authuser = user(c);
  if (!authuser || !c.literal(" [")) return false;
  // HTTPDATE: MONTHDAY/MONTH/YEAR:TIME\sINT
  const std::size_t date_begin = c.at;
  if (!monthday(c) || !c.literal("/") || !month(c) || !c.literal("/") || !year(c) ||
      !c.literal(":") || !time(c) || !is_java_space(c.peek()))
    return false;
  ++c.at;
  if (!java_int(c)) return false;
  const std::string_view datetime = c.since(date_begin);
  if (!c.literal("] ")) return false;
  const auto request = quoted(c);
  if (!request || !c.literal(" ")) return false;
  const auto response = int_or_dash(c);
  if (!response || !c.literal(" ")) return false;
  const auto bytes = int_or_dash(c);
  if (!bytes) return false;
  fields.values = {host, ident, authuser, datetime, request, response, bytes};
  fields.count = 7;
  if (combined) {
    if (!c.literal(" ")) return false;
    const auto referer = quoted(c);
    if (!referer || !c.literal(" ")) return false;
    const auto agent = quoted(c);
    if (!agent) return false;
    fields.values[7] = referer;
    fields.values[8] = agent;
    fields.count = 9;
  }
  return java_dot_matches_all(line.substr(c.at));  // the trailing `.*`
}

bool apache_error(std::string_view line, LogFields& fields) {
  Cursor c{line};
  if (!c.literal("[")) return false;
  const std::size_t stamp_begin = c.at;  // DAY\s+MONTH\s+MONTHDAY\s+TIME\s+YEAR
  if (!day(c) || !c.spaces() || !month(c) || !c.spaces() || !monthday(c) || !c.spaces() ||
      !time(c) || !c.spaces() || !year(c))
    return false;
  const std::string_view timestamp = c.since(stamp_begin);
  if (!c.literal("] [")) return false;
  std::optional<std::string_view> module, severity = c.run(is_word_char);  // (?:(\w+):)?(\w+)
  if (!severity) return false;
  if (c.literal(":")) {
    module = severity;
    severity = c.run(is_word_char);
    if (!severity) return false;
  }
  if (!c.literal("] [pid ")) return false;
  const auto process = c.run(is_digit_char);
  if (!process) return false;
  std::optional<std::string_view> thread;
  if (c.literal(":tid ")) {
    thread = c.run(is_digit_char);
    if (!thread) return false;
  }
  if (!c.literal("] [client ")) return false;
  const std::size_t client_begin = c.at;  // URIHOST: IPORHOST(?::POSINT)?
  const std::size_t client_end = line.find(']', c.at);
  if (client_end == std::string_view::npos) return false;
  const std::string_view client = line.substr(client_begin, client_end - client_begin);
  const std::size_t colon = client.find(':');
  if (!valid_host(client.substr(0, colon))) return false;
  if (colon != std::string_view::npos) {
    const std::string_view port = client.substr(colon + 1);
    if (port.empty() || port[0] == '0' || !std::all_of(port.begin(), port.end(), is_digit_char))
      return false;
  }
  c.at = client_end;
  if (!c.literal("] ")) return false;
  const std::string_view message = line.substr(c.at);
  if (!java_dot_matches_all(message)) return false;
  fields.values = {timestamp, module, severity, process, thread, client, message};
  fields.count = 7;
  return true;
}

// \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[-+]\d{2}:\d{2})
bool rfc3339(Cursor& c) {
  const auto digits = [&](std::size_t n) {
    if (c.count_while(is_digit_char, c.at) < n) return false;
    c.at += n;
    return true;
  };
  if (!(digits(4) && c.literal("-") && digits(2) && c.literal("-") && digits(2) && c.literal("T") &&
        digits(2) && c.literal(":") && digits(2) && c.literal(":") && digits(2)))
    return false;
  if (c.peek() == '.' && c.count_while(is_digit_char, c.at + 1) > 0) {
    ++c.at;
    c.run(is_digit_char);
  }
  if (c.literal("Z")) return true;
  if (c.peek() != '+' && c.peek() != '-') return false;
  ++c.at;
  return digits(2) && c.literal(":") && digits(2);
}

// <NONNEGINT.NONNEGINT> followed by a space, `.` being any char but a line terminator: either
// <digits X digits> with X the first non-digit, or <digits> of at least three digits (X one of
// them). The two cannot both hold, so trying them in turn is the regex's answer.
bool syslog_facility(Cursor& c) {
  const std::size_t begin = c.at;
  if (!c.literal("<")) return false;
  const std::size_t first = c.count_while(is_digit_char, c.at);
  if (first >= 3 && c.text.substr(c.at + first).starts_with("> ")) {
    c.at += first + 2;
    return true;
  }
  if (first >= 1 && c.at + first < c.text.size()) {
    const std::size_t x = c.at + first;
    const std::size_t second = c.count_while(is_digit_char, x + 1);
    const bool x_is_dot_char = java_dot_matches_all(c.text.substr(x, 1));
    if (x_is_dot_char && second >= 1 && c.text.substr(x + 1 + second).starts_with("> ")) {
      c.at = x + 1 + second + 2;
      return true;
    }
  }
  c.at = begin;
  return false;
}

bool syslog(std::string_view line, bool rfc3339_stamp, LogFields& fields) {
  Cursor c{line};
  const std::size_t stamp_begin = c.at;
  if (rfc3339_stamp) {
    if (!rfc3339(c)) return false;
  } else if (!month(c) || !c.spaces() || !monthday(c) || !c.spaces() || !time(c)) {
    return false;
  }
  const std::string_view timestamp = c.since(stamp_begin);
  if (!c.literal(" ")) return false;
  if (c.peek() == '<' && !syslog_facility(c)) return false;  // no USER starts with '<'
  const auto hostname = user(c);
  if (!hostname || !c.literal(" ")) return false;
  const auto program = c.run(is_prog_char);  // neither '[' nor ':' is a PROG char
  if (!program) return false;
  std::optional<std::string_view> process;
  if (c.literal("[")) {
    if (c.peek() < '1' || c.peek() > '9') return false;
    process = c.run(is_digit_char);
    if (!c.literal("]")) return false;
  }
  if (!c.literal(": ")) return false;
  const std::string_view message = line.substr(c.at);
  if (!java_dot_matches_all(message)) return false;
  fields.values = {timestamp, hostname, program, process, message};
  fields.count = 5;
  return true;
}

}  // namespace

std::span<const std::string_view> log_field_names(LogFormat format) {
  switch (format) {
    case LogFormat::common_apache: return kCommonNames;
    case LogFormat::combined_apache: return kCombinedNames;
    case LogFormat::apache_error: return kErrorNames;
    case LogFormat::syslog:
    case LogFormat::rfc3339_syslog: return kSyslogNames;
  }
  return kCommonNames;
}

bool parse_log_line(LogFormat format, std::string_view line, LogFields& fields) {
  fields = {};
  switch (format) {
    case LogFormat::common_apache: return apache_access(line, false, fields);
    case LogFormat::combined_apache: return apache_access(line, true, fields);
    case LogFormat::apache_error: return apache_error(line, fields);
    case LogFormat::syslog: return syslog(line, false, fields);
    case LogFormat::rfc3339_syslog: return syslog(line, true, fields);
  }
  return false;
}

}  // namespace ferry::processing
