//! AWS IAM: the output of `aws iam get-account-authorization-details` (UserDetailList,
//! GroupDetailList, RoleDetailList, Policies). Each principal's effective policy (inline,
//! attached managed, and its groups') is evaluated for the IAM actions that control other
//! identities, and the trust policies of roles for `sts:AssumeRole`. Recognised by its
//! `UserDetailList` / `RoleDetailList` / `GroupDetailList` arrays. Tenant: the account id.
//!
//! Evaluation (docs/import-aws-iam.md): explicit Deny wins; `Action` and
//! `NotAction`, `Resource` and `NotResource` with `*` and `?` wildcards; `${aws:username}` in
//! resources. An Allow with a `Condition` counts (it may be met); a Deny with a `Condition` does
//! not (it may not be). Permissions boundaries cap what a principal's policies allow; SCPs and
//! resource policies are not evaluated, so powers may be over-reported by them, never missed.

use crate::graph::{EdgeKind, Graph, NodeId, NodeKind, Scope};
use crate::tiers::edge_tier;
use chrono::{DateTime, Utc};
use model::{Provider, percent};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::HashMap;

const LISTS: [&str; 3] = ["UserDetailList", "RoleDetailList", "GroupDetailList"];

pub fn matches(doc: &Value) -> bool {
    doc.as_object().is_some_and(|o| LISTS.iter().any(|k| o.get(*k).is_some_and(Value::is_array)))
}

/// What kind of resource an action acts on.
#[derive(Clone, Copy, PartialEq)]
enum On {
    User,
    /// A virtual MFA device, named after its user by convention (`mfa/alice`).
    Mfa,
    Group,
    Role,
    Policy,
}

/// The IAM actions that control other identities, with the edge each gives.
const POWERS: &[(EdgeKind, On, &[&str])] = &[
    (
        EdgeKind::CanResetPassword,
        On::User,
        &["iam:CreateLoginProfile", "iam:UpdateLoginProfile", "iam:DeleteLoginProfile"],
    ),
    (EdgeKind::CanResetFactors, On::User, &["iam:EnableMFADevice", "iam:DeactivateMFADevice", "iam:ResyncMFADevice"]),
    (EdgeKind::CanResetFactors, On::Mfa, &["iam:DeleteVirtualMFADevice"]),
    (
        EdgeKind::CanAddCredentials,
        On::User,
        &[
            "iam:CreateAccessKey",
            "iam:UpdateAccessKey",
            "iam:CreateServiceSpecificCredential",
            "iam:UploadSSHPublicKey",
            "iam:UploadSigningCertificate",
        ],
    ),
    (
        EdgeKind::CanManageRoles,
        On::User,
        &["iam:AttachUserPolicy", "iam:PutUserPolicy", "iam:DeleteUserPermissionsBoundary"],
    ),
    (EdgeKind::CanManageRoles, On::Group, &["iam:AddUserToGroup", "iam:AttachGroupPolicy", "iam:PutGroupPolicy"]),
    (
        EdgeKind::CanManageRoles,
        On::Role,
        &[
            "iam:AttachRolePolicy",
            "iam:PutRolePolicy",
            "iam:UpdateAssumeRolePolicy",
            "iam:DeleteRolePermissionsBoundary",
        ],
    ),
    (EdgeKind::CanManageRoles, On::Policy, &["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"]),
    (EdgeKind::CanPassRole, On::Role, &["iam:PassRole"]),
];

