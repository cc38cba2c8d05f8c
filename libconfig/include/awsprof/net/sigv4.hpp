// AWS Signature Version 4 (HMAC-SHA256): canonical request, string to sign, signature, and the
// signed request with the signature in headers (Authorization) or in the query (presigned URL).
// SHA-256 and HMAC come from OpenSSL's libcrypto. Checked against the aws-c-auth, smithy-rs and
// botocore SigV4 test suites (tests/unit/sigv4_test.cpp). SigV4a (ECDSA) is not implemented.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "awsprof/support/result.hpp"

namespace awsprof {

/// The keys a request is signed with. An empty session_token means long-term credentials.
struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
};

/// One HTTP/1.1 request, as it goes on the wire.
struct HttpRequest {
  std::string method;  ///< "GET", "POST", ...
  /// The request target as sent: path plus optional "?query", percent-encoded or not
  /// (e.g. "/example space/?a=b"). The signer never rewrites it except to append query parameters.
  std::string path;
  /// Header names and values in order, duplicates allowed. A value is kept raw (leading blanks and
  /// obs-fold continuation lines "\n  more" included); the signer trims and folds it.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// Not sent, nor signed: the transport gives the whole exchange (connecting, sending, reading)
  /// until this time, and does not start one after it. Unset: only its own timeouts apply.
  std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt;
};

/// Where the signature goes.
enum class SignatureLocation {
  headers,  ///< X-Amz-Date (+ X-Amz-Security-Token, x-amz-content-sha256) and Authorization headers.
  query,    ///< X-Amz-* query parameters: a presigned URL.
};

/// Everything about a signature except the request and the keys.
struct SigningParams {
  std::string region;                          ///< e.g. "us-east-1"
  std::string service;                         ///< signing name, e.g. "sts", "s3", "execute-api"
  std::chrono::system_clock::time_point time;  ///< signing time; sub-second parts are dropped
  SignatureLocation location = SignatureLocation::headers;
  /// Remove "." and ".." segments and repeated slashes from the path (RFC 3986). False for S3.
  bool normalize_path = true;
  /// Percent-encode the already-encoded path a second time ("%3D" -> "%253D"). False for S3, which
  /// encodes it once (existing escapes are kept, other reserved bytes are encoded).
  bool double_url_encode = true;
  /// Header signing only: add and sign an x-amz-content-sha256 header with the payload hash.
  bool sign_body = false;
  /// Sign without the session token, then add it (header or query parameter) after signing.
  bool omit_session_token = false;
  /// Query signing only: X-Amz-Expires.
  std::chrono::seconds expires{3600};
  /// The payload hash to sign; empty means hex SHA-256 of the body. "UNSIGNED-PAYLOAD" is the usual
  /// value for S3 presigned URLs.
  std::string payload_hash;
};

/// Every intermediate product of one signature, for inspection and tests (step 1, the canonical
/// request, is only available here: it depends on the headers or parameters the signer adds).
struct SigningResult {
  HttpRequest request;            ///< the signed request
  std::string canonical_request;  ///< step 1
  std::string string_to_sign;     ///< step 2
  std::string signature;          ///< step 3: 64 lowercase hex digits
};

/// Signs `request` as `params.location` says. Fails (with a message that holds no secret) when the
/// region, service, access key or secret is empty, the method is not a token, a header name is empty
/// or holds a separator, or the time is outside years 1970-9999.
///
/// Headers mode: X-Amz-Security-Token (when there is a token), X-Amz-Date, x-amz-content-sha256 (when
/// sign_body) and Authorization are set in place when the request already has them, else appended in
/// that order. All headers are signed except authorization, user-agent, x-amzn-trace-id, expect and
/// hop-by-hop ones (connection, keep-alive, proxy-*, te, trailer, transfer-encoding, upgrade).
/// Query mode: X-Amz-Algorithm, -Credential, -Date, -SignedHeaders, -Expires, -Security-Token and
/// -Signature are appended to the query, in that order; the request's headers are signed.
Result<SigningResult> sign(const HttpRequest& request, const Credentials& credentials,
                           const SigningParams& params);

/// `sign` with the signature in headers; returns only the signed request.
Result<HttpRequest> sign_headers(const HttpRequest& request, const Credentials& credentials,
                                 SigningParams params);

/// `sign` with the signature in the query string (a presigned URL); returns only the signed request.
Result<HttpRequest> sign_query(const HttpRequest& request, const Credentials& credentials,
                               SigningParams params);

/// Step 2: "AWS4-HMAC-SHA256\n<amz date>\n<date>/<region>/<service>/aws4_request\n<hex sha256>".
std::string string_to_sign(std::string_view canonical_request, const SigningParams& params);

/// Step 3: hex HMAC-SHA256 of `string_to_sign` under the key derived from the secret, the date, the
/// region and the service. Returns "" only if libcrypto fails.
std::string signature(std::string_view string_to_sign, std::string_view secret_access_key,
                      const SigningParams& params);

/// Lowercase hex SHA-256 of `data`. Returns "" only if libcrypto fails.
std::string hex_sha256(std::string_view data);

/// The signing time as SigV4 writes it: "20150830T123600Z" (UTC).
std::string amz_date(std::chrono::system_clock::time_point time);

/// Parses a UTC time written "20150830T123600Z" or "2015-08-30T12:36:00Z" (a trailing "Z" is required).
Result<std::chrono::system_clock::time_point> parse_amz_date(std::string_view text);

/// Parses raw HTTP/1.1 request text: a request line "METHOD TARGET[ HTTP/x.y]" (the target may hold
/// spaces), header lines "Name:value" with obs-fold continuation lines, an empty line, then the body.
/// Lines end in "\n" or "\r\n". Fails on an empty request line or a header line without ':'.
Result<HttpRequest> parse_http_request(std::string_view text);

/// Writes `request` back as text: "METHOD TARGET HTTP/1.1\n", "Name:value\n" per header, "\n", body.
/// Inverse of parse_http_request for the aws-c-auth suite's files.
std::string to_http_text(const HttpRequest& request);

}  // namespace awsprof
