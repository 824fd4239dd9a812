//! The one audit mapping (docs/events.md §2 "Audit activity"), shared by the diagnostic, Graph
//! and Log Analytics shapes and by Microsoft 365's Azure AD operations (§3).

use super::{FACTOR_TABLE, is_system_app, mentions, starts_with_ignore_case, unquote};
use super::{keys, policy, strong_auth};
use crate::context::{Ctx, Relevance, classify_factor};
use crate::providers::Result;
use crate::values::{derived_id, set_address};
use chrono::{DateTime, Utc};
use model::{ActorRelation, Category, Event, Factor, Outcome, Principal, PrincipalKind, Provider, Tag, Text};
use std::borrow::Cow;

/// The fields of an audit record, read from whichever shape carried it.
pub(crate) struct Audit<'v> {
    pub provider: Provider,
    pub tenant: Option<&'v str>,
    pub id: Option<&'v str>,
    pub time: DateTime<Utc>,
    /// Cleaned (§0 "Names"), without M365's final `.`.
    pub activity: Cow<'v, str>,
    pub correlation: Option<&'v str>,
    pub result: Option<&'v str>,
    pub reason: Option<&'v str>,
    pub actor: Actor<'v>,
    pub targets: Vec<Target<'v>>,
    pub ip: Option<&'v str>,
    pub user_agent: Option<&'v str>,
}

#[derive(Default)]
pub(crate) struct Actor<'v> {
    pub user_id: Option<&'v str>,
    pub upn: Option<&'v str>,
    pub app_id: Option<&'v str>,
    pub app_name: Option<&'v str>,
    pub sp_id: Option<&'v str>,
    /// The source itself says the actor is the provider (M365 `UserType` 4).
    pub system: bool,
}

#[derive(Default)]
pub(crate) struct Target<'v> {
    pub kind: Option<&'v str>,
    pub id: Option<&'v str>,
    pub upn: Option<&'v str>,
    pub name: Option<&'v str>,
    pub props: Vec<Prop<'v>>,
}

/// A modified property; old and new values are JSON written as strings.
pub(crate) struct Prop<'v> {
    pub name: &'v str,
    pub old: Option<&'v str>,
    pub new: Option<&'v str>,
}

impl Target<'_> {
    fn is(&self, kind: &str) -> bool {
        self.kind.is_some_and(|k| k.eq_ignore_ascii_case(kind))
    }

    fn principal(&self) -> Option<Principal> {
        let kind = if self.is("User") {
            PrincipalKind::Human
        } else if self.is("ServicePrincipal") || self.is("Application") {
            PrincipalKind::Nhi
        } else {
            PrincipalKind::Unknown
        };
        Principal::new(self.id, self.upn.or(self.name), kind)
    }
}

impl<'v> Audit<'v> {
    /// A modified property by name, on any target, at any index (`User.X` counts as `X`).
    pub fn prop(&self, name: &str) -> Option<&Prop<'v>> {
        self.targets.iter().flat_map(|t| t.props.iter()).find(|p| prop_named(p.name, name))
    }

    fn target_of(&self, kind: &str) -> Option<&Target<'v>> {
        self.targets.iter().find(|t| t.is(kind))
    }
}

fn prop_named(name: &str, wanted: &str) -> bool {
    let n = name.trim();
    n.eq_ignore_ascii_case(wanted)
        || n.rsplit_once('.').is_some_and(|(_, last)| last.eq_ignore_ascii_case(wanted) && n.len() > wanted.len())
}