/// AWS managed policies often attached but absent from `Policies` when the export was
/// filtered to local policies: their documents, as AWS publishes them (the parts that matter).
const AWS_MANAGED: &[(&str, &str)] = &[
    (
        "arn:aws:iam::aws:policy/AdministratorAccess",
        r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    ),
    ("arn:aws:iam::aws:policy/IAMFullAccess", r#"{"Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}"#),
    (
        "arn:aws:iam::aws:policy/PowerUserAccess",
        r#"{"Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"}]}"#,
    ),
];

#[derive(Debug, Clone)]
struct Statement {
    allow: bool,
    actions: Vec<String>,
    not_action: bool,
    /// None: no Resource element (trust policies).
    resources: Option<Vec<String>>,
    not_resource: bool,
    conditional: bool,
    /// Trust policies: the `Principal` element's AWS principals ("*" for everyone).
    principals: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Is {
    User,
    Role,
}

struct Principal {
    node: NodeId,
    is: Is,
    account: String,
    arn: String,
    name: String,
    statements: Vec<Statement>,
    /// The permissions boundary's statements: what the principal's own policies can at most allow.
    boundary: Option<Vec<Statement>>,
}

impl Principal {
    fn can(&self, action: &str, resource: &str) -> bool {
        let me = (self.is == Is::User).then_some(self.name.as_str());
        allowed(&self.statements, action, resource, me)
            && self.boundary.as_ref().is_none_or(|b| allowed(b, action, resource, me))
    }
}

pub fn import(graph: &mut Graph, doc: &Value) -> Result<(), String> {
    let root = doc.as_object().ok_or("the document must be an object")?;
    let policies = managed_policies(root)?;
    let groups = groups(graph, root, &policies)?;
    let mut principals = users(graph, root, &policies, &groups)?;
    let (roles, trusts) = roles(graph, root, &policies)?;
    principals.extend(roles);
    if principals.is_empty() && groups.is_empty() {
        return Err("no users, groups or roles with an `Arn` were found".to_string());
    }
    let targets = Targets::of(&groups, &policies);
    for p in &principals {
        powers(graph, p, &principals, &targets);
    }
    for (role_index, trust) in &trusts {
        let Some(role) = principals.get(*role_index) else { continue };
        assume(graph, role, trust, &principals);
    }
    // A role's own tier, from the powers its policies give it.
    for p in principals.iter().filter(|p| p.is == Is::Role) {
        let tier = graph.out_edges(p.node).filter_map(|e| edge_tier(e.kind)).min();
        if let Some(n) = graph.node_mut(p.node) {
            n.role_tier = tier.or(n.role_tier);
        }
    }
    Ok(())
}

struct Group {
    node: NodeId,
    name: String,
    arn: String,
    statements: Vec<Statement>,
}

/// Customer-managed and AWS managed policies by ARN: the default version's statements.
fn managed_policies(root: &Map<String, Value>) -> Result<HashMap<String, Vec<Statement>>, String> {
    let mut out = HashMap::new();
    for (arn, doc) in AWS_MANAGED {
        if let Ok(doc) = serde_json::from_str::<Value>(doc) {
            out.insert((*arn).to_string(), statements(&doc));
        }
    }
    for (i, policy) in array(root, "Policies")?.iter().enumerate() {
        let Some(arn) = policy.get("Arn").and_then(Value::as_str) else {
            return Err(format!("Policies[{i}] has no `Arn`"));
        };
        let versions = policy.get("PolicyVersionList").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
        let default =
            versions.iter().find(|v| v.get("IsDefaultVersion").and_then(Value::as_bool) == Some(true)).or_else(|| {
                let wanted = policy.get("DefaultVersionId").and_then(Value::as_str)?;
                versions.iter().find(|v| v.get("VersionId").and_then(Value::as_str) == Some(wanted))
            });
        let Some(document) = default.and_then(|v| v.get("Document")) else { continue };
        let doc = document_value(document).map_err(|e| format!("policy `{arn}`: {e}"))?;
        out.insert(arn.to_string(), statements(&doc));
    }
    Ok(out)
}

fn groups(
    graph: &mut Graph,
    root: &Map<String, Value>,
    policies: &HashMap<String, Vec<Statement>>,
) -> Result<Vec<Group>, String> {
    let mut out = Vec::new();
    for (i, g) in array(root, "GroupDetailList")?.iter().enumerate() {
        let Some(obj) = g.as_object() else { return Err(format!("GroupDetailList[{i}] must be an object")) };
        let (Some(name), Some(arn)) = (str_of(obj, "GroupName"), str_of(obj, "Arn")) else {
            return Err(format!("GroupDetailList[{i}] needs `GroupName` and `Arn`"));
        };
        let account = account_of(arn).ok_or_else(|| format!("group `{name}`: `{arn}` is not an IAM ARN"))?;
        let id = str_of(obj, "GroupId").unwrap_or(name);
        let node = graph.ensure(Provider::Aws, account, NodeKind::Group, id, name);
        let statements =
            own_statements(obj, "GroupPolicyList", policies).map_err(|e| format!("group `{name}`: {e}"))?;
        out.push(Group { node, name: name.to_string(), arn: arn.to_string(), statements });
    }
    Ok(out)
}

fn users(
    graph: &mut Graph,
    root: &Map<String, Value>,
    policies: &HashMap<String, Vec<Statement>>,
    groups: &[Group],
) -> Result<Vec<Principal>, String> {
    let mut out = Vec::new();
    let mut owners: Vec<(NodeId, String)> = Vec::new();
    for (i, u) in array(root, "UserDetailList")?.iter().enumerate() {
        let Some(obj) = u.as_object() else { return Err(format!("UserDetailList[{i}] must be an object")) };
        let (Some(name), Some(arn)) = (str_of(obj, "UserName"), str_of(obj, "Arn")) else {
            return Err(format!("UserDetailList[{i}] needs `UserName` and `Arn`"));
        };
        let account = account_of(arn).ok_or_else(|| format!("user `{name}`: `{arn}` is not an IAM ARN"))?;
        let id = str_of(obj, "UserId").unwrap_or(name);
        let kind = if is_workload(obj) { NodeKind::Nhi } else { NodeKind::Human };
        let node = graph.ensure(Provider::Aws, account, kind, id, name);
        if let Some(n) = graph.node_mut(node) {
            n.kind = kind;
        }
        let mut statements =
            own_statements(obj, "UserPolicyList", policies).map_err(|e| format!("user `{name}`: {e}"))?;
        for group in obj.get("GroupList").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            if let Some(g) = groups.iter().find(|g| g.name == group) {
                graph.link(node, g.node, EdgeKind::MemberOf, None);
                statements.extend(g.statements.iter().cloned());
            }
        }
        access_keys(graph, node, account, name, obj);
        if let Some(owner) = tag(obj, "owner") {
            owners.push((node, owner.to_string()));
        }
        out.push(Principal {
            node,
            is: Is::User,
            account: account.to_string(),
            arn: arn.to_string(),
            name: name.to_string(),
            statements,
            boundary: boundary(obj, policies),
        });
    }
    // An `owner` tag naming another user of the export is an ownership edge (P-1).
    for (owned, owner) in owners {
        if let Some(p) = out.iter().find(|p| p.name.eq_ignore_ascii_case(&owner) && p.node != owned) {
            graph.link(p.node, owned, EdgeKind::Owns, None);
        }
    }
    Ok(out)
}

/// Roles, and each role's trust policy (by index into the principals that follow the users).
type Trusts = Vec<(usize, Vec<Statement>)>;

fn roles(
    graph: &mut Graph,
    root: &Map<String, Value>,
    policies: &HashMap<String, Vec<Statement>>,
) -> Result<(Vec<Principal>, Trusts), String> {
    let users = array(root, "UserDetailList")?.len();
    let (mut out, mut trusts) = (Vec::new(), Vec::new());
    for (i, r) in array(root, "RoleDetailList")?.iter().enumerate() {
        let Some(obj) = r.as_object() else { return Err(format!("RoleDetailList[{i}] must be an object")) };
        let (Some(name), Some(arn)) = (str_of(obj, "RoleName"), str_of(obj, "Arn")) else {
            return Err(format!("RoleDetailList[{i}] needs `RoleName` and `Arn`"));
        };
        let account = account_of(arn).ok_or_else(|| format!("role `{name}`: `{arn}` is not an IAM ARN"))?;
        let id = str_of(obj, "RoleId").unwrap_or(name);
        let node = graph.ensure(Provider::Aws, account, NodeKind::Role, id, name);
        let statements = own_statements(obj, "RolePolicyList", policies).map_err(|e| format!("role `{name}`: {e}"))?;
        if let Some(trust) = obj.get("AssumeRolePolicyDocument") {
            let doc = document_value(trust).map_err(|e| format!("role `{name}` trust policy: {e}"))?;
            trusts.push((users + out.len(), self::statements(&doc)));
        }
        out.push(Principal {
            node,
            is: Is::Role,
            account: account.to_string(),
            arn: arn.to_string(),
            name: name.to_string(),
            statements,
            boundary: boundary(obj, policies),
        });
    }
    Ok((out, trusts))
}

/// The managed policy set as permissions boundary (None: no boundary, or one not in the export).
fn boundary(obj: &Map<String, Value>, policies: &HashMap<String, Vec<Statement>>) -> Option<Vec<Statement>> {
    let arn = obj.get("PermissionsBoundary")?.get("PermissionsBoundaryArn")?.as_str()?;
    policies.get(arn).cloned()
}

/// Inline policies under `inline_key`, then attached managed policies.
fn own_statements(
    obj: &Map<String, Value>,
    inline_key: &str,
    policies: &HashMap<String, Vec<Statement>>,
) -> Result<Vec<Statement>, String> {
    let mut out = Vec::new();
    for inline in obj.get(inline_key).and_then(Value::as_array).into_iter().flatten() {
        let name = inline.get("PolicyName").and_then(Value::as_str).unwrap_or("(unnamed)");
        let Some(document) = inline.get("PolicyDocument") else { continue };
        let doc = document_value(document).map_err(|e| format!("inline policy `{name}`: {e}"))?;
        out.extend(statements(&doc));
    }
    for attached in obj.get("AttachedManagedPolicies").and_then(Value::as_array).into_iter().flatten() {
        if let Some(found) = attached.get("PolicyArn").and_then(Value::as_str).and_then(|arn| policies.get(arn)) {
            out.extend(found.iter().cloned());
        }
    }
    Ok(out)
}

/// A policy document: an object, a JSON string, or URL-encoded JSON (RFC 3986) as the API
/// returns it.
fn document_value(document: &Value) -> Result<Value, String> {
    match document {
        Value::Object(_) => Ok(document.clone()),
        Value::String(text) => {
            let trimmed = text.trim_start();
            let decoded = if trimmed.starts_with('{') {
                Cow::Borrowed(text.as_str())
            } else {
                percent::decode(text).map_err(|_| "the URL-encoded policy document is not UTF-8".to_string())?
            };
            serde_json::from_str(&decoded).map_err(|e| format!("the policy document is not JSON ({e})"))
        }
        _ => Err("a policy document must be an object or a string".to_string()),
    }
}

/// The statements of a document; malformed ones (no Effect, no Action) are skipped.
fn statements(doc: &Value) -> Vec<Statement> {
    let list: Vec<&Value> = match doc.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => Vec::new(),
    };
    list.into_iter()
        .filter_map(|s| {
            let allow = match s.get("Effect").and_then(Value::as_str) {
                Some("Allow") => true,
                Some("Deny") => false,
                _ => return None,
            };
            let (actions, not_action) = match (s.get("Action"), s.get("NotAction")) {
                (Some(a), _) => (texts(a), false),
                (None, Some(a)) => (texts(a), true),
                (None, None) => return None,
            };
            let (resources, not_resource) = match (s.get("Resource"), s.get("NotResource")) {
                (Some(r), _) => (Some(texts(r)), false),
                (None, Some(r)) => (Some(texts(r)), true),
                (None, None) => (None, false),
            };
            let principals = match s.get("Principal") {
                Some(Value::String(star)) => vec![star.clone()],
                Some(Value::Object(p)) => p.get("AWS").map(texts).unwrap_or_default(),
                _ => Vec::new(),
            };
            let conditional = s.get("Condition").is_some_and(|c| c.as_object().is_some_and(|o| !o.is_empty()));
            Some(Statement { allow, actions, not_action, resources, not_resource, conditional, principals })
        })
        .collect()
}

