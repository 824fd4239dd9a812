//! Graphviz DOT of one identity's blast radius: the identity, everything it reaches, and the
//! shortest-path tree that explains each reach (`dot -Tsvg` or `-Tpng` renders it).

use crate::graph::{Graph, NodeId, NodeKind, Scope};
use crate::tiers::tier_of_reach;
use std::collections::HashMap;
use std::fmt::Write;

/// Shape and fill colour per kind.
fn style(kind: NodeKind) -> (&'static str, &'static str) {
    match kind {
        NodeKind::Human => ("ellipse", "#dbe9f6"),
        NodeKind::Nhi => ("hexagon", "#fde2c8"),
        NodeKind::App => ("component", "#fde2c8"),
        NodeKind::Role => ("box", "#e4d9f2"),
        NodeKind::Group => ("folder", "#dff0d8"),
        NodeKind::Secret => ("note", "#f8d7da"),
        NodeKind::Scope => ("doubleoctagon", "#fff3b0"),
    }
}

fn kind_word(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Human => "person",
        NodeKind::Nhi => "non-human identity",
        NodeKind::App => "app",
        NodeKind::Role => "role",
        NodeKind::Group => "group",
        NodeKind::Secret => "secret",
        NodeKind::Scope => "scope",
    }
}

/// A DOT string literal.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The label of a node: its name, and for scopes the tenant and how many they stand for.
fn label(graph: &Graph, id: NodeId) -> String {
    let Some(node) = graph.node(id) else { return format!("#{id}") };
    match node.scope {
        Some(scope) => {
            let kinds: &[NodeKind] = match scope {
                Scope::AllIdentities => &[NodeKind::Human, NodeKind::Nhi],
                Scope::AllNhi => &[NodeKind::Nhi, NodeKind::App],
            };
            let count = graph.count_in_tenant(node.provider, &node.tenant, kinds);
            format!("{}\nof {} ({count})", node.name, node.tenant)
        }
        None => format!("{}\n{}", node.name, kind_word(node.kind)),
    }
}

/// The DOT of `identity`'s blast radius. Nodes are shaped and coloured by kind, edges carry
/// the edge kind's words, the identity is drawn bold with its tier, and whole-tenant scopes
/// appear as "every …" nodes.
pub fn blast_radius_dot(graph: &Graph, identity: NodeId) -> String {
    let radius = graph.blast_radius(identity);
    let tier = tier_of_reach(graph, &radius);
    let name = graph.node(identity).map(|n| n.name.as_str()).unwrap_or("?");
    let mut out = String::new();
    let _ = writeln!(out, "digraph blast_radius {{");
    let _ = writeln!(
        out,
        "  graph [rankdir=LR, fontname=\"Helvetica\", labelloc=t, fontsize=16, nodesep=0.3, ranksep=0.6,"
    );
    let _ = writeln!(out, "         label={}];", quote(&format!("Blast radius of {name} (tier {tier})")));
    let _ = writeln!(out, "  node [fontname=\"Helvetica\", fontsize=11, style=filled, color=\"#555555\"];");
    let _ = writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#666666\", fontcolor=\"#333333\"];");

    let mut ordered: Vec<NodeId> = vec![identity];
    ordered.extend(radius.all().map(|r| r.node));
    for &id in &ordered {
        let kind = graph.node(id).map(|n| n.kind).unwrap_or(NodeKind::Human);
        let (shape, fill) = style(kind);
        let mut attrs = format!("label={}, shape={shape}, fillcolor=\"{fill}\"", quote(&label(graph, id)));
        if id == identity {
            attrs.push_str(", penwidth=3, color=\"#b00020\", fillcolor=\"#ffd54f\", fontsize=13");
        } else if kind == NodeKind::Scope {
            attrs.push_str(", penwidth=2, color=\"#b00020\"");
        }
        let _ = writeln!(out, "  n{id} [{attrs}];");
    }

    // The tree of shortest paths: each reach's last edge, from the node before it.
    let mut drawn: HashMap<(NodeId, NodeId), ()> = HashMap::new();
    for r in radius.all() {
        let (Some(via), [.., from, to]) = (r.via, r.path.as_slice()) else { continue };
        if drawn.insert((*from, *to), ()).is_some() {
            continue;
        }
        let control = crate::tiers::edge_tier(via).is_some();
        let extra = if control { ", color=\"#b00020\", fontcolor=\"#b00020\", penwidth=1.6" } else { "" };
        let _ = writeln!(out, "  n{from} -> n{to} [label={}{extra}];", quote(via.words()));
    }
    let _ = writeln!(out, "}}");
    out
}
