//! Tenant policy changes (docs/events.md §2): policy_weaken when the change drops MFA, disables
//! or deletes a policy, enables a weaker method or adds federation; else other, tagged
//! `policy_change`. Read from the old and new values as text: the shapes of these
//! values vary by policy and are not documented field by field.

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
    let weakened = federation
        || contains_ignore_case(activity, "Delete conditional access policy")
        || a.targets.iter().flat_map(|t| t.props.iter()).any(|p| weakens(p.old, p.new));
    let mut e = base(a, ctx, if weakened { Category::PolicyWeaken } else { Category::Other });
    e.tags.push(Tag::PolicyChange);
    if federation {
        e.tags.push(Tag::FederationAdded);
    }
    // The policy, domain or setting is the object; no identity is the target.
    e.target = None;
    e.relation = model::ActorRelation::between(e.actor.as_ref(), None);
    e.object = a.targets.first().and_then(|t| t.name.or(t.id)).map(model::Text::from);
    out.push(e);
}

/// One property's change weakens MFA: it mentioned MFA and no longer does, a policy went
/// from enabled to disabled, or a weak method became enabled.
fn weakens(old: Option<&str>, new: Option<&str>) -> bool {
    let (o, n) = (old.unwrap_or(""), new.unwrap_or(""));
    if contains_ignore_case(o, "mfa") && !contains_ignore_case(n, "mfa") {
        return true;
    }
    let state =
        |s: &str| decode_embedded(s).and_then(|j| View::new(&j).get("state").str().map(str::to_ascii_lowercase));
    if state(o).as_deref() == Some("enabled") && state(n).as_deref() == Some("disabled") {
        return true;
    }
    let before = weak_methods_enabled(old);
    weak_methods_enabled(new).iter().any(|m| !before.contains(m))
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
        assert!(weakens(Some(r#"{"grantControls":["Mfa"]}"#), Some(r#"{"grantControls":[]}"#)));
        assert!(weakens(Some(r#"{"state":"enabled"}"#), Some(r#"{"state": "disabled"}"#)));
        assert!(!weakens(Some(r#"{"state":"disabled"}"#), Some(r#"{"state":"enabled"}"#)));
        let old = r#"{"methods":[{"id":"Sms","state":"disabled"}]}"#;
        let new = r#"{"methods":[{"id":"Sms","state":"enabled"}]}"#;
        assert!(weakens(Some(old), Some(new)));
        assert!(!weakens(Some(new), Some(old)));
    }
}