fn texts(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        _ => Vec::new(),
    }
}

impl Statement {
    fn applies(&self, action: &str, resource: &str, user: Option<&str>) -> bool {
        let action_hit = self.actions.iter().any(|a| glob(a, action, true));
        if action_hit == self.not_action {
            return false;
        }
        let Some(resources) = &self.resources else { return true };
        let hit = resources.iter().any(|r| {
            if r.contains("${aws:username}") {
                user.is_some_and(|u| glob(&r.replace("${aws:username}", u), resource, false))
            } else {
                !r.contains("${") && glob(r, resource, false)
            }
        });
        hit != self.not_resource
    }
}

/// Whether the statements allow `action` on `resource`: some Allow applies and no
/// unconditional Deny does.
fn allowed(statements: &[Statement], action: &str, resource: &str, user: Option<&str>) -> bool {
    let mut allow = false;
    for s in statements.iter().filter(|s| s.applies(action, resource, user)) {
        if s.allow {
            allow = true;
        } else if !s.conditional {
            return false;
        }
    }
    allow
}

/// `*` and `?` wildcards; actions compare case-insensitively, ARNs exactly.
fn glob(pattern: &str, text: &str, fold: bool) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let same = |a: char, b: char| if fold { a.eq_ignore_ascii_case(&b) } else { a == b };
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while let Some(&c) = t.get(ti) {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&q) if q == '?' || same(q, c) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    while p.get(pi) == Some(&'*') {
        pi += 1;
    }
    pi == p.len()
}

