//! OneLogin events API (docs/events.md §9, docs only): numeric `event_type_id`s.

use super::Result;
use crate::context::{Ctx, Relevance, classify_factor};
use crate::error::RecordError;
use crate::json::View;
use crate::values;
use model::{
    ActorRelation, Category, Event, Factor, FactorClass, Outcome, Principal, PrincipalKind, Provider, RiskLevel, Text,
};

const SHAPE: &str = "onelogin";

/// OneLogin factor descriptions → class. docs/events.md §10 has no OneLogin column; these follow
/// the shared classes for the factor names OneLogin offers.
/// The kind → class table (docs/events.md §10), shared with the snapshot importers.
const FACTOR_CLASSES: &[(&str, FactorClass)] = model::factor_kinds::ONELOGIN;

pub fn normalize(rec: View<'_, '_>, ctx: &Ctx<'_>, out: &mut Vec<Event>) -> Result {
    let type_view = rec.get("event_type_id");
    let Some(type_id) = type_view.i64() else {
        return Err(RecordError::invalid(
            SHAPE,
            "event_type_id",
            format!("expected a number, found {}", type_view.type_name()),
        ));
    };
    let (category, outcome) = match type_id {
        5 => (Category::SigninSuccess, Outcome::Success),
        6 => (Category::SigninFailure, Outcome::Failure),
        11 => (Category::PasswordChange, Outcome::Success),
        211 => (Category::PasswordReset, Outcome::Success),
        24 | 172 => (Category::FactorRemove, Outcome::Success),
        // Privileges given to or taken from a user; roles added or removed by an admin
        // (147, 148) or through the API (513, 514).
        72 | 147 | 513 => (Category::RoleGrant, Outcome::Success),
        73 | 148 | 514 => (Category::RoleRevoke, Outcome::Success),
        // An admin assumed another user's identity.
        3 => (Category::RiskSignal, Outcome::Success),
        other => return Ok(Relevance::NotRelevant(Text::from(other.to_string()))),
    };
    let when = values::parse_time(rec.get("created_at")).map_err(|e| RecordError::invalid(SHAPE, "created_at", e))?;
    let Some(id) = rec.get("id").text() else {
        return Err(RecordError::invalid(SHAPE, "id", "expected a number or string, found nothing"));
    };
    let tenant_text = rec.get("account_id").text();
    let tenant = ctx.tenant(Provider::Onelogin, tenant_text.as_deref());
    let action = type_id.to_string();
    let mut e = ctx.event(Provider::Onelogin, tenant, &id, when, category, &action);
    e.outcome = outcome;

    let user = principal(rec, "user_id", "user_name");
    let actor = principal(rec, "actor_user_id", "actor_user_name");
    e.target = user.clone();
    e.actor = actor.or(user);
    e.relation = ActorRelation::between(e.actor.as_ref(), e.target.as_ref());
    values::set_address(&mut e.client, rec.get("ipaddr").str());
    e.client.user_agent = rec.get("user_agent").str().map(Text::from);
    e.reason = rec.get("notes").str().map(Text::from);
    e.risk.level = rec.get("risk_score").f64().map(risk_level);
    if let Some(reasons) = rec.get("risk_reasons").str() {
        e.risk.markers.push(Text::from(reasons));
    }
    match category {
        Category::FactorRemove => e.factor = Some(factor(rec)),
        // A sign-in that names its second factor proves that factor bound (docs/events.md
        // §11); one without a description names none.
        Category::SigninSuccess => {
            e.factor = rec.get("authentication_factor_description").str().is_some().then(|| factor(rec));
        }
        Category::RoleGrant | Category::RoleRevoke => {
            e.object = rec.get("privilege_name").str().or(rec.get("role_name").str()).map(Text::from);
        }
        Category::RiskSignal => e.risk.markers.push(Text::from("user_assumed")),
        _ => {}
    }
    // OneLogin's own risk verdict on a sign-in is a signal of its own.
    let signal =
        (category.is_signin() && e.risk.is_elevated()).then(|| Event { category: Category::RiskSignal, ..e.clone() });
    out.push(e);
    out.extend(signal);
    Ok(Relevance::Relevant)
}

/// The factor a record names: its description as kind, and the OTP device when given.
fn factor(rec: View<'_, '_>) -> Factor {
    let kind = rec.get("authentication_factor_description").str();
    Factor {
        kind: kind.map(Text::from),
        class: kind.map(|k| classify_factor(k, FACTOR_CLASSES)).unwrap_or_default(),
        id: rec.get("otp_device_id").text().map(|t| Text::from(t.as_ref())),
        name: rec.get("otp_device_name").str().map(Text::from),
    }
}

fn principal(rec: View<'_, '_>, id: &str, name: &str) -> Option<Principal> {
    let id = rec.get(id).text().filter(|t| t != "0");
    Principal::new(id.as_deref(), rec.get(name).str(), PrincipalKind::Human)
}

/// OneLogin risk scores run 0-100.
fn risk_level(score: f64) -> RiskLevel {
    if score >= 75.0 {
        RiskLevel::High
    } else if score >= 50.0 {
        RiskLevel::Medium
    } else if score > 0.0 {
        RiskLevel::Low
    } else {
        RiskLevel::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn risk_scores_map_to_levels() {
        assert_eq!(risk_level(0.0), RiskLevel::None);
        assert_eq!(risk_level(30.0), RiskLevel::Low);
        assert_eq!(risk_level(50.0), RiskLevel::Medium);
        assert_eq!(risk_level(90.0), RiskLevel::High);
    }

    #[test]
    fn onelogin_factor_names_classify() {
        assert_eq!(classify_factor("OneLogin Protect", FACTOR_CLASSES), FactorClass::App);
        assert_eq!(classify_factor("SMS", FACTOR_CLASSES), FactorClass::PossessionWeak);
        assert_eq!(classify_factor("WebAuthn", FACTOR_CLASSES), FactorClass::PhishingResistant);
    }
}
