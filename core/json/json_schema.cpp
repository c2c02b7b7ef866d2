// Schema inference for `ferry athena-ddl`: each record's values are merged straight into the
// schema tree; new nodes are counted against kMaxTypes, so memory stays bounded.
#include "core/json/json_schema.hpp"

#include "core/assert.hpp"

namespace ferry {
namespace {

using Kind = JsonType::Kind;

char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

size_t count_nodes(const JsonType& type) {
  size_t n = 1;
  for (const JsonField& field : type.fields) n += count_nodes(field.type);
  for (const JsonType& element : type.element) n += count_nodes(element);
  return n;
}

Kind kind_of(simdjson::dom::element value) {
  switch (value.type()) {
    case simdjson::dom::element_type::NULL_VALUE: return Kind::null;
    case simdjson::dom::element_type::BOOL: return Kind::boolean;
    case simdjson::dom::element_type::INT64: return Kind::bigint;
    case simdjson::dom::element_type::UINT64: return Kind::text;  // beyond bigint: keep digits
    case simdjson::dom::element_type::DOUBLE: return Kind::real;
    case simdjson::dom::element_type::STRING: return Kind::text;
    case simdjson::dom::element_type::ARRAY: return Kind::array;
    case simdjson::dom::element_type::OBJECT: return Kind::object;
  }
  return Kind::text;
}

bool is_number(Kind kind) {
  return kind == Kind::bigint || kind == Kind::real;
}

}  // namespace

JsonField* find_json_field(JsonType& object, std::string_view name) {
  for (JsonField& field : object.fields) {
    if (same_name(field.name, name)) return &field;
  }
  return nullptr;
}

const JsonField* find_json_field(const JsonType& object, std::string_view name) {
  return find_json_field(const_cast<JsonType&>(object), name);
}

JsonSchemaBuilder::JsonSchemaBuilder() {
  root_.kind = Kind::object;
}

bool JsonSchemaBuilder::add_record(std::string_view record) {
  simdjson::dom::element value;
  if (parser_.parse(record.data(), record.size(), true).get(value) != simdjson::SUCCESS) {
    return false;
  }
  if (value.type() != simdjson::dom::element_type::OBJECT) return false;
  absorb(root_, value, 0);
  ++records_;
  FERRY_ASSERT(root_.kind == Kind::object);
  return true;
}

bool JsonSchemaBuilder::unify(JsonType& into, Kind kind) {
  if (kind == Kind::null || into.kind == Kind::text) return false;
  if (into.kind == Kind::null) {
    into.kind = kind;
  } else if (into.kind != kind) {
    if (is_number(into.kind) && is_number(kind)) {
      into.kind = Kind::real;
    } else {
      nodes_ -= count_nodes(into) - 1;  // Athena reads any value under a string column
      into.kind = Kind::text;
      into.fields.clear();
      into.element.clear();
    }
    return false;
  }
  return kind == Kind::object || kind == Kind::array;
}

JsonField* JsonSchemaBuilder::add_member(JsonType& object, std::string_view name) {
  if (JsonField* existing = find_json_field(object, name)) return existing;
  if (nodes_ >= kMaxTypes) {
    truncated_ = true;
    return nullptr;
  }
  ++nodes_;
  object.fields.push_back(JsonField{std::string(name), JsonType{}});
  return &object.fields.back();
}

JsonType* JsonSchemaBuilder::element_of(JsonType& array) {
  if (array.element.empty()) {
    if (nodes_ >= kMaxTypes) {
      truncated_ = true;
      return nullptr;
    }
    ++nodes_;
    array.element.emplace_back();
  }
  FERRY_ASSERT(array.element.size() == 1);
  return &array.element.front();
}

void JsonSchemaBuilder::absorb(JsonType& into, simdjson::dom::element value, size_t depth) {
  // Deeper than kMaxDepth a value is text: Athena reads a nested value as its JSON there.
  const Kind kind = depth >= kMaxDepth ? Kind::text : kind_of(value);
  if (!unify(into, kind)) return;
  if (kind == Kind::object) {
    for (simdjson::dom::key_value_pair member : simdjson::dom::object(value)) {
      if (JsonField* field = add_member(into, member.key))
        absorb(field->type, member.value, depth + 1);
    }
  } else {
    for (simdjson::dom::element item : simdjson::dom::array(value)) {
      JsonType* element = element_of(into);
      if (element == nullptr) break;
      absorb(*element, item, depth + 1);
    }
  }
}

void JsonSchemaBuilder::absorb_type(JsonType& into, const JsonType& from) {
  // `from` is bounded like this schema (depth and nodes), so the recursion is too.
  if (!unify(into, from.kind)) return;
  if (from.kind == Kind::object) {
    for (const JsonField& member : from.fields) {
      if (JsonField* field = add_member(into, member.name)) absorb_type(field->type, member.type);
    }
  } else {
    FERRY_ASSERT(from.element.size() <= 1);
    for (const JsonType& item : from.element) {
      JsonType* element = element_of(into);
      if (element == nullptr) break;
      absorb_type(*element, item);
    }
  }
}

void JsonSchemaBuilder::add_schema(const JsonType& other) {
  FERRY_ASSERT(other.kind == Kind::object || other.kind == Kind::null);
  absorb_type(root_, other);
  FERRY_ASSERT(root_.kind == Kind::object);
}

void JsonSchemaBuilder::add_top_level_field(std::string_view field, Kind kind) {
  FERRY_ASSERT(kind != Kind::object && kind != Kind::array);
  if (JsonField* member = add_member(root_, field)) unify(member->type, kind);
}

void JsonSchemaBuilder::force_text(const FieldPath& path) {
  JsonType* at = &root_;
  for (const PathSegment& segment : path) {
    const Kind container = segment.any_element ? Kind::array : Kind::object;
    if (at->kind == Kind::null) unify(*at, container);
    if (at->kind != container) return;  // the records have no such path: nothing is redacted
    if (segment.any_element) {
      at = element_of(*at);
    } else {
      JsonField* field = add_member(*at, segment.key);
      at = field ? &field->type : nullptr;
    }
    if (at == nullptr) return;
  }
  if (at->kind != Kind::text) {
    nodes_ -= count_nodes(*at) - 1;
    at->kind = Kind::text;
    at->fields.clear();
    at->element.clear();
  }
}

}  // namespace ferry
