//! Tenant policy changes (docs/events.md §2): policy_weaken when the change drops MFA, disables
//! or deletes a policy, enables a weaker method or adds federation; else other, tagged
//! `policy_change`. Conditional-access policies are judged by their grant controls; other
//! values are read as text, as their shapes vary by policy and are not documented field by
//! field. A weakening names what it removed in the event's `reason`.

use super::audit::{Audit, base};
use super::{FACTOR_TABLE, mentions};
use crate::context::{Ctx, classify_factor, contains_ignore_case};
use crate::json::{View, decode_embedded};
use model::{Category, Event, FactorClass, Tag};

pub(crate) fn policy_change(a: &Audit<'_>, ctx: &Ctx<'_>, out: &mut Vec<Event>) {
    let activity: &str = &a.activity;
    let federation = contains_ignore_case(activity, "federation")
        || (contains_ignore_case(activity, "domain authentication")
            && a.targets.iter().flat_map(|t| t.props.iter()).any(|p| mentions(p.new, "federated")));
    let deleted = contains_ignore_case(activity, "Delete conditional access policy");
    let weakening = if federation {
        Some("federation added".to_string())
    } else if deleted {
        Some("policy deleted".to_string())
    } else {
        a.targets.iter().flat_map(|t| t.props.iter()).find_map(|p| weakening(p.old, p.new))
    };
    let mut e = base(a, ctx, if weakening.is_some() { Category::PolicyWeaken } else { Category::Other });
    e.tags.push(Tag::PolicyChange);
    if federation {
        e.tags.push(Tag::FederationAdded);
    }
    // What the weakening removed, in words (docs/events.md §2).
    if let Some(what) = weakening {
        e.reason = Some(model::Text::from(what.as_str()));
    }
    // The policy, domain or setting is the object; no identity is the target.
    e.target = None;
    e.relation = model::ActorRelation::between(e.actor.as_ref(), None);
    e.object = a.targets.first().and_then(|t| t.name.or(t.id)).map(model::Text::from);
    out.push(e);
}

/// What one property's change weakened, if anything: a conditional-access policy's grant
/// controls no longer require MFA, a policy went from enabled to disabled or report-only,
/// another value stopped mentioning MFA, or a weak method became enabled.
fn weakening(old: Option<&str>, new: Option<&str>) -> Option<String> {
    let (o, n) = (old.unwrap_or(""), new.unwrap_or(""));
    let state =
        |s: &str| decode_embedded(s).and_then(|j| View::new(&j).get("state").str().map(str::to_ascii_lowercase));
    if state(o).as_deref() == Some("enabled") {
        match state(n).as_deref() {
            Some("disabled") => return Some("policy disabled".to_string()),
            Some("enabledforreportingbutnotenforced") => return Some("policy set to report-only".to_string()),
            _ => {}
        }
    }
    if let Some(before) = grant_mfa(o) {
        // A conditional-access policy: judge its grant controls, not its text (a policy
        // named "Require MFA" mentions MFA whatever it requires).
        let after = grant_mfa(n).unwrap_or_default();
        if !before.is_empty() && after.is_empty() && !blocks(n) {
            return Some(format!("MFA removed from grant controls: {}", before.join(", ")));
        }
    } else if contains_ignore_case(o, "mfa") && !contains_ignore_case(n, "mfa") {
        return Some("MFA requirement removed".to_string());
    }
    let before = weak_methods_enabled(old);
    let added: Vec<String> = weak_methods_enabled(new).into_iter().filter(|m| !before.contains(m)).collect();
    (!added.is_empty()).then(|| format!("weaker method enabled: {}", added.join(", ")))
}

/// The MFA requirements in a conditional-access policy's grant controls (`builtInControls`
/// `mfa`, an `authenticationStrength`), or `None` when the value holds no grant controls.
fn grant_mfa(value: &str) -> Option<Vec<String>> {
    let json = decode_embedded(value)?;
    let controls = find_key(View::new(&json), "grantControls", 0)?;
    // `null` grant controls require nothing; any other non-object is not a policy's.
    if !controls.is_object() && controls.is_present() {
        return None;
    }
    let mut found = Vec::new();
    if controls.get("builtInControls").items().any(|c| c.str().is_some_and(|c| c.eq_ignore_ascii_case("mfa"))) {
        found.push("builtInControls mfa".to_string());
    }
    let strength = controls.get("authenticationStrength");
    if strength.is_object() {
        let name = strength.get("displayName").str().or(strength.get("id").str()).unwrap_or("set");
        found.push(format!("authenticationStrength {name}"));
    }
    Some(found)
}

