#include "awsprof/net/sso_portal.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

namespace awsprof {
namespace sso_portal_test {

std::map<std::string, std::string> query_of(std::string_view path) {
  std::map<std::string, std::string> out;
  const std::size_t q = path.find('?');
  if (q == std::string_view::npos) return out;
  std::string_view rest = path.substr(q + 1);
  while (!rest.empty()) {
    std::string_view pair = rest.substr(0, rest.find('&'));
    rest = pair.size() < rest.size() ? rest.substr(pair.size() + 1) : std::string_view();
    const std::size_t eq = pair.find('=');
    out[std::string(pair.substr(0, eq))] =
        eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1));
  }
  return out;
}

/// A portal in memory, shared by every worker's transport: accounts, roles, pages, and faults.
struct FakePortal {
  std::vector<SsoAccountRoles> accounts;
  std::string token = "the-access-token-1234";
  std::mutex mutex;
  int requests = 0;
  int in_flight = 0;
  int most_in_flight = 0;
  int throttle_every = 0;  ///< answer every Nth request with 429
  int throttle_next = 0;   ///< answer the next N requests with 429
  std::function<std::optional<HttpResponse>(const HttpRequest&)> override;  ///< answers first when set
  std::chrono::milliseconds latency{0};
  std::vector<std::string> paths;

  static HttpResponse answer(int status, nlohmann::json body, std::string error_type = "") {
    HttpResponse r;
    r.status = status;
    r.body = body.dump();
    if (!error_type.empty()) r.headers.emplace_back("x-amzn-ErrorType", error_type);
    return r;
  }

  Result<HttpResponse> serve(const HttpRequest& request) {
    {
      std::lock_guard lock(mutex);
      ++requests;
      most_in_flight = std::max(most_in_flight, ++in_flight);
      paths.push_back(request.path);
    }
    if (latency.count() > 0) std::this_thread::sleep_for(latency);
    Result<HttpResponse> out = respond(request);
    std::lock_guard lock(mutex);
    --in_flight;
    return out;
  }

  Result<HttpResponse> respond(const HttpRequest& request) {
    if (override)
      if (auto r = override(request)) return *r;
    {
      std::lock_guard lock(mutex);
      if (throttle_next > 0 || (throttle_every > 0 && requests % throttle_every == 0)) {
        if (throttle_next > 0) --throttle_next;
        return answer(429, {{"message", "Too many requests"}}, "TooManyRequestsException");
      }
    }
    std::string bearer;
    for (auto& [name, value] : request.headers)
      if (name == "x-amz-sso_bearer_token") bearer = value;
    if (bearer != token)
      return answer(401, {{"message", "Session token not found or invalid"}}, "UnauthorizedException");
    auto query = query_of(request.path);
    const std::size_t size = std::stoul(query["max_result"]);
    const std::size_t offset = query.count("next_token") ? std::stoul(query["next_token"].substr(4)) : 0;
    nlohmann::json body = nlohmann::json::object();
    if (request.path.starts_with("/assignment/accounts?")) {
      body["accountList"] = nlohmann::json::array();
      for (std::size_t i = offset; i < std::min(accounts.size(), offset + size); ++i)
        body["accountList"].push_back({{"accountId", accounts[i].account.account_id},
                                       {"accountName", accounts[i].account.account_name},
                                       {"emailAddress", accounts[i].account.email_address}});
      if (offset + size < accounts.size()) body["nextToken"] = "page" + std::to_string(offset + size);
    } else if (request.path.starts_with("/assignment/roles?")) {
      auto account = std::find_if(accounts.begin(), accounts.end(),
                                  [&](auto& a) { return a.account.account_id == query["account_id"]; });
      if (account == accounts.end()) return answer(403, {{"message", "No access"}}, "ForbiddenException");
      body["roleList"] = nlohmann::json::array();
      for (std::size_t i = offset; i < std::min(account->roles.size(), offset + size); ++i)
        body["roleList"].push_back(
            {{"roleName", account->roles[i]}, {"accountId", account->account.account_id}});
      if (offset + size < account->roles.size()) body["nextToken"] = "page" + std::to_string(offset + size);
    } else {
      return answer(404, {{"message", "no such operation"}}, "UnknownOperationException");
    }
    return answer(200, body);
  }
};

