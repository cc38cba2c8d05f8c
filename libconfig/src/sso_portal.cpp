#include "awsprof/sso_portal.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "awsprof/sts_client.hpp"  // form_url_encode

namespace awsprof {
namespace {

using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Transport errors and 5xx answers are retried as botocore's standard mode does (3 attempts);
// throttling, which a large listing meets by design, up to SsoPortalOptions::max_attempts.
constexpr int kFailureAttempts = 3;

// One page to fetch: of the account list, or of one account's roles.
struct Job {
  std::optional<std::size_t> account;  // nullopt: ListAccounts
  std::string next_token;
};

// What one page held.
struct Page {
  std::vector<SsoAccountRoles> accounts;  // ListAccounts
  std::vector<std::string> roles;         // ListAccountRoles
  std::string next_token;
};

bool is_throttling(int status, std::string_view code) {
  return status == 429 || code == "TooManyRequestsException" || code == "ThrottlingException" ||
         code == "Throttling" || code == "ThrottledException" || code == "RequestLimitExceeded";
}

// The error's code, as botocore's rest-json parser finds it: the x-amzn-ErrorType header (up to a
// ':'), else the body's "__type" (after a '#'), else "code".
std::string error_code(const HttpResponse& response, const nlohmann::json& body) {
  std::string code = response.header("x-amzn-errortype").value_or("");
  code = code.substr(0, code.find(':'));
  for (const char* field : {"__type", "code"}) {
    if (!code.empty()) break;
    if (body.is_object() && body.contains(field) && body[field].is_string())
      code = body[field].get<std::string>();
    code = code.substr(code.find('#') == std::string::npos ? 0 : code.find('#') + 1);
  }
  return code.empty() ? "HTTP" + std::to_string(response.status) : code;
}

std::string error_message(const nlohmann::json& body) {
  for (const char* field : {"message", "Message"})
    if (body.is_object() && body.contains(field) && body[field].is_string())
      return body[field].get<std::string>();
  return "";
}

// Removes every occurrence of the token from a text the portal or the transport produced.
std::string without_secret(std::string text, const std::string& secret) {
  if (secret.size() < 4) return text;
  for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at))
    text.replace(at, secret.size(), "****");
  return text;
}

std::optional<std::string> string_field(const nlohmann::json& object, const char* field) {
  if (!object.is_object() || !object.contains(field)) return std::nullopt;
  const nlohmann::json& value = object[field];
  if (value.is_null()) return std::string();
  if (!value.is_string()) return std::nullopt;
  return value.get<std::string>();
}

class Lister {
 public:
  explicit Lister(const SsoPortalOptions& options)
      : options_(options), limit_(std::max(1, options.max_in_flight)), lowest_(limit_) {}

  Result<SsoListing> run() {
    const auto started = SteadyClock::now();
    queue_.push_back(Job{});
    const int workers = std::max(1, options_.max_in_flight);
    std::vector<std::thread> threads;
    threads.reserve(static_cast<std::size_t>(workers));
    for (int i = 0; i < workers; ++i) threads.emplace_back([this, i] { work(i); });
    for (std::thread& thread : threads) thread.join();
    if (error_) return Result<SsoListing>::error(*error_);
    listing_.stats.lowest_concurrency = lowest_;
    listing_.stats.elapsed = std::chrono::duration_cast<milliseconds>(SteadyClock::now() - started);
    return std::move(listing_);
  }

 private:
  void work(int index) {
    std::unique_ptr<HttpTransport> transport = options_.make_transport ? options_.make_transport() : nullptr;
    std::mt19937_64 random(options_.jitter_seed != 0
                               ? options_.jitter_seed + static_cast<std::uint64_t>(index)
                               : static_cast<std::uint64_t>(SteadyClock::now().time_since_epoch().count()) +
                                     static_cast<std::uint64_t>(index) * 7919u);
    std::unique_lock lock(mutex_);
    for (;;) {
      changed_.wait(lock, [&] { return error_ || !queue_.empty() || active_ == 0; });
      if (error_ || queue_.empty()) return;
      Job job = std::move(queue_.front());
      queue_.pop_front();
      ++active_;
      const std::string account_id = job.account ? listing_.accounts[*job.account].id : std::string();
      lock.unlock();
      Result<Page> page = transport ? fetch(*transport, account_id, job, random)
                                    : Result<Page>::error("no HTTP transport for the SSO portal");
      lock.lock();
      --active_;
      if (!page) {
        if (!error_) error_ = page.message();
      } else if (!error_) {
        accept(job, std::move(*page));
      }
      changed_.notify_all();
    }
  }

