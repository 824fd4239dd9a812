//! Duo administrator log: what admins (or Duo itself, `username` `""`) changed. Records
//! have no id; `description` holds JSON inside a string.

use super::{FACTOR_CLASSES, looks_like_phone, phone_id, time};
use crate::context::{Ctx, Relevance, classify_factor, contains_ignore_case};
use crate::json::{self, View};
use crate::providers::Result;
use crate::values;
use model::{ActorRelation, Category, Client, Event, Factor, Outcome, Principal, PrincipalKind, Provider, Tag, Text};

const SHAPE: &str = "duo.admin";

/// What an admin action is about, which decides where its target and factor come from.
#[derive(Clone, Copy, PartialEq)]
enum Plan {
    /// A factor change, with the factor kind it concerns.
    Factor(Category, &'static str),
    /// An admin's own sign-in to the Admin Panel.
    Login(Category),
    /// A change to the user or admin named by `object`.
    OnObject(Category),
    /// A policy change, weakened or not.
    Policy,
}

pub fn admin(rec: View<'_, '_>, ctx: &Ctx<'_>, out: &mut Vec<Event>) -> Result {
    let action = rec.get("action").str().unwrap_or("");
    let decoded = rec.get("description").str().and_then(json::decode_embedded);
    let desc = decoded.as_ref().map(View::new).unwrap_or_else(View::missing);
    let plan = match action {
        "phone_create" | "phone_associate" => Plan::Factor(Category::FactorAdd, "phone"),
        "hardtoken_create" => Plan::Factor(Category::FactorAdd, "hardware_token"),
        "bypass_create" => Plan::Factor(Category::FactorAdd, "bypass_code"),
        "admin_activate_duo_push" => Plan::Factor(Category::FactorAdd, "duo_push"),
        "phone_delete" | "phone_disassociate" => Plan::Factor(Category::FactorRemove, "phone"),
        "hardtoken_delete" => Plan::Factor(Category::FactorRemove, "hardware_token"),
        "bypass_delete" => Plan::Factor(Category::FactorRemove, "bypass_code"),
        "phone_update" => Plan::Factor(Category::FactorUpdate, "phone"),
        "hardtoken_resync" => Plan::Factor(Category::FactorUpdate, "hardware_token"),
        "regen_sms" => Plan::Factor(Category::FactorUpdate, "sms_passcode"),
        // New Duo Mobile activation secrets: whoever activates them holds the push factor.
        "regen_mobile" | "activation_create_link" | "activation_send_link" => {
            Plan::Factor(Category::FactorUpdate, "duo_push")
        }
        "admin_update" if desc.get("phone").exists() => Plan::Factor(Category::FactorUpdate, "phone"),
        "user_update" if desc.get("status").str().is_some_and(|s| s.eq_ignore_ascii_case("bypass")) => {
            Plan::OnObject(Category::PolicyWeaken)
        }
        "admin_create" => Plan::OnObject(Category::RoleGrant),
        // A role change logs the new role only: a role that manages users is a grant of it,
        // any other is a step down from managing users.
        "admin_update" if desc.get("role").str().is_some() => {
            let manages = desc.get("role").str().is_some_and(manages_users);
            Plan::OnObject(if manages { Category::RoleGrant } else { Category::RoleRevoke })
        }
        "admin_delete" => Plan::OnObject(Category::RoleRevoke),
        "admin_reset_password" | "admin_send_reset_password_email" => Plan::OnObject(Category::PasswordReset),
        "integration_create" => Plan::OnObject(Category::SecretIssue),
        "admin_login" => Plan::Login(Category::SigninSuccess),
        "admin_login_error" | "admin_lockout" => Plan::Login(Category::SigninFailure),
        "admin_2fa_error" => Plan::Login(Category::MfaDeny),
        "policy_update" | "update_admin_factor_restrictions" | "admin_factor_restrictions_update" => Plan::Policy,
        "" => return Ok(Relevance::NotRelevant(Text::from("admin"))),
        other => return Ok(Relevance::NotRelevant(Text::from(other))),
    };
    let when = time(rec, SHAPE, "timestamp", "isotimestamp")?;
    let stamp = rec.get("timestamp").text().unwrap_or_default();
    let username = rec.get("username").raw_str().unwrap_or("");
    let object = rec.get("object").str();
    let id = values::derived_id(&[&stamp, action, username, object.unwrap_or("")]);

    let weakened = match plan {
        Plan::Policy => policy_weakening(action, desc, rec.get("description").str().unwrap_or("")),
        _ => None,
    };
    let category = match plan {
        Plan::Factor(c, _) | Plan::Login(c) | Plan::OnObject(c) => c,
        Plan::Policy if weakened.is_some() => Category::PolicyWeaken,
        Plan::Policy => Category::Other,
    };
    let mut e = ctx.event(Provider::Duo, ctx.tenant(Provider::Duo, None), &id, when, category, action);
    e.client = client(desc);
    let actor = if username.trim().is_empty() {
        // Duo's own machinery (docs/events.md §0): enrollment flows, directory sync.
        Principal::new(None, Some("Duo"), PrincipalKind::System)
    } else {
        Principal::new(None, Some(username.trim()), PrincipalKind::Human)
    };

    match plan {
        Plan::Login(_) => {
            let who = rec.get("username").str().or(desc.get("email").str()).or(desc.get("name").str());
            e.actor = Principal::new(None, who, PrincipalKind::Human);
            e.target = e.actor.clone();
            e.outcome = if category == Category::SigninSuccess { Outcome::Success } else { Outcome::Failure };
            let error = desc.get("error").str();
            e.reason = error.map(Text::from);
            if category == Category::MfaDeny && error.is_some_and(|t| contains_ignore_case(t, "fraudulent")) {
                e.risk.markers.push(Text::from("fraudulent"));
                e.tags.push(Tag::FraudReported);
            }
        }
        Plan::Factor(_, kind) => {
            e.actor = actor;
            e.outcome = Outcome::Success;
            e.target = factor_owner(desc, object).and_then(|n| Principal::new(None, Some(n), PrincipalKind::Human));
            e.factor = Some(factor(kind, desc, object));
        }
        Plan::Policy => {
            e.actor = actor;
            e.outcome = Outcome::Success;
            e.object = object.map(Text::from);
            e.reason = weakened.map(|w| Text::from(w.as_str()));
            e.tags.push(Tag::PolicyChange);
        }
        Plan::OnObject(_) => {
            e.actor = actor;
            e.outcome = Outcome::Success;
            let target = Principal::new(None, object, PrincipalKind::Human);
            match category {
                Category::SecretIssue => e.object = desc.get("name").str().or(object).map(Text::from),
                Category::RoleGrant | Category::RoleRevoke => {
                    e.target = target;
                    e.object = desc.get("role").str().map(Text::from);
                    if action == "admin_update" {
                        e.reason = desc.get("role").str().map(|r| Text::from(format!("role changed to {r}").as_str()));
                    }
                }
                Category::PolicyWeaken => {
                    // A user put in bypass status: MFA is off for this identity only.
                    e.target = target;
                    e.tags.extend([Tag::IdentityScope, Tag::Bypass]);
                }
                _ => e.target = target,
            }
        }
    }
    e.relation = relation(&e);
    out.push(e);
    Ok(Relevance::Relevant)
}

/// Who owns a factor: the user the description names, else `object` unless it is the
/// device itself (a phone number).
fn factor_owner<'v>(desc: View<'v, '_>, object: Option<&'v str>) -> Option<&'v str> {
    desc.get_any(&["user", "username", "user_name"]).str().or(object.filter(|o| !looks_like_phone(o)))
}

