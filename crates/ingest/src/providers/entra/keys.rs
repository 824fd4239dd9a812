//! Application and service principal credentials: `KeyDescription` lists diffed by
//! `KeyIdentifier` (docs/events.md §2, `Update application - Certificates and secrets management`).

use super::audit::{Audit, base};
use crate::json::{View, decode_embedded};
use model::{Category, Event, Text};

/// Added only → secret_issue, added and removed → secret_rotate, removed only →
/// secret_revoke; no change → other.
pub(crate) fn certificates_and_secrets(a: &Audit<'_>, ctx: &crate::context::Ctx<'_>, out: &mut Vec<Event>) {
    let (added, removed) = key_diff(a);
    let category = match (added.is_empty(), removed.is_empty()) {
        (false, true) => Category::SecretIssue,
        (false, false) => Category::SecretRotate,
        (true, false) => Category::SecretRevoke,
        (true, true) => Category::Other,
    };
    let mut e = base(a, ctx, category);
    e.object = added.first().or(removed.first()).map(|k| Text::from(k.as_str()));
    out.push(e);
}

/// The key added by a credential change, else the one removed.
pub(crate) fn changed_key(a: &Audit<'_>) -> Option<String> {
    let (added, removed) = key_diff(a);
    added.into_iter().next().or_else(|| removed.into_iter().next())
}

fn key_diff(a: &Audit<'_>) -> (Vec<String>, Vec<String>) {
    let Some(prop) = a.prop("KeyDescription") else { return (Vec::new(), Vec::new()) };
    let old = key_ids(prop.old);
    let new = key_ids(prop.new);
    let added = new.iter().filter(|k| !old.contains(k)).cloned().collect();
    let removed = old.iter().filter(|k| !new.contains(k)).cloned().collect();
    (added, removed)
}

/// `["[KeyIdentifier=…,KeyType=Password,…]", …]` → the identifiers.
fn key_ids(value: Option<&str>) -> Vec<String> {
    let Some(decoded) = value.and_then(decode_embedded) else { return Vec::new() };
    View::new(&decoded).items().filter_map(|item| item.raw_str().and_then(key_identifier)).map(String::from).collect()
}

fn key_identifier(entry: &str) -> Option<&str> {
    let start = entry.find("KeyIdentifier=")? + "KeyIdentifier=".len();
    let rest = entry.get(start..)?;
    let end = rest.find([',', ']']).unwrap_or(rest.len());
    rest.get(..end).map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_identifiers_are_read_from_descriptions() {
        let value =
            r#"["[KeyIdentifier=59ea,KeyType=Password,KeyUsage=Verify,DisplayName=Creds]","[KeyIdentifier=7dff]"]"#;
        assert_eq!(key_ids(Some(value)), vec!["59ea".to_string(), "7dff".to_string()]);
        assert!(key_ids(Some("[]")).is_empty());
        assert!(key_ids(Some("not json")).is_empty());
        assert_eq!(key_identifier("[KeyIdentifier="), None);
    }
}
