//! Auth0 (docs/events.md §8): log stream records `{log_id, data:{…}}` and `/api/v2/logs`
//! objects share one mapping over the inner log object.

use super::Result;
use crate::context::{Ctx, Relevance, classify_factor};
use crate::error::RecordError;
use crate::json::View;
use crate::values;
use model::{
    ActorRelation, Category, Event, Factor, FactorClass, Geo, Outcome, Principal, PrincipalKind, Provider, Tag, Text,
};

/// Auth0 authenticator types → strength class (docs/events.md §10, Auth0 list), top-down.
/// The kind → class table (docs/events.md §10), shared with the snapshot importers.
const FACTOR_CLASSES: &[(&str, FactorClass)] = model::factor_kinds::AUTH0;

pub fn stream(rec: View<'_, '_>, ctx: &Ctx<'_>, out: &mut Vec<Event>) -> Result {
    let data = rec.get("data");
    let id = rec.get("log_id").str().or(data.get("log_id").str());
    map(data, id, "auth0.stream", ctx, out)
}

pub fn api(rec: View<'_, '_>, ctx: &Ctx<'_>, out: &mut Vec<Event>) -> Result {
    map(rec, rec.get("log_id").str(), "auth0.api", ctx, out)
}

/// What a log type means here; `sapi` is decided by its description.
fn category(kind: &str, log: View<'_, '_>) -> Option<(Category, Outcome)> {
    use Category as C;
    use Outcome::{Failure as F, Success as S, Unknown as U};
    let has_user = log.get("user_id").str().is_some() || log.get("user_name").str().is_some();
    Some(match kind {
        "gd_enrollment_complete" => (C::FactorAdd, S),
        "gd_unenroll" => (C::FactorRemove, S),
        "gd_update_device_account" => (C::FactorUpdate, S),
        "gd_user_delete" => (C::FactorReset, S),
        "gd_send_pn" | "gd_send_sms" | "gd_send_voice" | "gd_start_auth" => (C::MfaChallenge, U),
        "gd_auth_succeed" | "gd_recovery_succeed" => (C::MfaChallenge, S),
        "gd_auth_failed"
        | "gd_auth_rejected"
        | "gd_otp_rate_limit_exceed"
        | "gd_webauthn_challenge_failed"
        | "gd_recovery_failed" => (C::MfaDeny, F),
        "s" => (C::SigninSuccess, S),
        // A failed login with no user is a client misconfiguration, not an identity event.
        "f" if !has_user => return None,
        "f" | "fp" | "fu" | "limit_wc" | "limit_mu" => (C::SigninFailure, F),
        "scp" => (C::PasswordChange, S),
        "scpr" => (C::Other, S),
        "sce" | "scpn" => (C::RecoveryChange, S),
        "srrt" => (C::SessionRevoke, S),
        "pwd_leak" => (C::RiskSignal, U),
        "sapi" => (sapi_category(log)?, S),
        _ => return None,
    })
}

/// Management API changes docs/events.md lists, by their description.
fn sapi_category(log: View<'_, '_>) -> Option<Category> {
    let description = log.get("description").str()?;
    let body = log.path("details.request.body");
    match description {
        "Update a Multi-factor Authentication Factor"
        | "Update multi-factor authentication policies"
        | "Updates risk assessment configs" => {
            Some(if policy_weakened(body) { Category::PolicyWeaken } else { Category::Other })
        }
        "Create tenant invitations for a given client" => {
            let owner = body.get("roles").items().any(|r| r.str().is_some_and(|r| r.eq_ignore_ascii_case("owner")));
            owner.then_some(Category::RoleGrant)
        }
        "Create a role" | "Assign roles to a user" => Some(Category::RoleGrant),
        "Delete a role" | "Delete tenant member" | "Removes roles from a user" => Some(Category::RoleRevoke),
        _ => user_credential_change(log),
    }
}

/// An administrator's change to a user's factors or password, read from the request's
/// method and path (their descriptions have changed across API versions): deleting one
/// authentication method, all of them, or the user's MFA provider, or setting the password.
fn user_credential_change(log: View<'_, '_>) -> Option<Category> {
    let request = log.path("details.request");
    let method = request.get("method").str()?;
    let (_, rest) = user_path(request.get("path").str()?)?;
    match (method.to_ascii_lowercase().as_str(), rest.as_slice()) {
        ("delete", ["authentication-methods", _]) => Some(Category::FactorRemove),
        ("delete", ["authentication-methods"] | ["multifactor", _]) => Some(Category::FactorReset),
        ("patch", []) if request.path("body.password").exists() => Some(Category::PasswordReset),
        _ => None,
    }
}

