//! Google Workspace Reports API activities (docs/events.md §5). One activity holds one or more
//! `events`; each becomes its own event, with an id made of the activity id, the index and
//! the event name so that two events of one activity never collapse into one.

mod catalog;

use super::Result;
use crate::context::{Ctx, Relevance};
use crate::error::RecordError;
use crate::json::View;
use crate::values::{parse_time, set_address};
use catalog::{Kind, classify, kind_of};
use model::{
    ActorRelation, Category, Event, Factor, FactorClass, Outcome, Principal, PrincipalKind, Provider, Tag, Text,
};
use std::fmt::Write as _;

const SHAPE: &str = "gws.activity";

/// What every event of one activity shares.
struct Activity<'r> {
    tenant: Text,
    id_prefix: String,
    time: chrono::DateTime<chrono::Utc>,
    actor: Option<Principal>,
    ip: Option<&'r str>,
}

pub fn normalize(rec: View<'_, '_>, ctx: &Ctx<'_>, out: &mut Vec<Event>) -> Result {
    let id = rec.get("id");
    let time_field = id.get("time");
    if !time_field.is_present() {
        return Err(RecordError::invalid(SHAPE, "id.time", "expected an RFC 3339 time, found nothing"));
    }
    let time = parse_time(time_field).map_err(|reason| RecordError::invalid(SHAPE, "id.time", reason))?;
    let customer = id.get("customerId").text();
    let tenant = ctx.tenant(Provider::Google, customer.as_deref().or_else(|| rec.get("ownerDomain").str()));
    let mut id_prefix = String::with_capacity(96);
    for part in [
        customer.as_deref().unwrap_or_default(),
        id.get("applicationName").str().unwrap_or_default(),
        time_field.raw_str().unwrap_or_default(),
        id.get("uniqueQualifier").text().as_deref().unwrap_or_default(),
    ] {
        id_prefix.push_str(part);
        id_prefix.push('/');
    }
    let activity =
        Activity { tenant, id_prefix, time, actor: actor_of(rec.get("actor")), ip: rec.get("ipAddress").str() };

    // `events` is an array (API), one object (some exports), or absent with the event's
    // `name` and `parameters` at the top (flattened rows).
    let events = rec.get("events");
    let list: Vec<View<'_, '_>> = if events.is_array() {
        events.items().collect()
    } else if events.is_object() {
        vec![events]
    } else {
        vec![rec]
    };
    let start = out.len();
    let mut first_name: Option<&str> = None;
    for (index, ev) in list.into_iter().enumerate() {
        let Some(name) = ev.get("name").str() else {
            return Err(RecordError::invalid(
                SHAPE,
                "events.name",
                format!("expected a string, found {}", ev.get("name").type_name()),
            ));
        };
        first_name.get_or_insert(name);
        if let Some(kind) = kind_of(name) {
            one_event(&activity, index, name, kind, ev, ctx, out);
        }
    }
    if out.len() > start {
        Ok(Relevance::Relevant)
    } else {
        Ok(Relevance::NotRelevant(Text::from(first_name.unwrap_or("unknown"))))
    }
}

fn actor_of(actor: View<'_, '_>) -> Option<Principal> {
    let id = actor.get("profileId").text();
    // API keys act as services (`callerType` `KEY`), named by `key`.
    if actor.get("callerType").str().is_some_and(|t| t.eq_ignore_ascii_case("KEY")) {
        return Principal::new(id.as_deref(), actor.get_any(&["key", "email"]).str(), PrincipalKind::Nhi);
    }
    Principal::new(id.as_deref(), actor.get("email").str(), PrincipalKind::Human)
}

/// A parameter of an event by name: `{name, value|intValue|boolValue|multiValue}`.
fn param<'v, 'a>(ev: View<'v, 'a>, name: &str) -> View<'v, 'a> {
    ev.get("parameters").find("name", name)
}

fn param_str<'v>(ev: View<'v, '_>, name: &str) -> Option<&'v str> {
    param(ev, name).get("value").str()
}

fn param_bool(ev: View<'_, '_>, name: &str) -> Option<bool> {
    let p = param(ev, name);
    p.get("boolValue").bool().or_else(|| p.get("value").bool())
}

fn user_param(ev: View<'_, '_>, name: &str) -> Option<Principal> {
    Principal::new(None, param_str(ev, name), PrincipalKind::Human)
}

/// The challenge methods of a login event (`value` or `multiValue`), strongest first is not
/// promised: the first method that is a second factor wins, else the first one given.
fn challenge_factor(ev: View<'_, '_>) -> Option<Factor> {
    let p = param(ev, "login_challenge_method");
    let mut first: Option<&str> = None;
    let single = p.get("value").str();
    let methods = single.into_iter().chain(p.get("multiValue").items().filter_map(|v| v.str()));
    for m in methods {
        first.get_or_insert(m);
        let class = classify(m);
        if class != FactorClass::Unknown {
            return Some(Factor { kind: Some(Text::from(m)), class, id: None, name: None });
        }
    }
    // A password is not a factor; anything else unrecognized is kept with class unknown.
    first.filter(|m| !m.eq_ignore_ascii_case("password") && !m.eq_ignore_ascii_case("none")).map(|m| Factor {
        kind: Some(Text::from(m)),
        class: FactorClass::Unknown,
        id: None,
        name: None,
    })
}

