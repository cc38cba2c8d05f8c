#include "awsprof/credentials/profile_graph.hpp"

#include <algorithm>
#include <cstdint>
#include <unordered_map>

#include "awsprof/credentials/credential_chain.hpp"

namespace awsprof {

std::string_view to_string(GraphNodeType type) {
  switch (type) {
    case GraphNodeType::profile:
      return "profile";
    case GraphNodeType::sso_session:
      return "sso-session";
    case GraphNodeType::credential_source:
      return "credential-source";
    case GraphNodeType::missing_profile:
      return "missing-profile";
    case GraphNodeType::missing_sso_session:
      return "missing-sso-session";
  }
  return "profile";
}

std::string_view arn_account(std::string_view arn) {
  // arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE
  std::size_t start = 0;
  for (int field = 0; field < 4; ++field) {
    start = arn.find(':', start);
    if (start == std::string_view::npos) return {};
    ++start;
  }
  if (!arn.starts_with("arn:")) return {};
  std::size_t end = arn.find(':', start);
  if (end == std::string_view::npos) return {};
  std::string_view account = arn.substr(start, end - start);
  if (account.size() != 12 ||
      !std::all_of(account.begin(), account.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return {};
  return account;
}

std::string_view arn_role_name(std::string_view arn) {
  if (arn_account(arn).empty()) return {};
  std::size_t resource = arn.find(":role/");
  if (resource == std::string_view::npos) return {};
  std::string_view path = arn.substr(resource + 6);
  std::size_t last = path.rfind('/');
  return last == std::string_view::npos ? path : path.substr(last + 1);
}

std::optional<std::string> account_from_access_key_id(std::string_view key_id) {
  if (key_id.size() != 20 || !(key_id.starts_with("AKIA") || key_id.starts_with("ASIA"))) return std::nullopt;
  auto digit = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= '2' && c <= '7') return c - '2' + 26;
    return -1;
  };
  // The first 6 bytes are the first 48 bits: 9 base32 digits hold 45, the 10th the last 3.
  std::uint64_t bits = 0;
  for (std::size_t i = 4; i < 14; ++i) {
    int value = digit(key_id[i]);
    if (value < 0) return std::nullopt;
    bits = (bits << 5) | static_cast<std::uint64_t>(value);
  }
  for (std::size_t i = 14; i < 20; ++i)
    if (digit(key_id[i]) < 0) return std::nullopt;
  if (digit(key_id[4]) < 16) return std::nullopt;  // keys from before 2019 encode no account
  const std::uint64_t first48 = bits >> 2;         // 50 bits read, 48 wanted
  const std::uint64_t account = (first48 & 0x7fffffffff80ULL) >> 7;
  std::string text = std::to_string(account);
  if (text.size() > 12) return std::nullopt;
  return std::string(12 - text.size(), '0') + text;
}

ProfileAccount profile_account(const Section& profile) {
  if (const Setting* arn = profile.find("role_arn"))
    if (std::string_view account = arn_account(arn->value); !account.empty())
      return {std::string(account), "role_arn"};
  if (const Setting* sso = profile.find("sso_account_id"); sso && !sso->value.empty())
    return {std::string(sso->value), "sso_account_id"};
  if (const Setting* own = profile.find("aws_account_id"); own && !own->value.empty())
    return {std::string(own->value), "aws_account_id"};
  if (const Setting* key = profile.find("aws_access_key_id"))
    if (auto account = account_from_access_key_id(key->value))
      return {std::move(*account), "aws_access_key_id"};
  return {};
}

std::optional<std::size_t> ProfileGraph::find(GraphNodeType type, std::string_view name) const {
  for (std::size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].type == type && nodes[i].name == name) return i;
  return std::nullopt;
}

std::string_view ProfileGraph::link_key(std::size_t node) const {
  if (!nodes[node].signer) return {};
  switch (nodes[*nodes[node].signer].type) {
    case GraphNodeType::profile:
    case GraphNodeType::missing_profile:
      return "source_profile";
    case GraphNodeType::credential_source:
      return "credential_source";
    case GraphNodeType::sso_session:
    case GraphNodeType::missing_sso_session:
      return "sso_session";
  }
  return {};
}

