//! `decisions.ndjson`: the enrollment decision point's ledger export (docs/policy.md) for
//! the tenant, as if the decision point had been asked before each legitimate factor
//! binding on a privileged person: an `allow` decision, or a `require_approval` decision and
//! the SOC's approval. `hunt --gating --decisions decisions.ndjson` checks bindings against
//! it (FW-012); bindings with nothing here, like the contractor's on the Global Admin, fire.
//!
//! The records have the JSON shape of `policy::Decision` and `policy::Approval`, written
//! from local structs with a fixed field order (so the bytes depend on the seed only);
//! `crates/policy/tests/synth_ledger.rs` loads them with `policy::load_ledger_file`.

use crate::World;
use crate::clock::MINUTE;
use crate::event::{Ev, OktaFactor};
use crate::ids;
use crate::tenant::{OKTA_TENANT, User};
use crate::truth::millis;
use serde::Serialize;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// The file, relative to the output directory.
pub const FILE: &str = "decisions.ndjson";

/// How long an `allow` and an approval last (the decision point's defaults, 15 minutes).
const TTL: i64 = 15 * MINUTE;

/// What let a planned Okta binding happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grant {
    /// An `allow` decision 3 minutes before the binding.
    Allow,
    /// A `require_approval` decision 20 minutes before, approved by the SOC 12 minutes before.
    Approved,
}

/// A legitimate binding on a gated (tier 0/1) person and what allowed it.
#[derive(Clone, Copy, Debug)]
pub struct Allowed {
    pub grant: Grant,
    pub ev: Ev,
    pub kind: OktaFactor,
    /// Who approved (`Grant::Approved`): a person in the SOC role, never the subject.
    pub reviewer: u32,
}

impl Allowed {
    /// The id of the decision or approval that allowed the binding (what FW-012's gate
    /// answers).
    pub fn grant_id(&self, world: &World) -> String {
        match self.grant {
            Grant::Allow => self.decision_id(world),
            Grant::Approved => id(world, "apr", 0xA9, self.ev.seq),
        }
    }

    fn decision_id(&self, world: &World) -> String {
        id(world, "dec", 0xDEC, self.ev.seq)
    }
}

fn id(world: &World, prefix: &str, salt: u64, seq: u32) -> String {
    let h = ids::hash(&[world.seed, salt, u64::from(seq)]);
    let mut out = String::with_capacity(prefix.len() + 33);
    out.push_str(prefix);
    out.push('_');
    out.push_str(&ids::string(|w| ids::hex(w, h, 32)));
    out
}

fn class(kind: OktaFactor) -> &'static str {
    match kind {
        OktaFactor::Push | OktaFactor::Totp => "app",
        OktaFactor::Sms => "possession_weak",
        OktaFactor::Webauthn => "phishing_resistant",
    }
}

#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum Entry {
    Decision(Decision),
    Approval(Approval),
}

#[derive(Serialize)]
struct Reason {
    rule: &'static str,
    outcome: &'static str,
    text: &'static str,
}

#[derive(Serialize)]
struct Notification {
    to: &'static str,
    rule: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    not_via: Option<&'static str>,
}

#[derive(Serialize)]
struct Decision {
    id: String,
    time: String,
    provider: &'static str,
    tenant: &'static str,
    identity: String,
    actor: String,
    factor_kind: &'static str,
    factor_class: &'static str,
    outcome: &'static str,
    reasons: Vec<Reason>,
    required_aal: u8,
    approvers: Vec<&'static str>,
    approval_ttl_seconds: u64,
    valid_until: String,
    notify: Vec<Notification>,
    policies: Vec<&'static str>,
}

#[derive(Serialize)]
struct Key {
    provider: &'static str,
    tenant: &'static str,
    identity: String,
}

#[derive(Serialize)]
struct Purpose {
    kind: &'static str,
    decision_id: String,
    factor_kind: &'static str,
}

#[derive(Serialize)]
struct Reviewer {
    id: String,
    role: &'static str,
}

