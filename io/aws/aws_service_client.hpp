// AwsServiceClient: one connection to an AWS JSON/query service (Firehose, Kinesis, CloudWatch,
// STS): a POST to "/" signed with SigV4 for the service, one attempt per call (the caller owns
// the retry policy, which differs per service). One per thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/aws/aws_endpoint.hpp"
#include "core/aws/sigv4.hpp"
#include "core/result.hpp"
#include "io/aws/http_client.hpp"

namespace ferry {

class CredentialsProvider;  // io/credentials/credentials_provider.hpp

struct AwsServiceRequest {
  std::string_view content_type;    // "application/x-amz-json-1.1", "application/x-www-form-..."
  std::vector<HttpHeader> headers;  // e.g. {"x-amz-target", "Firehose_20150804.PutRecordBatch"}
  std::string_view body;            // borrowed for the call
};

class AwsServiceClient {
 public:
  // Without `credentials`, requests go unsigned (STS AssumeRoleWithWebIdentity: the token in the
  // body is the proof).
  AwsServiceClient(AwsEndpoint endpoint, std::string service,
                   std::shared_ptr<CredentialsProvider> credentials, HttpClientOptions http);

  // Any HTTP status is an answer; an error only when there is none (with whether trying again
  // may help in last_error_is_transient()).
  Result<HttpResponse> post(const AwsServiceRequest& request);
  bool last_error_is_transient() const { return http_.last_error_is_transient(); }
  // After the service called the credentials of the last call expired or invalid: new ones
  // (shared with every other client), unless another thread already fetched them.
  Status refresh_credentials();

  const AwsEndpoint& endpoint() const { return endpoint_; }

 private:
  AwsEndpoint endpoint_;
  std::string service_;
  std::shared_ptr<CredentialsProvider> credentials_;
  HttpClient http_;
  AwsCredentials last_signed_with_;
};

}  // namespace ferry