std::vector<std::size_t> ProfileGraph::roots() const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < nodes.size(); ++i)
    if (!nodes[i].signer) out.push_back(i);
  return out;
}

std::vector<std::size_t> ProfileGraph::chain(std::size_t node) const {
  std::vector<std::size_t> reversed{node};
  std::size_t current = node;
  while (nodes[current].signer) {
    const std::size_t next = *nodes[current].signer;
    if (std::find(reversed.begin(), reversed.end(), next) != reversed.end()) break;
    reversed.push_back(next);
    if (nodes[next].type == GraphNodeType::profile && nodes[next].static_keys) break;  // signs with its keys
    current = next;
  }
  return {reversed.rbegin(), reversed.rend()};
}

std::vector<ProfileGraph::LinkProblem> ProfileGraph::chain_problems(std::size_t node) const {
  const std::vector<std::size_t> links = chain(node);
  std::vector<LinkProblem> out;
  for (std::size_t link : links) {
    const bool signs_with_keys =
        link != node && nodes[link].type == GraphNodeType::profile && nodes[link].static_keys;
    if (signs_with_keys) continue;
    for (const std::string& problem : nodes[link].problems) out.push_back({link, problem});
  }
  return out;
}

namespace {

std::string quoted(std::string_view name) {
  return "\"" + std::string(name) + "\"";
}

std::string value(const Section& section, std::string_view key) {
  const Setting* s = section.find(key);
  return s == nullptr ? std::string() : std::string(s->value);
}

class GraphBuilder {
 public:
  explicit GraphBuilder(const ProfileModel& model) : model_(model) {}

  ProfileGraph build() {
    for (const Section& profile : model_.profiles) {
      profile_index_.emplace(profile.name, graph_.nodes.size());
      graph_.nodes.push_back(profile_node(profile));
    }
    for (const Section& session : model_.sso_sessions) {
      session_index_.emplace(session.name, graph_.nodes.size());
      GraphNode node;
      node.type = GraphNodeType::sso_session;
      node.name = std::string(session.name);
      node.sso_start_url = value(session, "sso_start_url");
      graph_.nodes.push_back(std::move(node));
    }
    for (std::size_t i = 0; i < model_.profiles.size(); ++i) link(i, model_.profiles[i]);
    find_cycles();
    for (std::size_t i = 0; i < model_.profiles.size(); ++i) check_chain_loops(i);
    graph_.signees.assign(graph_.nodes.size(), {});
    for (std::size_t i = 0; i < graph_.nodes.size(); ++i)
      if (graph_.nodes[i].signer && *graph_.nodes[i].signer != i)
        graph_.signees[*graph_.nodes[i].signer].push_back(i);
    return std::move(graph_);
  }

 private:
  static GraphNode profile_node(const Section& profile) {
    GraphNode node;
    node.name = std::string(profile.name);
    node.kind = std::string(profile_kind(profile));
    node.role_arn = value(profile, "role_arn");
    node.account_id = profile_account(profile).account_id;
    node.sso_role_name = value(profile, "sso_role_name");
    node.sso_start_url = value(profile, "sso_start_url");
    node.static_keys =
        profile.find("aws_access_key_id") != nullptr || profile.find("aws_secret_access_key") != nullptr;
    if (node.kind == "assume-role") node.mfa_serial = value(profile, "mfa_serial");
    return node;
  }

  // The credential-source or missing-reference node of that name, added when first met.
  std::size_t node_for(GraphNodeType type, std::string_view name) {
    const auto [entry, added] =
        other_index_.try_emplace(std::string(to_string(type)) + ":" + std::string(name), graph_.nodes.size());
    if (!added) return entry->second;
    GraphNode node;
    node.type = type;
    node.name = std::string(name);
    graph_.nodes.push_back(std::move(node));
    return graph_.nodes.size() - 1;
  }

