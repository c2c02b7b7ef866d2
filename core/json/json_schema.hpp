// JsonSchema: column types inferred from a sample of JSON records, merged across records, for
// `ferry athena-ddl`. Pure logic (simdjson DOM); bounded in depth and size whatever the input.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/redact/field_path.hpp"

namespace ferry {

struct JsonField;

// The type of a value, or of every value seen at one place of the records.
struct JsonType {
  // `null`: only nulls (or nothing) seen yet. `text`: strings, or values of kinds that conflict.
  enum class Kind : uint8_t { null, boolean, bigint, real, text, object, array };
  Kind kind = Kind::null;
  std::vector<JsonField> fields;  // object: members in first-seen order, names unique ignoring case
  std::vector<JsonType> element;  // array: empty until an element was seen, else exactly one
};

struct JsonField {
  std::string name;  // the JSON key as first seen (unescaped)
  JsonType type;
};

// The member named `name` (ASCII case ignored, as Athena's JSON SerDe does), or nullptr.
JsonField* find_json_field(JsonType& object, std::string_view name);
const JsonField* find_json_field(const JsonType& object, std::string_view name);

class JsonSchemaBuilder {
 public:
  static constexpr size_t kMaxDepth = 32;    // deeper values are typed text (their JSON)
  static constexpr size_t kMaxTypes = 8192;  // type nodes in all; later new members are dropped

  JsonSchemaBuilder();

  // Adds one record. False (and nothing changes) unless it is a valid JSON object.
  bool add_record(std::string_view record);

  // Merges a schema built elsewhere (another builder's schema()), as if its records had been
  // added here after this builder's: the same columns, unless either schema was truncated.
  void add_schema(const JsonType& other);

  // `field` at the top level gets `kind` merged in (as if a record had it): the flags that
  // redaction rules add, the invalid-record marker's members.
  void add_top_level_field(std::string_view field, JsonType::Kind kind);

  // The value a path selects (core/redact/field_path.hpp) becomes text, created if absent: a redacted
  // value is always a JSON string. Stops where the schema has another kind on the path.
  void force_text(const FieldPath& path);

  const JsonType& schema() const { return root_; }
  uint64_t records() const { return records_; }
  // Whether members were dropped because the schema reached kMaxTypes.
  bool truncated() const { return truncated_; }

 private:
  // Merges the type of `value` into `into`: null gives way to anything, bigint and real give
  // real, objects unite their members, arrays merge their elements, any other mix is text.
  void absorb(JsonType& into, simdjson::dom::element value, size_t depth);
  // The same for a type: merges `from` (and its members or element) into `into`.
  void absorb_type(JsonType& into, const JsonType& from);
  // Merges a value of kind `kind` into `into`; true when `into` is a container of that kind,
  // whose members or elements are to be merged next.
  bool unify(JsonType& into, JsonType::Kind kind);
  // The member `name` of `object` / the element type of `array`, added (as null) when new;
  // nullptr when it is new and the schema is full.
  JsonField* add_member(JsonType& object, std::string_view name);
  JsonType* element_of(JsonType& array);

  simdjson::dom::parser parser_;
  JsonType root_;
  size_t nodes_ = 1;
  uint64_t records_ = 0;
  bool truncated_ = false;
};

}  // namespace ferry
