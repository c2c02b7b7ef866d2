// A forward-only scanner over S3's small XML documents: no DOM, no recursion, linear in the
// input, and every index checked against the input's size (it is fuzzed: fuzz/s3_xml_fuzz.cpp).
#include "core/aws/s3_xml.hpp"

#include <cstdint>

#include "core/text.hpp"

namespace ferry {
namespace {

bool is_name_end(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/' || c == '>';
}

// Index just past `terminator` at or after `from`, or npos.
size_t skip_past(std::string_view xml, size_t from, std::string_view terminator) {
  const size_t at = xml.find(terminator, from);
  return at == std::string_view::npos ? std::string_view::npos : at + terminator.size();
}

// Index just past the '>' closing a start tag that begins at `from`, honouring quoted
// attribute values (which may contain '>'); npos if unterminated.
size_t start_tag_end(std::string_view xml, size_t from) {
  char quote = 0;
  for (size_t i = from; i < xml.size(); ++i) {
    const char c = xml[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '>') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

std::string_view local_name(std::string_view qualified) {
  const size_t colon = qualified.rfind(':');
  return colon == std::string_view::npos ? qualified : qualified.substr(colon + 1);
}

struct StartTag {
  std::string_view qualified_name;
  size_t content_begin = 0;  // just past '>'
  bool self_closing = false;
};

// The next start tag at or after `from`, skipping declarations, comments, CDATA, doctype and
// end tags; `from` is advanced past it. nullopt when there is none (or the markup is cut off).
std::optional<StartTag> next_start_tag(std::string_view xml, size_t& from) {
  while (from < xml.size()) {
    const size_t lt = xml.find('<', from);
    if (lt == std::string_view::npos || lt + 1 >= xml.size()) return std::nullopt;
    const std::string_view rest = xml.substr(lt);
    size_t next = std::string_view::npos;
    if (rest.starts_with("<?")) {
      next = skip_past(xml, lt + 2, "?>");
    } else if (rest.starts_with("<!--")) {
      next = skip_past(xml, lt + 4, "-->");
    } else if (rest.starts_with("<![CDATA[")) {
      next = skip_past(xml, lt + 9, "]]>");
    } else if (rest.starts_with("<!") || rest.starts_with("</")) {
      next = start_tag_end(xml, lt + 2);
    } else {
      size_t name_end = lt + 1;
      while (name_end < xml.size() && !is_name_end(xml[name_end])) ++name_end;
      const size_t end = start_tag_end(xml, name_end);
      if (end == std::string_view::npos) return std::nullopt;
      from = end;
      StartTag tag;
      tag.qualified_name = xml.substr(lt + 1, name_end - lt - 1);
      tag.content_begin = end;
      tag.self_closing = end >= 2 && xml[end - 2] == '/';
      if (tag.qualified_name.empty()) continue;  // "< " is not a tag; keep scanning
      return tag;
    }
    if (next == std::string_view::npos) return std::nullopt;
    from = next;
  }
  return std::nullopt;
}

// Offset of the end tag "</qualified_name>" (optional whitespace before '>') at or after
// `from`; npos if absent.
size_t find_end_tag(std::string_view xml, size_t from, std::string_view qualified_name) {
  while (from < xml.size()) {
    const size_t at = xml.find("</", from);
    if (at == std::string_view::npos) return std::string_view::npos;
    size_t i = at + 2;
    if (xml.substr(i, qualified_name.size()) == qualified_name) {
      i += qualified_name.size();
      while (i < xml.size() &&
             (xml[i] == ' ' || xml[i] == '\t' || xml[i] == '\r' || xml[i] == '\n'))
        ++i;
      if (i < xml.size() && xml[i] == '>') return at;
    }
    from = at + 2;
  }
  return std::string_view::npos;
}

// Text content: entities decoded, CDATA copied verbatim, other markup dropped.
std::string text_of(std::string_view content) {
  std::string out;
  size_t i = 0;
  while (i < content.size()) {
    const size_t lt = content.find('<', i);
    const size_t text_end = lt == std::string_view::npos ? content.size() : lt;
    out.append(xml_decode(content.substr(i, text_end - i)));
    if (lt == std::string_view::npos) break;
    const std::string_view rest = content.substr(lt);
    size_t next;
    if (rest.starts_with("<![CDATA[")) {
      const size_t close = content.find("]]>", lt + 9);
      const size_t data_end = close == std::string_view::npos ? content.size() : close;
      out.append(content.substr(lt + 9, data_end - (lt + 9)));
      next = close == std::string_view::npos ? content.size() : close + 3;
    } else if (rest.starts_with("<!--")) {
      next = skip_past(content, lt + 4, "-->");
    } else {
      next = start_tag_end(content, lt + 1);
    }
    i = next == std::string_view::npos ? content.size() : next;
  }
  return out;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Value of a numeric reference body ("#123" or "#x1F"), or nullopt if malformed. Values past
// U+10FFFF saturate so that huge digit strings cannot overflow.
std::optional<uint32_t> numeric_reference(std::string_view body) {
  if (body.size() < 2 || body[0] != '#') return std::nullopt;
  const bool hex = body[1] == 'x' || body[1] == 'X';
  const std::string_view digits = body.substr(hex ? 2 : 1);
  if (digits.empty()) return std::nullopt;
  uint32_t value = 0;
  for (char c : digits) {
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (hex && c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (hex && c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      return std::nullopt;
    }
    value = value * (hex ? 16 : 10) + static_cast<uint32_t>(digit);
    if (value > 0x10FFFF) value = 0x110000;  // invalid either way; keeps the product small
  }
  return value;
}

Result<std::string> required_element(std::string_view xml, std::string_view root,
                                     std::string_view name) {
  if (std::optional<S3ErrorDetails> error = parse_s3_error(xml)) {
    return make_error(
        cat("S3 answered <Error> instead of ", root, ": ", error->code, ": ", error->message));
  }
  const std::string_view found_root = xml_root_element(xml);
  if (found_root != root) {
    return make_error(
        cat("expected <", root, "> from S3, found ",
            found_root.empty() ? std::string("no XML element") : cat("<", found_root, ">"), ": ",
            xml_excerpt(xml)));
  }
  std::optional<std::string> value = xml_element_text(xml, name);
  if (!value || value->empty()) {
    return make_error(cat("expected a non-empty <", name, "> in <", root, ">, found ",
                          value ? "an empty one" : "none", ": ", xml_excerpt(xml)));
  }
  return std::move(*value);
}

}  // namespace

std::string_view xml_root_element(std::string_view xml) {
  size_t from = 0;
  const std::optional<StartTag> tag = next_start_tag(xml, from);
  return tag ? local_name(tag->qualified_name) : std::string_view();
}

std::optional<std::string> xml_element_text(std::string_view xml, std::string_view name) {
  size_t from = 0;
  while (std::optional<StartTag> tag = next_start_tag(xml, from)) {
    if (local_name(tag->qualified_name) != name) continue;
    if (tag->self_closing) return std::string();
    const size_t end = find_end_tag(xml, tag->content_begin, tag->qualified_name);
    if (end == std::string_view::npos) return std::nullopt;
    return text_of(xml.substr(tag->content_begin, end - tag->content_begin));
  }
  return std::nullopt;
}

std::string xml_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const size_t amp = text.find('&', i);
    if (amp == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    out.append(text.substr(i, amp - i));
    i = amp;
    // The longest valid reference is "&#x10FFFF;" (10 bytes) give or take leading zeros.
    const size_t semi = text.substr(amp, 16).find(';');
    if (semi == std::string_view::npos) {
      out.push_back('&');
      ++i;
      continue;
    }
    const std::string_view body = text.substr(amp + 1, semi - 1);
    if (body == "quot") {
      out.push_back('"');
    } else if (body == "amp") {
      out.push_back('&');
    } else if (body == "lt") {
      out.push_back('<');
    } else if (body == "gt") {
      out.push_back('>');
    } else if (body == "apos") {
      out.push_back('\'');
    } else if (std::optional<uint32_t> cp = numeric_reference(body)) {
      append_utf8(out, *cp);
    } else {
      out.push_back('&');
      ++i;
      continue;
    }
    i = amp + semi + 1;
  }
  return out;
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out.append("&amp;"); break;
      case '<': out.append("&lt;"); break;
      case '>': out.append("&gt;"); break;
      case '"': out.append("&quot;"); break;
      case '\'': out.append("&apos;"); break;
      default: out.push_back(c);
    }
  }
  return out;
}

Result<std::string> parse_upload_id(std::string_view xml) {
  return required_element(xml, "InitiateMultipartUploadResult", "UploadId");
}

std::optional<S3ErrorDetails> parse_s3_error(std::string_view xml) {
  if (xml_root_element(xml) != "Error") return std::nullopt;
  S3ErrorDetails details;
  details.code = xml_element_text(xml, "Code").value_or("");
  details.message = xml_element_text(xml, "Message").value_or("");
  details.request_id = xml_element_text(xml, "RequestId").value_or("");
  return details;
}

namespace {

std::optional<uint64_t> parse_element_decimal(const std::optional<std::string>& text,
                                              uint64_t max) {
  return text ? parse_decimal(*text, max) : std::nullopt;
}

}  // namespace

Result<ListPartsPage> parse_list_parts(std::string_view xml) {
  if (std::optional<S3ErrorDetails> error = parse_s3_error(xml))
    return make_error(
        cat("S3 answered <Error> instead of ListPartsResult: ", error->code, ": ", error->message));
  if (xml_root_element(xml) != "ListPartsResult")
    return make_error(cat("expected <ListPartsResult> from S3, found: ", xml_excerpt(xml)));
  ListPartsPage page;
  size_t from = 0;
  while (std::optional<StartTag> tag = next_start_tag(xml, from)) {
    if (local_name(tag->qualified_name) != "Part" || tag->self_closing) continue;
    const size_t end = find_end_tag(xml, tag->content_begin, tag->qualified_name);
    if (end == std::string_view::npos)
      return make_error("an unterminated <Part> in ListPartsResult");
    const std::string_view body = xml.substr(tag->content_begin, end - tag->content_begin);
    const auto number = parse_element_decimal(xml_element_text(body, "PartNumber"), kMaxPartNumber);
    const auto size = parse_element_decimal(xml_element_text(body, "Size"), UINT64_MAX);
    std::optional<std::string> etag = xml_element_text(body, "ETag");
    if (!number || *number == 0 || !size || !etag || etag->empty())
      return make_error(
          cat("a <Part> without a valid PartNumber, ETag and Size in ListPartsResult: ",
              xml_excerpt(body)));
    if (page.parts.size() >= static_cast<size_t>(kMaxPartNumber))
      return make_error("more than 10000 parts in ListPartsResult");
    page.parts.push_back(ListedPart{static_cast<int>(*number), std::move(*etag), *size});
    from = end;
  }
  page.truncated = xml_element_text(xml, "IsTruncated").value_or("") == "true";
  if (page.truncated) {
    const auto marker =
        parse_element_decimal(xml_element_text(xml, "NextPartNumberMarker"), kMaxPartNumber);
    if (!marker || *marker == 0)
      return make_error("a truncated ListPartsResult without a valid NextPartNumberMarker");
    page.next_marker = static_cast<int>(*marker);
  }
  return page;
}

Result<std::string> parse_complete_etag(std::string_view xml) {
  return required_element(xml, "CompleteMultipartUploadResult", "ETag");
}

std::string complete_multipart_body(const std::vector<CompletedPart>& parts) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  for (const CompletedPart& part : parts) {
    out.append(cat("<Part><PartNumber>", part.part_number, "</PartNumber><ETag>",
                   xml_escape(part.etag), "</ETag>"));
    if (!part.checksum_crc32c.empty())
      out.append(cat("<ChecksumCRC32C>", xml_escape(part.checksum_crc32c), "</ChecksumCRC32C>"));
    out.append("</Part>");
  }
  out.append("</CompleteMultipartUpload>");
  return out;
}

std::string xml_excerpt(std::string_view xml) {
  constexpr size_t kMax = 200;
  std::string out;
  for (size_t i = 0; i < xml.size() && i < kMax; ++i) {
    const unsigned char c = static_cast<unsigned char>(xml[i]);
    out.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : ' ');
  }
  if (xml.size() > kMax) out.append("...");
  if (out.empty()) out = "(empty body)";
  return out;
}

}  // namespace ferry
