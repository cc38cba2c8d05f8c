// awsprof graph: which credentials sign which profile (source_profile, credential_source,
// sso_session), for every profile or one chain, offline: a tree, Graphviz DOT, Mermaid or JSON.
#include <algorithm>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "awsprof/credentials/profile_graph.hpp"
#include "common/config_target.hpp"
#include "common/format.hpp"
#include "common/graph_format.hpp"
#include "common/load.hpp"
#include "common/tool.hpp"

namespace {

using namespace awsprof;
using namespace awsprof::tool;
using Json = nlohmann::ordered_json;

/// The nodes shown: all of them, or one chain.
struct View {
  const ProfileGraph& graph;
  std::vector<bool> shown;
  bool has(std::size_t node) const { return shown[node]; }
  std::vector<std::size_t> children(std::size_t node) const {
    std::vector<std::size_t> out;
    for (std::size_t child : graph.signed_by(node))
      if (has(child) && !graph.nodes[child].in_cycle) out.push_back(child);
    return out;
  }
};

/// Roots in the order the tree shows them: static keys, SSO sessions, web identity,
/// credential_process, login, legacy SSO, credential sources, profiles without credentials, roles
/// without a source, then the missing references.
int root_rank(const GraphNode& node) {
  static const char* const kKinds[] = {"static", "", "web-identity", "process", "login", "sso"};
  switch (node.type) {
    case GraphNodeType::sso_session:
      return 1;
    case GraphNodeType::credential_source:
      return 6;
    case GraphNodeType::missing_profile:
    case GraphNodeType::missing_sso_session:
      return 9;
    case GraphNodeType::profile:
      break;
  }
  if (node.signs_itself) return 0;
  for (int rank = 0; rank < 6; ++rank)
    if (node.kind == kKinds[rank]) return rank;
  return node.kind == "config-only" ? 7 : 8;
}

std::string problem_suffix(const GraphNode& node, bool colour) {
  std::string out;
  for (const std::string& problem : node.problems)
    out += "  " + styled("(" + problem + ")", Style::red, colour);
  return out;
}

void print_subtree(std::ostream& out, const View& view, std::size_t node, const std::string& prefix,
                   bool colour) {
  const std::vector<std::size_t> children = view.children(node);
  for (std::size_t i = 0; i < children.size(); ++i) {
    const bool last = i + 1 == children.size();
    const GraphNode& child = view.graph.nodes[children[i]];
    out << prefix << (last ? "└── " : "├── ") << node_label(child) << problem_suffix(child, colour) << '\n';
    print_subtree(out, view, children[i], prefix + (last ? "    " : "│   "), colour);
  }
}

void print_tree(std::ostream& out, const View& view, bool colour) {
  const ProfileGraph& graph = view.graph;
  std::vector<std::size_t> roots;
  for (std::size_t root : graph.roots())
    if (view.has(root)) roots.push_back(root);
  std::stable_sort(roots.begin(), roots.end(), [&](std::size_t a, std::size_t b) {
    return root_rank(graph.nodes[a]) < root_rank(graph.nodes[b]);
  });
  for (std::size_t root : roots) {
    const GraphNode& node = graph.nodes[root];
    out << styled(node_label(node), Style::bold, colour) << problem_suffix(node, colour) << '\n';
    print_subtree(out, view, root, "", colour);
  }
  for (const std::vector<std::size_t>& cycle : graph.cycles) {
    if (std::none_of(cycle.begin(), cycle.end(), [&](std::size_t n) { return view.has(n); })) continue;
    std::string text;
    for (std::size_t member : cycle) text += graph.nodes[member].name + " -> ";
    out << styled("source_profile cycle: " + text + graph.nodes[cycle.front()].name, Style::red, colour)
        << '\n';
    for (std::size_t i = 0; i < cycle.size(); ++i) {
      const bool last = i + 1 == cycle.size();
      const GraphNode& member = graph.nodes[cycle[i]];
      out << (last ? "└── " : "├── ") << node_label(member) << problem_suffix(member, colour) << '\n';
      print_subtree(out, view, cycle[i], last ? "    " : "│   ", colour);
    }
  }
}

/// A DOT double-quoted string: backslash and quote escaped, a newline as \n.
std::string dot_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

/// A node's label on two lines for the pictures: its name, then what it is.
std::string picture_label(const GraphNode& node) {
  if (node.type != GraphNodeType::profile) return node_label(node);
  std::string label = node_label(node);
  const std::size_t gap = label.find("  ");
  if (gap != std::string::npos) label = label.substr(0, gap) + "\n" + label.substr(gap + 2);
  for (const std::string& problem : node.problems) label += "\n" + problem;
  return label;
}

void print_dot(std::ostream& out, const View& view) {
  const ProfileGraph& graph = view.graph;
  out << "digraph awsprof {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n";
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    if (!view.has(i)) continue;
    const GraphNode& node = graph.nodes[i];
    std::string attributes = "label=" + dot_string(picture_label(node));
    if (node.type == GraphNodeType::sso_session || node.type == GraphNodeType::credential_source)
      attributes += ", shape=ellipse";
    if (node.type == GraphNodeType::missing_profile || node.type == GraphNodeType::missing_sso_session)
      attributes += ", style=dashed";
    if (!node.problems.empty() || node.type == GraphNodeType::missing_profile ||
        node.type == GraphNodeType::missing_sso_session)
      attributes += ", color=red";
    if (!node.mfa_serial.empty()) attributes += ", peripheries=2";
    out << "  " << dot_string(node_id(node)) << " [" << attributes << "];\n";
  }
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    const GraphNode& node = graph.nodes[i];
    if (!view.has(i) || !node.signer || !view.has(*node.signer)) continue;
    out << "  " << dot_string(node_id(graph.nodes[*node.signer])) << " -> " << dot_string(node_id(node))
        << " [label=" << dot_string(graph.link_key(i)) << (node.in_cycle ? ", color=red" : "") << "];\n";
  }
  out << "}\n";
}

