// Property test for Redactor with nested paths and every mode: random nested records and rules,
// the output compared with the rules applied the obvious way to a tree built by simdjson.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/redact/field_path.hpp"
#include "core/redact/hmac_sha256.hpp"
#include "core/redact/redactor.hpp"
#include "core/text.hpp"

namespace ferry {
namespace {

const std::string kKey = "model-test-key-0123456789";
constexpr std::string_view kNow = "2026-11-24T04:01:38.123Z";
std::chrono::system_clock::time_point fixed_now() {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(1795492898123));
}

// A JSON value as any reader sees it; `changed_by` marks values a rule wrote.
struct Node {
  enum Kind { scalar, string, object, array } kind = scalar;
  std::string text;         // scalar: its JSON text; string: decoded content
  std::vector<Node> items;  // members (each with its `key`) or elements
  int changed_by = -1;
  std::string key;  // as a member of an object
};

Node from_dom(simdjson::dom::element e) {
  Node node;
  std::string_view s;
  simdjson::dom::object o;
  simdjson::dom::array a;
  if (e.get_string().get(s) == simdjson::SUCCESS) {
    node.kind = Node::string, node.text = s;
  } else if (e.get_object().get(o) == simdjson::SUCCESS) {
    node.kind = Node::object;
    for (auto field : o) {
      node.items.push_back(from_dom(field.value));
      node.items.back().key = field.key;
    }
  } else if (e.get_array().get(a) == simdjson::SUCCESS) {
    node.kind = Node::array;
    for (auto element : a) node.items.push_back(from_dom(element));
  } else {
    node.text = simdjson::minify(e);
  }
  return node;
}

Node parse(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  EXPECT_EQ(parser.parse(simdjson::padded_string(json)).get(root), simdjson::SUCCESS) << json;
  return from_dom(root);
}

// Minified like simdjson::minify for the values this test generates (ASCII, integers).
std::string serialize(const Node& node) {
  switch (node.kind) {
    case Node::scalar: return node.text;
    case Node::string: {
      std::string out;
      append_json_string(out, node.text);
      return out;
    }
    case Node::object: {
      std::string out = "{";
      for (size_t i = 0; i < node.items.size(); ++i) {
        if (i) out += ',';
        append_json_string(out, node.items[i].key);
        out += ':' + serialize(node.items[i]);
      }
      return out + "}";
    }
    case Node::array: {
      std::string out = "[";
      for (size_t i = 0; i < node.items.size(); ++i)
        out += (i ? "," : "") + serialize(node.items[i]);
      return out + "]";
    }
  }
  return {};
}

// `node` (keeping its key) as rule `by` rewrote it.
Node changed(const Node& node, Node::Kind kind, std::string text, int by) {
  Node out;
  out.kind = kind, out.text = std::move(text), out.changed_by = by, out.key = node.key;
  return out;
}

std::string text_for_hmac(const Node& node) {
  return node.kind == Node::string || node.kind == Node::scalar ? node.text : serialize(node);
}

// Applies `rule` (index r) at path[step] among the items of `container`.
void apply(Node& container, const FieldPath& path, size_t step, const RedactionRule& rule, int r) {
  const PathSegment& segment = path[step];
  const bool last = step + 1 == path.size();
  auto visit = [&](Node& child) -> bool {  // returns whether to remove it
    if (!last) {
      const PathSegment& next = path[step + 1];
      if (child.changed_by < 0 || child.kind == Node::object || child.kind == Node::array) {
        if ((next.any_element && child.kind == Node::array) ||
            (!next.any_element && child.kind == Node::object)) {
          apply(child, path, step + 1, rule, r);
        }
      }
      return false;
    }
    if (child.changed_by == r) return false;  // listed twice in the rule
    switch (rule.mode) {
      case RedactMode::remove: return true;
      case RedactMode::replace: child = changed(child, Node::string, rule.replacement, r); break;
      case RedactMode::hmac: {
        const HmacSha256::Hex hex = HmacSha256(rule.hmac_key).hex(text_for_hmac(child));
        child = changed(child, Node::string, std::string(hex.data(), hex.size()), r);
        break;
      }
    }
    return false;
  };
  std::vector<Node> kept;
  for (Node& item : container.items) {
    const bool selected = segment.any_element || item.key == segment.key;
    if (!selected || !visit(item)) kept.push_back(std::move(item));
  }
  container.items = std::move(kept);
}

void set_top(Node& root, const std::string& key, Node value) {
  value.key = key;
  bool found = false;
  for (Node& member : root.items) {
    if (member.key == key) member = value, found = true;
  }
  if (!found) root.items.push_back(value);
}

bool model(Node& root, const std::vector<RedactionRule>& rules) {
  bool applied = false;
  for (size_t r = 0; r < rules.size(); ++r) {
    const RedactionRule& rule = rules[r];
    bool present = false, all_true = true;
    for (const Node& value : root.items) {
      if (value.key == rule.consent_field)
        present = true, all_true = all_true && value.text == "true" && value.kind == Node::scalar;
    }
    if (!rule.consent_field.empty() && present && all_true) continue;
    applied = true;
    for (const std::string& field : rule.fields) {
      const FieldPath path = *parse_field_path(field);
      apply(root, path, 0, rule, static_cast<int>(r));
      // A dotted name also selects the top-level key spelled so ("a.b"), as a key of its own.
      bool keys_only = path.size() > 1;
      std::string joined;
      for (const PathSegment& segment : path) {
        keys_only = keys_only && !segment.any_element;
        joined += (joined.empty() && &segment == &path.front() ? "" : ".") + segment.key;
      }
      if (keys_only)
        apply(root, FieldPath{PathSegment{joined, false}}, 0, rule, static_cast<int>(r));
    }
    const int by = static_cast<int>(r);
    if (!rule.flag_field.empty()) {
      set_top(root, rule.flag_field, changed({}, Node::scalar, "true", by));
    }
    if (!rule.redacted_at_field.empty()) {
      set_top(root, rule.redacted_at_field, changed({}, Node::string, std::string(kNow), by));
    }
  }
  return applied;
}

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  std::string record() { return space() + object(0) + space(); }