class PortalTransport final : public HttpTransport {
 public:
  explicit PortalTransport(FakePortal& portal) : portal_(portal) {}
  Result<HttpResponse> send(std::string_view, const HttpRequest& request) override {
    return portal_.serve(request);
  }

 private:
  FakePortal& portal_;
};

std::vector<SsoAccountRoles> make_accounts(int count, std::vector<std::string> roles) {
  std::vector<SsoAccountRoles> out;
  for (int i = 0; i < count; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "%012d", 100000 + i);
    out.push_back({{id, "account-" + std::to_string(i + 1), "a@example.com"}, roles});
  }
  return out;
}

SsoPortalOptions options_for(FakePortal& portal) {
  SsoPortalOptions options;
  options.client.endpoint = *parse_url("http://portal.test");
  options.access_token = portal.token;
  options.session_label = "sso-session corp";
  options.login_command = "awsprof sso login --sso-session corp";
  options.base_backoff = std::chrono::milliseconds(1);
  options.max_backoff = std::chrono::milliseconds(5);
  options.jitter_seed = 42;
  options.make_transport = [&portal] { return std::make_unique<PortalTransport>(portal); };
  return options;
}

std::size_t role_count(const SsoListing& listing) {
  std::size_t n = 0;
  for (const SsoAccountRoles& account : listing.accounts) n += account.roles.size();
  return n;
}

TEST(SsoPortal, ListsEveryAccountAndRoleAcrossPages) {
  FakePortal portal;
  portal.accounts = make_accounts(23, {"Admin", "ReadOnly", "Billing"});
  SsoPortalOptions options = options_for(portal);
  options.page_size = 2;  // accounts: 12 pages; roles: 2 pages each
  Result<SsoListing> listing = list_sso_assignments(options);
  ASSERT_TRUE(listing) << listing.message();
  ASSERT_EQ(listing->accounts.size(), 23u);
  EXPECT_EQ(role_count(*listing), 69u);
  EXPECT_EQ(listing->accounts[0].account.account_id, "000000100000");  // the portal's order
  EXPECT_EQ(listing->accounts[22].account.account_name, "account-23");
  EXPECT_EQ(listing->accounts[22].account.email_address, "a@example.com");
  EXPECT_EQ(listing->accounts[5].roles, (std::vector<std::string>{"Admin", "ReadOnly", "Billing"}));
  EXPECT_EQ(listing->stats.requests, 12 + 23 * 2);
  EXPECT_EQ(portal.requests, 12 + 23 * 2);
  EXPECT_EQ(portal.paths[0], "/assignment/accounts?max_result=2");
  EXPECT_EQ(std::count(portal.paths.begin(), portal.paths.end(),
                       "/assignment/roles?next_token=page2&max_result=2&account_id=000000100003"),
            1);
}

TEST(SsoPortal, NeverMoreRequestsInFlightThanAllowed) {
  FakePortal portal;
  portal.accounts = make_accounts(60, {"Admin"});
  portal.latency = std::chrono::milliseconds(2);
  SsoPortalOptions options = options_for(portal);
  options.max_in_flight = 3;
  Result<SsoListing> listing = list_sso_assignments(options);
  ASSERT_TRUE(listing) << listing.message();
  EXPECT_EQ(role_count(*listing), 60u);
  EXPECT_LE(portal.most_in_flight, 3);
  EXPECT_GE(portal.most_in_flight, 2);  // the listing does run in parallel
}

TEST(SsoPortal, ThrottlingIsRetriedAndLowersConcurrency) {
  FakePortal portal;
  portal.accounts = make_accounts(150, {"Admin", "ReadOnly"});
  portal.throttle_every = 3;  // a third of all requests
  SsoPortalOptions options = options_for(portal);
  options.max_in_flight = 8;
  Result<SsoListing> listing = list_sso_assignments(options);
  ASSERT_TRUE(listing) << listing.message();
  ASSERT_EQ(listing->accounts.size(), 150u);
  EXPECT_EQ(role_count(*listing), 300u);  // nothing lost
  EXPECT_GT(listing->stats.throttled, 40);
  EXPECT_EQ(listing->stats.retried, listing->stats.throttled);
  EXPECT_LT(listing->stats.lowest_concurrency, 8);
  EXPECT_EQ(listing->stats.requests, portal.requests);
}

