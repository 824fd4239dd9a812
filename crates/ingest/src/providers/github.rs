//! GitHub audit log (docs/events.md §6): organization and enterprise streams, REST pages, old
//! exports whose details sit under `data`, and the user security log.

use super::Result;
use crate::context::{Ctx, Relevance, classify_factor};
use crate::error::RecordError;
use crate::json::View;
use crate::values::{derived_id, parse_time, set_address};
use model::{
    ActorRelation, Category, Event, Factor, FactorClass, Geo, Outcome, Principal, PrincipalKind, Provider, Tag, Text,
};

const SHAPE: &str = "github.audit";

/// docs/events.md §10, GitHub: passkey and security key; TOTP and GitHub Mobile; SMS; recovery codes.
/// The kind → class table (docs/events.md §10), shared with the snapshot importers.
const FACTORS: &[(&str, FactorClass)] = model::factor_kinds::GITHUB;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// A fixed category about `user` (else the actor).
    Change(Category),
    /// `org.add_member`, `org.update_member`, `org.remove_member`: a change of the owner
    /// (`admin`) role, read from `permission` and `old_permission`.
    Membership,
    /// An enterprise or team role given or taken, with the role's name.
    Role(Category, &'static str),
    /// An app given access to the organization: the app is the target.
    AppGrant,
    /// A factor event whose kind the action names.
    Factor(Category, Option<&'static str>),
    RecoveryRequested,
    LogStream,
}

fn kind_of(action: &str) -> Option<Kind> {
    use Category as C;
    let kind = match action {
        "two_factor_authentication.enabled" | "two_factor_authentication.add_factor" => {
            Kind::Factor(C::FactorAdd, None)
        }
        "passkey.register" => Kind::Factor(C::FactorAdd, Some("passkey")),
        "two_factor_authentication.remove_factor" => Kind::Factor(C::FactorRemove, None),
        "passkey.remove" => Kind::Factor(C::FactorRemove, Some("passkey")),
        "two_factor_authentication.disabled" | "two_factor_account_recovery.complete" => {
            Kind::Factor(C::FactorReset, None)
        }
        "two_factor_account_recovery.start" => Kind::RecoveryRequested,
        "two_factor_authentication.recovery_codes_regenerated"
        | "two_factor_authentication.update_fallback"
        | "user.add_email"
        | "user.remove_email" => Kind::Change(C::RecoveryChange),
        "trusted_device.register" => Kind::Change(C::DeviceRegister),
        "user.two_factor_requested" | "user.two_factor_challenge_success" | "user.two_factor_recover" => {
            Kind::Change(C::MfaChallenge)
        }
        "user.two_factor_challenge_failure" => Kind::Change(C::MfaDeny),
        "user.login" => Kind::Change(C::SigninSuccess),
        "user.failed_login" => Kind::Change(C::SigninFailure),
        "user.change_password" => Kind::Change(C::PasswordChange),
        "user.reset_password" => Kind::Change(C::PasswordReset),
        "user.new_device_used"
        | "user.sign_in_from_unrecognized_device"
        | "user.sign_in_from_unrecognized_device_and_location"
        | "user_session.country_change" => Kind::Change(C::RiskSignal),
        "personal_access_token.create"
        | "personal_access_token.access_granted"
        | "public_key.create"
        | "gpg_key.create" => Kind::Change(C::SecretIssue),
        "personal_access_token.credential_regenerated" => Kind::Change(C::SecretRotate),
        "personal_access_token.destroy"
        | "personal_access_token.access_revoked"
        | "personal_access_token.credential_revoked"
        | "public_key.delete" => Kind::Change(C::SecretRevoke),
        "org.add_member" | "org.update_member" | "org.remove_member" => Kind::Membership,
        "business.add_admin" => Kind::Role(C::RoleGrant, "enterprise owner"),
        "business.remove_admin" => Kind::Role(C::RoleRevoke, "enterprise owner"),
        "business.add_billing_manager" => Kind::Role(C::RoleGrant, "billing manager"),
        "business.remove_billing_manager" => Kind::Role(C::RoleRevoke, "billing manager"),
        "team.promote_maintainer" => Kind::Role(C::RoleGrant, "team maintainer"),
        "team.demote_maintainer" => Kind::Role(C::RoleRevoke, "team maintainer"),
        "integration_installation.create" | "org.oauth_app_access_approved" => Kind::AppGrant,
        "org.disable_two_factor_requirement"
        | "business.disable_two_factor_requirement"
        | "org.saml_disabled"
        | "org.disable_oauth_app_restrictions" => Kind::Change(C::PolicyWeaken),
        "audit_log_streaming.update" | "audit_log_streaming.destroy" => Kind::LogStream,
        _ => return None,
    };
    Some(kind)
}

/// Whether an organization membership record gives or takes the owner (`admin`) role. Only
/// the organization's two roles exist, so an `update_member` to a non-admin permission is a
/// step down from owner even when the old permission is not logged.
fn membership_change(action: &str, permission: Option<&str>, old: Option<&str>) -> Option<Category> {
    let admin = |v: Option<&str>| v.map(|p| p.eq_ignore_ascii_case("admin"));
    match (action, admin(old), admin(permission)) {
        ("org.remove_member", old, new) => (old == Some(true) || new == Some(true)).then_some(Category::RoleRevoke),
        (_, Some(true), Some(true)) => None,
        (_, Some(true), _) => Some(Category::RoleRevoke),
        (_, _, Some(true)) => Some(Category::RoleGrant),
        ("org.update_member", None, Some(false)) => Some(Category::RoleRevoke),
        _ => None,
    }
}

/// A field at the top, or under `data` in old exports.
fn field<'v, 'a>(rec: View<'v, 'a>, key: &str) -> View<'v, 'a> {
    let top = rec.get(key);
    if top.is_present() { top } else { rec.get("data").get(key) }
}

/// An id written as a number or a string, where `0` and `""` mean none.
fn id_text(v: View<'_, '_>) -> Option<Text> {
    let t = v.text()?;
    (t != "0").then(|| Text::from(t.as_ref()))
}

pub fn normalize(rec: View<'_, '_>, ctx: &Ctx<'_>, out: &mut Vec<Event>) -> Result {
    let Some(action) = rec.get("action").str() else {
        return Err(RecordError::invalid(SHAPE, "action", "expected a string, found nothing"));
    };
    let Some(kind) = kind_of(action) else {
        return Ok(Relevance::NotRelevant(Text::from(action)));
    };
    let time_field = rec.get_any(&["@timestamp", "created_at"]);
    if !time_field.is_present() {
        return Err(RecordError::invalid(SHAPE, "@timestamp", "expected epoch milliseconds, found nothing"));
    }
    let time = parse_time(time_field).map_err(|reason| RecordError::invalid(SHAPE, "@timestamp", reason))?;
    let tenant = ctx.tenant(Provider::Github, rec.get("business").str().or_else(|| rec.get("org").str()));

    let actor_name = field(rec, "actor").str();
    let bot = field(rec, "actor_is_bot").bool() == Some(true);
    let actor_kind = if bot { PrincipalKind::Nhi } else { PrincipalKind::Human };
    let actor = Principal::new(id_text(field(rec, "actor_id")).as_deref(), actor_name, actor_kind);
    let user =
        Principal::new(id_text(field(rec, "user_id")).as_deref(), field(rec, "user").str(), PrincipalKind::Human);

    let id: Text = match rec.get("_document_id").str() {
        Some(id) => Text::from(id),
        None => Text::from(derived_id(&[
            action,
            actor_name.unwrap_or_default(),
            time_field.text().as_deref().unwrap_or_default(),
            field(rec, "user").str().unwrap_or_default(),
            rec.get("org").str().unwrap_or_default(),
        ])),
    };

    let mut e = ctx.event(Provider::Github, tenant, &id, time, Category::Other, action);
    // The audit log records what took effect; it has no outcome field.
    e.outcome = match kind {
        Kind::Change(Category::SigninFailure | Category::MfaDeny) => Outcome::Failure,
        _ => Outcome::Success,
    };
    set_address(&mut e.client, field(rec, "actor_ip").str());
    e.client.user_agent = field(rec, "user_agent").str().map(Text::from);
    let location = field(rec, "actor_location");
    let geo = Geo {
        country: location.get("country_code").str().map(Text::from),
        region: location.get("region").str().map(Text::from),
        city: location.get("city").str().map(Text::from),
        ..Geo::default()
    };
    e.client.geo = (!geo.is_empty()).then_some(geo);
    e.session = id_text(field(rec, "actor_session"));
    e.correlation = field(rec, "request_id").str().map(Text::from);

    let (category, target) = match kind {
        Kind::Change(c) => {
            if matches!(c, Category::SecretIssue | Category::SecretRotate | Category::SecretRevoke) {
                e.object = field(rec, "hashed_token")
                    .str()
                    .or_else(|| field(rec, "programmatic_access_type").str())
                    .or_else(|| field(rec, "fingerprint").str())
                    .map(Text::from);
            }
            match c {
                // Grants and org-wide policies are about `user` or nobody, never the actor.
                Category::RoleGrant => (c, user),
                Category::PolicyWeaken => {
                    e.object = rec.get("org").str().or_else(|| rec.get("business").str()).map(Text::from);
                    (c, None)
                }
                _ => (c, user.or_else(|| actor.clone())),
            }
        }
        Kind::Factor(c, named) => {
            // Only passkey actions name their kind; the others leave it to state.
            e.factor = Some(match named {
                Some(k) => {
                    Factor { kind: Some(Text::from(k)), class: classify_factor(k, FACTORS), id: None, name: None }
                }
                None => Factor::default(),
            });
            (c, user.or_else(|| actor.clone()))
        }
        Kind::RecoveryRequested => {
            e.tags.push(Tag::RecoveryRequested);
            (Category::Other, user.or_else(|| actor.clone()))
        }
        Kind::Membership => {
            let Some(category) =
                membership_change(action, field(rec, "permission").str(), field(rec, "old_permission").str())
            else {
                // Ordinary membership is not a privilege change.
                return Ok(Relevance::NotRelevant(Text::from(action)));
            };
            e.object = Some(Text::from("admin"));
            (category, user)
        }
        Kind::Role(category, role) => {
            // A team role names its team; an enterprise role its enterprise (the tenant).
            e.object = Some(match field(rec, "team").str() {
                Some(team) if action.starts_with("team.") => Text::from(format!("{role} of {team}").as_str()),
                _ => Text::from(role),
            });
            (category, user)
        }
        Kind::AppGrant => {
            let app = field(rec, "integration").str().or_else(|| field(rec, "oauth_application").str());
            let app_id = id_text(field(rec, "oauth_application_id")).or_else(|| id_text(field(rec, "integration_id")));
            (Category::RoleGrant, Principal::new(app_id.as_deref(), app, PrincipalKind::Nhi))
        }
        Kind::LogStream => {
            e.tags.push(Tag::LogStreamChanged);
            e.object = field(rec, "audit_log_stream_sink").str().map(Text::from);
            (Category::Other, None)
        }
    };
    e.category = category;
    e.relation = ActorRelation::between(actor.as_ref(), target.as_ref());
    e.actor = actor;
    e.target = target;
    out.push(e);
    Ok(Relevance::Relevant)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factor_kinds_classify_per_events_md() {
        assert_eq!(classify_factor("passkey", FACTORS), FactorClass::PhishingResistant);
        assert_eq!(classify_factor("totp", FACTORS), FactorClass::App);
        assert_eq!(classify_factor("github_mobile", FACTORS), FactorClass::App);
        assert_eq!(classify_factor("sms", FACTORS), FactorClass::PossessionWeak);
        assert_eq!(classify_factor("password", FACTORS), FactorClass::Unknown);
    }

    #[test]
    fn only_admin_membership_is_a_grant() {
        assert_eq!(kind_of("org.update_member"), Some(Kind::Membership));
        assert_eq!(kind_of("team.add_member"), None);
    }

    #[test]
    fn membership_changes_follow_the_owner_role() {
        let (admin, read) = (Some("admin"), Some("read"));
        assert_eq!(membership_change("org.update_member", admin, read), Some(Category::RoleGrant));
        assert_eq!(membership_change("org.update_member", read, admin), Some(Category::RoleRevoke));
        assert_eq!(membership_change("org.update_member", read, None), Some(Category::RoleRevoke));
        assert_eq!(membership_change("org.update_member", admin, admin), None);
        assert_eq!(membership_change("org.add_member", read, None), None);
        assert_eq!(membership_change("org.add_member", admin, None), Some(Category::RoleGrant));
        assert_eq!(membership_change("org.remove_member", admin, None), Some(Category::RoleRevoke));
        assert_eq!(membership_change("org.remove_member", read, None), None);
    }
}
