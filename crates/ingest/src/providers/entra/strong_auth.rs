//! `Update user` records that change MFA state through the legacy per-user properties
//! (docs/events.md §2): `StrongAuthenticationMethod`, `…PhoneAppDetail`, `…UserDetails` and
//! `…Requirement`. Old and new values are JSON written as strings.

use super::audit::{Audit, base, factor};
use crate::context::Ctx;
use crate::json::{Json, View, decode_embedded};
use model::{Category, Event, Factor, Tag, Text};

/// Appends one event per factor change the properties show; none when they show none.
pub(crate) fn update_user(a: &Audit<'_>, ctx: &Ctx<'_>, out: &mut Vec<Event>) {
    let mut events = Vec::new();
    if let Some(p) = a.prop("StrongAuthenticationMethod") {
        methods(a, ctx, p.old, p.new, &mut events);
    }
    if let Some(p) = a.prop("StrongAuthenticationPhoneAppDetail") {
        phone_apps(a, ctx, p.old, p.new, &mut events);
    }
    if let Some(p) = a.prop("StrongAuthenticationUserDetails") {
        user_details(a, ctx, p.old, p.new, &mut events);
    }
    if let Some(p) = a.prop("StrongAuthenticationRequirement")
        && requirement_disabled(p.old, p.new)
    {
        let mut e = base(a, ctx, Category::PolicyWeaken);
        e.tags.push(Tag::IdentityScope);
        events.push(e);
    }
    // One record, several changes: keep each event's key distinct for de-duplication.
    if events.len() > 1 {
        for (i, e) in events.iter_mut().enumerate() {
            e.id.push(':');
            e.id.push_str(itoa(i + 1).as_str());
        }
    }
    out.extend(events);
}

fn itoa(n: usize) -> Text {
    let mut t = Text::default();
    use std::fmt::Write;
    let _ = write!(t, "{n}");
    t
}

fn decoded(value: Option<&str>) -> Option<Json<'static>> {
    value.and_then(decode_embedded)
}

/// (`MethodType`, `Default`) entries of a `StrongAuthenticationMethod` value.
fn method_entries(value: Option<&str>) -> Vec<(i64, bool)> {
    let Some(json) = decoded(value) else { return Vec::new() };
    View::new(&json)
        .items()
        .filter_map(|m| Some((m.get("MethodType").i64()?, m.get("Default").bool().unwrap_or(false))))
        .collect()
}

/// Set-diff of methods: added → factor_add, removed → factor_remove, new empty →
/// factor_reset, only `Default` moved → factor_update. Method types are numbers: kind unknown.
fn methods(a: &Audit<'_>, ctx: &Ctx<'_>, old: Option<&str>, new: Option<&str>, events: &mut Vec<Event>) {
    let old = method_entries(old);
    let new = method_entries(new);
    if new.is_empty() {
        if !old.is_empty() {
            events.push(with_factor(base(a, ctx, Category::FactorReset), None));
        }
        return;
    }
    let has = |list: &[(i64, bool)], t: i64| list.iter().any(|(m, _)| *m == t);
    let mut changed = false;
    for (t, _) in new.iter().filter(|(t, _)| !has(&old, *t)) {
        events.push(with_factor(base(a, ctx, Category::FactorAdd), Some(*t)));
        changed = true;
    }
    for (t, _) in old.iter().filter(|(t, _)| !has(&new, *t)) {
        events.push(with_factor(base(a, ctx, Category::FactorRemove), Some(*t)));
        changed = true;
    }
    let same_pairs = old.len() == new.len() && new.iter().all(|entry| old.contains(entry));
    if !changed && !same_pairs {
        let default = new.iter().find(|(_, d)| *d).map(|(t, _)| *t);
        events.push(with_factor(base(a, ctx, Category::FactorUpdate), default));
    }
}

fn with_factor(mut e: Event, method_type: Option<i64>) -> Event {
    e.factor = Some(Factor { id: method_type.map(|t| itoa(t.unsigned_abs() as usize)), ..Factor::default() });
    e
}

