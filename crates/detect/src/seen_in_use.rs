//! Factors learned from use. Most factors were bound long before the first log line, so
//! their enrollment is never seen; a successful sign-in or challenge that names a factor
//! proves it is bound. Such a factor is remembered with origin `SeenInUse`, bound at its
//! first use, with that use as its evidence, so that every reader of factor state (FW-003,
//! FW-006, FW-012, revalidation, remediation, the decision context) sees it.
//!
//! Providers name a factor differently at binding, use and removal (Entra writes
//! `Mobile Phone SMS` when it is registered and `Text message` when it is used, with no id
//! on either side), so without an id a use or a removal matches by kind or method family
//! (see `families` in the FW-003 detector).

use crate::detectors::Scope;
use crate::detectors::factor_survives_reset::families;
use crate::risk::RiskCause;
use crate::state::{BoundFactor, FactorOrigin, IdentityState};
use chrono::Duration;
use model::{Event, Factor, FactorClass};

/// A sign-in this soon before the use, from outside the baseline, makes the use unfamiliar
/// too: the challenge that follows a sign-in comes from the client that signed in, whose
/// device the sign-in has already added to the baseline.
const SAME_SESSION: Duration = Duration::minutes(15);

/// Whether a factor kind names a second factor at all (not a password, not "previously
/// satisfied").
fn is_factor(f: &Factor) -> bool {
    f.class != FactorClass::Unknown || f.kind.as_deref().is_some_and(|k| families(k) != 0)
}

/// Whether `f` was remembered without a provider id (its key is its kind or class).
fn has_no_id(f: &BoundFactor) -> bool {
    f.kind.as_deref() == Some(f.key.as_str()) || f.key == f.class.as_str()
}

/// Whether two kinds name the same method: equal text, a shared method family, or (when
/// neither text names a family) the same class.
fn same_method(theirs: Option<&str>, their_class: FactorClass, kind: Option<&str>, class: FactorClass) -> bool {
    match (theirs, kind) {
        (Some(a), Some(b)) if a.eq_ignore_ascii_case(b) => true,
        (Some(a), Some(b)) => {
            let (fa, fb) = (families(a), families(b));
            if fa != 0 || fb != 0 { fa & fb != 0 } else { their_class == class && class != FactorClass::Unknown }
        }
        _ => their_class == class && class != FactorClass::Unknown,
    }
}

/// After a successful sign-in or challenge: remembers the factor it names unless a bound
/// factor already accounts for it. Call before the sign-in's client joins the baseline.
pub(crate) fn learn(s: &Scope<'_>, state: &mut IdentityState) {
    let e = s.event;
    let Some(used) = e.factor.as_ref().filter(|f| is_factor(f)) else { return };
    if let Some(id) = &used.id {
        if state.find_bound(id).is_some() {
            return;
        }
        // The same factor known before without its id (an Okta push sent, then answered):
        // it accounts for the use, and one known only from use gets its id now.
        let twin = state.factors.iter_mut().find(|f| {
            f.is_bound() && has_no_id(f) && same_method(f.kind.as_deref(), f.class, used.kind.as_deref(), used.class)
        });
        if let Some(twin) = twin {
            if twin.origin == FactorOrigin::SeenInUse {
                twin.key = id.clone();
            }
            return;
        }
    } else if state.bound_factors().any(|f| same_method(f.kind.as_deref(), f.class, used.kind.as_deref(), used.class)) {
        return;
    }
    let key = crate::state::factor_key(e);
    let factor = BoundFactor::known_without_binding(FactorOrigin::SeenInUse, used, key, e.time, s.evidence.clone());
    let unfamiliar = unfamiliar(s, state);
    state.add_factor(BoundFactor { unfamiliar, ..factor });
}

/// The use came from outside an established baseline: its own client, or the sign-in of
/// the same session moments before.
fn unfamiliar(s: &Scope<'_>, state: &IdentityState) -> bool {
    let e = s.event;
    if state.signins < s.config.baseline.min_signins || s.trusted_network() {
        return false;
    }
    let since = e.time - Duration::from_std(s.config.baseline.window).unwrap_or(Duration::MAX);
    if state.unfamiliar(e, since).is_some() {
        return true;
    }
    state.risky.iter().filter(|m| m.time <= e.time && m.time >= e.time - SAME_SESSION).any(|m| {
        m.reasons.iter().any(|r| {
            matches!(
                r,
                RiskCause::UnfamiliarDevice { .. }
                    | RiskCause::UnfamiliarCountry { .. }
                    | RiskCause::UnfamiliarNetwork { .. }
            )
        })
    })
}