  // Which node signs profile `index`, by plan_credentials()'s rules (AssumeRoleProvider, SSOProvider).
  void link(std::size_t index, const Section& profile) {
    GraphNode& node = graph_.nodes[index];
    const Setting* source_profile = profile.find("source_profile");
    const Setting* credential_source = profile.find("credential_source");
    if (node.kind == "assume-role") {
      if (source_profile && credential_source)
        node.problems.push_back("has both source_profile and credential_source; the AWS CLI refuses it");
      if (source_profile) {
        if (source_profile->value == profile.name && node.static_keys) {
          node.signs_itself = true;
          return;
        }
        if (const auto source = profile_index_.find(source_profile->value); source != profile_index_.end()) {
          node.signer = source->second;
        } else {
          graph_.nodes[index].problems.push_back("source_profile " + quoted(source_profile->value) +
                                                 " does not exist");
          const std::size_t missing = node_for(GraphNodeType::missing_profile, source_profile->value);
          graph_.nodes[index].signer = missing;
        }
        return;
      }
      if (credential_source) {
        const std::string_view name = credential_source->value;
        if (name != "Environment" && name != "Ec2InstanceMetadata" && name != "EcsContainer")
          node.problems.push_back("credential_source " + quoted(name) +
                                  " is not valid (Environment, Ec2InstanceMetadata or EcsContainer)");
        const std::size_t source = node_for(GraphNodeType::credential_source, name);
        graph_.nodes[index].signer = source;
        return;
      }
      node.problems.push_back("role_arn without source_profile or credential_source: nothing signs the role");
      return;
    }
    if (const Setting* session = profile.find("sso_session");
        session && (node.kind == "sso" || node.kind == "config-only")) {
      if (const auto found = session_index_.find(session->value); found != session_index_.end()) {
        node.signer = found->second;
      } else {
        node.problems.push_back("sso_session " + quoted(session->value) + " does not exist");
        const std::size_t missing = node_for(GraphNodeType::missing_sso_session, session->value);
        graph_.nodes[index].signer = missing;
      }
    }
  }

  // The signer links form a functional graph: each walk ends at a root or runs into a cycle.
  void find_cycles() {
    enum class Mark { unseen, on_path, done };
    std::vector<Mark> marks(graph_.nodes.size(), Mark::unseen);
    for (std::size_t start = 0; start < model_.profiles.size(); ++start) {
      std::vector<std::size_t> path;
      std::optional<std::size_t> current = start;
      while (current && marks[*current] == Mark::unseen) {
        marks[*current] = Mark::on_path;
        path.push_back(*current);
        current = graph_.nodes[*current].signer;
      }
      if (current && marks[*current] == Mark::on_path) {
        auto first = std::find(path.begin(), path.end(), *current);
        std::vector<std::size_t> cycle(first, path.end());
        std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
        for (std::size_t member : cycle) graph_.nodes[member].in_cycle = true;
        graph_.cycles.push_back(std::move(cycle));
      }
      for (std::size_t member : path) marks[member] = Mark::done;
    }
  }

  // Whether the AWS CLI's chain for `start` loops, as plan_credentials() walks it: each source
  // profile is visited once, and one with static keys ends the walk (it signs with them). A
  // profile can be outside a cycle and still run into one (the cycle is its problem too), or be
  // in one and not loop (its source signs with keys).
  void check_chain_loops(std::size_t start) {
    std::vector<std::size_t> visited{start};
    std::size_t current = start;
    while (graph_.nodes[current].signer) {
      const std::size_t next = *graph_.nodes[current].signer;
      if (graph_.nodes[next].type != GraphNodeType::profile) return;
      if (const auto seen = std::find(visited.begin(), visited.end(), next); seen != visited.end()) {
        std::string text;
        for (auto it = seen; it != visited.end(); ++it) text += graph_.nodes[*it].name + " -> ";
        graph_.nodes[start].problems.push_back("its source_profile chain loops: " + text +
                                               graph_.nodes[next].name);
        graph_.nodes[start].loop.assign(seen, visited.end());
        return;
      }
      visited.push_back(next);
      if (graph_.nodes[next].static_keys) return;
      current = next;
    }
  }

  const ProfileModel& model_;
  ProfileGraph graph_;
  // Names are views into the model, which outlives the builder.
  std::unordered_map<std::string_view, std::size_t> profile_index_, session_index_;
  std::unordered_map<std::string, std::size_t> other_index_;
};

}  // namespace

ProfileGraph build_profile_graph(const ProfileModel& model) {
  return GraphBuilder(model).build();
}

}  // namespace awsprof
