//! Nodes and edges in adjacency lists, indexed by a stable key string.

use crate::factors::ListedFactor;
use chrono::{DateTime, Utc};
use model::{Provider, Text};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A node's index in its graph.
pub type NodeId = u32;

/// What a node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// A person.
    Human,
    /// A non-human identity: service principal, service account, IAM user for a workload,
    /// API token, bot, GitHub App.
    Nhi,
    /// A role or admin privilege.
    Role,
    /// A group.
    Group,
    /// An application (app registration, OAuth app, integration).
    App,
    /// A credential: client secret, certificate, API token, access key.
    Secret,
    /// Stands for every identity or NHI of a tenant ("every service principal").
    Scope,
}

/// What a scope node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Every identity of the tenant, people and NHIs.
    AllIdentities,
    /// Every non-human identity and app of the tenant.
    AllNhi,
}

/// What an edge says about its source and target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// Is a member of a group.
    MemberOf,
    /// Holds a role.
    HasRole,
    /// Owns an app, NHI or secret.
    Owns,
    /// Can add, remove or reset the target's authentication factors.
    CanResetFactors,
    /// Can reset the target's password.
    CanResetPassword,
    /// Can grant roles to others (role administration).
    CanManageRoles,
    /// Can add or rotate the target NHI's credentials.
    CanAddCredentials,
    /// Can act as the target (assume an AWS role): gets what the target can do.
    CanAssume,
    /// Can hand the target role to a workload (AWS `iam:PassRole`).
    CanPassRole,
    /// An NHI's or app's secret (password credential, key, token, access key).
    HasSecret,
}

impl EdgeKind {
    /// Edges a reach follows onward from their target (membership and roles confer the
    /// target's powers; control edges end at what they control).
    pub fn confers(self) -> bool {
        matches!(
            self,
            EdgeKind::MemberOf | EdgeKind::HasRole | EdgeKind::CanAssume | EdgeKind::Owns | EdgeKind::CanAddCredentials
        )
    }

    /// The edge in words, for paths shown to people (`can reset factors of`).
    pub fn words(self) -> &'static str {
        match self {
            EdgeKind::MemberOf => "member of",
            EdgeKind::HasRole => "has role",
            EdgeKind::Owns => "owns",
            EdgeKind::CanResetFactors => "can reset factors of",
            EdgeKind::CanResetPassword => "can reset password of",
            EdgeKind::CanManageRoles => "can assign roles to",
            EdgeKind::CanAddCredentials => "can add credentials to",
            EdgeKind::CanAssume => "can assume",
            EdgeKind::CanPassRole => "can pass role",
            EdgeKind::HasSecret => "holds secret",
        }
    }
}

/// A node with its attributes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// Stable key: `provider:tenant:kind:id`.
    pub key: Text,
    /// What it stands for.
    pub kind: NodeKind,
    /// The provider it lives in.
    pub provider: Provider,
    /// The tenant it lives in.
    pub tenant: Text,
    /// The provider's id for it.
    pub id: Text,
    /// Its name, for people.
    pub name: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// For scope nodes: what they stand for.
    pub scope: Option<Scope>,
    /// For roles: the tier the role itself confers (0 or 1), from the role tables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_tier: Option<u8>,
    /// The account is disabled, deleted or has left.
    #[serde(default)]
    pub disabled: bool,
    /// For secrets: when it was created or last rotated, and when it expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// When it was created or last rotated.
    pub created: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// When it expires (None: never, or unknown).
    pub expires: Option<DateTime<Utc>>,
    /// For people: whether a phishing-resistant factor is bound (None: unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phishing_resistant: Option<bool>,
    /// For NHIs: the last time a person used the NHI's credential interactively (a console or
    /// browser sign-in, an MFA factor bound to it, its key used from a network seen for a
    /// human). Set by whoever reads those events; posture check P-4 reports it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interactive_use: Option<DateTime<Utc>>,
    /// For identities: the factors a provider snapshot lists as bound (Okta factors,
    /// Microsoft Graph authentication methods, AWS MFA devices, ...), as of `factors_listed`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub factors: Vec<ListedFactor>,
    /// When a snapshot last listed the identity's factors (None: no snapshot did). Set even
    /// when it listed none: "no factor" is an answer too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factors_listed: Option<DateTime<Utc>>,
}

/// A directed edge: `from` can do `kind` to `to`, or is `kind` of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Edge {
    /// The source node.
    pub from: NodeId,
    /// The target node.
    pub to: NodeId,
    /// What the edge says.
    pub kind: EdgeKind,
    /// When the edge was learned from an event (None: from an inventory).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub learned: Option<DateTime<Utc>>,
}

