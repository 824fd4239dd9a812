//! A small read-only view over a parsed record. Providers read fields through it so that
//! absent-value rules (docs/events.md §0) and case-insensitive exports are handled in one place.

use simd_json::BorrowedValue;
use simd_json::prelude::*;

/// A record parsed in place: strings borrow from the input buffer.
pub type Json<'a> = BorrowedValue<'a>;

/// A possibly-missing node of a record. Lookups on a missing node stay missing, so a
/// provider can write `rec.get("actor").get("id").str()` without checking each step.
#[derive(Clone, Copy)]
pub struct View<'v, 'a> {
    node: Option<&'v Json<'a>>,
    /// Fall back to case-insensitive key matching (lower-cased exports).
    ci: bool,
}

/// String values providers write for "no value" (docs/events.md §0 "Values").
const ABSENT: [&str; 5] = ["null", "unknown", ".", "0.0.0.0", "HIDDEN_DUE_TO_SECURITY_REASONS"];

/// Whether `text` is empty or one of the markers providers write for "no value".
pub fn is_absent(text: &str) -> bool {
    let t = text.trim();
    t.is_empty() || ABSENT.iter().any(|a| t.eq_ignore_ascii_case(a))
}

impl<'v, 'a> View<'v, 'a> {
    /// A view of `node`, matching keys exactly.
    pub fn new(node: &'v Json<'a>) -> Self {
        View { node: Some(node), ci: false }
    }

    /// A view of nothing: every lookup on it is missing too.
    pub fn missing() -> Self {
        View { node: None, ci: false }
    }

    /// The same view, matching keys case-insensitively when `ci` (lower-cased exports).
    pub fn case_insensitive(self, ci: bool) -> Self {
        View { ci, ..self }
    }

    /// Whether keys are matched case-insensitively.
    pub fn is_ci(&self) -> bool {
        self.ci
    }

    /// The parsed node itself, when present (for readers that walk the value, such as rule
    /// engines).
    pub fn node(&self) -> Option<&'v Json<'a>> {
        self.node
    }

    /// The field `key` of an object.
    pub fn get(self, key: &str) -> View<'v, 'a> {
        let Some(obj) = self.node.and_then(|n| n.as_object()) else { return View { node: None, ci: self.ci } };
        let mut found = obj.get(key);
        if found.is_none() && self.ci {
            found = obj.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v);
        }
        View { node: found, ci: self.ci }
    }

    /// The first of several spellings of a field that is present and not absent.
    pub fn get_any(self, keys: &[&str]) -> View<'v, 'a> {
        keys.iter().map(|k| self.get(k)).find(|v| v.is_present()).unwrap_or(View { node: None, ci: self.ci })
    }

    /// A dotted path: `path("client.geographicalContext.city")`.
    pub fn path(self, path: &str) -> View<'v, 'a> {
        path.split('.').fold(self, |v, key| v.get(key))
    }

    /// The element at `i` of an array.
    pub fn at(self, i: usize) -> View<'v, 'a> {
        View { node: self.node.and_then(|n| n.as_array()).and_then(|a| a.get(i)), ci: self.ci }
    }

    /// Present and not an absent marker.
    pub fn is_present(&self) -> bool {
        match self.node {
            None => false,
            Some(n) if n.is_null() => false,
            Some(n) => n.as_str().is_none_or(|s| !is_absent(s)),
        }
    }

    /// Present at all, even as `null` or an absent marker.
    pub fn exists(&self) -> bool {
        self.node.is_some()
    }

    /// An object.
    pub fn is_object(&self) -> bool {
        self.node.is_some_and(|n| n.is_object())
    }

    /// An array.
    pub fn is_array(&self) -> bool {
        self.node.is_some_and(|n| n.is_array())
    }

    /// A string (absent markers included).
    pub fn is_string(&self) -> bool {
        self.node.is_some_and(|n| n.is_str())
    }

    /// A trimmed string that is not an absent marker. Numbers are not strings here.
    pub fn str(&self) -> Option<&'v str> {
        let s = self.node?.as_str()?.trim();
        (!is_absent(s)).then_some(s)
    }

    /// The string as written, even when empty or an absent marker.
    pub fn raw_str(&self) -> Option<&'v str> {
        self.node?.as_str()
    }

    /// A string, or a number written as text (ids logged as numbers: GitHub `actor_id`,
    /// Google `profileId`).
    pub fn text(&self) -> Option<std::borrow::Cow<'v, str>> {
        let n = self.node?;
        if let Some(s) = self.str() {
            return Some(std::borrow::Cow::Borrowed(s));
        }
        if let Some(i) = n.as_i64() {
            return Some(std::borrow::Cow::Owned(i.to_string()));
        }
        if let Some(u) = n.as_u64() {
            return Some(std::borrow::Cow::Owned(u.to_string()));
        }
        None
    }

    /// An integer, from a number or a numeric string.
    pub fn i64(&self) -> Option<i64> {
        let n = self.node?;
        n.as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| f as i64))
            .or_else(|| n.as_str().and_then(|s| s.trim().parse().ok()))
    }

    /// A float, from a number or a numeric string.
    pub fn f64(&self) -> Option<f64> {
        let n = self.node?;
        n.as_f64()
            .or_else(|| n.as_i64().map(|i| i as f64))
            .or_else(|| n.as_u64().map(|i| i as f64))
            .or_else(|| n.as_str().and_then(|s| s.trim().parse().ok()))
            .filter(|f| f.is_finite())
    }

    /// A boolean, from `true`, `"TRUE"`, `"False"`, `"yes"`, `1`.
    pub fn bool(&self) -> Option<bool> {
        let n = self.node?;
        if let Some(b) = n.as_bool() {
            return Some(b);
        }
        if let Some(i) = n.as_i64() {
            return Some(i != 0);
        }
        let s = n.as_str()?.trim();
        if ["true", "yes", "1"].iter().any(|t| s.eq_ignore_ascii_case(t)) {
            Some(true)
        } else if ["false", "no", "0"].iter().any(|t| s.eq_ignore_ascii_case(t)) {
            Some(false)
        } else {
            None
        }
    }

    /// The elements of an array (nothing when this is not an array).
    pub fn items(self) -> impl Iterator<Item = View<'v, 'a>> {
        let ci = self.ci;
        self.node.and_then(|n| n.as_array()).into_iter().flat_map(|a| a.iter()).map(move |n| View { node: Some(n), ci })
    }

    /// The fields of an object (nothing when this is not an object).
    pub fn entries(self) -> impl Iterator<Item = (&'v str, View<'v, 'a>)> {
        let ci = self.ci;
        self.node
            .and_then(|n| n.as_object())
            .into_iter()
            .flat_map(|o| o.iter())
            .map(move |(k, n)| (k.as_ref(), View { node: Some(n), ci }))
    }

    /// The first element of an array whose field `key` equals `value`
    /// (`target[type=User]`, `additionalDetails[key=User-Agent]`).
    pub fn find(self, key: &str, value: &str) -> View<'v, 'a> {
        let ci = self.ci;
        self.items()
            .find(|item| item.get(key).raw_str().is_some_and(|v| v.eq_ignore_ascii_case(value)))
            .unwrap_or(View { node: None, ci })
    }

    /// The keys of an object, sorted, for error messages.
    pub fn key_list(&self, max: usize) -> String {
        let mut keys: Vec<&str> = self.entries().map(|(k, _)| k).collect();
        keys.sort_unstable();
        let mut out = keys.iter().take(max).map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
        if keys.len() > max {
            out.push_str(&format!(" and {} more", keys.len() - max));
        }
        if out.is_empty() {
            out.push_str("none");
        }
        out
    }

    /// What kind of JSON value this is, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self.node {
            None => "nothing",
            Some(n) if n.is_null() => "null",
            Some(n) if n.is_bool() => "a boolean",
            Some(n) if n.is_str() => "a string",
            Some(n) if n.is_array() => "an array",
            Some(n) if n.is_object() => "an object",
            Some(_) => "a number",
        }
    }
}

