//! FW-003: a password reset or session revocation on X at time R, while a factor bound to X
//! in the lookback before R is still bound at R + grace, and that factor was bound from an
//! unfamiliar device or network, by someone else, or was flagged by FW-002/004/007.
//! Critical once X authenticates with that factor afterwards.
//!
//! Matching a later use to a survivor: by factor key (the provider's factor id, else its
//! kind) first. Providers do not always name a factor the same way at binding and at use:
//! Entra writes the registered method in the audit log (`Admin registered Mobile Phone SMS`,
//! the `Phone` of `StrongAuthenticationUserDetails`, `Microsoft Authenticator app`) and
//! the method used in the sign-in log (`Text message`, `Mobile app notification`), with
//! no id on either side. So when the use carries no factor id, it matches a survivor of the
//! same method family (SMS, voice, push, OTP, FIDO, ...), read from both kinds' text, as
//! long as no other bound factor of the identity (not itself a survivor) could explain the
//! use just as well.

use super::Scope;
use crate::detector::{Detector, Draft};
use crate::state::{BoundFactor, FactorOrigin, IdentityState, Survivor};
use model::{ActorRelation, Event, Evidence, Severity};

fn suspicious(f: &BoundFactor) -> bool {
    f.unfamiliar || matches!(f.relation, ActorRelation::Delegated | ActorRelation::Service) || !f.flagged_by.is_empty()
}

/// At the reset: the bound factors to look at again after the grace period, by the event
/// id of their binding (kind-keyed factors can share a key: two SMS numbers in Entra).
pub fn suspects(s: &Scope<'_>, state: &IdentityState) -> Vec<model::Text> {
    let Ok(lookback) = chrono::Duration::from_std(s.config.detectors.factor_survives_reset.lookback) else {
        return Vec::new();
    };
    let reset = s.event.time;
    state
        .bound_factors()
        .filter(|f| f.bound_at >= reset - lookback && f.bound_at <= reset && suspicious(f))
        .map(|f| f.evidence.event_id.clone())
        .collect()
}

/// After the grace period: the suspects still bound survived the reset.
pub fn on_check(reset: &Evidence, suspects: &[model::Text], state: &mut IdentityState, who: &str) -> Option<Draft> {
    let survivors: Vec<&BoundFactor> =
        state.bound_factors().filter(|f| suspects.contains(&f.evidence.event_id) && f.bound_at <= reset.time).collect();
    if survivors.is_empty() {
        return None;
    }
    let named: Vec<String> = survivors.iter().map(|f| binding_context(f)).collect();
    let what = if reset.category == model::Category::SessionRevoke { "session revocation" } else { "password reset" };
    let summary = format!(
        "{} factor(s) of {who} survived the {what} at {}: {}; remove them, the reset alone does not end access",
        survivors.len(),
        reset.time.format("%Y-%m-%d %H:%M UTC"),
        named.join("; ")
    );
    let mut evidence = vec![reset.clone()];
    evidence.extend(survivors.iter().map(|f| f.evidence.clone()));
    let records: Vec<Survivor> = survivors
        .iter()
        .map(|f| Survivor {
            key: f.key.clone(),
            reset: reset.clone(),
            binding: f.evidence.clone(),
            described: binding_context(f),
        })
        .collect();
    state.survivors.extend(records);
    Some(Draft::new(Detector::FactorSurvivesReset, Severity::High, summary, evidence))
}

/// A later authentication with a factor that survived a reset.
pub fn on_use(s: &Scope<'_>, state: &mut IdentityState) -> Option<Draft> {
    let e = s.event;
    let at = state.survivors.iter().position(|v| v.reset.time < e.time && used(v, e, state))?;
    let survivor = state.survivors.remove(at);
    let summary = format!(
        "{} authenticated with {}, which survived the reset at {}: the persistence path is in use",
        s.subject_name(),
        survivor.described,
        survivor.reset.time.format("%Y-%m-%d %H:%M UTC")
    );
    let evidence = vec![survivor.reset, survivor.binding, s.evidence.clone()];
    Some(Draft::new(Detector::FactorSurvivesReset, Severity::Critical, summary, evidence))
}

