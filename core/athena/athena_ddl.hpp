// The CREATE EXTERNAL TABLE statement for a flow's objects (`ferry athena-ddl`): Athena column
// types from an inferred JsonSchema, the OpenX JSON SerDe, partition projection. Pure logic.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/athena/athena_partitions.hpp"
#include "core/json/json_schema.hpp"

namespace ferry {

struct AthenaColumn {
  std::string name;  // lowercase [a-z0-9_]
  std::string type;  // "string", "struct<`a`:bigint>", "array<string>" ...
};

struct AthenaColumns {
  std::vector<AthenaColumn> columns;
  // SerDe "mapping.<column>" = "<JSON key>", for keys that are not plain Athena names.
  std::vector<std::pair<std::string, std::string>> mappings;
};

// A JSON key as an Athena name: ASCII lowercased, every byte outside [a-z0-9_] becomes '_'.
std::string athena_name(std::string_view key);

// The columns of `schema` (an object) in first-seen order. Types: boolean, bigint, double,
// string (strings, nulls only, integers beyond bigint, conflicting kinds), struct<...>,
// array<...> (array<string> when no element was seen). Members whose key is empty or holds a quote,
// backslash or control byte are left out, as is an object with no members (it becomes string).
// Names are unique across all levels, as the SerDe's mappings are global: a clash gets a suffix
// (`a_b_2`) and a mapping.
AthenaColumns athena_columns(const JsonType& schema);

// The statement, ending in ";\n". `table` is a plain Athena name.
std::string create_table_ddl(std::string_view table, const AthenaColumns& columns,
                             const AthenaLayout& layout);

}  // namespace ferry
