// A SigV4-signed POST to an AWS service (see aws_service_client.hpp).
#include "io/aws/aws_service_client.hpp"

#include <chrono>
#include <utility>

#include "core/assert.hpp"
#include "core/crypto.hpp"
#include "core/text.hpp"
#include "io/credentials/credentials_provider.hpp"

namespace ferry {

AwsServiceClient::AwsServiceClient(AwsEndpoint endpoint, std::string service,
                                   std::shared_ptr<CredentialsProvider> credentials,
                                   HttpClientOptions http)
    : endpoint_(std::move(endpoint)),
      service_(std::move(service)),
      credentials_(std::move(credentials)),
      http_(std::move(http)) {
  FERRY_ASSERT(!endpoint_.url.empty() && !endpoint_.host.empty() && !endpoint_.region.empty());
}

Result<HttpResponse> AwsServiceClient::post(const AwsServiceRequest& request) {
  SignableRequest signable;
  signable.method = "POST";
  signable.path = std::string(1, '/');  // (a literal here trips g++ 12's -Wrestrict)
  signable.headers.push_back({"host", endpoint_.host});
  signable.headers.push_back({"content-type", std::string(request.content_type)});
  signable.headers.insert(signable.headers.end(), request.headers.begin(), request.headers.end());
  if (credentials_) {
    signable.payload_sha256_hex = sha256_hex(request.body);
    SigningParams params;
    last_signed_with_ = credentials_->current();
    params.credentials = last_signed_with_;
    params.region = endpoint_.region;
    params.service = service_;
    params.time = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    const SigningResult signature = sign_with_headers(signable, params);
    signable.headers.insert(signable.headers.end(), signature.headers_to_add.begin(),
                            signature.headers_to_add.end());
  }

  HttpRequest http_request;
  http_request.method = "POST";
  http_request.url = cat(endpoint_.url, "/");
  http_request.headers = std::move(signable.headers);
  http_request.body = std::span<const char>(request.body.data(), request.body.size());
  return http_.send(http_request);
}

Status AwsServiceClient::refresh_credentials() {
  if (!credentials_) return make_error("the request was not signed: no credentials to refresh");
  return credentials_->refresh_after_rejection(last_signed_with_);
}

}  // namespace ferry