/// "Mobile Phone SMS (possession_weak) bound 2026-05-07 10:00 UTC from 203.0.113.9 (Russia)
/// on device `d1` by mallory@contoso.com (delegated)": what, when, where and by whom.
fn binding_context(f: &BoundFactor) -> String {
    let mut s = format!("{} ({})", f.kind.as_deref().unwrap_or(&f.key), f.class);
    if f.kind.is_some() && f.key != f.kind.as_deref().unwrap_or_default() {
        s.push_str(&format!(" [{}]", f.key));
    }
    if f.origin != FactorOrigin::Enrolled {
        // Its binding predates the logs: say how it is known, not who bound it.
        let when = f.bound_at.format("%Y-%m-%d %H:%M UTC");
        match f.origin {
            FactorOrigin::SeenInUse => s.push_str(&format!(" seen in use since {when}")),
            _ => s.push_str(&crate::state::snapshot_words(f)),
        }
        if f.unfamiliar {
            s.push_str(", first used from outside the identity's baseline");
        }
        return s;
    }
    s.push_str(&format!(" bound {}", f.bound_at.format("%Y-%m-%d %H:%M UTC")));
    if let Some(ip) = f.ip {
        s.push_str(&format!(" from {ip}"));
    }
    if let Some(c) = &f.country {
        s.push_str(&format!(" ({c})"));
    }
    if let Some(d) = &f.device {
        s.push_str(&format!(" on device `{d}`"));
    }
    let how = match f.relation {
        ActorRelation::SelfService => "self-service",
        ActorRelation::Delegated => "delegated",
        ActorRelation::Service => "by a service",
        ActorRelation::System => "by the provider",
    };
    match f.actor.as_ref().and_then(|a| a.name.as_deref().or(a.id.as_deref())) {
        Some(actor) => s.push_str(&format!(" by {actor} ({how})")),
        None => s.push_str(&format!(" ({how})")),
    }
    if !f.flagged_by.is_empty() {
        let ids: Vec<&str> = f.flagged_by.iter().map(|d| d.id()).collect();
        s.push_str(&format!(", flagged by {}", ids.join(", ")));
    } else if f.unfamiliar {
        s.push_str(", from outside the identity's baseline");
    }
    s
}

/// Whether this authentication used the survivor: the same factor id, or (no factor id on
/// the use) the same kind or method family with no other bound factor to explain it.
fn used(v: &Survivor, e: &Event, state: &IdentityState) -> bool {
    let Some(factor) = e.factor.as_ref() else { return false };
    if let Some(id) = &factor.id {
        return v.key == *id;
    }
    let Some(kind) = factor.kind.as_deref() else { return false };
    let Some(bound) = state.bound_factors().find(|f| f.evidence.event_id == v.binding.event_id) else {
        return false;
    };
    let use_family = families(kind);
    let same = |f: &BoundFactor| {
        let theirs = f.kind.as_deref().unwrap_or(&f.key);
        theirs.eq_ignore_ascii_case(kind) || families(theirs) & use_family != 0
    };
    if !same(bound) {
        return false;
    }
    // Another bound factor that could have made the same use: the survivor is not proven.
    let survivors: Vec<&str> = state.survivors.iter().map(|s| s.binding.event_id.as_str()).collect();
    !state.bound_factors().filter(|f| !survivors.contains(&f.evidence.event_id.as_str())).any(same)
}

const SMS: u16 = 1;
const VOICE: u16 = 1 << 1;
const PUSH: u16 = 1 << 2;
const OTP: u16 = 1 << 3;
const FIDO: u16 = 1 << 4;
const HELLO: u16 = 1 << 5;
const EMAIL: u16 = 1 << 6;
const CERT: u16 = 1 << 7;
const TAP: u16 = 1 << 8;
const QUESTION: u16 = 1 << 9;

/// The method families a factor kind's text names (0 for none, e.g. a password).
pub(crate) fn families(kind: &str) -> u16 {
    let k = kind.to_ascii_lowercase().replace(['_', '-'], " ");
    let has = |w: &str| k.contains(w);
    if (has("password") && !has("passwordless")) || has("previously satisfied") {
        return 0;
    }
    if has("passwordless") {
        return PUSH;
    }
    let mut f = 0;
    if has("sms") || has("text message") {
        f |= SMS;
    }
    if has("voice") || has("call") {
        f |= VOICE;
    }
    if f == 0 && has("phone") && !has("app") {
        f |= SMS | VOICE;
    }
    if has("push") || has("notification") {
        f |= PUSH;
    }
    if has("code") || has("otp") || has("totp") || has("soft token") || has("software") || has("oath") {
        f |= OTP;
    }
    if f & (PUSH | OTP) == 0 && (has("authenticator") || has("okta verify")) {
        f |= PUSH | OTP;
    }
    if has("fido") || has("security key") || has("passkey") || has("webauthn") || has("u2f") {
        f |= FIDO;
    }
    if has("windows hello") {
        f |= HELLO;
    }
    if has("email") {
        f |= EMAIL;
    }
    if has("certificate") || has("piv") {
        f |= CERT;
    }
    if has("temporary access pass") {
        f |= TAP;
    }
    if has("question") {
        f |= QUESTION;
    }
    f
}

#[cfg(test)]
mod tests {
    use super::families;

    #[test]
    fn registration_and_signin_names_of_one_method_share_a_family() {
        assert_ne!(families("Mobile Phone SMS") & families("Text message"), 0);
        assert_ne!(families("Phone") & families("Text message"), 0);
        assert_ne!(families("Microsoft Authenticator app") & families("Mobile app notification"), 0);
        assert_ne!(families("Authenticator App with Notification and Code") & families("OATH verification code"), 0);
        assert_ne!(families("Okta Verify") & families("OKTA_VERIFY_PUSH"), 0);
        assert_ne!(families("FIDO2 security key") & families("Passkey (device-bound)"), 0);
        assert_eq!(families("Mobile Phone SMS") & families("Mobile app notification"), 0);
        assert_eq!(families("Password"), 0);
        assert_eq!(families("Passwordless phone sign-in"), families("Mobile app notification"));
    }
}