TEST(SsoPortal, ThrottledToDeathFailsWithTheCall) {
  FakePortal portal;
  portal.accounts = make_accounts(2, {"Admin"});
  portal.throttle_next = 1000;
  SsoPortalOptions options = options_for(portal);
  options.max_attempts = 4;
  Result<SsoListing> listing = list_sso_assignments(options);
  ASSERT_FALSE(listing);
  EXPECT_EQ(
      listing.message(),
      "sso:ListAccounts failed: TooManyRequestsException (HTTP 429): Too many requests (after 4 attempts)");
  EXPECT_EQ(portal.requests, 4);
}

TEST(SsoPortal, AnExpiredTokenSaysHowToLogIn) {
  FakePortal portal;
  portal.accounts = make_accounts(2, {"Admin"});
  SsoPortalOptions options = options_for(portal);
  options.access_token = "an-expired-token-5678";
  Result<SsoListing> listing = list_sso_assignments(options);
  ASSERT_FALSE(listing);
  EXPECT_EQ(
      listing.message(),
      "sso:ListAccounts failed: UnauthorizedException (HTTP 401): Session token not found or invalid; the "
      "SSO "
      "token of sso-session corp has expired or was revoked: run `awsprof sso login --sso-session corp`");
  EXPECT_EQ(portal.requests, 1);  // not retried
}

TEST(SsoPortal, AFailureOfOneAccountFailsTheWholeListing) {
  FakePortal portal;
  portal.accounts = make_accounts(40, {"Admin"});
  portal.override = [](const HttpRequest& request) -> std::optional<HttpResponse> {
    if (request.path.find("account_id=000000100017") != std::string::npos)
      return FakePortal::answer(403, {{"message", "No access"}}, "ForbiddenException");
    return std::nullopt;
  };
  Result<SsoListing> listing = list_sso_assignments(options_for(portal));
  ASSERT_FALSE(listing);
  EXPECT_EQ(listing.message(),
            "sso:ListAccountRoles for account 000000100017 failed: ForbiddenException (HTTP 403): No access");
}

TEST(SsoPortal, ServerErrorsAndDroppedConnectionsAreRetriedThreeTimes) {
  FakePortal portal;
  portal.accounts = make_accounts(1, {"Admin"});
  std::atomic<int> failures{2};
  portal.override = [&](const HttpRequest&) -> std::optional<HttpResponse> {
    if (failures-- > 0) return FakePortal::answer(503, {{"message", "busy"}}, "ServiceUnavailableException");
    return std::nullopt;
  };
  Result<SsoListing> listing = list_sso_assignments(options_for(portal));
  ASSERT_TRUE(listing) << listing.message();
  EXPECT_EQ(listing->stats.retried, 2);

  FakePortal down;
  SsoPortalOptions options = options_for(down);
  int attempts = 0;
  options.make_transport = [&attempts]() -> std::unique_ptr<HttpTransport> {
    struct Refusing final : HttpTransport {
      int& attempts;
      explicit Refusing(int& a) : attempts(a) {}
      Result<HttpResponse> send(std::string_view, const HttpRequest& request) override {
        ++attempts;
        std::string token;
        for (const auto& [name, value] : request.headers)
          if (name == "x-amz-sso_bearer_token") token = value;
        return Result<HttpResponse>::error("GET http://portal.test: connection refused; sent " + token);
      }
    };
    return std::make_unique<Refusing>(attempts);
  };
  options.max_in_flight = 1;
  Result<SsoListing> failed = list_sso_assignments(options);
  ASSERT_FALSE(failed);
  EXPECT_EQ(attempts, 3);
  // The token the transport echoed is masked.
  EXPECT_EQ(
      failed.message(),
      "sso:ListAccounts failed: GET http://portal.test: connection refused; sent **** (after 3 attempts)");
}