/// Authenticator app registrations, keyed by `Id` (else `DeviceId`).
fn phone_apps(a: &Audit<'_>, ctx: &Ctx<'_>, old: Option<&str>, new: Option<&str>, events: &mut Vec<Event>) {
    let (old, new) = (decoded(old), decoded(new));
    let list = |j: &Option<Json<'static>>| -> Vec<(String, Option<String>, Option<String>)> {
        let Some(j) = j else { return Vec::new() };
        let view = View::new(j);
        let items: Vec<View> = if view.is_object() { vec![view] } else { view.items().collect() };
        items
            .into_iter()
            .filter_map(|d| {
                let key = d.get_any(&["Id", "DeviceId", "DeviceToken"]).text()?.into_owned();
                let name = d.get("DeviceName").str().map(String::from);
                let device = d.get("DeviceId").str().map(String::from);
                Some((key, name, device))
            })
            .collect()
    };
    let (old, new) = (list(&old), list(&new));
    let app = |mut e: Event, key: &str, name: &Option<String>| {
        e.factor = Some(Factor {
            id: Some(Text::from(key)),
            name: name.as_deref().map(Text::from),
            ..factor(Some("Microsoft Authenticator app"))
        });
        e
    };
    for (key, name, device) in &new {
        match old.iter().find(|(k, _, _)| k == key) {
            None => events.push(app(base(a, ctx, Category::FactorAdd), key, name)),
            Some((_, old_name, old_device)) if old_name != name || old_device != device => {
                events.push(app(base(a, ctx, Category::FactorUpdate), key, name))
            }
            Some(_) => {}
        }
    }
    for (key, name, _) in old.iter().filter(|(k, _, _)| !new.iter().any(|(n, _, _)| n == k)) {
        events.push(app(base(a, ctx, Category::FactorRemove), key, name));
    }
}

/// Phone numbers and email of `StrongAuthenticationUserDetails`, field by field.
fn user_details(a: &Audit<'_>, ctx: &Ctx<'_>, old: Option<&str>, new: Option<&str>, events: &mut Vec<Event>) {
    const FIELDS: [(&str, &str); 4] = [
        ("PhoneNumber", "Phone"),
        ("AlternativePhoneNumber", "Alternate phone"),
        ("VoiceOnlyPhoneNumber", "Voice only phone"),
        ("Email", "Email"),
    ];
    let (old, new) = (decoded(old), decoded(new));
    let first = |j: &Option<Json<'static>>, field: &str| -> Option<String> {
        let view = View::new(j.as_ref()?);
        let obj = if view.is_array() { view.at(0) } else { view };
        obj.get(field).str().map(String::from)
    };
    for (field, kind) in FIELDS {
        let (before, after) = (first(&old, field), first(&new, field));
        let category = match (&before, &after) {
            (None, Some(_)) => Category::FactorAdd,
            (Some(_), None) => Category::FactorRemove,
            (Some(b), Some(n)) if b != n => Category::FactorUpdate,
            _ => continue,
        };
        let mut e = base(a, ctx, category);
        e.factor = Some(Factor { name: after.or(before).map(Text::from), ..factor(Some(kind)) });
        events.push(e);
    }
}

/// Per-user MFA turned off: a new `"State":0`, or the requirement removed.
fn requirement_disabled(old: Option<&str>, new: Option<&str>) -> bool {
    let state = |j: &Option<Json<'static>>| -> Option<i64> {
        let view = View::new(j.as_ref()?);
        let obj = if view.is_array() { view.at(0) } else { view };
        obj.get("State").i64()
    };
    let (old, new) = (decoded(old), decoded(new));
    match (state(&old), state(&new)) {
        (_, Some(0)) => true,
        (Some(s), None) => s > 0,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_entries_read_type_and_default() {
        let v = r#"[{"MethodType":6,"Default":true},{"MethodType":"7","Default":"False"}]"#;
        assert_eq!(method_entries(Some(v)), vec![(6, true), (7, false)]);
        assert!(method_entries(Some("[]")).is_empty());
        assert!(method_entries(Some("garbage")).is_empty());
    }

    #[test]
    fn requirement_state_zero_or_removal_disables_mfa() {
        assert!(requirement_disabled(Some(r#"[{"State":1}]"#), Some(r#"[{"RelyingParty":"*","State":0}]"#)));
        assert!(requirement_disabled(Some(r#"[{"State":2}]"#), Some("[]")));
        assert!(!requirement_disabled(Some("[]"), Some(r#"[{"State":1}]"#)));
    }
}