/// The graph. Nodes are never removed; revoked edges are.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    nodes: Vec<Node>,
    index: HashMap<Text, NodeId>,
    /// Outgoing edges per node, by index into `edges`.
    out: Vec<Vec<u32>>,
    incoming: Vec<Vec<u32>>,
    edges: Vec<Edge>,
    /// Live edges, for de-duplication: (from, to, kind).
    live: HashMap<(NodeId, NodeId, EdgeKind), u32>,
    removed: Vec<bool>,
    /// Identities by (provider, lower-case id or login name), for lookups from events
    /// whose tenant name differs from the inventory's.
    by_name: HashMap<(Provider, String), NodeId>,
}

/// The stable key of a node: `provider:tenant:kind:id`.
pub fn node_key(provider: Provider, tenant: &str, kind: NodeKind, id: &str) -> Text {
    let kind = match kind {
        NodeKind::Human | NodeKind::Nhi => "identity",
        NodeKind::Role => "role",
        NodeKind::Group => "group",
        NodeKind::App => "app",
        NodeKind::Secret => "secret",
        NodeKind::Scope => "scope",
    };
    let mut key = Text::with_capacity(provider.as_str().len() + tenant.len() + id.len() + 12);
    key.push_str(provider.as_str());
    key.push(':');
    key.push_str(&tenant.to_ascii_lowercase());
    key.push(':');
    key.push_str(kind);
    key.push(':');
    key.push_str(id);
    key
}

impl Graph {
    /// An empty graph.
    pub fn new() -> Graph {
        Graph::default()
    }

    /// How many nodes it has.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether it has no node.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// How many live edges it has.
    pub fn edge_count(&self) -> usize {
        self.live.len()
    }

    /// Adds a node, or updates the name and attributes of the one with the same key
    /// (identities: a person and an NHI share the key space; the kind given last wins).
    pub fn upsert(&mut self, node: Node) -> NodeId {
        if let Some(&id) = self.index.get(&node.key) {
            if let Some(existing) = self.nodes.get_mut(id as usize) {
                merge(existing, node);
            }
            return id;
        }
        let id = self.nodes.len() as NodeId;
        self.index.insert(node.key.clone(), id);
        if matches!(node.kind, NodeKind::Human | NodeKind::Nhi) {
            self.by_name.entry((node.provider, node.id.to_ascii_lowercase().to_string())).or_insert(id);
            self.by_name.entry((node.provider, node.name.to_ascii_lowercase().to_string())).or_insert(id);
        }
        self.nodes.push(node);
        self.out.push(Vec::new());
        self.incoming.push(Vec::new());
        id
    }

    /// A node with the minimum of fields.
    pub fn ensure(&mut self, provider: Provider, tenant: &str, kind: NodeKind, id: &str, name: &str) -> NodeId {
        let key = node_key(provider, tenant, kind, id);
        if let Some(&existing) = self.index.get(&key) {
            return existing;
        }
        self.upsert(Node {
            key,
            kind,
            provider,
            tenant: Text::from(tenant),
            id: Text::from(id),
            name: Text::from(if name.is_empty() { id } else { name }),
            scope: None,
            role_tier: None,
            disabled: false,
            created: None,
            expires: None,
            phishing_resistant: None,
            interactive_use: None,
            factors: Vec::new(),
            factors_listed: None,
        })
    }

    /// The scope node standing for every identity or every NHI of a tenant.
    pub fn scope(&mut self, provider: Provider, tenant: &str, scope: Scope) -> NodeId {
        let (id, name) = match scope {
            Scope::AllIdentities => ("all-identities", "every identity"),
            Scope::AllNhi => ("all-nhi", "every non-human identity"),
        };
        let node = self.ensure(provider, tenant, NodeKind::Scope, id, name);
        if let Some(n) = self.nodes.get_mut(node as usize) {
            n.scope = Some(scope);
        }
        node
    }

    /// Adds an edge, unless the same live edge exists; `learned` is the time of the event
    /// it was learned from (None: from an inventory).
    pub fn link(&mut self, from: NodeId, to: NodeId, kind: EdgeKind, learned: Option<DateTime<Utc>>) {
        if self.live.contains_key(&(from, to, kind)) {
            return;
        }
        let index = self.edges.len() as u32;
        self.edges.push(Edge { from, to, kind, learned });
        self.removed.push(false);
        self.live.insert((from, to, kind), index);
        if let Some(out) = self.out.get_mut(from as usize) {
            out.push(index);
        }
        if let Some(incoming) = self.incoming.get_mut(to as usize) {
            incoming.push(index);
        }
    }

