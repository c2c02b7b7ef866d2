// The last guard on every log line: masks anything shaped like a credential (Authorization
// headers, signatures, security tokens, secret keys). A single left-to-right pass, linear in the
// line's length, whatever the line holds (a 300 KB token from a hostile server included).
#pragma once

#include <string>
#include <string_view>

namespace ferry {

// `line` with every credential value replaced by "<redacted>": the rest of the line after
// `authorization:` (or `=`), and the value after `token`, `signature`, `x-amz-security-token`,
// `x-amz-signature`, `aws_secret_access_key`, `aws_session_token`, `secretaccesskey` and
// `sessiontoken` followed by `:` or `=` (ASCII case-insensitive; a quote may close the key
// and open the value, blanks may surround the separator; the value ends at a blank, quote, `,`, `;`
// or `&`).
std::string scrub_secrets(std::string_view line);

}  // namespace ferry