fn one_event(
    a: &Activity<'_>,
    index: usize,
    name: &str,
    kind: Kind,
    ev: View<'_, '_>,
    ctx: &Ctx<'_>,
    out: &mut Vec<Event>,
) {
    let mut id = String::with_capacity(a.id_prefix.len() + name.len() + 4);
    id.push_str(&a.id_prefix);
    let _ = write!(id, "{index}/");
    id.push_str(name);

    let mut e = ctx.event(Provider::Google, a.tenant.clone(), &id, a.time, Category::Other, name);
    e.outcome = Outcome::Success;
    set_address(&mut e.client, a.ip);
    e.actor = a.actor.clone();
    let self_target = a.actor.clone();
    let mut relation: Option<ActorRelation> = None;
    let mut suspicious = false;

    let (category, target) = match kind {
        Kind::SelfChange(c, factor) | Kind::AdminChange(c, factor) => {
            if let Some(f) = factor.filter(|_| c.is_factor_change()) {
                e.factor = Some(Factor { kind: Some(Text::from(f)), class: classify(f), id: None, name: None });
            }
            e.object = ["ROLE_NAME", "PRIVILEGE_NAME", "APP_NAME", "CLIENT_ID", "ASP_ID"]
                .iter()
                .find_map(|p| param_str(ev, p))
                .map(Text::from);
            let target = match kind {
                Kind::AdminChange(..) => user_param(ev, "USER_EMAIL"),
                _ => self_target,
            };
            (c, target)
        }
        Kind::LoginSuccess => {
            e.factor = challenge_factor(ev);
            suspicious = param_bool(ev, "is_suspicious") == Some(true);
            (Category::SigninSuccess, self_target)
        }
        Kind::LoginFailure => {
            e.factor = challenge_factor(ev);
            e.outcome = Outcome::Failure;
            e.reason = param_str(ev, "login_failure_type").map(Text::from);
            let second = e.factor.as_ref().is_some_and(|f| f.class != FactorClass::Unknown);
            (if second { Category::MfaDeny } else { Category::SigninFailure }, self_target)
        }
        Kind::Challenge => {
            e.factor = challenge_factor(ev);
            let status = param_str(ev, "login_challenge_status");
            e.reason = status.map(Text::from);
            let passed =
                status.is_some_and(|s| s.eq_ignore_ascii_case("Challenge Passed.") || s.eq_ignore_ascii_case("passed"));
            e.outcome = if passed { Outcome::Success } else { Outcome::Failure };
            let category = if param_bool(ev, "is_second_factor") == Some(false) {
                Category::Other
            } else if passed {
                Category::MfaChallenge
            } else {
                Category::MfaDeny
            };
            (category, self_target)
        }
        Kind::Risk => {
            e.risk.markers.push(Text::from(name));
            // Google's own verdict: the provider, not the logged actor, raised it.
            relation = Some(ActorRelation::System);
            (Category::RiskSignal, user_param(ev, "affected_email_address").or(self_target))
        }
        Kind::SessionCookieRevoked => {
            relation = Some(ActorRelation::System);
            (Category::SessionRevoke, user_param(ev, "affected_email_address").or(self_target))
        }
        Kind::StrongAuthSetting => {
            e.object = param_str(ev, "ORG_UNIT_NAME").map(Text::from);
            if param(ev, "NEW_VALUE").get("value").bool() == Some(false) {
                // Name what was removed (docs/events.md §5).
                let what = if name.starts_with("ENFORCE") {
                    "2-step verification no longer enforced"
                } else {
                    "2-step verification no longer allowed"
                };
                e.reason = Some(Text::from(what));
                e.tags.push(Tag::PolicyChange);
                (Category::PolicyWeaken, None)
            } else {
                e.tags.push(Tag::PolicyChange);
                (Category::Other, None)
            }
        }
        Kind::PolicyWeaken => {
            e.object = param_str(ev, "ORG_UNIT_NAME").map(Text::from);
            e.reason = param_str(ev, "NEW_VALUE")
                .map(|v| Text::from(format!("allowed 2-step verification methods set to {v}").as_str()));
            e.tags.push(Tag::PolicyChange);
            (Category::PolicyWeaken, None)
        }
        Kind::GracePeriod => {
            e.tags.push(Tag::IdentityScope);
            (Category::PolicyWeaken, user_param(ev, "USER_EMAIL"))
        }
        Kind::ApiClientGrant => {
            e.object = param_str(ev, "API_SCOPES").map(Text::from);
            (Category::RoleGrant, Principal::new(None, param_str(ev, "API_CLIENT_NAME"), PrincipalKind::Nhi))
        }
        Kind::DeviceRegister => {
            let registered = ev.get("parameters").items().any(|p| p.get("value").str() == Some("REGISTERED"));
            if !registered {
                return;
            }
            e.client.device_id = param_str(ev, "DEVICE_ID").map(Text::from);
            (Category::DeviceRegister, user_param(ev, "USER_EMAIL"))
        }
    };
    e.category = category;
    e.relation = relation.unwrap_or_else(|| ActorRelation::between(e.actor.as_ref(), target.as_ref()));
    e.target = target;
    if suspicious {
        // A suspicious sign-in is also Google's risk verdict on that sign-in.
        e.risk.markers.push(Text::from("is_suspicious"));
        let mut risk = e.clone();
        risk.category = Category::RiskSignal;
        risk.id.push_str("/risk");
        risk.relation = ActorRelation::System;
        out.push(e);
        out.push(risk);
    } else {
        out.push(e);
    }
}