/// Every user, group, role and customer policy ARN, for the actions that act on them.
struct Targets {
    groups: Vec<String>,
    policies: Vec<String>,
}

impl Targets {
    fn of(groups: &[Group], policies: &HashMap<String, Vec<Statement>>) -> Targets {
        Targets {
            groups: groups.iter().map(|g| g.arn.clone()).collect(),
            policies: policies.keys().filter(|a| !a.starts_with("arn:aws:iam::aws:")).cloned().collect(),
        }
    }
}

/// A resource standing for every resource of a kind in an account: a pattern matches it only
/// if it would match any name (`*`, `arn:aws:iam::*:user/*`).
fn every(account: &str, on: On) -> String {
    let kind = match on {
        On::User => "user",
        On::Mfa => "mfa",
        On::Group => "group",
        On::Role => "role",
        On::Policy => "policy",
    };
    format!("arn:aws:iam::{account}:{kind}/*")
}

fn powers(graph: &mut Graph, p: &Principal, principals: &[Principal], targets: &Targets) {
    let can = |action: &str, resource: &str| p.can(action, resource);
    for (kind, on, actions) in POWERS {
        let all = every(&p.account, *on);
        if actions.iter().any(|a| can(a, &all)) {
            let scope = if *kind == EdgeKind::CanPassRole { Scope::AllNhi } else { Scope::AllIdentities };
            let scope = graph.scope(Provider::Aws, &p.account, scope);
            graph.link(p.node, scope, *kind, None);
            continue;
        }
        match on {
            On::User | On::Mfa | On::Role => {
                let wanted = if *on == On::Role { Is::Role } else { Is::User };
                for t in principals.iter().filter(|t| t.is == wanted && t.node != p.node && t.account == p.account) {
                    let resource = if *on == On::Mfa {
                        format!("arn:aws:iam::{}:mfa/{}", t.account, t.name)
                    } else {
                        t.arn.clone()
                    };
                    if !actions.iter().any(|a| can(a, &resource)) {
                        continue;
                    }
                    if *on == On::Role && *kind == EdgeKind::CanManageRoles {
                        // Rewriting a role's policies changes what everyone who assumes it can do.
                        let scope = graph.scope(Provider::Aws, &p.account, Scope::AllIdentities);
                        graph.link(p.node, scope, *kind, None);
                        break;
                    }
                    graph.link(p.node, t.node, *kind, None);
                }
            }
            On::Group | On::Policy => {
                let list = if *on == On::Group { &targets.groups } else { &targets.policies };
                if list.iter().any(|arn| actions.iter().any(|a| can(a, arn))) {
                    // Adding members to a group or rewriting a policy grants roles to others.
                    let scope = graph.scope(Provider::Aws, &p.account, Scope::AllIdentities);
                    graph.link(p.node, scope, *kind, None);
                }
            }
        }
    }
}

