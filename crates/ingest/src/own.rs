//! factorwatch's own files found among the logs. `factorwatch gen` writes a tenant's answer key
//! (`truth.json`) and its enrollment decision ledger (`decisions.ndjson`) beside the logs, so
//! hunting that folder meets them. They are no provider's records and no mistake either: they
//! are counted as skipped, not reported as problems. Asked only of records no provider's shape
//! matched, so the hot path never pays for it.

use crate::json::View;

/// Whether `rec` is a decision ledger line or a generated tenant's answer key.
pub fn is_own_record(rec: View<'_, '_>) -> bool {
    let mut keys = rec.entries().map(|(k, _)| k);
    let (first, second) = (keys.next(), keys.next());
    let ledger_line = |key: &str, prefix: &str| {
        first == Some(key)
            && second.is_none()
            && rec.get(key).get("id").raw_str().is_some_and(|id| id.starts_with(prefix))
    };
    let answer_key = ["seed", "stories", "users", "tenant"].iter().all(|k| rec.get(k).exists());
    ledger_line("decision", "dec_") || ledger_line("approval", "apr_") || answer_key
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn own(text: &str) -> bool {
        let mut bytes = text.as_bytes().to_vec();
        let doc = simd_json::to_borrowed_value(&mut bytes).unwrap();
        is_own_record(View::new(&doc))
    }

    #[test]
    fn ledger_lines_and_an_answer_key_are_recognized_and_look_alikes_are_not() {
        assert!(own(r#"{"decision":{"id":"dec_3e48","outcome":"allow"}}"#));
        assert!(own(r#"{"approval":{"id":"apr_9051","state":"pending"}}"#));
        assert!(own(r#"{"tenant":"acme","seed":1,"users":[],"stories":[]}"#));
        assert!(!own(r#"{"decision":{"id":"d-1"}}"#), "an id factorwatch does not write");
        assert!(!own(r#"{"decision":{"id":"dec_1"},"other":1}"#), "a ledger line has one key");
        assert!(!own(r#"{"tenant":"acme","seed":1}"#));
        assert!(!own(r#"{"hello":1}"#));
    }
}
