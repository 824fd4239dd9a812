//! The DOT drawing of a blast radius: every reach drawn with its edge's words, the identity
//! highlighted, scopes as "every …" nodes, and the output accepted by Graphviz.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use graph::{EdgeKind, Graph, NodeKind, Scope};
use model::Provider;
use std::io::Write;
use std::process::{Command, Stdio};

const T: &str = "contoso";

fn graph_with_alice() -> (Graph, u32) {
    let mut g = Graph::new();
    let alice = g.ensure(Provider::Entra, T, NodeKind::Human, "u-alice", "alice \"the admin\"@contoso.com");
    let group = g.ensure(Provider::Entra, T, NodeKind::Group, "g-apps", "app admins");
    let role = g.ensure(Provider::Entra, T, NodeKind::Role, "r-app", "Application Administrator");
    let every_nhi = g.scope(Provider::Entra, T, Scope::AllNhi);
    let pay = g.ensure(Provider::Entra, T, NodeKind::Nhi, "sp-pay", "payments-api");
    let key = g.ensure(Provider::Entra, T, NodeKind::Secret, "key-1", "payments-api secret");
    let bob = g.ensure(Provider::Entra, T, NodeKind::Human, "u-bob", "bob@contoso.com");
    let unrelated = g.ensure(Provider::Entra, T, NodeKind::Human, "u-zed", "zed@contoso.com");
    g.link(alice, group, EdgeKind::MemberOf, None);
    g.link(group, role, EdgeKind::HasRole, None);
    g.link(role, every_nhi, EdgeKind::CanAddCredentials, None);
    g.link(alice, pay, EdgeKind::Owns, None);
    g.link(pay, key, EdgeKind::HasSecret, None);
    g.link(alice, bob, EdgeKind::CanResetPassword, None);
    g.link(unrelated, pay, EdgeKind::Owns, None);
    (g, alice)
}

#[test]
fn every_reach_is_a_node_and_every_path_step_an_edge_labelled_with_its_words() {
    let (g, alice) = graph_with_alice();
    let dot = graph::blast_radius_dot(&g, alice);
    assert!(dot.starts_with("digraph blast_radius {"), "{dot}");
    assert!(dot.trim_end().ends_with('}'));
    // identity, group, role, scope, payments-api, its secret, bob: seven nodes.
    assert_eq!(dot.lines().filter(|l| is_node_line(l)).count(), 7, "{dot}");
    for words in ["member of", "has role", "can add credentials to", "owns", "holds secret", "can reset password of"] {
        assert!(dot.contains(&format!("[label=\"{words}\"")), "no edge `{words}`: {dot}");
    }
    assert!(!dot.contains("zed@contoso.com"), "outside the radius: {dot}");
}

#[test]
fn the_identity_is_highlighted_with_its_tier_and_quotes_are_escaped() {
    let (g, alice) = graph_with_alice();
    let dot = graph::blast_radius_dot(&g, alice);
    assert!(dot.contains(r#"label="Blast radius of alice \"the admin\"@contoso.com (tier 0)""#), "{dot}");
    let line = dot.lines().find(|l| l.trim_start().starts_with(&format!("n{alice} ["))).unwrap();
    assert!(line.contains("penwidth=3"), "{line}");
}

#[test]
fn scopes_are_drawn_as_every_nodes_with_the_tenant_and_count() {
    let (g, alice) = graph_with_alice();
    let dot = graph::blast_radius_dot(&g, alice);
    assert!(dot.contains(r#"label="every non-human identity\nof contoso (1)", shape=doubleoctagon"#), "{dot}");
}

#[test]
fn graphviz_renders_the_dot_to_svg() {
    let (g, alice) = graph_with_alice();
    let dot = graph::blast_radius_dot(&g, alice);
    let child =
        Command::new("dot").arg("-Tsvg").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) if std::env::var_os("CI").is_some() => panic!("CI is set but Graphviz `dot` cannot run: {e}"),
        Err(e) => {
            eprintln!("skipped: Graphviz `dot` not found ({e})");
            return;
        }
    };
    child.stdin.take().unwrap().write_all(dot.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.trim().is_empty(), "dot failed: {stderr}\n{dot}");
    let svg = String::from_utf8(out.stdout).unwrap();
    assert!(svg.contains("<svg") && svg.contains("payments&#45;api secret"), "{svg}");
}

fn is_node_line(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with('n') && line[1..].starts_with(|c: char| c.is_ascii_digit()) && !line.contains("->")
}
