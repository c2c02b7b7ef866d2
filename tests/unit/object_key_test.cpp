// Key prefix templating and object names.
#include "core/batch/object_key.hpp"

#include <gtest/gtest.h>

namespace ferry {
namespace {

// 2023-08-04T19:10:58Z, day 216 of the year.
constexpr std::time_t kWhen = 1691176258;

TEST(ObjectKey, StrftimeFieldsRenderInUtc) {
  EXPECT_EQ(render_key_prefix("wickr/dt=%Y-%m-%d/hour=%H/", kWhen, "f", "h"),
            "wickr/dt=2023-08-04/hour=19/");
  EXPECT_EQ(render_key_prefix("%Y%m%d%H%M%S/%j/100%%/", kWhen, "f", "h"),
            "20230804191058/216/100%/");
}

TEST(ObjectKey, FlowAndHostPlaceholdersRender) {
  EXPECT_EQ(render_key_prefix("{flow}/{host}/{flow}/", kWhen, "wickr", "ip-10-0-0-1"),
            "wickr/ip-10-0-0-1/wickr/");
}

TEST(ObjectKey, UnknownFieldsAndBracesAreCopied) {
  EXPECT_EQ(render_key_prefix("a{b}/%q/{flo", kWhen, "f", "h"), "a{b}/%q/{flo");
  EXPECT_EQ(render_key_prefix("trailing%", kWhen, "f", "h"), "trailing%");
}

TEST(ObjectKey, HostNamesAreSanitized) {
  EXPECT_EQ(sanitize_key_component("ip-10-0-0-1.ec2.internal"), "ip-10-0-0-1.ec2.internal");
  EXPECT_EQ(sanitize_key_component("my host/\xc3\xa9"), "my-host---");
  EXPECT_EQ(sanitize_key_component(""), "unknown");
}

TEST(ObjectKey, NamesAreUniqueAndEndInLowercaseZst) {
  const std::string a = object_name({"host", "wickr", kWhen, 0x0123456789abcdefull, 0});
  const std::string b = object_name({"host", "wickr", kWhen, 0x0123456789abcdefull, 1});
  const std::string c = object_name({"host", "wickr", kWhen, 0x0123456789abcdeeull, 0});
  EXPECT_EQ(a, "host_wickr_20230804T191058Z_0123456789abcdef_000000.json.zst");
  EXPECT_NE(a, b);
  EXPECT_NE(a, c);
  EXPECT_TRUE(b.ends_with(".json.zst"));
}

}  // namespace
}  // namespace ferry
