// credential_process: shlex split, posix_spawnp without a shell, bounded stdout, a timeout, and
// botocore's ProcessProvider rules for the JSON.
#include "awsprof/credentials/credential_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <thread>

#include "shlex.hpp"

extern char** environ;

namespace awsprof {
namespace {

using Clock = std::chrono::steady_clock;
using SysClock = std::chrono::system_clock;


std::string errno_text(int error) {
  return std::strerror(error);
}

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// Waits for the child until the deadline; kills it (SIGKILL) after. Returns the wait status, and
// whether it had to be killed.
int reap(pid_t pid, Clock::time_point deadline, bool& killed) {
  int status = 0;
  for (;;) {
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0 && errno != EINTR) return 0;
    if (Clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      killed = true;
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::string seconds_text(std::chrono::milliseconds ms) {
  if (ms.count() % 1000 == 0) return std::to_string(ms.count() / 1000) + " s";
  return std::to_string(ms.count()) + " ms";
}

}  // namespace


Result<std::vector<std::string>> split_credential_process(std::string_view command) {
  auto words = detail::shlex_split(command);
  if (!words)
    return Result<std::vector<std::string>>::error(
        "credential_process has an unclosed quote or a trailing backslash");
  if (words->empty()) return Result<std::vector<std::string>>::error("credential_process is empty");
  return std::move(*words);
}

Result<ProcessCredentials> parse_credential_process_output(std::string_view output,
                                                           SysClock::time_point now) {
  using R = Result<ProcessCredentials>;
  // No exceptions; and the output (which holds secrets) is never quoted back.
  nlohmann::json json =
      nlohmann::json::parse(output.begin(), output.end(), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return R::error("credential_process output is not valid JSON");
  if (!json.is_object()) return R::error("credential_process output is not a JSON object");
  auto version = json.find("Version");
  if (version == json.end()) return R::error("credential_process output has no \"Version\" (it must be 1)");
  // botocore compares with Python's ==, for which 1, 1.0 and true all equal 1.
  const bool version_one = (version->is_number_integer() && version->get<long long>() == 1) ||
                           (version->is_number_unsigned() && version->get<unsigned long long>() == 1) ||
                           (version->is_number_float() && version->get<double>() == 1.0) ||
                           (version->is_boolean() && version->get<bool>());
  if (!version_one)
    return R::error("credential_process output has unsupported \"Version\" " + version->dump() +
                    "; the supported version is 1");
  ProcessCredentials out;
  auto required = [&json](const char* key, std::string& into) -> Status {
    auto it = json.find(key);
    if (it == json.end())
      return Status::error(std::string("credential_process output is missing \"") + key + "\"");
    if (!it->is_string())
      return Status::error(std::string("credential_process output has a \"") + key +
                           "\" that is not a string");
    into = it->get<std::string>();
    return Status();
  };
  auto optional = [&json](const char* key, std::string& into) -> Status {
    auto it = json.find(key);
    if (it == json.end() || it->is_null()) return Status();
    if (!it->is_string())
      return Status::error(std::string("credential_process output has a \"") + key +
                           "\" that is not a string");
    into = it->get<std::string>();
    return Status();
  };
  for (Status s : {required("AccessKeyId", out.credentials.access_key_id),
                   required("SecretAccessKey", out.credentials.secret_access_key),
                   optional("SessionToken", out.credentials.session_token),
                   optional("Expiration", out.expiration_text), optional("AccountId", out.account_id)})
    if (!s) return R::error(s.message());
  if (!out.expiration_text.empty()) {
    out.expiration = parse_expiration_time(out.expiration_text);
    if (!out.expiration)
      return R::error("credential_process output has an \"Expiration\" that is not an ISO 8601 time: \"" +
                      out.expiration_text + "\"");
    if (*out.expiration <= now)
      return R::error("credential_process returned credentials that expired at " + out.expiration_text);
  }
  return out;
}

Result<ProcessCredentials> run_credential_process(std::string_view command, const ProcessOptions& options) {
  using R = Result<ProcessCredentials>;
  Result<std::vector<std::string>> words = split_credential_process(command);
  if (!words) return R::error(words.message());
  const std::string& program = words->front();

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return R::error("cannot create a pipe: " + errno_text(errno));
  Fd read_end(pipe_fds[0]);
  Fd write_end(pipe_fds[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
  if (options.stderr_mode == ProcessStderr::discard)
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  // Default signal handling in the child, whatever awsprof's own is (e.g. SIGPIPE ignored).
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> argv;
  for (std::string& w : *words) argv.push_back(w.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int spawn_error = ::posix_spawnp(&pid, program.c_str(), &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  write_end.reset();
  if (spawn_error != 0)
    return R::error("cannot run credential_process program \"" + program + "\": " + errno_text(spawn_error));

  const Clock::time_point deadline = Clock::now() + options.timeout;
  std::string output;
  bool too_large = false;
  bool timed_out = false;
  char buffer[8192];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{read_end.get(), POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    const ssize_t n = ::read(read_end.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF (or an error, which ends the output the same way)
    if (output.size() + static_cast<std::size_t>(n) > options.max_output) {
      too_large = true;
      break;
    }
    output.append(buffer, static_cast<std::size_t>(n));
  }
  read_end.reset();
  bool killed = false;
  const int status = reap(pid, (timed_out || too_large) ? Clock::now() : deadline, killed);
  timed_out = timed_out || (killed && !too_large);

  const std::string what = "credential_process \"" + program + "\"";
  if (timed_out)
    return R::error(what + " did not finish within " + seconds_text(options.timeout) + " and was killed");
  if (too_large)
    return R::error(what + " wrote more than " + std::to_string(options.max_output) +
                    " bytes and was killed");
  if (WIFSIGNALED(status))
    return R::error(what + " was killed by signal " + std::to_string(WTERMSIG(status)));
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
    return R::error(
        what + " exited with status " + std::to_string(WEXITSTATUS(status)) +
        (options.stderr_mode == ProcessStderr::inherit ? " (its messages are on stderr above)" : ""));
  Result<ProcessCredentials> parsed =
      parse_credential_process_output(output, options.now.value_or(SysClock::now()));
  if (!parsed) return R::error(what + ": " + parsed.message());
  return parsed;
}

}  // namespace awsprof
