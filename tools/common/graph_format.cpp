#include "common/graph_format.hpp"

namespace awsprof::tool {

namespace {

nlohmann::ordered_json string_or_null(const std::string& text) {
  return text.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(text);
}

}  // namespace

std::string node_label(const GraphNode& node) {
  switch (node.type) {
    case GraphNodeType::sso_session:
      return "sso-session " + node.name + (node.sso_start_url.empty() ? "" : "  " + node.sso_start_url);
    case GraphNodeType::credential_source:
      return "credential_source " + node.name;
    case GraphNodeType::missing_profile:
      return "missing profile " + node.name;
    case GraphNodeType::missing_sso_session:
      return "missing sso-session " + node.name;
    case GraphNodeType::profile:
      break;
  }
  std::string label = node.name + "  " + node.kind;
  if (!node.role_arn.empty()) {
    label += "  " + node.role_arn;
  } else if (!node.account_id.empty() || !node.sso_role_name.empty()) {
    label += "  " + node.account_id + (node.account_id.empty() || node.sso_role_name.empty() ? "" : " ") +
             node.sso_role_name;
  }
  if (!node.mfa_serial.empty()) label += "  MFA";
  if (node.signs_itself) label += "  (signed by its own keys)";
  return label;
}

std::string chain_line(const ProfileGraph& graph, const std::vector<std::size_t>& chain) {
  std::string line;
  for (std::size_t index : chain) {
    const GraphNode& node = graph.nodes[index];
    if (!line.empty()) line += " -> ";
    if (node.type == GraphNodeType::profile) {
      line += node.name + " (" + node.kind + (node.mfa_serial.empty() ? "" : ", MFA") + ")";
    } else if (node.type == GraphNodeType::sso_session) {
      line += "sso-session " + node.name;
    } else {
      line += node_label(node);
    }
  }
  return line;
}

std::string node_id(const GraphNode& node) {
  return std::string(to_string(node.type)) + ":" + node.name;
}

nlohmann::ordered_json node_json(const ProfileGraph& graph, std::size_t index) {
  const GraphNode& node = graph.nodes[index];
  const std::string via(graph.link_key(index));
  return {{"id", node_id(node)},
          {"type", to_string(node.type)},
          {"name", node.name},
          {"kind", string_or_null(node.kind)},
          {"account_id", string_or_null(node.account_id)},
          {"role_arn", string_or_null(node.role_arn)},
          {"sso_role_name", string_or_null(node.sso_role_name)},
          {"sso_start_url", string_or_null(node.sso_start_url)},
          {"mfa_serial", string_or_null(node.mfa_serial)},
          {"signed_by", node.signer ? nlohmann::ordered_json(node_id(graph.nodes[*node.signer])) : nullptr},
          {"via", string_or_null(via)},
          {"signs_itself", node.signs_itself},
          {"in_cycle", node.in_cycle},
          {"problems", node.problems}};
}

}  // namespace awsprof::tool
