//! Reading fields of provider JSON without panicking: wrong types read as absent.

use chrono::{DateTime, Utc};
use serde_json::Value;

/// A non-empty string at a key.
pub(super) fn s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

/// A non-empty string down a path of keys.
pub(super) fn sp<'a>(v: &'a Value, keys: &[&str]) -> Option<&'a str> {
    let mut at = v;
    for k in keys {
        at = at.get(k)?;
    }
    at.as_str().map(str::trim).filter(|s| !s.is_empty())
}

/// The first non-empty string among several keys.
pub(super) fn any<'a>(v: &'a Value, keys: &[&str]) -> Option<&'a str> {
    keys.iter().find_map(|k| s(v, k))
}

pub(super) fn b(v: &Value, key: &str) -> Option<bool> {
    v.get(key).and_then(Value::as_bool)
}

/// The array at a key; absent or `null` is empty, any other type is an error.
pub(super) fn list<'a>(v: &'a Value, key: &str) -> Result<&'a [Value], String> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(format!("`{key}` is not an array")),
    }
}

/// The array at a key, or empty whatever else is there (for optional nested lists).
pub(super) fn items<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}

/// An RFC 3339 time at a key.
pub(super) fn time(v: &Value, key: &str) -> Option<DateTime<Utc>> {
    s(v, key).and_then(|t| DateTime::parse_from_rfc3339(t).ok()).map(|t| t.with_timezone(&Utc))
}