#[derive(Serialize)]
struct Approval {
    id: String,
    key: Key,
    purpose: Purpose,
    requester: String,
    eligible: Vec<&'static str>,
    reasons: Vec<String>,
    required_aal: u8,
    created_at: String,
    expires_at: String,
    state: &'static str,
    reviewer: Reviewer,
    justification: &'static str,
    decided_at: String,
    version: u64,
}

fn notify(kind: &'static str) -> Vec<Notification> {
    vec![
        Notification { to: "subject", rule: "dp4-notify-subject", not_via: Some(kind) },
        Notification { to: "soc", rule: "privileged-notify", not_via: None },
    ]
}

/// The ledger records of one allowed binding, oldest first.
fn entries(world: &World, a: &Allowed) -> Vec<Entry> {
    let user: &User = world.tenant.user(a.ev.user);
    let (kind, _) = a.kind.names();
    let t = a.ev.t;
    match a.grant {
        Grant::Allow => {
            let time = t - 3 * MINUTE;
            vec![Entry::Decision(Decision {
                id: a.decision_id(world),
                time: millis(time),
                provider: "okta",
                tenant: OKTA_TENANT,
                identity: user.okta_id.clone(),
                actor: user.okta_id.clone(),
                factor_kind: kind,
                factor_class: class(a.kind),
                outcome: "allow",
                reasons: vec![Reason {
                    rule: "admin-hardware-key-allow",
                    outcome: "allow",
                    text: "an administrator binding a phishing-resistant key from a familiar device and network",
                }],
                required_aal: 2,
                approvers: Vec::new(),
                approval_ttl_seconds: (TTL / 1000) as u64,
                valid_until: millis(time + TTL),
                notify: notify(kind),
                policies: vec!["admin-hardware-key-allow", "dp4-notify-subject", "privileged-notify"],
            })]
        }
        Grant::Approved => {
            let time = t - 20 * MINUTE;
            let decided = t - 12 * MINUTE;
            let decision_id = a.decision_id(world);
            let reason = "tier 0 and tier 1 identities change factors only with approval by their manager or the SOC";
            vec![
                Entry::Decision(Decision {
                    id: decision_id.clone(),
                    time: millis(time),
                    provider: "okta",
                    tenant: OKTA_TENANT,
                    identity: user.okta_id.clone(),
                    actor: user.okta_id.clone(),
                    factor_kind: kind,
                    factor_class: class(a.kind),
                    outcome: "require_approval",
                    reasons: vec![Reason { rule: "privileged-approval", outcome: "require_approval", text: reason }],
                    required_aal: 2,
                    approvers: vec!["soc"],
                    approval_ttl_seconds: (TTL / 1000) as u64,
                    valid_until: millis(time + TTL),
                    notify: notify(kind),
                    policies: vec!["dp4-notify-subject", "privileged-approval", "privileged-notify"],
                }),
                Entry::Approval(Approval {
                    id: a.grant_id(world),
                    key: Key { provider: "okta", tenant: OKTA_TENANT, identity: user.okta_id.clone() },
                    purpose: Purpose { kind: "enrollment", decision_id, factor_kind: kind },
                    requester: user.okta_id.clone(),
                    eligible: vec!["soc"],
                    reasons: vec![format!("privileged-approval: {reason}")],
                    required_aal: 2,
                    created_at: millis(time),
                    expires_at: millis(decided + TTL),
                    state: "approved",
                    reviewer: Reviewer { id: world.tenant.user(a.reviewer).okta_id.clone(), role: "soc" },
                    justification: "confirmed the new phone with the requester on a call to the desk number on file",
                    decided_at: millis(decided),
                    version: 1,
                }),
            ]
        }
    }
}

/// Writes the ledger export of `allowed` to `path`, one record a line.
pub fn write(world: &World, allowed: &[Allowed], path: &Path) -> io::Result<()> {
    let mut w = BufWriter::new(std::fs::File::create(path)?);
    for a in allowed {
        for entry in entries(world, a) {
            serde_json::to_writer(&mut w, &entry)?;
            w.write_all(b"\n")?;
        }
    }
    w.flush()
}