  // Under the lock: records a page and queues what follows from it.
  void accept(const Job& job, Page page) {
    const std::string scope = job.account ? listing_.accounts[*job.account].id : std::string();
    if (!page.next_token.empty() && !seen_tokens_.insert(scope + "|" + page.next_token).second) {
      error_ = call_name(job) + " failed: the portal returned the same next token twice";
      return;
    }
    if (!job.account) {
      for (SsoAccountRoles& account : page.accounts) {
        if (!account_index_.emplace(account.id, listing_.accounts.size()).second) continue;  // listed twice
        queue_.push_back(Job{listing_.accounts.size(), {}});
        listing_.accounts.push_back(std::move(account));
      }
      progress_.accounts_listed = static_cast<int>(listing_.accounts.size());
      if (page.next_token.empty()) progress_.accounts_complete = true;
    } else {
      std::vector<std::string>& roles = listing_.accounts[*job.account].roles;
      for (std::string& role : page.roles)
        if (std::find(roles.begin(), roles.end(), role) == roles.end()) roles.push_back(std::move(role));
      if (page.next_token.empty()) ++progress_.accounts_done;
    }
    if (!page.next_token.empty()) queue_.push_back(Job{job.account, std::move(page.next_token)});
    if (options_.on_progress) options_.on_progress(progress_);
  }

  std::string call_name(const Job& job) const {
    return job.account ? "sso:ListAccountRoles for account " + listing_.accounts[*job.account].id
                       : std::string("sso:ListAccounts");
  }

  void log(const std::string& line) {
    if (!options_.log) return;
    std::lock_guard guard(log_mutex_);
    options_.log(line);
  }

  bool past_deadline() const { return options_.deadline && SteadyClock::now() >= *options_.deadline; }

