// The profile graph: which credentials sign which profile, for all profiles at once, offline.
//
// A role profile (role_arn without web_identity_token_file) is signed by its source_profile or
// its credential_source; an SSO profile hangs off its [sso-session]. Everything else (static keys,
// web identity, credential_process, login_session, a legacy SSO profile, a profile without
// credentials) is a root: it needs nothing else in the files. Missing source profiles, missing
// SSO sessions, invalid credential sources, roles without a source and source_profile cycles are
// kept in the graph, as nodes and problems, so that a picture of the files shows them.
//
// The rules are plan_credentials()'s (credential_chain.hpp), applied to every profile without the
// environment: a source profile with static keys signs with those keys, even when it has a
// role_arn of its own (chain() then stops there), and a profile may name itself as source_profile
// only when it has static keys.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "awsprof/model/profile_model.hpp"

namespace awsprof {

enum class GraphNodeType {
  profile,              ///< A profile of the files.
  sso_session,          ///< An [sso-session] section some profile names (or that exists).
  credential_source,    ///< Environment, Ec2InstanceMetadata or EcsContainer (or an invalid name).
  missing_profile,      ///< A source_profile that names no profile.
  missing_sso_session,  ///< An sso_session that names no [sso-session] section.
};

/// "profile", "sso-session", "credential-source", "missing-profile", "missing-sso-session".
std::string_view to_string(GraphNodeType type);

/// One node. Strings are copies: a graph outlives nothing it was built from.
struct GraphNode {
  GraphNodeType type = GraphNodeType::profile;
  std::string name;  ///< Profile or session name, or the credential_source as written.
  /// For profiles, profile_kind() ("assume-role", "sso", "static", ...); empty for the others.
  std::string kind;
  std::string role_arn;       ///< role_arn (assume-role and web identity).
  std::string account_id;     ///< profile_account() (empty when unknown).
  std::string sso_role_name;  ///< sso_role_name.
  std::string sso_start_url;  ///< For an SSO session (or a legacy SSO profile): sso_start_url.
  std::string mfa_serial;     ///< mfa_serial of a role profile: the chain prompts for a code here.
  /// A profile with aws_access_key_id or aws_secret_access_key: as a source profile it signs with
  /// those keys, and chain() stops at it.
  bool static_keys = false;
  /// The node whose credentials sign this one (index into ProfileGraph::nodes); nullopt for a root.
  std::optional<std::size_t> signer;
  /// Set when this profile names itself as source_profile and signs with its own static keys.
  bool signs_itself = false;
  /// What is wrong, in words, or empty: "source_profile \"x\" does not exist", "credential_source
  /// \"Foo\" is not valid", "role_arn without source_profile or credential_source", "its
  /// source_profile chain loops: a -> b -> a" (when the AWS CLI's walk from this profile loops),
  /// "sso_session \"x\" does not exist", ...
  std::vector<std::string> problems;
  /// In a cycle of signer links (ProfileGraph::cycles): no root reaches it. Whether its own chain
  /// loops is a problem above: a member signed by a profile with static keys does not loop, and a
  /// profile outside the cycle that runs into it does.
  bool in_cycle = false;
  /// When the AWS CLI's walk of this profile's chain loops: the loop, in walk order, from the
  /// profile the walk comes back to (not repeated at the end).
  std::vector<std::size_t> loop;
};

struct ProfileGraph {
  /// The profiles first, in `aws configure list-profiles` order, then the [sso-session] sections in
  /// file order, then the credential sources and the missing references in the order first met.
  std::vector<GraphNode> nodes;
  /// Each source_profile cycle once, as profile node indices in source_profile order, starting at
  /// the cycle's first profile in file order.
  std::vector<std::vector<std::size_t>> cycles;
  /// For each node, the nodes it signs (signer links reversed, a self-link left out), in node order.
  std::vector<std::vector<std::size_t>> signees;

  std::optional<std::size_t> find(GraphNodeType type, std::string_view name) const;
  std::optional<std::size_t> find_profile(std::string_view name) const {
    return find(GraphNodeType::profile, name);
  }
  /// The key that links `node` to its signer: "source_profile", "credential_source",
  /// "sso_session", or "" for a root.
  std::string_view link_key(std::size_t node) const;
  /// The nodes `node` signs, in node order.
  const std::vector<std::size_t>& signed_by(std::size_t node) const { return signees[node]; }
  /// The nodes without a signer (cycle members have one, so they are not roots), in node order.
  std::vector<std::size_t> roots() const;
  /// The chain that gets `node` its credentials, base first, `node` last. It stops at a root, and
  /// at a cycle (the first repeated node is not repeated).
  std::vector<std::size_t> chain(std::size_t node) const;

  struct LinkProblem {
    std::size_t node;
    std::string problem;
  };
  /// What stands between `node` and its credentials: the problems of the links of its chain, base
  /// first, but not those of a base profile that signs with its static keys (its own role chain
  /// is not used).
  std::vector<LinkProblem> chain_problems(std::size_t node) const;
};

/// The graph of every profile in `model` (both files). Pure.
ProfileGraph build_profile_graph(const ProfileModel& model);

/// The account a profile's credentials belong to, as far as the files tell, and where that came from.
struct ProfileAccount {
  std::string account_id;  ///< 12 digits, or empty when the files do not say.
  /// "role_arn", "sso_account_id", "aws_account_id", "aws_access_key_id", or empty.
  std::string_view source;
};

/// From the role ARN (arn:PARTITION:iam::ACCOUNT:role/...), else sso_account_id, else
/// aws_account_id, else decoded from the access key id (account_from_access_key_id).
ProfileAccount profile_account(const Section& profile);

/// The account id an access key id encodes, for the key ids AWS has issued since 2019 (20
/// characters, "AKIA" or "ASIA", then a base32 digit of 16 or more, Q-Z or 2-7): the base32 text
/// after the prefix, its first 6 bytes as a number, bits 7..46. Older key ids (AKIAI..., AKIAJ...,
/// the documentation's AKIAIOSFODNN7EXAMPLE) and other prefixes give nullopt. This is the decoding published
/// by Aidan Steele and Tal Be'ery (2020), which `aws sts get-access-key-info` confirms; it is not an AWS API,
/// so the result is labelled with its source.
std::optional<std::string> account_from_access_key_id(std::string_view key_id);

/// The account of an IAM ARN ("arn:aws:iam::123456789012:role/x" gives "123456789012"), or "".
std::string_view arn_account(std::string_view arn);
/// The role's name: the last path element of a role ARN ("arn:...:role/path/x" gives "x"), or "".
std::string_view arn_role_name(std::string_view arn);

}  // namespace awsprof
