//! The decision point: one request in, one [`Decision`] out. Policies are parsed and
//! validated at construction; a decision builds two entities and one context and runs two
//! Cedar evaluations (bind, notify).

use crate::decision::{Approver, Decision, Notification, Outcome, Reason, Recipient};
use crate::input::{Names, build};
use crate::policy_set::Policies;
use crate::request::{EnrollmentRequest, IdentityContext};
use crate::rules::{AalDemand, ApproverKind, RecipientKind, Rule};
use cedar_policy::{Authorizer, Decision as CedarDecision, Response};
use chrono::{DateTime, Utc};
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The rule named when no policy permits a change.
pub const DEFAULT_DENY: &str = "default-deny";

/// Settings of the decision point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DecisionConfig {
    /// How long an approval lasts (requested, then once given).
    #[serde(with = "humantime_secs")]
    pub approval_ttl: Duration,
    /// How long an `allow` stays in force for the enrollment it allowed.
    #[serde(with = "humantime_secs")]
    pub allow_ttl: Duration,
    /// Factor kinds that are recovery methods (compared case-insensitively).
    pub recovery_kinds: Vec<String>,
}

impl Default for DecisionConfig {
    fn default() -> Self {
        DecisionConfig {
            approval_ttl: Duration::from_secs(15 * 60),
            allow_ttl: Duration::from_secs(15 * 60),
            recovery_kinds: [
                "question",
                "security_question",
                "recovery_question",
                "recovery_email",
                "recovery_phone",
                "recovery_codes",
                "backup_codes",
                "temporaryAccessPass",
            ]
            .map(str::to_string)
            .to_vec(),
        }
    }
}

/// Durations as whole seconds in config files and answers.
mod humantime_secs {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_secs())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_secs)
    }
}

/// Why a request cannot be decided.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecideError {
    /// The session's assurance level is not 1, 2 or 3.
    #[error("invalid `session_aal` {0}: expected 1, 2 or 3")]
    SessionAal(u8),
    /// A field that must name something is empty.
    #[error("empty `{0}`")]
    Empty(&'static str),
    /// The request cannot be put to the policies.
    #[error("cannot build the policy request: {0}")]
    Build(String),
}

/// The enrollment decision point.
#[derive(Debug, Clone)]
pub struct DecisionPoint {
    policies: Policies,
    config: DecisionConfig,
    names: Names,
    authorizer: Authorizer,
}

impl DecisionPoint {
    /// A decision point over `policies`.
    pub fn new(policies: Policies, config: DecisionConfig) -> Result<DecisionPoint, DecideError> {
        let names = Names::new().map_err(DecideError::Build)?;
        Ok(DecisionPoint { policies, config, names, authorizer: Authorizer::new() })
    }

    /// The policies it decides with.
    pub fn policies(&self) -> &Policies {
        &self.policies
    }

    /// Its settings.
    pub fn config(&self) -> &DecisionConfig {
        &self.config
    }

    /// Decides `req` for the identity described by `ident`, at `now`.
    pub fn decide(
        &self,
        req: &EnrollmentRequest,
        ident: &IdentityContext,
        now: DateTime<Utc>,
    ) -> Result<Decision, DecideError> {
        if !(1..=3).contains(&req.context.session_aal) {
            return Err(DecideError::SessionAal(req.context.session_aal));
        }
        for (name, value) in [("tenant", &req.tenant), ("identity", &req.identity), ("factor.kind", &req.factor.kind)] {
            if value.trim().is_empty() {
                return Err(DecideError::Empty(name));
            }
        }
        let recovery = req.factor.recovery || self.is_recovery_kind(&req.factor.kind);
        let (built, bind_req, notify_req) =
            build(&self.names, &self.policies.schema, req, ident, recovery).map_err(DecideError::Build)?;
        let bind = self.authorizer.is_authorized(&bind_req, &self.policies.bind, &built.entities);
        let notify = self.authorizer.is_authorized(&notify_req, &self.policies.notify, &built.entities);

        let mut matched: Vec<&Rule> = Vec::new();
        let mut reasons = Vec::new();
        // A policy that fails to evaluate is skipped by Cedar; a skipped forbid would
        // open the gate, so any error denies (fail closed).
        for error in bind.diagnostics().errors() {
            let cedar_policy::AuthorizationError::PolicyEvaluationError(e) = error;
            reasons.push(Reason {
                rule: e.policy_id().to_string(),
                outcome: Outcome::Deny,
                text: format!("policy failed to evaluate, denied: {error}"),
            });
        }
        for id in bind.diagnostics().reason() {
            if let Some(rule) = self.policies.rule(id.as_ref()) {
                matched.push(rule);
            }
        }
        let mut outcome = match bind.decision() {
            CedarDecision::Allow => Outcome::Allow,
            CedarDecision::Deny => matched.iter().map(|r| r.outcome).max().unwrap_or(Outcome::Deny),
        };
        if matched.is_empty() && bind.decision() == CedarDecision::Deny {
            reasons.push(Reason {
                rule: DEFAULT_DENY.into(),
                outcome: Outcome::Deny,
                text: "no policy permits this change".into(),
            });
        }
        if !reasons.is_empty() {
            outcome = Outcome::Deny;
        }
        for rule in &matched {
            let mut text = rule.reason.clone();
            if rule.reads_risk && !built.risk.is_empty() {
                let names: Vec<&str> = built.risk.iter().map(|r| r.as_str()).collect();
                text.push_str(&format!(" ({})", names.join(", ")));
            }
            reasons.push(Reason { rule: rule.id.clone(), outcome: rule.outcome, text });
        }
        reasons.sort_by(|a, b| b.outcome.cmp(&a.outcome).then_with(|| a.rule.cmp(&b.rule)));

        let d = built.derived;
        let required_aal = matched
            .iter()
            .filter_map(|r| r.aal)
            .map(|demand| match demand {
                AalDemand::Binding => d.binding_aal,
                AalDemand::Account => d.account_max_aal,
                AalDemand::Level(l) => l,
            })
            .fold(d.binding_aal, u8::max);

        let approvers =
            if outcome == Outcome::RequireApproval { approvers_of(&matched, req, ident) } else { Vec::new() };
        let notify_rules = notify_rules(&self.policies, &notify);
        let notify = notifications(&notify_rules, &approvers, req, ident);
        let mut policies: Vec<String> = matched.iter().chain(notify_rules.iter()).map(|r| r.id.clone()).collect();
        policies.sort();
        policies.dedup();

        let ttl = match outcome {
            Outcome::Allow => self.config.allow_ttl,
            Outcome::RequireApproval => self.config.approval_ttl,
            Outcome::StepUp | Outcome::Deny => Duration::ZERO,
        };
        Ok(Decision {
            id: new_id("dec"),
            time: now,
            provider: req.provider,
            tenant: req.tenant.clone(),
            identity: req.identity.clone(),
            actor: req.actor_id().to_string(),
            factor_kind: req.factor.kind.clone(),
            factor_class: req.factor.class,
            outcome,
            reasons,
            required_aal,
            approvers,
            approval_ttl_seconds: self.config.approval_ttl.as_secs(),
            valid_until: now + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::zero()),
            notify,
            policies,
        })
    }

    fn is_recovery_kind(&self, kind: &str) -> bool {
        self.config.recovery_kinds.iter().any(|k| k.eq_ignore_ascii_case(kind))
    }
}