    /// Removes a live edge (a role revoked, an owner removed).
    pub fn unlink(&mut self, from: NodeId, to: NodeId, kind: EdgeKind) -> bool {
        let Some(index) = self.live.remove(&(from, to, kind)) else { return false };
        if let Some(r) = self.removed.get_mut(index as usize) {
            *r = true;
        }
        true
    }

    /// The node with this id.
    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id as usize)
    }

    /// The node with this id, to change its attributes.
    pub fn node_mut(&mut self, id: NodeId) -> Option<&mut Node> {
        self.nodes.get_mut(id as usize)
    }

    /// The node with this key ([`node_key`]).
    pub fn find(&self, key: &str) -> Option<NodeId> {
        self.index.get(key).copied()
    }

    /// An identity by provider, tenant and id, or by id or name (case-insensitive) when the
    /// tenant differs.
    pub fn find_identity(&self, provider: Option<Provider>, tenant: Option<&str>, who: &str) -> Option<NodeId> {
        if let (Some(p), Some(t)) = (provider, tenant)
            && let Some(id) = self.find(&node_key(p, t, NodeKind::Human, who))
        {
            return Some(id);
        }
        if let Some(p) = provider {
            return self.by_name.get(&(p, who.to_ascii_lowercase())).copied();
        }
        self.nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| matches!(n.kind, NodeKind::Human | NodeKind::Nhi))
            .filter(|(_, n)| provider.is_none_or(|p| n.provider == p))
            .filter(|(_, n)| tenant.is_none_or(|t| n.tenant.eq_ignore_ascii_case(t)))
            .find(|(_, n)| n.id == who || n.name.eq_ignore_ascii_case(who))
            .map(|(i, _)| i as NodeId)
    }

    /// Every node with its id, in id order.
    pub fn nodes(&self) -> impl Iterator<Item = (NodeId, &Node)> {
        self.nodes.iter().enumerate().map(|(i, n)| (i as NodeId, n))
    }

    /// Live outgoing edges of a node.
    pub fn out_edges(&self, id: NodeId) -> impl Iterator<Item = &Edge> {
        self.out.get(id as usize).into_iter().flatten().filter_map(|&i| self.live_edge(i))
    }

    /// Live incoming edges of a node.
    pub fn in_edges(&self, id: NodeId) -> impl Iterator<Item = &Edge> {
        self.incoming.get(id as usize).into_iter().flatten().filter_map(|&i| self.live_edge(i))
    }

    /// Every live edge, in the order they were added.
    pub fn edges(&self) -> impl Iterator<Item = &Edge> {
        (0..self.edges.len() as u32).filter_map(|i| self.live_edge(i))
    }

    /// Identity lookups by lower-case id or login, as first registered (for persistence:
    /// a node renamed later keeps the lookups it had).
    pub(crate) fn names(&self) -> impl Iterator<Item = (&(Provider, String), &NodeId)> {
        self.by_name.iter()
    }

    /// Replaces the lookups by name with saved ones.
    pub(crate) fn set_names(&mut self, names: HashMap<(Provider, String), NodeId>) {
        self.by_name = names;
    }

    fn live_edge(&self, index: u32) -> Option<&Edge> {
        if self.removed.get(index as usize).copied().unwrap_or(true) {
            return None;
        }
        self.edges.get(index as usize)
    }

    /// How many nodes of a kind a tenant has (the size of a scope).
    pub fn count_in_tenant(&self, provider: Provider, tenant: &str, kinds: &[NodeKind]) -> u32 {
        self.nodes.iter().filter(|n| n.provider == provider && n.tenant == tenant && kinds.contains(&n.kind)).count()
            as u32
    }
}

fn merge(existing: &mut Node, new: Node) {
    if !new.name.is_empty() && new.name != new.id {
        existing.name = new.name;
    }
    if existing.kind != new.kind && matches!(new.kind, NodeKind::Human | NodeKind::Nhi) {
        existing.kind = new.kind;
    }
    existing.scope = new.scope.or(existing.scope);
    existing.role_tier = match (existing.role_tier, new.role_tier) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    existing.disabled |= new.disabled;
    existing.created = new.created.or(existing.created);
    existing.expires = new.expires.or(existing.expires);
    existing.phishing_resistant = new.phishing_resistant.or(existing.phishing_resistant);
    existing.interactive_use = existing.interactive_use.max(new.interactive_use);
    for f in new.factors {
        crate::factors::add(existing, f);
    }
    existing.factors_listed = existing.factors_listed.max(new.factors_listed);
}