/// `sts:AssumeRole` edges from a role's trust policy: principals it names, or for the account
/// (`123456789012`, `arn:aws:iam::123456789012:root`, `*`) every principal of the account whose
/// own policies allow `sts:AssumeRole` on the role.
fn assume(graph: &mut Graph, role: &Principal, trust: &[Statement], principals: &[Principal]) {
    for p in principals.iter().filter(|p| p.node != role.node) {
        let me = (p.is == Is::User).then_some(p.name.as_str());
        let named_by = |s: &Statement| {
            s.principals.iter().any(|who| {
                who == "*"
                    || who == &p.arn
                    || (p.account == role.account
                        && (who == &p.account || who == &format!("arn:aws:iam::{}:root", p.account)))
            })
        };
        let mut trusted = false;
        let mut denied = false;
        for s in trust
            .iter()
            .filter(|s| named_by(s) && s.actions.iter().any(|a| glob(a, "sts:AssumeRole", true)) != s.not_action)
        {
            if !s.allow {
                denied |= !s.conditional;
                continue;
            }
            // Named by ARN: the trust alone suffices in the account. Through the account or
            // `*`: the principal's own policies must allow it too.
            let by_arn = s.principals.iter().any(|who| who == &p.arn);
            if by_arn || p.can("sts:AssumeRole", &role.arn) {
                trusted = true;
            }
        }
        let self_denied =
            p.statements.iter().any(|s| !s.allow && !s.conditional && s.applies("sts:AssumeRole", &role.arn, me));
        if trusted && !denied && !self_denied {
            graph.link(p.node, role.node, EdgeKind::CanAssume, None);
        }
    }
}