TEST(SsoPortal, MalformedAnswersAndLoopingPagesFail) {
  FakePortal portal;
  portal.accounts = make_accounts(3, {"Admin"});
  portal.override = [](const HttpRequest& request) -> std::optional<HttpResponse> {
    if (request.path.starts_with("/assignment/accounts"))
      return FakePortal::answer(200, {{"accountList", {{{"accountName", "no id"}}}}});
    return std::nullopt;
  };
  Result<SsoListing> listing = list_sso_assignments(options_for(portal));
  ASSERT_FALSE(listing);
  EXPECT_EQ(listing.message(), "sso:ListAccounts failed: HTTP 200: an account has no accountId");

  portal.override = [](const HttpRequest& request) -> std::optional<HttpResponse> {
    if (request.path.starts_with("/assignment/accounts"))
      return FakePortal::answer(200, {{"accountList", nlohmann::json::array()}, {"nextToken", "same"}});
    return std::nullopt;
  };
  listing = list_sso_assignments(options_for(portal));
  ASSERT_FALSE(listing);
  EXPECT_EQ(listing.message(), "sso:ListAccounts failed: the portal returned the same next token twice");
}

TEST(SsoPortal, TheDeadlineEndsAThrottledListing) {
  FakePortal portal;
  portal.accounts = make_accounts(1, {"Admin"});
  portal.throttle_next = 1000000;
  SsoPortalOptions options = options_for(portal);
  options.max_attempts = 1000000;
  options.base_backoff = std::chrono::milliseconds(20);
  options.max_backoff = std::chrono::milliseconds(20);
  // A second, not 200 ms: on a loaded machine the first attempt could otherwise come after the
  // deadline, which ends the listing with "the deadline passed" before any answer (seen in CI).
  options.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  const auto started = std::chrono::steady_clock::now();
  Result<SsoListing> listing = list_sso_assignments(options);
  ASSERT_FALSE(listing);
  EXPECT_TRUE(listing.message().starts_with(
      "sso:ListAccounts failed: TooManyRequestsException (HTTP 429): Too many requests (after "))
      << listing.message();
  EXPECT_TRUE(listing.message().ends_with(" attempts) (no time was left for another attempt)"))
      << listing.message();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
}

// The deadline may pass between two attempts or while one is on its way, when the HTTP client cuts
// it short: either way the listing fails with the portal's last answer, which says why it was slow.
TEST(SsoPortal, TheDeadlineReportsThePortalsLastAnswerNotTheCutRequest) {
  FakePortal portal;
  SsoPortalOptions options = options_for(portal);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
  options.deadline = deadline;
  options.max_attempts = 100;
  options.max_in_flight = 1;
  options.make_transport = [deadline]() -> std::unique_ptr<HttpTransport> {
    struct ThrottledThenCut final : HttpTransport {
      std::chrono::steady_clock::time_point deadline;
      int calls = 0;
      explicit ThrottledThenCut(std::chrono::steady_clock::time_point d) : deadline(d) {}
      Result<HttpResponse> send(std::string_view, const HttpRequest&) override {
        if (++calls == 1) return FakePortal::answer(429, {{"message", "Too many requests"}}, "TooManyRequestsException");
        std::this_thread::sleep_until(deadline + std::chrono::milliseconds(5));
        return Result<HttpResponse>::error("GET http://portal.test: no answer in the 190 ms left before the deadline");
      }
    };
    return std::make_unique<ThrottledThenCut>(deadline);
  };
  Result<SsoListing> listing = list_sso_assignments(options);
  ASSERT_FALSE(listing);
  EXPECT_EQ(listing.message(),
            "sso:ListAccounts failed: TooManyRequestsException (HTTP 429): Too many requests (after 2 attempts) "
            "(no time was left for another attempt)");
}

TEST(SsoPortal, ProgressIsReported) {
  FakePortal portal;
  portal.accounts = make_accounts(5, {"Admin"});
  SsoPortalOptions options = options_for(portal);
  options.page_size = 2;
  std::vector<SsoListingProgress> seen;
  options.on_progress = [&](const SsoListingProgress& p) { seen.push_back(p); };
  ASSERT_TRUE(list_sso_assignments(options));
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().accounts_listed, 5);
  EXPECT_EQ(seen.back().accounts_done, 5);
  EXPECT_TRUE(seen.back().accounts_complete);
}

}  // namespace sso_portal_test
}  // namespace awsprof
