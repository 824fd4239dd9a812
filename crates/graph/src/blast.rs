//! Blast radius: everything an identity can reach, each with the path that explains it
//! ("alice → Application Administrator → every non-human identity").

use crate::graph::{EdgeKind, Graph, NodeId, NodeKind, Scope};
use model::Text;
use std::collections::{HashMap, VecDeque};

/// Deepest chain followed: identity → group → group → role → scope is four.
const MAX_DEPTH: u8 = 8;

/// One thing reached, and how.
#[derive(Debug, Clone, PartialEq)]
pub struct Reach {
    /// What was reached.
    pub node: NodeId,
    /// The last edge of the path (None for the identity itself).
    pub via: Option<EdgeKind>,
    /// The nodes from the identity to this one, both included.
    pub path: Vec<NodeId>,
}

/// Everything an identity reaches, by kind, each with its explaining path.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BlastRadius {
    /// Roles it holds, directly or through groups.
    pub roles: Vec<Reach>,
    /// Identities whose factors, passwords or roles it controls.
    pub identities: Vec<Reach>,
    /// Non-human identities whose credentials it can add or rotate.
    pub nhi: Vec<Reach>,
    /// Secrets it holds or controls.
    pub secrets: Vec<Reach>,
    /// Whole-tenant scopes reached ("every identity of acme.okta.com").
    pub scopes: Vec<Reach>,
    /// Groups it is a member of.
    pub groups: Vec<Reach>,
}

impl BlastRadius {
    /// Every reach: roles, identities, NHIs, secrets, scopes, then groups.
    pub fn all(&self) -> impl Iterator<Item = &Reach> {
        self.roles
            .iter()
            .chain(&self.identities)
            .chain(&self.nhi)
            .chain(&self.secrets)
            .chain(&self.scopes)
            .chain(&self.groups)
    }

    /// Whether it reaches nothing.
    pub fn is_empty(&self) -> bool {
        self.all().next().is_none()
    }
}

impl Graph {
    /// Breadth-first from `identity` over edges that confer power, stopping at what control
    /// edges point to. Shortest paths are kept, so each reach has its simplest explanation.
    pub fn blast_radius(&self, identity: NodeId) -> BlastRadius {
        let mut radius = BlastRadius::default();
        let mut parent: HashMap<NodeId, (NodeId, EdgeKind)> = HashMap::new();
        let mut queue: VecDeque<(NodeId, u8)> = VecDeque::from([(identity, 0)]);
        parent.insert(identity, (identity, EdgeKind::MemberOf));
        while let Some((at, depth)) = queue.pop_front() {
            if depth >= MAX_DEPTH {
                continue;
            }
            for edge in self.out_edges(at) {
                if parent.contains_key(&edge.to) {
                    continue;
                }
                parent.insert(edge.to, (at, edge.kind));
                let Some(node) = self.node(edge.to) else { continue };
                let reach = Reach { node: edge.to, via: Some(edge.kind), path: path(&parent, identity, edge.to) };
                let onward = match node.kind {
                    NodeKind::Role => {
                        radius.roles.push(reach);
                        // Passing a role to a workload is tier 1 (docs/detection-contract.md §3), not the
                        // role's own powers.
                        edge.kind != EdgeKind::CanPassRole
                    }
                    NodeKind::Group => {
                        radius.groups.push(reach);
                        true
                    }
                    NodeKind::Scope => {
                        radius.scopes.push(reach);
                        false
                    }
                    NodeKind::Secret => {
                        radius.secrets.push(reach);
                        false
                    }
                    NodeKind::Nhi | NodeKind::App => {
                        radius.nhi.push(reach);
                        // Controlling an NHI gives its secrets and roles.
                        matches!(edge.kind, EdgeKind::Owns | EdgeKind::CanAddCredentials | EdgeKind::CanAssume)
                    }
                    NodeKind::Human => {
                        radius.identities.push(reach);
                        edge.kind == EdgeKind::CanAssume
                    }
                };
                if onward {
                    queue.push_back((edge.to, depth + 1));
                }
            }
        }
        radius
    }

    /// The path as words: "alice → Application Administrator → every non-human identity".
    pub fn describe(&self, reach: &Reach) -> String {
        reach.path.iter().filter_map(|&id| self.node(id)).map(|n| n.name.as_str()).collect::<Vec<_>>().join(" → ")
    }

    /// The summary findings carry: counts (scopes expanded to the tenant's size) and the
    /// most telling paths.
    pub fn blast_summary(&self, identity: NodeId, top: usize) -> model::BlastRadius {
        let radius = self.blast_radius(identity);
        let (mut identities, mut nhi) = (radius.identities.len() as u32, radius.nhi.len() as u32);
        for s in &radius.scopes {
            let Some(node) = self.node(s.node) else { continue };
            match node.scope {
                Some(Scope::AllIdentities) => {
                    identities = identities.max(self.count_in_tenant(
                        node.provider,
                        &node.tenant,
                        &[NodeKind::Human, NodeKind::Nhi],
                    ))
                }
                Some(Scope::AllNhi) => {
                    nhi = nhi.max(self.count_in_tenant(node.provider, &node.tenant, &[NodeKind::Nhi, NodeKind::App]))
                }
                None => {}
            }
        }
        let mut paths: Vec<Text> = Vec::new();
        for r in radius
            .scopes
            .iter()
            .chain(&radius.secrets)
            .chain(&radius.nhi)
            .chain(&radius.identities)
            .chain(&radius.roles)
        {
            if paths.len() >= top {
                break;
            }
            paths.push(Text::from(self.describe(r)));
        }
        model::BlastRadius {
            identities,
            roles: radius.roles.len() as u32,
            nhi,
            secrets: radius.secrets.len() as u32,
            top: paths,
        }
    }
}

fn path(parent: &HashMap<NodeId, (NodeId, EdgeKind)>, start: NodeId, end: NodeId) -> Vec<NodeId> {
    let mut nodes = vec![end];
    let mut at = end;
    while at != start {
        let Some(&(prev, _)) = parent.get(&at) else { break };
        nodes.push(prev);
        at = prev;
        if nodes.len() > MAX_DEPTH as usize + 2 {
            break;
        }
    }
    nodes.reverse();
    nodes
}