/// Whether an IAM user looks like a workload. The export carries no login profile or access
/// keys, so: a tag saying so (`type`/`kind`/`identity-type` = service, workload, machine, nhi,
/// bot, automation, ci), else a path saying so (`/service/`, `/svc/`, `/system/`,
/// `/automation/`, `/bots/`, `/ci/`, `/workloads/`, `/service-accounts/`), else, where the
/// export was enriched with `AccessKeyMetadata`, active keys and no `LoginProfile`.
fn is_workload(user: &Map<String, Value>) -> bool {
    const WORKLOAD: &[&str] =
        &["service", "service-account", "serviceaccount", "workload", "machine", "nhi", "bot", "automation", "ci"];
    const HUMAN: &[&str] = &["human", "person", "user", "employee"];
    for key in ["type", "kind", "identity-type", "identitytype", "principal-type"] {
        if let Some(v) = tag(user, key) {
            let v = v.to_ascii_lowercase();
            if WORKLOAD.contains(&v.as_str()) {
                return true;
            }
            if HUMAN.contains(&v.as_str()) {
                return false;
            }
        }
    }
    const PATHS: &[&str] = &[
        "service",
        "services",
        "svc",
        "system",
        "automation",
        "bot",
        "bots",
        "ci",
        "workload",
        "workloads",
        "service-accounts",
        "serviceaccounts",
        "machine",
    ];
    let path = str_of(user, "Path").unwrap_or("/");
    if path.split('/').filter(|s| !s.is_empty()).any(|s| PATHS.contains(&s.to_ascii_lowercase().as_str())) {
        return true;
    }
    if user.contains_key("LoginProfile") {
        return false;
    }
    user.get("AccessKeyMetadata")
        .and_then(Value::as_array)
        .is_some_and(|keys| keys.iter().any(|k| k.get("Status").and_then(Value::as_str) == Some("Active")))
}

/// Access keys where the export was enriched with `list-access-keys` output.
fn access_keys(graph: &mut Graph, user: NodeId, account: &str, name: &str, obj: &Map<String, Value>) {
    for key in obj.get("AccessKeyMetadata").and_then(Value::as_array).into_iter().flatten() {
        let Some(id) = key.get("AccessKeyId").and_then(Value::as_str) else { continue };
        let secret = graph.ensure(Provider::Aws, account, NodeKind::Secret, id, &format!("{name} access key {id}"));
        let created = key
            .get("CreateDate")
            .and_then(Value::as_str)
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc));
        let inactive = key.get("Status").and_then(Value::as_str) == Some("Inactive");
        if let Some(n) = graph.node_mut(secret) {
            n.created = created.or(n.created);
            n.disabled |= inactive;
        }
        graph.link(user, secret, EdgeKind::HasSecret, None);
    }
}

fn tag<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    obj.get("Tags")?
        .as_array()?
        .iter()
        .find(|t| t.get("Key").and_then(Value::as_str).is_some_and(|k| k.eq_ignore_ascii_case(key)))?
        .get("Value")?
        .as_str()
}

fn array<'a>(root: &'a Map<String, Value>, key: &str) -> Result<&'a [Value], String> {
    match root.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(format!("`{key}` must be a list")),
    }
}

fn str_of<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    obj.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// The account id of an IAM ARN (`arn:aws:iam::123456789012:user/alice`).
fn account_of(arn: &str) -> Option<&str> {
    let mut parts = arn.split(':');
    let (Some("arn"), Some(_), Some("iam"), Some(_), Some(account)) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    (!account.is_empty()).then_some(account)
}
