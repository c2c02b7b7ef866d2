// Key prefix rendering and unique object names.
#include "core/batch/object_key.hpp"

#include <cstdio>

#include "core/text.hpp"

namespace ferry {
namespace {

void append_number(std::string& out, int value, int width) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%0*d", width, value);
  out.append(buf);
}

}  // namespace

std::string render_key_prefix(std::string_view key_prefix, std::time_t utc_seconds,
                              std::string_view flow, std::string_view host) {
  std::tm utc{};
  gmtime_r(&utc_seconds, &utc);
  std::string out;
  out.reserve(key_prefix.size() + 32);
  for (size_t i = 0; i < key_prefix.size(); ++i) {
    const char c = key_prefix[i];
    if (c == '%' && i + 1 < key_prefix.size()) {
      const char field = key_prefix[++i];
      switch (field) {
        case 'Y': append_number(out, utc.tm_year + 1900, 4); break;
        case 'm': append_number(out, utc.tm_mon + 1, 2); break;
        case 'd': append_number(out, utc.tm_mday, 2); break;
        case 'H': append_number(out, utc.tm_hour, 2); break;
        case 'M': append_number(out, utc.tm_min, 2); break;
        case 'S': append_number(out, utc.tm_sec, 2); break;
        case 'j': append_number(out, utc.tm_yday + 1, 3); break;
        case '%': out.push_back('%'); break;
        default: out.push_back('%'); out.push_back(field);
      }
      continue;
    }
    if (c == '{') {
      const std::string_view rest = key_prefix.substr(i);
      if (rest.starts_with("{flow}")) {
        out.append(flow);
        i += 5;
        continue;
      }
      if (rest.starts_with("{host}")) {
        out.append(host);
        i += 5;
        continue;
      }
    }
    out.push_back(c);
  }
  return out;
}

std::string sanitize_key_component(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '_' || c == '-';
    out.push_back(safe ? c : '-');
  }
  if (out.empty()) out = "unknown";
  return out;
}

std::string object_name(const ObjectNameParts& parts) {
  std::tm utc{};
  gmtime_r(&parts.utc_seconds, &utc);
  char stamp[64];
  std::snprintf(stamp, sizeof stamp, "%04d%02d%02dT%02d%02d%02dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
  char sequence[24];
  std::snprintf(sequence, sizeof sequence, "%06llu",
                static_cast<unsigned long long>(parts.sequence));
  return cat(parts.host, "_", parts.flow, "_", stamp, "_", hex64(parts.run_id), "_", sequence,
             ".json.zst");
}

}  // namespace ferry
