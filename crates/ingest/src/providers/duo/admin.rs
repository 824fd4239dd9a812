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

    let category = match plan {
        Plan::Factor(c, _) | Plan::Login(c) | Plan::OnObject(c) => c,
        Plan::Policy if policy_weakened(action, rec.get("description").str().unwrap_or("")) => Category::PolicyWeaken,
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

/// Whether a policy change opens a way around MFA: bypass or allow-without-2FA settings,
/// or phone factors allowed for admins.
fn policy_weakened(action: &str, description: &str) -> bool {
    const WEAKER: [&str; 4] = ["bypass", "without 2fa", "allow_access", "\"allow\""];
    if WEAKER.iter().any(|w| contains_ignore_case(description, w)) {
        return true;
    }
    action != "policy_update" && ["sms", "phone", "voice"].iter().any(|w| contains_ignore_case(description, w))
}
