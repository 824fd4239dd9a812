//! Duo activity log: end-user and admin actions with an actor, a target and an outcome.

use super::{FACTOR_CLASSES, access_client, time};
use crate::context::{Ctx, Relevance, classify_factor};
use crate::error::RecordError;
use crate::json::{self, View};
use crate::providers::Result;
use model::{ActorRelation, Category, Event, Factor, Outcome, Principal, PrincipalKind, Provider, Text};

const SHAPE: &str = "duo.activity";

pub fn activity(rec: View<'_, '_>, ctx: &Ctx<'_>, out: &mut Vec<Event>) -> Result {
    let action = rec.path("action.name").str().unwrap_or("");
    let success = rec.path("outcome.result").str().map(|r| r.eq_ignore_ascii_case("success"));
    let category = match action {
        "webauthncredential_create" => Category::FactorAdd,
        "password_change" => Category::PasswordChange,
        "login_attempt" if success == Some(true) => Category::SigninSuccess,
        "login_attempt" => Category::SigninFailure,
        "mfa_challenge" if success == Some(false) => Category::MfaDeny,
        "mfa_challenge" => Category::MfaChallenge,
        "admin_create" => Category::RoleGrant,
        "admin_delete" => Category::RoleRevoke,
        "" => return Ok(Relevance::NotRelevant(Text::from("activity"))),
        other => return Ok(Relevance::NotRelevant(Text::from(other))),
    };
    let when = time(rec, SHAPE, "timestamp", "ts")?;
    let Some(id) = rec.get("activity_id").text() else {
        return Err(RecordError::invalid(SHAPE, "activity_id", "expected a string, found nothing"));
    };

    let mut e = ctx.event(Provider::Duo, ctx.tenant(Provider::Duo, None), &id, when, category, action);
    e.outcome = match success {
        Some(true) => Outcome::Success,
        Some(false) => Outcome::Failure,
        None => Outcome::Unknown,
    };
    e.actor = principal(rec.get("actor"));
    let target = rec.get("target");
    let target_details = details(target);
    let details_view = target_details.as_ref().map(View::new).unwrap_or_else(View::missing);
    // Targets that are credentials or challenges belong to the actor; only identities
    // (users, admins) are targets of their own.
    e.target = match target.get("type").str() {
        Some("user" | "admin") => principal(target),
        _ => e.actor.clone(),
    };
    e.relation = ActorRelation::between(e.actor.as_ref(), e.target.as_ref());
    e.client = access_client(rec.get("access_device"));
    if let Some(ua) = details_view.get("user_agent").str() {
        e.client.user_agent = Some(Text::from(ua));
    }
    match category {
        Category::FactorAdd | Category::MfaChallenge | Category::MfaDeny => {
            let kind = details_view.get("authenticator_type").str();
            e.factor = Some(Factor {
                kind: kind.map(Text::from),
                class: kind.map(|k| classify_factor(k, FACTOR_CLASSES)).unwrap_or_default(),
                id: target.get("key").str().map(Text::from),
                name: details_view.get("credential_name").str().map(Text::from),
            });
        }
        Category::RoleGrant | Category::RoleRevoke => {
            let action_details = rec.path("action.details").str().and_then(json::decode_embedded);
            let role = action_details.as_ref().and_then(|d| View::new(d).get("role").str().map(Text::from));
            e.object = role.or_else(|| details_view.get("role").str().map(Text::from));
        }
        _ => {}
    }
    out.push(e);
    Ok(Relevance::Relevant)
}

/// `details` of an actor or target: JSON written inside a string.
fn details(node: View<'_, '_>) -> Option<json::Json<'static>> {
    node.get("details").str().and_then(json::decode_embedded)
}

fn principal(node: View<'_, '_>) -> Option<Principal> {
    let kind = match node.get("type").str() {
        Some("user" | "admin") => PrincipalKind::Human,
        Some("system") => PrincipalKind::System,
        Some("integration" | "api" | "application") => PrincipalKind::Nhi,
        _ => PrincipalKind::Unknown,
    };
    Principal::new(node.get("key").str(), node.get("name").str(), kind)
}