/// A policy that blocks access outright is stronger than one that asked for MFA.
fn blocks(value: &str) -> bool {
    let Some(json) = decode_embedded(value) else { return false };
    find_key(View::new(&json), "grantControls", 0).is_some_and(|c| {
        c.get("builtInControls").items().any(|b| b.str().is_some_and(|b| b.eq_ignore_ascii_case("block")))
    })
}

/// The first value under `key` at any depth (policies are logged whole or as fragments).
fn find_key<'v, 'a>(v: View<'v, 'a>, key: &str, depth: u8) -> Option<View<'v, 'a>> {
    if depth > 4 {
        return None;
    }
    if v.is_object() {
        let here = v.get(key);
        if here.exists() {
            return Some(here);
        }
        return v.entries().find_map(|(_, child)| find_key(child, key, depth + 1));
    }
    v.items().find_map(|child| find_key(child, key, depth + 1))
}

/// Ids of enabled methods of a weak class in an authentication methods policy value
/// (objects with `id` and `state`, at any depth).
fn weak_methods_enabled(value: Option<&str>) -> Vec<String> {
    let mut found = Vec::new();
    if let Some(json) = value.and_then(decode_embedded) {
        walk(View::new(&json), 0, &mut found);
    }
    found
}

fn walk(v: View<'_, '_>, depth: u8, found: &mut Vec<String>) {
    if depth > 6 {
        return;
    }
    if v.is_object() {
        if let (Some(id), Some(state)) = (v.get("id").str(), v.get("state").str())
            && state.eq_ignore_ascii_case("enabled")
            && classify_factor(id, FACTOR_TABLE) == FactorClass::PossessionWeak
        {
            found.push(id.to_string());
        }
        for (_, child) in v.entries() {
            walk(child, depth + 1, found);
        }
    } else {
        for child in v.items() {
            walk(child, depth + 1, found);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropping_mfa_or_enabling_sms_weakens() {
        let weakens = |o: &str, n: &str| weakening(Some(o), Some(n)).is_some();
        assert!(weakens(r#"{"grantControls":["Mfa"]}"#, r#"{"grantControls":[]}"#));
        assert!(weakens(r#"{"state":"enabled"}"#, r#"{"state": "disabled"}"#));
        assert!(!weakens(r#"{"state":"disabled"}"#, r#"{"state":"enabled"}"#));
        let old = r#"{"methods":[{"id":"Sms","state":"disabled"}]}"#;
        let new = r#"{"methods":[{"id":"Sms","state":"enabled"}]}"#;
        assert!(weakens(old, new));
        assert!(!weakens(new, old));
    }

    #[test]
    fn grant_controls_are_judged_by_content_not_by_the_policy_name() {
        let policy = |controls: &str| {
            format!(r#"{{"displayName":"Require MFA for admins","state":"enabled","grantControls":{controls}}}"#)
        };
        let mfa = policy(r#"{"operator":"OR","builtInControls":["mfa"]}"#);
        let device = policy(r#"{"operator":"OR","builtInControls":["compliantDevice"]}"#);
        let strength =
            policy(r#"{"builtInControls":[],"authenticationStrength":{"displayName":"Phishing-resistant MFA"}}"#);
        let block = policy(r#"{"builtInControls":["block"]}"#);
        assert_eq!(
            weakening(Some(&mfa), Some(&device)).as_deref(),
            Some("MFA removed from grant controls: builtInControls mfa")
        );
        assert_eq!(
            weakening(Some(&strength), Some(&device)).as_deref(),
            Some("MFA removed from grant controls: authenticationStrength Phishing-resistant MFA")
        );
        assert_eq!(weakening(Some(&device), Some(&mfa)), None);
        assert_eq!(weakening(Some(&mfa), Some(&strength)), None);
        assert_eq!(weakening(Some(&mfa), Some(&block)), None);
    }
}