/// What an activity means, before looking at its details.
#[derive(Clone, Copy)]
enum Rule {
    Fixed(Category),
    /// `… security info`: factor from `resultReason`.
    SecurityInfo(Category),
    /// A method named by the activity itself (`Add FIDO2 security key`).
    Method(Category, &'static str),
    AppPassword(Category),
    UpdateUser,
    UpdateApplication,
    AppKeys,
    Policy,
    Fraud,
    /// A Global Administrator elevated to User Access Administrator over all Azure
    /// subscriptions: a tier 0 role the actor granted itself.
    ElevateAccess,
}

/// Activities matched whole, case-insensitively.
const ACTIVITIES: &[(&str, Rule)] = &[
    ("User registered security info", Rule::SecurityInfo(Category::FactorAdd)),
    ("User registered all required security info", Rule::SecurityInfo(Category::FactorAdd)),
    ("Admin registered security info", Rule::SecurityInfo(Category::FactorAdd)),
    ("Create Temporary Access Pass method for user", Rule::Method(Category::FactorAdd, "Temporary Access Pass")),
    ("User changed default security info", Rule::SecurityInfo(Category::FactorUpdate)),
    ("User updated security info", Rule::SecurityInfo(Category::FactorUpdate)),
    ("Admin updated security info", Rule::SecurityInfo(Category::FactorUpdate)),
    ("User deleted security info", Rule::SecurityInfo(Category::FactorRemove)),
    ("Admin deleted security info", Rule::SecurityInfo(Category::FactorRemove)),
    ("Security info saved for self-service password reset", Rule::Fixed(Category::RecoveryChange)),
    ("Reset password (by admin)", Rule::Fixed(Category::PasswordReset)),
    ("Reset password (self-service)", Rule::Fixed(Category::PasswordReset)),
    ("Reset password", Rule::Fixed(Category::PasswordReset)),
    ("Set force change user password", Rule::Fixed(Category::PasswordReset)),
    // The M365 unified log's name for an admin reset (`Reset user password.`).
    ("Reset user password", Rule::Fixed(Category::PasswordReset)),
    ("Change password (self-service)", Rule::Fixed(Category::PasswordChange)),
    ("Change user password", Rule::Fixed(Category::PasswordChange)),
    ("Update user", Rule::UpdateUser),
    ("Disable Strong Authentication", Rule::Fixed(Category::PolicyWeaken)),
    ("Add FIDO2 security key", Rule::Method(Category::FactorAdd, "FIDO2 security key")),
    ("Delete FIDO2 security key", Rule::Method(Category::FactorRemove, "FIDO2 security key")),
    ("Add Windows Hello for Business credential", Rule::Method(Category::FactorAdd, "Windows Hello for Business")),
    (
        "Delete Windows Hello for Business credential",
        Rule::Method(Category::FactorRemove, "Windows Hello for Business"),
    ),
    ("Add passwordless phone sign-in credential", Rule::Method(Category::FactorAdd, "Passwordless phone sign-in")),
    (
        "Delete passwordless phone sign-in credential",
        Rule::Method(Category::FactorRemove, "Passwordless phone sign-in"),
    ),
    ("Add platform credential", Rule::Method(Category::FactorAdd, "Platform credential")),
    ("Delete platform credential", Rule::Method(Category::FactorRemove, "Platform credential")),
    ("Assign Hardware Oath Token", Rule::Method(Category::FactorAdd, "Hardware OATH token")),
    ("Create Hardware Oath Token", Rule::Fixed(Category::Other)),
    ("Register device", Rule::Fixed(Category::DeviceRegister)),
    ("Add registered users to device", Rule::Fixed(Category::DeviceRegister)),
    ("Add registered owner to device", Rule::Fixed(Category::DeviceRegister)),
    ("Update device", Rule::Fixed(Category::Other)),
    ("Update StsRefreshTokenValidFrom Timestamp", Rule::Fixed(Category::SessionRevoke)),
    ("Create application password for user", Rule::AppPassword(Category::SecretIssue)),
    ("Delete application password for user", Rule::AppPassword(Category::SecretRevoke)),
    ("Add owner to application", Rule::Fixed(Category::RoleGrant)),
    ("Add owner to service principal", Rule::Fixed(Category::RoleGrant)),
    ("Remove owner from application", Rule::Fixed(Category::RoleRevoke)),
    ("Remove owner from service principal", Rule::Fixed(Category::RoleRevoke)),
    ("Add service principal credentials", Rule::Fixed(Category::SecretIssue)),
    ("Remove service principal credentials", Rule::Fixed(Category::SecretRevoke)),
    ("Update service principal", Rule::Fixed(Category::Other)),
    ("Update application - Certificates and secrets management", Rule::AppKeys),
    ("Update application", Rule::UpdateApplication),
    ("Update external secrets", Rule::Fixed(Category::SecretRotate)),
    ("Update conditional access policy", Rule::Policy),
    ("Delete conditional access policy", Rule::Policy),
    ("Authentication Methods Policy Update", Rule::Policy),
    ("Set Company Information", Rule::Policy),
    ("Set federation settings on domain", Rule::Policy),
    ("Set domain authentication", Rule::Policy),
    ("Update role setting in PIM", Rule::Policy),
    ("User has elevated their access to User Access Administrator for their Azure Resources", Rule::ElevateAccess),
    // The same elevation as the Azure activity log names it (docs/events.md §2).
    ("Microsoft.Authorization/elevateAccess/action", Rule::ElevateAccess),
    ("Fraud reported - user is blocked for MFA", Rule::Fraud),
    ("Fraud reported - no action taken", Rule::Fraud),
    ("Suspicious activity reported", Rule::Fraud),
];

fn rule_for(activity: &str) -> Option<Rule> {
    if let Some((_, rule)) = ACTIVITIES.iter().find(|(name, _)| name.eq_ignore_ascii_case(activity)) {
        return Some(*rule);
    }
    // Role assignments come in eligible, scoped and PIM variants.
    let lower_has = |needle: &str| crate::context::contains_ignore_case(activity, needle);
    if starts_with_ignore_case(activity, "Add ") && lower_has("member to role") {
        return Some(Rule::Fixed(Category::RoleGrant));
    }
    if starts_with_ignore_case(activity, "Remove ") && lower_has("member from role") {
        return Some(Rule::Fixed(Category::RoleRevoke));
    }
    // `User reviewed/started/canceled … security info …` are steps of a flow, not changes.
    let step = ["User reviewed", "User started", "User canceled", "User cancelled"];
    if lower_has("security info") && step.iter().any(|p| starts_with_ignore_case(activity, p)) {
        return Some(Rule::Fixed(Category::Other));
    }
    None
}

/// Whether the audit mapping lists an activity (a forwarded record with no `category` is
/// known as an audit record by it).
pub(crate) fn is_audit_activity(activity: &str) -> bool {
    rule_for(activity).is_some()
}

/// The role an elevation grants (docs/events.md §2).
pub(crate) const ELEVATED_ROLE: &str = "User Access Administrator";

/// Maps one audit record to events.
pub(crate) fn map_audit(a: &Audit<'_>, ctx: &Ctx<'_>, out: &mut Vec<Event>) -> Result {
    let Some(rule) = rule_for(&a.activity) else {
        return Ok(Relevance::NotRelevant(Text::from(a.activity.as_ref())));
    };
    match rule {
        Rule::Fixed(category) => {
            let mut e = base(a, ctx, category);
            match category {
                Category::RoleGrant | Category::RoleRevoke => e.object = role_object(a),
                Category::SecretIssue | Category::SecretRevoke => e.object = keys::changed_key(a).map(Text::from),
                Category::PolicyWeaken => e.tags.push(Tag::IdentityScope),
                Category::DeviceRegister | Category::Other => e.object = device_name(a),
                _ => {}
            }
            out.push(e);
        }
        Rule::SecurityInfo(category) => security_info(a, ctx, category, out),
        Rule::Method(category, kind) => {
            let mut e = base(a, ctx, category);
            e.factor = Some(factor(Some(kind)));
            out.push(e);
        }
        Rule::AppPassword(category) => {
            let mut e = base(a, ctx, category);
            e.tags.push(Tag::AppPassword);
            out.push(e);
        }
        Rule::UpdateUser => {
            let before = out.len();
            strong_auth::update_user(a, ctx, out);
            if out.len() == before {
                return Ok(Relevance::NotRelevant(Text::from(a.activity.as_ref())));
            }
        }
        Rule::UpdateApplication => {
            if a.prop("FederatedIdentityCredentials").is_none() {
                return Ok(Relevance::NotRelevant(Text::from(a.activity.as_ref())));
            }
            out.push(base(a, ctx, Category::SecretIssue));
        }
        Rule::AppKeys => keys::certificates_and_secrets(a, ctx, out),
        Rule::Policy => policy::policy_change(a, ctx, out),
        Rule::ElevateAccess => {
            let mut e = base(a, ctx, Category::RoleGrant);
            e.object = Some(Text::from(ELEVATED_ROLE));
            // The actor elevated itself; the record's targets (if any) are the same user.
            if e.actor.as_ref().is_some_and(|p| p.kind == PrincipalKind::Human) {
                e.target = e.actor.clone();
            }
            e.relation = ActorRelation::between(e.actor.as_ref(), e.target.as_ref());
            out.push(e);
        }
        Rule::Fraud => {
            let mut e = base(a, ctx, Category::MfaDeny);
            e.tags.push(Tag::FraudReported);
            e.risk.markers.push(Text::from(a.activity.as_ref()));
            out.push(e);
        }
    }
    Ok(Relevance::Relevant)
}

/// `User registered <method>` and its kin: the method is in `resultReason`; an app
/// password there is a secret, not a factor.
fn security_info(a: &Audit<'_>, ctx: &Ctx<'_>, category: Category, out: &mut Vec<Event>) {
    let method = method_from_reason(a.reason);
    if mentions(method, "app password") {
        let secret = if category == Category::FactorRemove { Category::SecretRevoke } else { Category::SecretIssue };
        let mut e = base(a, ctx, secret);
        e.tags.push(Tag::AppPassword);
        out.push(e);
        return;
    }
    let mut e = base(a, ctx, category);
    e.factor = Some(factor(method));
    // A Microsoft back-end record with no method named is the service's own bookkeeping.
    if method.is_none() && e.actor.as_ref().is_some_and(|p| p.kind != PrincipalKind::Human) {
        e.relation = ActorRelation::System;
    }
    out.push(e);
}

/// `User registered Microsoft Authenticator App` → `Microsoft Authenticator App`; reasons
/// that name no method (`… all required security info`) give none.
pub(crate) fn method_from_reason(reason: Option<&str>) -> Option<&str> {
    let reason = reason?.trim();
    const VERBS: [&str; 5] = [" registered ", " deleted ", " updated ", " changed default ", " changed "];
    let lower = reason.as_bytes();
    let rest = VERBS.iter().find_map(|verb| {
        let v = verb.as_bytes();
        lower.windows(v.len()).position(|w| w.eq_ignore_ascii_case(v)).and_then(|i| reason.get(i + v.len()..))
    })?;
    let rest = rest.trim().trim_end_matches('.');
    if rest.is_empty() || crate::context::contains_ignore_case(rest, "security info") {
        return None;
    }
    Some(rest)
}

pub(crate) fn factor(kind: Option<&str>) -> Factor {
    Factor {
        kind: kind.map(Text::from),
        class: kind.map(|k| classify_factor(k, FACTOR_TABLE)).unwrap_or_default(),
        id: None,
        name: None,
    }
}

/// An event with the fields every audit category shares.
pub(crate) fn base(a: &Audit<'_>, ctx: &Ctx<'_>, category: Category) -> Event {
    let tenant = ctx.tenant(a.provider, a.tenant);
    let id: Cow<str> = match a.id {
        Some(id) => Cow::Borrowed(id),
        None => Cow::Owned(derived_id(&[&a.time.to_rfc3339(), &a.activity, a.correlation.unwrap_or("")])),
    };
    let mut e = ctx.event(a.provider, tenant, &id, a.time, category, &a.activity);
    e.outcome = outcome(a.result);
    e.reason = a.reason.map(Text::from);
    e.actor = actor(&a.actor);
    e.target = target(a).or_else(|| e.actor.clone().filter(|p| p.kind == PrincipalKind::Human));
    e.relation = ActorRelation::between(e.actor.as_ref(), e.target.as_ref());
    set_address(&mut e.client, a.ip);
    e.client.user_agent = a.user_agent.map(Text::from);
    e.correlation = a.correlation.map(Text::from);
    e
}

pub(crate) fn outcome(result: Option<&str>) -> Outcome {
    match result {
        Some(r) if r.eq_ignore_ascii_case("success") || r.eq_ignore_ascii_case("succeeded") => Outcome::Success,
        Some(r) if ["failure", "failed", "timeout", "partiallysucceeded"].iter().any(|f| r.eq_ignore_ascii_case(f)) => {
            Outcome::Failure
        }
        _ => Outcome::Unknown,
    }
}

fn actor(a: &Actor<'_>) -> Option<Principal> {
    if a.user_id.is_some() || a.upn.is_some() {
        let kind = if a.system { PrincipalKind::System } else { PrincipalKind::Human };
        return Principal::new(a.user_id, a.upn, kind);
    }
    let system = a.system || a.app_name.is_some_and(is_system_app);
    let kind = if system { PrincipalKind::System } else { PrincipalKind::Nhi };
    Principal::new(a.sp_id.or(a.app_id), a.app_name, kind)
}

/// The identity the event is about: the user target, else an app or service principal.
fn target(a: &Audit<'_>) -> Option<Principal> {
    a.target_of("User")
        .or_else(|| a.target_of("ServicePrincipal"))
        .or_else(|| a.target_of("Application"))
        .and_then(Target::principal)
}

/// The role named by a grant (`Role.DisplayName`, else its template id or target), or the
/// app or service principal whose owner changed.
fn role_object(a: &Audit<'_>) -> Option<Text> {
    let prop = |name: &str| a.prop(name).and_then(|p| p.new.or(p.old)).map(unquote).filter(|s| !s.is_empty());
    prop("Role.DisplayName")
        .or_else(|| prop("Role.TemplateId"))
        .or_else(|| a.target_of("Role").and_then(|t| t.name.or(t.id)))
        .or_else(|| {
            a.target_of("User").and(a.target_of("Application").or_else(|| a.target_of("ServicePrincipal")))?.name
        })
        .map(Text::from)
}

fn device_name(a: &Audit<'_>) -> Option<Text> {
    a.target_of("Device").and_then(|t| t.name.or(t.id)).map(Text::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_come_out_of_result_reasons() {
        assert_eq!(
            method_from_reason(Some("User registered Microsoft Authenticator App")),
            Some("Microsoft Authenticator App")
        );
        assert_eq!(method_from_reason(Some("Admin deleted Mobile Phone SMS.")), Some("Mobile Phone SMS"));
        assert_eq!(method_from_reason(Some("User registered all required security info")), None);
        assert_eq!(method_from_reason(Some("")), None);
        assert_eq!(method_from_reason(None), None);
    }

    #[test]
    fn role_variants_are_recognised() {
        assert!(matches!(
            rule_for("Add eligible member to role in PIM completed (permanent)"),
            Some(Rule::Fixed(Category::RoleGrant))
        ));
        assert!(matches!(rule_for("Remove member from role"), Some(Rule::Fixed(Category::RoleRevoke))));
        assert!(matches!(rule_for("User started security info registration"), Some(Rule::Fixed(Category::Other))));
        assert!(rule_for("Add member to group").is_none());
    }

    #[test]
    fn property_names_match_with_or_without_a_prefix() {
        assert!(prop_named("StrongAuthenticationMethod", "StrongAuthenticationMethod"));
        assert!(prop_named("User.StrongAuthenticationMethod", "strongauthenticationmethod"));
        assert!(!prop_named("StrongAuthenticationMethods", "StrongAuthenticationMethod"));
    }
}
