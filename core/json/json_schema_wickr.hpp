// The Wickr data-retention bot's message shape, as records: `ferry athena-ddl` ships them through
// a flow's rules and merges them with the sample (--schema wickr, or sampled Wickr messages).
// Fields from the Wickr admin guide: text (1000), file (6000), edit (9000) and recall (4011).
#pragma once

#include <string_view>

#include "core/json/json_schema.hpp"

namespace ferry {

inline constexpr std::string_view kWickrMessageRecords =
    R"json({"message":"Quarterly numbers attached in the next message","message_id":"a526085032fa11ee9a74053bb1017859","msg_ts":"1691176258.901277","msgtype":1000,"receiver":"alice@example.com","sender":"bob@example.com","sender_type":"normal","time":"8/4/23 7:10 PM","time_iso":"2023-08-04 19:10:58.901","ttl":"9/3/23 7:10 PM","vgroupid":"7ad65d17b945d7672190ecab6902fdd06eff162b91adfcda23df3b2ff95875e8"})json"
    "\n"
    R"json({"bor":"8/10/23 7:19 PM","links":[{"url":"https://example.com/status"}],"message":"Status page: https://example.com/status","message_id":"e2c5115032fb11ee9a74053bb1017859","msg_ts":"1691176791.781279","msgtype":1000,"sender":"bob@example.com","sender_type":"normal","time":"8/4/23 7:19 PM","time_iso":"2023-08-04 19:19:51.781","ttl":"9/3/23 7:19 PM","vgroupid":"S19a8782d9a0441d5e13f15b6789f00bc2f9b8231aa364a2eb3a8269dce2ac21"})json"
    "\n"
    R"json({"file":{"filename":"q3-report.pdf","guid":"AD20D048-9B60-4F32-A691-2D4BE4152E58","localfilename":"/tmp/compliance_1234567890_bot/compliance/attachments/attachment_20230804191102865_q3-report.pdf","uploadedbyuser":"bob@example.com","uploadedtimestamp":"8/4/23 7:11 PM"},"message_id":"91a189c0cae911e79ec4eb19a763225b","msg_ts":"1691176262.756174","msgtype":6000,"receiver":"alice@example.com","sender":"bob@example.com","sender_type":"normal","time":"8/4/23 7:11 PM","time_iso":"2023-08-04 19:11:02.756","ttl":"9/3/23 7:11 PM","vgroupid":"7ad65d17b945d7672190ecab6902fdd06eff162b91adfcda23df3b2ff95875e8"})json"
    "\n"
    R"json({"edit":{"originalmessageid":"e2c5115032fb11ee9a74053bb1017859","text":"https://example.com/status","type":"text"},"message_id":"1163e5b08da211eab775a5032a0322ca","msg_ts":"1691176795.419871","msgtype":9000,"sender":"bob@example.com","sender_type":"normal","time":"8/4/23 7:19 PM","time_iso":"2023-08-04 19:19:55.419","ttl":"9/3/23 7:19 PM","vgroupid":"S19a8782d9a0441d5e13f15b6789f00bc2f9b8231aa364a2eb3a8269dce2ac21"})json"
    "\n"
    R"json({"control":{"isrecall":true,"msgid":"a526085032fa11ee9a74053bb1017859","msgtype":4011},"message_id":"c0ffee0032fc11ee9a74053bb1017859","msg_ts":"1691176900.102030","msgtype":4011,"receiver":"alice@example.com","sender":"bob@example.com","sender_type":"normal","time":"8/4/23 7:21 PM","time_iso":"2023-08-04 19:21:40.102","vgroupid":"7ad65d17b945d7672190ecab6902fdd06eff162b91adfcda23df3b2ff95875e8"})json"
    "\n";

// Whether sampled records are Wickr messages: every one of the bot's messages has these three
// members, which together are unlikely elsewhere.
inline bool is_wickr_message_schema(const JsonType& sampled) {
  for (std::string_view member : {"message_id", "msgtype", "vgroupid"}) {
    if (find_json_field(sampled, member) == nullptr) return false;
  }
  return true;
}

}  // namespace ferry