/// Mermaid label text: quotes and angle brackets as entities, newlines as <br/>.
std::string mermaid_text(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '"') {
      out += "#quot;";
    } else if (c == '<') {
      out += "#lt;";
    } else if (c == '>') {
      out += "#gt;";
    } else if (c == '\n') {
      out += "<br/>";
    } else {
      out += c;
    }
  }
  return out;
}

void print_mermaid(std::ostream& out, const View& view) {
  const ProfileGraph& graph = view.graph;
  out << "flowchart LR\n";
  std::vector<std::string> problem_nodes;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    if (!view.has(i)) continue;
    const GraphNode& node = graph.nodes[i];
    const std::string id = "n" + std::to_string(i);
    const std::string label = "\"" + mermaid_text(picture_label(node)) + "\"";
    const bool round =
        node.type == GraphNodeType::sso_session || node.type == GraphNodeType::credential_source;
    out << "  " << id << (round ? "([" : "[") << label << (round ? "])" : "]") << '\n';
    if (!node.problems.empty() || node.type == GraphNodeType::missing_profile ||
        node.type == GraphNodeType::missing_sso_session)
      problem_nodes.push_back(id);
  }
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    const GraphNode& node = graph.nodes[i];
    if (!view.has(i) || !node.signer || !view.has(*node.signer)) continue;
    out << "  n" << *node.signer << " -->|" << graph.link_key(i) << "| n" << i << '\n';
  }
  if (!problem_nodes.empty()) {
    out << "  classDef problem stroke:#d00,stroke-width:2px\n  class ";
    for (std::size_t i = 0; i < problem_nodes.size(); ++i) out << (i ? "," : "") << problem_nodes[i];
    out << " problem\n";
  }
}

Json graph_json(const View& view) {
  const ProfileGraph& graph = view.graph;
  Json nodes = Json::array();
  for (std::size_t i = 0; i < graph.nodes.size(); ++i)
    if (view.has(i)) nodes.push_back(node_json(graph, i));
  Json cycles = Json::array();
  for (const std::vector<std::size_t>& cycle : graph.cycles) {
    if (std::none_of(cycle.begin(), cycle.end(), [&](std::size_t n) { return view.has(n); })) continue;
    Json names = Json::array();
    for (std::size_t member : cycle) names.push_back(graph.nodes[member].name);
    cycles.push_back(names);
  }
  return Json{{"nodes", nodes}, {"cycles", cycles}};
}

}  // namespace

int main(int argc, char** argv) {
  Tool tool("graph",
            "Show which credentials sign which profile (source_profile, credential_source, sso_session), "
            "offline: a tree, Graphviz DOT, Mermaid or JSON.");
  // Two more output forms than the shared flag has: replaced, as export-credentials replaces it.
  std::optional<std::string> output;
  tool.app().remove_option(tool.app().get_option_no_throw("--output"));
  tool.app()
      .add_option("--output", output,
                  "Output format: the tree (text or table, the default), dot, mermaid or json")
      ->type_name("text|table|dot|mermaid|json")
      ->check(one_of({"text", "table", "dot", "mermaid", "json"}));
  if (auto exit = tool.parse(argc, argv)) return *exit;

  auto loaded = load_profiles(tool);
  if (!loaded) return exit_code(Outcome::error);
  const ToolContext& context = tool.context();
  const ProfileGraph graph = build_profile_graph(loaded->model);
  View view{graph, std::vector<bool>(graph.nodes.size(), true)};
  // Only --profile picks one chain: AWS_PROFILE selects a profile to use, not a view of the files.
  std::optional<std::size_t> selected;
  if (context.profile.explicit_on_command_line()) {
    selected = graph.find_profile(context.profile.name);
    if (!selected) return tool.fail(missing_profile_message(loaded->model, context.profile.name));
    view.shown.assign(graph.nodes.size(), false);
    for (std::size_t node : graph.chain(*selected)) view.shown[node] = true;
    for (const std::vector<std::size_t>& cycle : graph.cycles)
      if (view.has(cycle.front()))
        for (std::size_t member : cycle) view.shown[member] = true;
  }

  const std::string form = output.value_or("text");
  if (form == "dot") {
    print_dot(std::cout, view);
  } else if (form == "mermaid") {
    print_mermaid(std::cout, view);
  } else if (form == "json") {
    print_json(std::cout, graph_json(view));
  } else {
    print_tree(std::cout, view, context.stdout_colour);
  }
  // With --profile, what stands in that profile's way; else anything wrong in the files.
  bool problems = false;
  if (selected) {
    problems = !graph.chain_problems(*selected).empty();
  } else {
    for (const GraphNode& node : graph.nodes) problems = problems || !node.problems.empty();
  }
  return exit_code(problems ? Outcome::findings : Outcome::ok);
}
