// sts_moto_probe: drives awsprof's StsClient over HttpClient against a real STS (moto in the peer
// test) and prints one JSON object on stdout. Driven by run_moto_sts.py. Keys come from the
// environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), never from argv, and
// the JSON never holds a secret: temporary credentials are used, then shown masked.
//
//   sts_moto_probe identity     --endpoint URL [common options]
//   sts_moto_probe assume-role  --endpoint URL --role-arn ARN --session-name S [--external-id E]
//   sts_moto_probe web-identity --endpoint URL --role-arn ARN --session-name S --token-file F
//   sts_moto_probe keepalive    --endpoint URL --count N
// Common options: --region R (us-east-1), --max-attempts N, --connect-timeout-ms N,
// --read-timeout-ms N, --no-verify-ssl, --ca-bundle PATH.
// Exit status: 0 when the JSON was written (the result may be an error), 2 on a usage error.
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "awsprof/net/http_client.hpp"
#include "awsprof/support/secrets.hpp"
#include "awsprof/net/sts_client.hpp"

namespace {

using awsprof::StsError;
using nlohmann::json;

/// Counts the connections the wrapped client opens.
class CountingTransport : public awsprof::HttpTransport {
 public:
  explicit CountingTransport(awsprof::HttpTransport& inner) : inner_(inner) {}
  awsprof::Result<awsprof::HttpResponse> send(std::string_view origin,
                                              const awsprof::HttpRequest& request) override {
    auto response = inner_.send(origin, request);
    ++requests;
    if (response.ok()) new_connections += response->new_connections;
    return response;
  }
  long requests = 0;
  long new_connections = 0;

 private:
  awsprof::HttpTransport& inner_;
};

json error_json(const StsError& e) {
  static const std::map<awsprof::StsErrorKind, const char*> kKinds = {
      {awsprof::StsErrorKind::invalid_request, "invalid_request"},
      {awsprof::StsErrorKind::transport, "transport"},
      {awsprof::StsErrorKind::service, "service"},
      {awsprof::StsErrorKind::bad_response, "bad_response"},
  };
  return {{"ok", false},
          {"kind", kKinds.at(e.kind)},
          {"code", e.code},
          {"http_status", e.http_status},
          {"attempts", e.attempts},
          {"summary", std::string(e.summary())},
          {"hint", std::string(e.hint())},
          {"message", e.to_string()}};
}

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

int usage(const std::string& why) {
  std::cerr << "sts_moto_probe: " << why << "\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage("missing command");
  const std::string command = argv[1];
  std::map<std::string, std::string> opt;
  for (int i = 2; i < argc; ++i) {
    std::string name = argv[i];
    if (!name.starts_with("--")) return usage("unexpected argument " + name);
    if (name == "--no-verify-ssl") {
      opt[name] = "1";
    } else if (i + 1 < argc) {
      opt[name] = argv[++i];
    } else {
      return usage(name + " needs a value");
    }
  }
  auto get = [&](const std::string& name, const std::string& fallback = {}) {
    auto it = opt.find(name);
    return it == opt.end() ? fallback : it->second;
  };
  if (get("--endpoint").empty()) return usage("--endpoint is required");

  awsprof::HttpClientOptions http_options;
  http_options.verify_tls = !opt.contains("--no-verify-ssl");
  http_options.ca_bundle = get("--ca-bundle");
  http_options.connect_timeout = std::chrono::milliseconds(std::stol(get("--connect-timeout-ms", "5000")));
  http_options.read_timeout = std::chrono::milliseconds(std::stol(get("--read-timeout-ms", "10000")));
  // proxy: left unset, so HTTP_PROXY / HTTPS_PROXY / NO_PROXY come from the environment.
  awsprof::HttpClient http(http_options);
  CountingTransport transport(http);

  awsprof::StsEndpointInputs inputs;
  inputs.region = get("--region", "us-east-1");
  inputs.endpoint_url = get("--endpoint");
  auto endpoint = awsprof::resolve_sts_endpoint(inputs);
  if (!endpoint) return usage(endpoint.message());
  awsprof::StsClientOptions sts_options;
  sts_options.endpoint = *endpoint;
  sts_options.retry.max_attempts = std::stoi(get("--max-attempts", "0"));
  awsprof::StsClient sts(transport, sts_options);

  const awsprof::Credentials keys{env_or_empty("AWS_ACCESS_KEY_ID"), env_or_empty("AWS_SECRET_ACCESS_KEY"),
                                  env_or_empty("AWS_SESSION_TOKEN")};
  json out;
  if (command == "identity") {
    auto identity = sts.get_caller_identity(keys);
    out = identity ? json{{"ok", true},
                          {"account", identity->account},
                          {"arn", identity->arn},
                          {"user_id", identity->user_id}}
                   : error_json(identity.error());
  } else if (command == "keepalive") {
    const int count = std::stoi(get("--count", "200"));
    int succeeded = 0;
    json first_error;
    for (int i = 0; i < count; ++i) {
      auto identity = sts.get_caller_identity(keys);
      if (identity) {
        ++succeeded;
      } else if (first_error.is_null()) {
        first_error = error_json(identity.error());
      }
    }
    out = {{"ok", succeeded == count},
           {"requests", transport.requests},
           {"succeeded", succeeded},
           {"new_connections", transport.new_connections},
           {"first_error", first_error}};
  } else if (command == "assume-role" || command == "web-identity") {
    awsprof::StsResult<awsprof::AssumedRoleCredentials> role = StsError{};
    if (command == "assume-role") {
      awsprof::AssumeRoleRequest request;
      request.role_arn = get("--role-arn");
      request.role_session_name = get("--session-name");
      request.external_id = get("--external-id");
      role = sts.assume_role(keys, request);
    } else {
      std::ifstream file(get("--token-file"));
      std::stringstream token;
      token << file.rdbuf();
      role =
          sts.assume_role_with_web_identity({get("--role-arn"), get("--session-name"), token.str(), {}, {}});
    }
    if (!role) {
      out = error_json(role.error());
    } else {
      out = {{"ok", true},
             {"assumed_role_arn", role->assumed_role_arn},
             {"assumed_role_id", role->assumed_role_id},
             {"expiration", role->expiration},
             {"access_key_id", role->credentials.access_key_id},
             {"secret_masked", awsprof::mask_secret(role->credentials.secret_access_key)},
             {"has_session_token", !role->credentials.session_token.empty()}};
      // The temporary credentials at work: who are they?
      auto identity = sts.get_caller_identity(role->credentials);
      out["identity"] = identity ? json{{"ok", true}, {"account", identity->account}, {"arn", identity->arn}}
                                 : error_json(identity.error());
      // The same keys with a session token that is not theirs.
      awsprof::Credentials tampered = role->credentials;
      tampered.session_token += "x";
      auto rejected = sts.get_caller_identity(tampered);
      out["tampered_token"] =
          rejected ? json{{"ok", true}, {"arn", rejected->arn}} : error_json(rejected.error());
    }
  } else {
    return usage("unknown command " + command);
  }
  std::cout << out.dump() << "\n";
  return 0;
}