/// `/api/v2/users/{id}/…`: the user id (percent-decoded, as `auth0|…` is often sent as
/// `auth0%7C…`) and the segments after it.
fn user_path(path: &str) -> Option<(String, Vec<&str>)> {
    let mut segments = path.strip_prefix("/api/v2/users/")?.split('/').filter(|s| !s.is_empty());
    let user = percent_decode(segments.next()?);
    Some((user, segments.collect()))
}

/// `s` with its `%XX` escapes decoded, or as it is when the escapes do not decode to UTF-8.
fn percent_decode(s: &str) -> String {
    model::percent::decode(s).map_or_else(|_| s.to_string(), std::borrow::Cow::into_owned)
}

/// The authentication method a `DELETE …/authentication-methods/{id}` names: its id, and
/// its kind from the id's prefix (`totp|dev_…`, `webauthn-roaming|dev_…`), the same id the
/// Guardian log records give as `details.authenticator.id`.
fn deleted_method(path: &str) -> Option<Factor> {
    let (_, rest) = user_path(path)?;
    let ["authentication-methods", id] = rest.as_slice() else { return None };
    let id = percent_decode(id);
    let kind = id.split_once('|').map(|(k, _)| k.to_string());
    Some(Factor {
        class: kind.as_deref().map(|k| classify_factor(k, FACTOR_CLASSES)).unwrap_or_default(),
        kind: kind.as_deref().map(Text::from),
        id: Some(Text::from(id.as_str())),
        name: None,
    })
}

/// A factor or risk feature switched off, or MFA policies emptied (`[]` means never).
fn policy_weakened(body: View<'_, '_>) -> bool {
    body.get("enabled").bool() == Some(false)
        || (body.is_array() && body.items().next().is_none())
        || body.items().any(|p| p.str() == Some("never"))
}

/// What a weakening management call removed, in words, and the factor it names: the
/// factor from `/api/v2/guardian/factors/{name}`, the policy list emptied, a feature off.
fn weakening<'v>(log: View<'v, '_>) -> (String, Option<&'v str>) {
    let request = log.path("details.request");
    let path = request.get("path").str().unwrap_or("");
    let body = request.get("body");
    if let Some(name) = path.strip_prefix("/api/v2/guardian/factors/") {
        let name = name.split('/').next().filter(|n| !n.is_empty());
        return (format!("MFA factor {} disabled", name.unwrap_or("(unnamed)")), name);
    }
    if body.is_array() {
        return ("MFA policy set to never (no application requires MFA)".to_string(), None);
    }
    let what = log.get("description").str().unwrap_or("setting");
    (format!("{what}: switched off"), None)
}

fn map(log: View<'_, '_>, id: Option<&str>, shape: &'static str, ctx: &Ctx<'_>, out: &mut Vec<Event>) -> Result {
    let kind = log.get("type").str().unwrap_or("");
    let Some((category, outcome)) = category(kind, log) else {
        let name = if kind == "sapi" { log.get("description").str().unwrap_or(kind) } else { kind };
        return Ok(Relevance::NotRelevant(Text::from(if name.is_empty() { "auth0" } else { name })));
    };
    let when = values::parse_time(log.get("date")).map_err(|e| RecordError::invalid(shape, "date", e))?;
    let Some(id) = id else {
        return Err(RecordError::invalid(shape, "log_id", "expected a string, found nothing"));
    };
    let tenant = ctx.tenant(Provider::Auth0, log.get("hostname").str());
    let action = if kind == "sapi" { log.get("description").str().unwrap_or(kind) } else { kind };
    let mut e = ctx.event(Provider::Auth0, tenant, id, when, category, action);
    e.outcome = outcome;
    e.reason = log.path("details.error.message").str().or(log.get("description").str()).map(Text::from);
    let user = Principal::new(log.get("user_id").str(), log.get("user_name").str(), PrincipalKind::Human);
    values::set_address(&mut e.client, log.get("ip").str());
    e.client.user_agent = log.get("user_agent").str().map(Text::from);
    e.client.geo = geo(log.get("location_info"));
    e.session = log.path("details.session_id").str().map(Text::from);

    if kind == "sapi" {
        management_change(log, &mut e);
    } else {
        e.actor = user.clone();
        e.target = user;
    }
    if category.is_factor_change() || matches!(category, Category::MfaChallenge | Category::MfaDeny) {
        e.factor = factor(log).or_else(|| deleted_method(log.path("details.request.path").str().unwrap_or("")));
    }
    match kind {
        "scpr" => e.tags.push(Tag::RecoveryRequested),
        "pwd_leak" => e.risk.markers.push(Text::from("breached_password")),
        _ => {}
    }
    if (category == Category::Other && kind == "sapi") || category == Category::PolicyWeaken {
        e.tags.push(Tag::PolicyChange);
    }
    if category == Category::PolicyWeaken && kind == "sapi" {
        // Name what the change removed (docs/events.md §8): the factor, or the policy.
        let (reason, factor) = weakening(log);
        e.reason = Some(Text::from(reason.as_str()));
        if let Some(factor) = factor {
            e.object = Some(Text::from(factor));
        }
        // A tenant setting: no identity is the target.
        e.target = None;
    }
    out.push(e);
    Ok(Relevance::Relevant)
}