/// A fresh id: `prefix_` and 128 random bits in hex.
pub(crate) fn new_id(prefix: &str) -> String {
    let bits: u128 = rand::rng().random();
    format!("{prefix}_{bits:032x}")
}

/// Approvers every matched approval rule accepts: each rule must be satisfied by the one
/// approval, so the sets intersect. The manager is named by id, and never when the manager
/// is the one making the change (four eyes). With nobody left, the SOC decides.
fn approvers_of(matched: &[&Rule], req: &EnrollmentRequest, ident: &IdentityContext) -> Vec<Approver> {
    let mut kinds = vec![ApproverKind::Manager, ApproverKind::Soc];
    for rule in matched.iter().filter(|r| r.outcome == Outcome::RequireApproval) {
        kinds.retain(|k| rule.approvers.contains(k));
    }
    let mut out = Vec::new();
    for kind in kinds {
        match kind {
            ApproverKind::Manager => {
                if let Some(m) = manager_of(req, ident) {
                    out.push(Approver::Manager(m.to_string()));
                }
            }
            ApproverKind::Soc => out.push(Approver::Soc),
        }
    }
    if out.is_empty() {
        out.push(Approver::Soc);
    }
    out
}

/// The identity's manager when that is a second person.
fn manager_of<'a>(req: &EnrollmentRequest, ident: &'a IdentityContext) -> Option<&'a str> {
    ident.manager.as_deref().filter(|m| *m != req.identity && *m != req.actor_id())
}

fn notify_rules<'a>(policies: &'a Policies, response: &Response) -> Vec<&'a Rule> {
    if response.decision() != CedarDecision::Allow {
        return Vec::new();
    }
    response.diagnostics().reason().filter_map(|id| policies.rule(id.as_ref())).collect()
}

fn notifications(
    rules: &[&Rule],
    approvers: &[Approver],
    req: &EnrollmentRequest,
    ident: &IdentityContext,
) -> Vec<Notification> {
    let mut out: Vec<Notification> = Vec::new();
    let mut push = |to: Recipient, rule: &str| {
        if out.iter().any(|n| n.to == to) {
            return;
        }
        let not_via = (to == Recipient::Subject).then(|| req.factor.kind.clone());
        out.push(Notification { to, rule: rule.to_string(), not_via });
    };
    let mut sorted: Vec<&&Rule> = rules.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    for rule in sorted {
        for kind in &rule.notify {
            match kind {
                RecipientKind::Subject => push(Recipient::Subject, &rule.id),
                RecipientKind::Manager => {
                    if let Some(m) = &ident.manager {
                        push(Recipient::Manager(m.clone()), &rule.id);
                    }
                }
                RecipientKind::Soc => push(Recipient::Soc, &rule.id),
            }
        }
    }
    // Approvers hear of the request they are asked to decide.
    for approver in approvers {
        let to = match approver {
            Approver::Manager(m) => Recipient::Manager(m.clone()),
            Approver::Soc => Recipient::Soc,
        };
        push(to, "approval-requested");
    }
    out
}