fn factor(kind: &'static str, desc: View<'_, '_>, object: Option<&str>) -> Factor {
    let phone = desc.get_any(&["number", "phone"]).str().or(object.filter(|o| looks_like_phone(o)));
    let (id, name) = match kind {
        "hardware_token" => {
            let serial = desc.get("serial").str().or(object);
            (serial.map(Text::from), serial.map(Text::from))
        }
        "bypass_code" => (None, None),
        _ => (phone.map(phone_id), phone.map(Text::from).or_else(|| desc.get("name").str().map(Text::from))),
    };
    Factor { kind: Some(Text::from(kind)), class: classify_factor(kind, FACTOR_CLASSES), id, name }
}

/// Duo itself acting is `system`; an admin changing a factor whose owner is not logged
/// still acts on someone else's factor (the Admin Panel manages others), so `delegated`.
fn relation(e: &Event) -> ActorRelation {
    match (&e.actor, &e.target) {
        (Some(a), None) if a.kind == PrincipalKind::Human && e.category.is_factor_change() => ActorRelation::Delegated,
        (actor, target) => ActorRelation::between(actor.as_ref(), target.as_ref()),
    }
}

fn client(desc: View<'_, '_>) -> Client {
    let mut client = Client::default();
    values::set_address(&mut client, desc.get_any(&["ip_address", "ip"]).str());
    client
}

/// Duo admin roles that can manage users and their factors (Owner, Administrator, User
/// Manager, Help Desk); the others (Application Manager, Billing, Phishing Manager,
/// Read-only) cannot.
fn manages_users(role: &str) -> bool {
    ["owner", "administrator", "user manager", "help desk"].iter().any(|r| role.trim().eq_ignore_ascii_case(r))
}

/// What a policy change opened around MFA, in words: a setting now bypassing 2FA or allowing
/// access without it (`"new_user_policy": "allow"`), or phone factors allowed for admins.
/// `None` when nothing was weakened (a change that requires 2FA is not a weakening).
fn policy_weakening(action: &str, desc: View<'_, '_>, description: &str) -> Option<String> {
    const WEAKER: [&str; 3] = ["bypass", "without 2fa", "allow_access"];
    let weak = |v: &str| WEAKER.iter().any(|w| contains_ignore_case(v, w)) || v.trim().eq_ignore_ascii_case("allow");
    if action == "policy_update" {
        // Name the setting: the first whose new value lets users past 2FA.
        if let Some((key, value)) =
            desc.entries().filter(|(k, _)| *k != "name").find_map(|(k, v)| v.str().filter(|v| weak(v)).map(|v| (k, v)))
        {
            return Some(format!("2FA no longer required: {key} set to {value}"));
        }
        // A description that is not JSON is read as text.
        return (!desc.is_object() && weak_text(description)).then(|| "2FA no longer required".to_string());
    }
    let weaker: Vec<&str> =
        ["sms", "phone", "voice"].into_iter().filter(|w| contains_ignore_case(description, w)).collect();
    if !weaker.is_empty() {
        return Some(format!("weaker admin factors allowed: {}", weaker.join(", ")));
    }
    weak_text(description).then(|| "2FA no longer required".to_string())
}

fn weak_text(description: &str) -> bool {
    ["bypass", "without 2fa", "allow_access", "\"allow\""].iter().any(|w| contains_ignore_case(description, w))
}