/// A Management API call: a dashboard admin (`details.request.auth.user`) is a human
/// acting on others; a call without one came from an API client, a service (docs/events.md §0).
fn management_change(log: View<'_, '_>, e: &mut Event) {
    let request = log.path("details.request");
    let admin = request.path("auth.user");
    e.actor = Principal::new(
        admin.get("user_id").str(),
        admin.get("email").str().or(admin.get("name").str()),
        PrincipalKind::Human,
    );
    if e.actor.is_some() {
        e.relation = ActorRelation::Delegated;
    } else {
        let client_id = log.get("client_id").str();
        e.actor = Principal::new(client_id, log.get("client_name").str(), PrincipalKind::Nhi);
        e.relation = ActorRelation::Service;
    }
    if let Some(ip) = request.get("ip").str()
        && e.client.ip.is_none()
    {
        values::set_address(&mut e.client, Some(ip));
    }
    // `/api/v2/users/{id}/…`: the user whose roles, factors or password changed.
    let path = request.get("path").str().unwrap_or("");
    if let Some((user, _)) = user_path(path) {
        e.target = Principal::new(Some(&user), None, PrincipalKind::Human);
        e.relation = ActorRelation::between(e.actor.as_ref(), e.target.as_ref());
    }
    let body = request.get("body");
    let response = log.path("details.response.body");
    e.object = body
        .get("name")
        .str()
        .or(response.get("name").str())
        .or(body.get("roles").at(0).str())
        .or((!path.is_empty()).then_some(path))
        .map(Text::from);
}

fn factor(log: View<'_, '_>) -> Option<Factor> {
    let authenticator = log.path("details.authenticator");
    let kind = authenticator.get("type").str().or(log.path("details.authenticator_type").str());
    let id = authenticator.get("id").str();
    if kind.is_none() && id.is_none() {
        return None;
    }
    Some(Factor {
        kind: kind.map(Text::from),
        class: kind.map(|k| classify_factor(k, FACTOR_CLASSES)).unwrap_or_default(),
        id: id.map(Text::from),
        name: authenticator.get("name").str().map(Text::from),
    })
}

fn geo(location: View<'_, '_>) -> Option<Geo> {
    let g = Geo {
        country: location.get("country_code").str().or(location.get("country_name").str()).map(Text::from),
        region: location.get("subdivision_name").str().map(Text::from),
        city: location.get("city_name").str().map(Text::from),
        lat: location.get("latitude").f64(),
        lon: location.get("longitude").f64(),
    };
    (!g.is_empty()).then_some(g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_ids_in_paths_are_percent_decoded_and_malformed_escapes_kept() {
        assert_eq!(percent_decode("auth0%7C65f1"), "auth0|65f1");
        assert_eq!(percent_decode("a%7c"), "a|");
        assert_eq!(percent_decode("a%+1%"), "a%+1%");
        assert_eq!(percent_decode("%E9"), "%E9");
    }

    #[test]
    fn auth0_authenticator_types_classify_per_events_list() {
        let c = |k: &str| classify_factor(k, FACTOR_CLASSES);
        assert_eq!(c("webauthn-roaming"), FactorClass::PhishingResistant);
        assert_eq!(c("passkey"), FactorClass::PhishingResistant);
        assert_eq!(c("push-notification"), FactorClass::App);
        assert_eq!(c("otp"), FactorClass::App);
        assert_eq!(c("sms"), FactorClass::PossessionWeak);
        assert_eq!(c("recovery-code"), FactorClass::PossessionWeak);
        assert_eq!(c("duo"), FactorClass::Unknown);
    }
}
