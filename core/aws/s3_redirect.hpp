// S3's 307 Temporary Redirect (a new bucket's DNS not yet everywhere: S3 names the regional
// host in Location). Followed once per request, re-signed for the new host, and only where the
// signed request and its body may go: the same scheme, and the endpoint's own host (another
// port) or one under it (a bucket's virtual host) or, from an AWS endpoint, another AWS host.
// Anything else is an error naming the host.
#pragma once

#include <string>
#include <string_view>

namespace ferry {

// Hosts without port, any case. An empty string if the redirect may be followed, else why not.
std::string s3_redirect_refusal(std::string_view endpoint_scheme, std::string_view endpoint_host,
                                std::string_view to_scheme, std::string_view to_host);

}  // namespace ferry
