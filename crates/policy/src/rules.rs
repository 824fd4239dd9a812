//! What each policy means to the decision point, read once from its annotations:
//! `@id` and `@reason` on all; `@outcome`, `@approvers`, `@aal` on forbid policies of
//! `bind_factor`; `@notify` on permit policies of `notify`.

use crate::decision::Outcome;

/// Which action a policy is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `bind_factor`: whether a factor may be bound.
    Bind,
    /// `notify`: who is told about a binding.
    Notify,
}

/// An approver a rule names, before the identity's manager is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApproverKind {
    /// The identity's manager.
    Manager,
    /// The SOC.
    Soc,
}

/// Whom a notify rule names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecipientKind {
    /// The identity the binding is about.
    Subject,
    /// Its manager.
    Manager,
    /// The SOC.
    Soc,
}

/// The AAL a rule asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AalDemand {
    /// SP 800-63B-4 §4.1.2.1: min(account's highest AAL, new factor's AAL).
    Binding,
    /// The account's highest available AAL.
    Account,
    /// This level.
    Level(u8),
}

/// One policy as the decision point reads its annotations.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Its `@id`.
    pub id: String,
    /// Its `@reason`.
    pub reason: String,
    /// The action it is about.
    pub target: Target,
    /// `Allow` for permits of `bind_factor`; notify rules carry `Allow` too.
    pub outcome: Outcome,
    /// Its `@approvers`.
    pub approvers: Vec<ApproverKind>,
    /// Its `@aal`.
    pub aal: Option<AalDemand>,
    /// Its `@notify`.
    pub notify: Vec<RecipientKind>,
    /// The condition reads `context.risky`: its reason names the risk found.
    pub reads_risk: bool,
}

/// Reads a policy's annotations; the error says which annotation is wrong and why.
pub fn rule_of(
    id: &str,
    target: Target,
    forbid: bool,
    annotation: impl Fn(&str) -> Option<String>,
) -> Result<Rule, String> {
    let reason = annotation("reason").ok_or("missing `@reason`: say why the rule exists")?;
    let mut rule = Rule {
        id: id.to_string(),
        reason,
        target,
        outcome: Outcome::Allow,
        approvers: Vec::new(),
        aal: None,
        notify: Vec::new(),
        reads_risk: false,
    };
    match (target, forbid) {
        (Target::Bind, true) => {
            let text = annotation("outcome").ok_or("forbid policies need `@outcome`")?;
            rule.outcome = match Outcome::parse(&text) {
                Some(Outcome::Allow) | None => {
                    return Err(format!("unknown `@outcome(\"{text}\")`: expected deny, require_approval or step_up"));
                }
                Some(o) => o,
            };
            if let Some(list) = annotation("approvers") {
                if rule.outcome != Outcome::RequireApproval {
                    return Err("`@approvers` is only meaningful with `@outcome(\"require_approval\")`".into());
                }
                rule.approvers = split(&list)
                    .map(|a| match a {
                        "manager" => Ok(ApproverKind::Manager),
                        "soc" => Ok(ApproverKind::Soc),
                        other => Err(format!("unknown approver `{other}` in `@approvers`: expected manager or soc")),
                    })
                    .collect::<Result<_, _>>()?;
            } else if rule.outcome == Outcome::RequireApproval {
                rule.approvers = vec![ApproverKind::Soc];
            }
            if let Some(text) = annotation("aal") {
                rule.aal = Some(match text.trim() {
                    "binding" => AalDemand::Binding,
                    "account" => AalDemand::Account,
                    "1" => AalDemand::Level(1),
                    "2" => AalDemand::Level(2),
                    "3" => AalDemand::Level(3),
                    other => {
                        return Err(format!("unknown `@aal(\"{other}\")`: expected binding, account, 1, 2 or 3"));
                    }
                });
            }
        }
        (Target::Bind, false) => {
            if annotation("outcome").is_some_and(|o| o.trim() != "allow") {
                return Err("a permit policy allows: use forbid with `@outcome` to restrict".into());
            }
        }
        (Target::Notify, true) => return Err("forbid policies on `notify` cannot be honoured: notify only adds".into()),
        (Target::Notify, false) => {
            let list = annotation("notify").ok_or("notify policies need `@notify` (subject, manager, soc)")?;
            rule.notify = split(&list)
                .map(|r| match r {
                    "subject" => Ok(RecipientKind::Subject),
                    "manager" => Ok(RecipientKind::Manager),
                    "soc" => Ok(RecipientKind::Soc),
                    other => Err(format!("unknown recipient `{other}` in `@notify`: expected subject, manager or soc")),
                })
                .collect::<Result<_, _>>()?;
        }
    }
    Ok(rule)
}

fn split(list: &str) -> impl Iterator<Item = &str> {
    list.split(',').map(str::trim).filter(|s| !s.is_empty())
}
