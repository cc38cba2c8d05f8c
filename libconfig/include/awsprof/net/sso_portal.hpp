// The IAM Identity Center portal's listing API (the `sso` service, rest-json, 2019-06-10): every
// account an SSO access token can see (ListAccounts) and every role it may use in each
// (ListAccountRoles), both paginated.
//
// Wire format, from botocore's model: GET /assignment/accounts?max_result=&next_token= and
// GET /assignment/roles?account_id=&max_result=&next_token=, the token in the
// x-amz-sso_bearer_token header, answers {"accountList"|"roleList": [...], "nextToken"?}, errors
// named by the x-amzn-ErrorType header (UnauthorizedException 401, TooManyRequestsException 429,
// InvalidRequestException 400, ResourceNotFoundException 404).
//
// The listing runs a bounded number of requests at once (one HTTP connection per worker), backs off
// with full jitter on throttling, 5xx answers and dropped connections, lowers the number in flight
// while the portal throttles (and raises it again as calls succeed), and stops at a deadline. It
// either returns every account with every role, or an error: never a partial listing.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "awsprof/net/http_client.hpp"
#include "awsprof/support/result.hpp"
#include "awsprof/net/sso_api.hpp"

namespace awsprof {

/// One account the token can see, with the roles it may take there.
struct SsoAccountRoles {
  SsoAccount account;
  std::vector<std::string> roles;
};

/// What the listing cost.
struct SsoListingStats {
  int requests = 0;            ///< HTTP requests sent, retries included
  int throttled = 0;           ///< answers that were throttling (429 / TooManyRequestsException)
  int retried = 0;             ///< requests sent again (after throttling, a 5xx, a dropped connection)
  int lowest_concurrency = 0;  ///< the fewest requests allowed in flight while throttled
};

/// Every account and role, in the order the portal listed the accounts.
struct SsoListing {
  std::vector<SsoAccountRoles> accounts;
  SsoListingStats stats;
};

/// How far the listing has got, for a progress line.
struct SsoListingProgress {
  int accounts_listed = 0;         ///< accounts ListAccounts has returned so far
  int accounts_done = 0;           ///< accounts whose roles are all listed
  bool accounts_complete = false;  ///< ListAccounts has returned its last page
};

struct SsoPortalOptions {
  /// The portal client's endpoint (sso_endpoint(SsoService::portal, ...)) and log. Its retries and
  /// deadline are replaced by the listing's own, below.
  SsoClientOptions client;
  /// The SSO access token. A secret: never in a message or a log line.
  std::string access_token;
  /// Names the session in messages ("sso-session corp").
  std::string session_label;
  /// The command that logs in again, for the advice after an UnauthorizedException.
  std::string login_command;
  /// The most requests in flight at once (one connection each); at least 1.
  int max_in_flight = 8;
  /// max_result of every page (the model allows 1..100).
  int page_size = 100;
  /// Attempts per request before throttling fails the listing: a large listing meets throttling by
  /// design, and waits it out.
  int max_attempts = 12;
  /// Attempts per request before a transport error or a 5xx answer fails it (botocore's standard 3).
  int failure_attempts = 3;
  /// Full-jitter backoff: attempt n waits a random time in [0, min(max_backoff, base_backoff * 2^n)].
  std::chrono::milliseconds base_backoff{200};
  std::chrono::milliseconds max_backoff{20'000};
  /// The whole listing ends by then, or fails; no request is sent after it.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  /// Makes one transport per worker (HttpClient is not thread-safe). Required.
  std::function<std::unique_ptr<HttpTransport>()> make_transport;
  /// Called (from any worker, serialised) as accounts are listed and finished.
  std::function<void(const SsoListingProgress&)> on_progress;
  /// Seeds the jitter; 0 seeds from the clock.
  std::uint64_t jitter_seed = 0;
};

/// Lists every account and its roles. Fails, with the call, the account and the portal's error code
/// (and, for an expired or revoked token, how to log in again), when any call fails for good: a
/// transport error or a 5xx failure_attempts times, throttling max_attempts times, any other error
/// answer at once, a malformed answer, a repeated next token, or the deadline.
Result<SsoListing> list_sso_assignments(const SsoPortalOptions& options);

}  // namespace awsprof
