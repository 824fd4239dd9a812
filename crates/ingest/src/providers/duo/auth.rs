//! Duo authentication log v2: MFA challenges and enrollments of end users.

use super::{FACTOR_CLASSES, access_client, time, trust_risk};
use crate::context::{Ctx, Relevance, classify_factor};
use crate::error::RecordError;
use crate::json::View;
use crate::providers::Result;
use model::{Category, Event, Factor, Outcome, Principal, PrincipalKind, Provider, Tag, Text};

const SHAPE: &str = "duo.auth";

pub fn auth(rec: View<'_, '_>, ctx: &Ctx<'_>, out: &mut Vec<Event>) -> Result {
    let event_type = rec.get("event_type").str().unwrap_or("authentication");
    let result = rec.get("result").str().unwrap_or("");
    let reason = rec.get("reason").str();
    let success = result.eq_ignore_ascii_case("success");
    let fraud = result.eq_ignore_ascii_case("fraud") || reason == Some("user_marked_fraud");
    let (category, action) = match event_type {
        "authentication" if success => (Category::MfaChallenge, "authentication"),
        "authentication" => (Category::MfaDeny, "authentication"),
        "enrollment" => (Category::FactorAdd, "enrollment"),
        other => return Ok(Relevance::NotRelevant(Text::from(other))),
    };
    let when = time(rec, SHAPE, "timestamp", "isotimestamp")?;
    let Some(txid) = rec.get("txid").str() else {
        return Err(RecordError::invalid(
            SHAPE,
            "txid",
            format!("expected a string, found {}", rec.get("txid").type_name()),
        ));
    };

    let mut e = ctx.event(Provider::Duo, ctx.tenant(Provider::Duo, None), txid, when, category, action);
    e.outcome = if success { Outcome::Success } else { Outcome::Failure };
    e.reason = reason.map(Text::from);
    let user = rec.get("user");
    let name = user.get("name").str().or(rec.get("email").str());
    e.actor = Principal::new(user.get("key").str(), name, PrincipalKind::Human);
    e.target = e.actor.clone();
    e.factor = factor(rec);
    e.client = access_client(rec.get("access_device"));
    e.session = rec.path("trusted_session_info.trusted_session_uuid").str().map(Text::from);
    e.object = rec.path("application.name").str().map(Text::from);
    let verdict = trust_risk(rec);
    e.risk = verdict.clone();
    if reason == Some("bypass_user") {
        e.tags.push(Tag::Bypass);
    }
    if fraud {
        e.tags.push(Tag::FraudReported);
        if !e.risk.markers.iter().any(|m| m.eq_ignore_ascii_case("user_marked_fraud")) {
            e.risk.markers.push(Text::from("user_marked_fraud"));
        }
    }
    // Duo's own verdict (not the user's fraud report) is also a risk signal of its own.
    let signal = verdict.is_elevated().then(|| {
        let mut s = e.clone();
        s.category = Category::RiskSignal;
        s.risk = verdict;
        s.tags.retain(|t| *t != Tag::FraudReported);
        s
    });
    out.push(e);
    out.extend(signal);
    Ok(Relevance::Relevant)
}

/// The factor used or enrolled: its kind, and the auth device as its id and name.
fn factor(rec: View<'_, '_>) -> Option<Factor> {
    let kind = rec.get("factor").str();
    let device = rec.get("auth_device");
    let id = device.get("key").str();
    let name = device.get("name").str();
    if kind.is_none() && id.is_none() && name.is_none() {
        return None;
    }
    Some(Factor {
        kind: kind.map(Text::from),
        class: kind.map(|k| classify_factor(k, FACTOR_CLASSES)).unwrap_or_default(),
        id: id.map(Text::from),
        name: name.map(Text::from),
    })
}