  // Waits for a slot under the current concurrency limit; false when the listing has failed.
  bool acquire_slot() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return error_ || in_flight_ < limit_; });
    if (error_) return false;
    ++in_flight_;
    return true;
  }

  void release_slot(bool throttled) {
    std::lock_guard lock(mutex_);
    --in_flight_;
    ++listing_.stats.requests;
    const auto now = SteadyClock::now();
    if (throttled) {
      ++listing_.stats.throttled;
      // Halve the requests in flight, once per backoff window: a burst of 429s is one signal.
      if (now - last_decrease_ >= options_.base_backoff) {
        limit_ = std::max(1, limit_ / 2);
        lowest_ = std::min(lowest_, limit_);
        last_decrease_ = now;
        successes_ = 0;
      }
    } else if (limit_ < std::max(1, options_.max_in_flight) && ++successes_ >= limit_) {
      ++limit_;
      successes_ = 0;
    }
    changed_.notify_all();
  }

  enum class Pause { done, past_deadline, stopped };
  // Sleeps the full-jitter backoff of `attempt` (0-based), unless the deadline would pass first or
  // the listing fails meanwhile.
  Pause back_off(int attempt, std::mt19937_64& random) {
    const auto ceiling = std::min<long long>(options_.max_backoff.count(), options_.base_backoff.count()
                                                                               << std::min(attempt, 20));
    const milliseconds pause(std::uniform_int_distribution<long long>(0, std::max(0LL, ceiling))(random));
    const auto until = SteadyClock::now() + pause;
    if (options_.deadline && until >= *options_.deadline) return Pause::past_deadline;
    std::unique_lock lock(mutex_);
    changed_.wait_until(lock, until, [&] { return error_.has_value(); });
    return error_ ? Pause::stopped : Pause::done;
  }

  HttpRequest request_for(const std::string& account_id, const Job& job) const {
    HttpRequest request;
    request.method = "GET";
    std::string query = "max_result=" + std::to_string(std::clamp(options_.page_size, 1, 100));
    if (!job.next_token.empty()) query += "&next_token=" + form_url_encode(job.next_token);
    request.path = job.account ? "/assignment/roles?account_id=" + form_url_encode(account_id) + "&" + query
                               : "/assignment/accounts?" + query;
    request.headers = {{"x-amz-sso_bearer_token", options_.access_token}, {"Accept", "application/json"}};
    request.deadline = options_.deadline;
    return request;
  }

  Result<Page> fetch(HttpTransport& transport, const std::string& account_id, const Job& job,
                     std::mt19937_64& random) {
    const std::string call =
        job.account ? "sso:ListAccountRoles for account " + account_id : std::string("sso:ListAccounts");
    const HttpRequest request = request_for(account_id, job);
    std::string last_problem;
    for (int attempt = 0;; ++attempt) {
      if (past_deadline())
        return Result<Page>::error(call + " failed: the deadline passed" +
                                   (last_problem.empty() ? "" : " (last answer: " + last_problem + ")"));
      if (!acquire_slot()) return Result<Page>::error("stopped");
      Result<HttpResponse> response = transport.send(options_.origin, request);
      bool throttled = false;
      bool retryable = false;
      if (!response) {
        last_problem = without_secret(response.message(), options_.access_token);
        retryable = attempt + 1 < kFailureAttempts;
      } else if (response->status == 200) {
        release_slot(false);
        return parse(call, *response, job.account.has_value());
      } else {
        nlohmann::json body = nlohmann::json::parse(response->body, nullptr, false);
        const std::string code = error_code(*response, body);
        const std::string message = without_secret(error_message(body), options_.access_token);
        last_problem = code + " (HTTP " + std::to_string(response->status) + ")" +
                       (message.empty() ? "" : ": " + message);
        throttled = is_throttling(response->status, code);
        if (throttled) {
          retryable = attempt + 1 < std::max(1, options_.max_attempts);
        } else if (response->status >= 500) {
          retryable = attempt + 1 < kFailureAttempts;
        } else {
          release_slot(false);
          std::string failure = call + " failed: " + last_problem;
          if (response->status == 401 || code == "UnauthorizedException")
            failure += "; the SSO token of " + options_.session_label + " has expired or was revoked" +
                       (options_.login_command.empty() ? "" : ": run `" + options_.login_command + "`");
          return Result<Page>::error(failure);
        }
      }
      release_slot(throttled);
      if (!retryable)
        return Result<Page>::error(call + " failed after " + std::to_string(attempt + 1) +
                                   (attempt == 0 ? " attempt: " : " attempts: ") + last_problem);
      log(call + ": " + last_problem + "; retrying (attempt " + std::to_string(attempt + 2) + ")");
      {
        std::lock_guard lock(mutex_);
        ++listing_.stats.retried;
      }
      const Pause pause = back_off(attempt, random);
      if (pause == Pause::stopped) return Result<Page>::error("stopped");
      if (pause == Pause::past_deadline)
        return Result<Page>::error(call + " failed: the deadline passed (last answer: " + last_problem + ")");
    }
  }

  Result<Page> parse(const std::string& call, const HttpResponse& response, bool roles) const {
    auto bad = [&](const std::string& why) {
      return Result<Page>::error(call + ": malformed answer: " + why);
    };
    nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
    if (!body.is_object()) return bad("not a JSON object");
    Page page;
    std::optional<std::string> next =
        body.contains("nextToken") ? string_field(body, "nextToken") : std::string();
    if (!next) return bad("nextToken is not a string");
    page.next_token = std::move(*next);
    const char* list_name = roles ? "roleList" : "accountList";
    if (!body.contains(list_name) || body[list_name].is_null()) return page;
    const nlohmann::json& list = body[list_name];
    if (!list.is_array()) return bad(std::string(list_name) + " is not a list");
    for (const nlohmann::json& item : list) {
      if (roles) {
        std::optional<std::string> role = string_field(item, "roleName");
        if (!role || role->empty()) return bad("a role without a roleName");
        page.roles.push_back(std::move(*role));
        continue;
      }
      std::optional<std::string> id = string_field(item, "accountId");
      if (!id || id->empty()) return bad("an account without an accountId");
      SsoAccountRoles account;
      account.id = std::move(*id);
      account.name = string_field(item, "accountName").value_or("");
      account.email = string_field(item, "emailAddress").value_or("");
      page.accounts.push_back(std::move(account));
    }
    return page;
  }

  const SsoPortalOptions& options_;
  std::mutex mutex_;
  std::mutex log_mutex_;
  std::condition_variable changed_;
  std::deque<Job> queue_;
  int active_ = 0;
  std::optional<std::string> error_;
  SsoListing listing_;
  std::map<std::string, std::size_t> account_index_;
  std::set<std::string> seen_tokens_;
  SsoListingProgress progress_;
  int limit_;
  int lowest_;
  int in_flight_ = 0;
  int successes_ = 0;
  SteadyClock::time_point last_decrease_{};
};

}  // namespace

Result<std::string> sso_portal_origin(const std::string& configured, const std::string& region, bool fips,
                                      bool dualstack) {
  if (!configured.empty()) {
    Result<Url> url = parse_url(configured);
    if (!url) return Result<std::string>::error("the SSO endpoint URL is not valid: " + url.message());
    return url->origin();
  }
  if (region.empty()) return Result<std::string>::error("no sso_region for the SSO portal");
  return std::string("https://portal.sso") + (fips ? "-fips." : ".") + region +
         (dualstack ? ".api.aws" : ".amazonaws.com");
}

Result<SsoListing> list_sso_assignments(const SsoPortalOptions& options) {
  if (options.access_token.empty()) return Result<SsoListing>::error("no SSO access token");
  Lister lister(options);
  return lister.run();
}

}  // namespace awsprof