/// JSON written inside a string (Entra `modifiedProperties`, Log Analytics columns, Okta_CL
/// `target`), decoded, again while the result is itself a string (docs/events.md §0).
pub fn decode_embedded(text: &str) -> Option<Json<'static>> {
    let mut current: Json<'static> = parse_owned(text)?;
    for _ in 0..3 {
        match current.as_str() {
            Some(inner) => current = parse_owned(inner)?,
            None => return Some(current),
        }
    }
    Some(current)
}

fn parse_owned(text: &str) -> Option<Json<'static>> {
    let trimmed = text.trim();
    if !(trimmed.starts_with('{') || trimmed.starts_with('[') || trimmed.starts_with('"')) {
        return None;
    }
    if !nesting_within(trimmed.as_bytes(), MAX_DEPTH) {
        return None;
    }
    let mut bytes = trimmed.as_bytes().to_vec();
    simd_json::to_borrowed_value(&mut bytes).ok().map(|v| v.into_static())
}

/// The deepest nesting of arrays and objects a record may have. Provider records nest a
/// dozen levels at most; the parser and everything that walks a parsed value recurse once per
/// level, so a record nested thousands deep would overflow the stack.
pub const MAX_DEPTH: usize = 128;

/// Whether `bytes` (JSON, not yet parsed) nests arrays and objects at most `limit` deep.
/// Brackets inside strings do not count. Most records hold fewer brackets than the limit in
/// all, which a vectorised count shows without walking the structure.
pub fn nesting_within(bytes: &[u8], limit: usize) -> bool {
    let opening = memchr::memchr2_iter(b'[', b'{', bytes).count();
    if opening <= limit {
        return true;
    }
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in bytes {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return false;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    true
}

#[cfg(test)]
mod depth_tests {
    use super::*;

    fn nested(n: usize) -> String {
        format!("{{\"a\":{}{}}}", "[".repeat(n), "]".repeat(n))
    }

    #[test]
    fn nesting_up_to_the_limit_passes_and_one_more_does_not() {
        assert!(nesting_within(nested(MAX_DEPTH - 1).as_bytes(), MAX_DEPTH));
        assert!(!nesting_within(nested(MAX_DEPTH).as_bytes(), MAX_DEPTH));
        assert!(!nesting_within(nested(100_000).as_bytes(), MAX_DEPTH));
    }

    #[test]
    fn brackets_inside_strings_and_many_shallow_values_do_not_count_as_depth() {
        let quoted = format!("{{\"a\":\"{}\\\"{}\"}}", "[".repeat(500), "{".repeat(500));
        assert!(nesting_within(quoted.as_bytes(), MAX_DEPTH));
        let wide = format!("[{}]", vec!["{}"; 1000].join(","));
        assert!(nesting_within(wide.as_bytes(), MAX_DEPTH));
    }

    #[test]
    fn deep_json_inside_a_string_is_not_decoded() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(decode_embedded(&deep).is_none());
        assert!(decode_embedded("[[1]]").is_some());
    }
}