  std::vector<RedactionRule> rules() {
    std::vector<RedactionRule> rules(1 + rng_() % 3);
    for (RedactionRule& rule : rules) {
      rule.consent_field = pick({"", "ok", "ok"});
      for (size_t i = 0, n = 1 + rng_() % 3; i < n; ++i) rule.fields.push_back(path());
      rule.mode = static_cast<RedactMode>(rng_() % 3);
      rule.hmac_key = kKey;
      rule.replacement = pick({"R", "REDACTED_CONTENT", "q\"x"});
      rule.flag_field = pick({"", "", "f", "a"});
      rule.redacted_at_field = pick({"", "", "t", "b"});
      if (rule.redacted_at_field == rule.flag_field) rule.redacted_at_field = "";
    }
    return rules;
  }

 private:
  std::string pick(std::initializer_list<const char*> choices) {
    return *(choices.begin() + rng_() % choices.size());
  }
  std::string space() { return pick({"", "", " ", "\n\t "}); }
  std::string key() {
    return pick({R"("a")", R"("b")", R"("c")", R"("\u0061")", R"("ok")", R"("f")", R"("a.b")",
                 R"("a\u002eb")"});
  }
  std::string path() {
    std::string p = pick({"a", "b", "c", "ok", "f"});
    for (size_t i = 0, n = rng_() % 3; i < n; ++i) p += pick({".a", ".b", "[*]", "[*]"});
    return p;
  }
  std::string value(int depth) {
    const uint32_t choice = rng_() % (depth >= 3 ? 6 : 9);
    switch (choice) {
      case 0: return "true";
      case 1: return "false";
      case 2: return "null";
      case 3: return std::to_string(static_cast<int>(rng_() % 2000) - 1000);
      case 4: return cat("\"SECRET", rng_() % 100, "\"");
      case 5: return R"("}],\"x")";
      case 6:
      case 7: return object(depth + 1);
      default: {
        std::string out = "[";
        for (size_t i = 0, n = rng_() % 4; i < n; ++i) {
          out += cat(i ? "," : "", space(), value(depth + 1), space());
        }
        return out + "]";
      }
    }
  }
  std::string object(int depth) {
    std::string out = "{";
    for (size_t i = 0, n = rng_() % 5; i < n; ++i) {
      out += cat(i ? "," : "", space(), key(), space(), ":", space(), value(depth), space());
    }
    return out + "}";
  }

  std::mt19937 rng_;
};

TEST(RedactorModel, RandomNestedRecordsAndRulesMatchTheTreeModel) {
  Generator generate(2026);
  simdjson::dom::parser parser;
  for (int round = 0; round < 20000; ++round) {
    const std::vector<RedactionRule> rules = generate.rules();
    const std::string record = generate.record();
    Redactor redactor(rules, &fixed_now);
    std::string out;
    const RedactOutcome outcome = redactor.process(record, RecordOrigin{"f", 0}, out);
    ASSERT_TRUE(!out.empty() && out.back() == '\n');
    out.pop_back();
    Node expected = parse(record);
    const bool applied = model(expected, rules);
    ASSERT_EQ(outcome, applied ? RedactOutcome::redacted : RedactOutcome::passed) << record;
    if (!applied) {
      ASSERT_EQ(out, record);
    }
    simdjson::dom::element root;
    ASSERT_EQ(parser.parse(simdjson::padded_string(out)).get(root), simdjson::SUCCESS)
        << "round " << round << "\nrecord: " << record << "\nout:    " << out;
    std::string described;
    for (const RedactionRule& rule : rules) {
      described += cat("\n  consent=", rule.consent_field, " mode=", static_cast<int>(rule.mode),
                       " flag=", rule.flag_field, " at=", rule.redacted_at_field, " fields=");
      for (const std::string& field : rule.fields) described += field + " ";
    }
    ASSERT_EQ(simdjson::minify(root), serialize(expected))
        << "rules:" << described << "\nround " << round << "\nrecord: " << record
        << "\nout:    " << out;
  }
}

}  // namespace
}  // namespace ferry