/// The bound factors (indexes into `state.factors`) a removal event takes away: the one
/// with its id, or those of its kind when it names none; failing that, factors known only
/// from use that are the same method, since the removal names them its own way.
pub(crate) fn removal_hits(state: &IdentityState, e: &Event) -> Vec<usize> {
    let Some(removed) = e.factor.as_ref() else { return Vec::new() };
    let bound = || state.factors.iter().enumerate().filter(|(_, f)| f.is_bound());
    let exact: Vec<usize> = match (&removed.id, &removed.kind) {
        (Some(id), _) => bound().filter(|(_, f)| f.key == *id).map(|(i, _)| i).collect(),
        (None, Some(kind)) => bound()
            .filter(|(_, f)| f.kind.as_deref().is_some_and(|k| k.eq_ignore_ascii_case(kind)))
            .map(|(i, _)| i)
            .collect(),
        (None, None) => Vec::new(),
    };
    if !exact.is_empty() {
        return exact;
    }
    // A phone removed by its number takes every bound factor on that phone, whatever the
    // use named it by (Duo: `+17345552342` in the admin log, `My iPhone (734-555-2342)` or
    // the device key in the authentication log).
    if let Some(number) = [removed.id.as_deref(), removed.name.as_deref()].into_iter().flatten().find_map(phone_digits)
    {
        let on_phone: Vec<usize> = bound()
            .filter(|(_, f)| {
                [Some(f.key.as_str()), f.name.as_deref()]
                    .into_iter()
                    .flatten()
                    .filter_map(phone_digits)
                    .any(|theirs| same_number(&theirs, &number))
            })
            .map(|(i, _)| i)
            .collect();
        if !on_phone.is_empty() {
            return on_phone;
        }
    }
    if removed.kind.is_none() {
        return exact;
    }
    bound()
        .filter(|(_, f)| {
            f.origin == FactorOrigin::SeenInUse
                && has_no_id(f)
                && same_method(f.kind.as_deref(), f.class, removed.kind.as_deref(), removed.class)
        })
        .map(|(i, _)| i)
        .collect()
}

/// The digits of a phone number written in `text`: a stretch of digits and phone
/// punctuation holding at least seven digits (`+1 (734) 555-2342`, or inside a device name
/// such as `My iPhone X (734-555-2342)`); a device key with scattered digits is not one.
fn phone_digits(text: &str) -> Option<String> {
    text.split(|c: char| !(c.is_ascii_digit() || " +-().".contains(c)))
        .map(|run| run.chars().filter(char::is_ascii_digit).collect::<String>())
        .filter(|digits| digits.len() >= 7)
        .max_by_key(String::len)
}

/// Two numbers are the same phone when their subscriber digits agree: the last ten (or as
/// many as the shorter has), so `+1 734-555-2342` and `(734) 555-2342` match.
fn same_number(a: &str, b: &str) -> bool {
    let n = a.len().min(b.len()).min(10);
    n >= 7 && a.get(a.len() - n..) == b.get(b.len() - n..)
}

#[cfg(test)]
mod tests {
    use super::{phone_digits, same_method, same_number};

    #[test]
    fn a_number_and_a_device_name_carrying_it_are_the_same_phone() {
        let admin = phone_digits("+17345552342").unwrap_or_default();
        let device = phone_digits("My iPhone X (734-555-2342)").unwrap_or_default();
        assert!(same_number(&admin, &device));
        assert!(!same_number(&admin, &phone_digits("My iPhone X (734-555-2343)").unwrap_or_default()));
        assert_eq!(phone_digits("DPFZRS9FB0D46QFTM891"), None, "a device key is not a number");
        assert_eq!(phone_digits("iPhone 15"), None);
    }
    use model::FactorClass::{App, PhishingResistant, PossessionWeak, Unknown};

    #[test]
    fn a_use_and_a_removal_named_in_other_words_are_the_same_method() {
        assert!(same_method(Some("Text message"), PossessionWeak, Some("Mobile Phone SMS"), PossessionWeak));
        assert!(same_method(Some("Mobile app notification"), App, Some("Microsoft Authenticator App"), App));
        assert!(same_method(Some("OKTA_VERIFY_PUSH"), App, Some("Okta Verify"), App));
        assert!(same_method(Some("Virtual MFA"), App, Some("virtual mfa"), App));
    }

    #[test]
    fn different_methods_or_unknown_kinds_never_match() {
        assert!(!same_method(Some("Text message"), PossessionWeak, Some("Mobile app notification"), App));
        assert!(!same_method(Some("U2F MFA"), PhishingResistant, Some("Virtual MFA"), App));
        assert!(!same_method(None, Unknown, None, Unknown));
    }
}
