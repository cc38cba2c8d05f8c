// How the tools show the profile graph (awsprof/credentials/profile_graph.hpp): one node in words,
// a chain in one line, a node as JSON. graph and explain both use these.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "awsprof/credentials/profile_graph.hpp"

namespace awsprof::tool {

/// One node in words, without its problems: "prod-admin  assume-role  arn:aws:iam::...:role/Admin
/// MFA", "dev  sso  111122223333 Developer", "sso-session corp  https://...",
/// "credential_source Ec2InstanceMetadata", "missing profile x", "missing sso-session x".
std::string node_label(const GraphNode& node);

/// A chain as one line, base first: "default (static) -> prod-admin (assume-role, MFA)".
std::string chain_line(const ProfileGraph& graph, const std::vector<std::size_t>& chain);

/// "profile:NAME", "sso-session:NAME", "credential-source:NAME", "missing-profile:NAME", ...:
/// unique in a graph, the ids of the JSON output.
std::string node_id(const GraphNode& node);

/// {"id", "type", "name", "kind", "account_id", "role_arn", "sso_role_name", "sso_start_url",
///  "mfa_serial", "signed_by", "via", "signs_itself", "in_cycle", "problems"}; absent values are null.
nlohmann::ordered_json node_json(const ProfileGraph& graph, std::size_t node);

}  // namespace awsprof::tool
