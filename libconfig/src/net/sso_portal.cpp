#include "awsprof/net/sso_portal.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <variant>

#include "awsprof/net/sts_client.hpp"  // is_retryable, is_throttling_error

namespace awsprof {
namespace {

using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// One page to fetch: of the account list, or of one account's roles.
struct Job {
  std::optional<std::size_t> account;  // nullopt: ListAccounts
  std::string next_token;
};

// What one page held.
struct Page {
  std::vector<SsoAccount> accounts;  // ListAccounts
  std::vector<std::string> roles;    // ListAccountRoles
  std::string next_token;
};

// Removes every occurrence of the token from a text the portal or the transport produced.
std::string without_secret(std::string text, const std::string& secret) {
  if (secret.size() < 4) return text;
  for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at))
    text.replace(at, secret.size(), "****");
  return text;
}

class Lister {
 public:
  explicit Lister(const SsoPortalOptions& options)
      : options_(options), limit_(std::max(1, options.max_in_flight)), lowest_(limit_) {}

  Result<SsoListing> run() {
    queue_.push_back(Job{});
    const int workers = std::max(1, options_.max_in_flight);
    std::vector<std::thread> threads;
    threads.reserve(static_cast<std::size_t>(workers));
    for (int i = 0; i < workers; ++i) threads.emplace_back([this, i] { work(i); });
    for (std::thread& thread : threads) thread.join();
    if (error_) return Result<SsoListing>::error(*error_);
    listing_.stats.lowest_concurrency = lowest_;
    return std::move(listing_);
  }

 private:
  void work(int index) {
    std::unique_ptr<HttpTransport> transport = options_.make_transport ? options_.make_transport() : nullptr;
    // Each worker's own client, which tries once: retrying is the listing's (it sees every 429).
    SsoClientOptions client_options = options_.client;
    client_options.retry.max_attempts = 1;
    client_options.deadline = options_.deadline;
    std::optional<SsoPortalClient> client;
    if (transport) client.emplace(*transport, client_options);
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
      const std::string account_id = job.account ? listing_.accounts[*job.account].account.account_id : "";
      lock.unlock();
      Result<Page> page = client ? fetch(*client, account_id, job, random)
                                 : Result<Page>::error("no HTTP transport for the SSO portal");
      lock.lock();
      --active_;
      if (!page) {
        if (!error_) error_ = without_secret(page.message(), options_.access_token);
      } else if (!error_) {
        accept(job, std::move(*page));
      }
      changed_.notify_all();
    }
  }

  // Under the lock: records a page and queues what follows from it.
  void accept(const Job& job, Page page) {
    const std::string scope = job.account ? listing_.accounts[*job.account].account.account_id : "";
    if (!page.next_token.empty() && !seen_tokens_.insert(scope + "|" + page.next_token).second) {
      error_ = call_name(scope) + " failed: the portal returned the same next token twice";
      return;
    }
    if (!job.account) {
      for (SsoAccount& account : page.accounts) {
        if (!account_index_.emplace(account.account_id, listing_.accounts.size()).second)
          continue;  // listed twice
        queue_.push_back(Job{listing_.accounts.size(), {}});
        listing_.accounts.push_back({std::move(account), {}});
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

  static std::string call_name(const std::string& account_id) {
    return account_id.empty() ? "sso:ListAccounts" : "sso:ListAccountRoles for account " + account_id;
  }

  void log(const std::string& line) {
    if (!options_.client.log) return;
    std::lock_guard guard(log_mutex_);
    options_.client.log(line);
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
    if (throttled) {
      ++listing_.stats.throttled;
      // Halve the requests in flight, once per backoff window: a burst of 429s is one signal.
      const auto now = SteadyClock::now();
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

  // One page, through the worker's client.
  std::variant<Page, SsoApiError> call(SsoPortalClient& client, const std::string& account_id,
                                       const Job& job) {
    const std::optional<std::string> next =
        job.next_token.empty() ? std::nullopt : std::optional(job.next_token);
    const int size = std::clamp(options_.page_size, 1, 100);
    Page page;
    if (!job.account) {
      SsoResult<SsoAccountPage> answer = client.list_accounts(options_.access_token, next, size);
      if (!answer) return answer.error();
      page.accounts = std::move(answer->accounts);
      page.next_token = answer->next_token.value_or("");
    } else {
      SsoResult<SsoRolePage> answer =
          client.list_account_roles(options_.access_token, account_id, next, size);
      if (!answer) return answer.error();
      page.roles = std::move(answer->role_names);
      page.next_token = answer->next_token.value_or("");
    }
    return page;
  }

  Result<Page> fetch(SsoPortalClient& client, const std::string& account_id, const Job& job,
                     std::mt19937_64& random) {
    const std::string name = call_name(account_id);
    // What the deadline ends: the last failure, or the call itself when nothing was tried.
    std::optional<SsoApiError> last_failure;
    const auto out_of_time = [&](int attempts) {
      if (!last_failure) return Result<Page>::error(name + " failed: the deadline passed");
      last_failure->attempts = attempts;
      last_failure->out_of_time = true;
      return Result<Page>::error(last_failure->to_string());
    };
    for (int attempt = 0;; ++attempt) {
      if (past_deadline()) return out_of_time(attempt);
      if (!acquire_slot()) return Result<Page>::error("stopped");
      std::variant<Page, SsoApiError> answer = call(client, account_id, job);
      if (Page* page = std::get_if<Page>(&answer)) {
        release_slot(false);
        return std::move(*page);
      }
      SsoApiError error = std::get<SsoApiError>(std::move(answer));
      error.operation = name;
      error.attempts = attempt + 1;
      const bool transport = error.kind == SsoErrorKind::transport;
      const bool throttled =
          !transport && (error.http_status == 429 || is_throttling_error(RetryMode::standard, error.code));
      release_slot(throttled);
      const int allowed = std::max(1, throttled ? options_.max_attempts : options_.failure_attempts);
      const bool retryable =
          error.kind != SsoErrorKind::bad_response &&
          (throttled || is_retryable(RetryMode::standard, transport, error.http_status, error.code));
      if (!retryable || attempt + 1 >= allowed) {
        std::string failure = error.to_string();
        if (error.http_status == 401 || error.code == "UnauthorizedException")
          failure += "; the SSO token of " + options_.session_label + " has expired or was revoked" +
                     (options_.login_command.empty() ? "" : ": run `" + options_.login_command + "`");
        return Result<Page>::error(failure);
      }
      const bool deadline_passed = past_deadline();
      // A request that the deadline cut short says less than the portal's answer before it.
      if (!(transport && deadline_passed && last_failure)) last_failure = error;
      if (deadline_passed) return out_of_time(attempt + 1);
      log(error.to_string() + "; retrying");
      {
        std::lock_guard lock(mutex_);
        ++listing_.stats.retried;
      }
      const Pause pause = back_off(attempt, random);
      if (pause == Pause::stopped) return Result<Page>::error("stopped");
      if (pause == Pause::past_deadline) return out_of_time(attempt + 1);
    }
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

Result<SsoListing> list_sso_assignments(const SsoPortalOptions& options) {
  if (options.access_token.empty()) return Result<SsoListing>::error("no SSO access token");
  Lister lister(options);
  return lister.run();
}

}  // namespace awsprof
