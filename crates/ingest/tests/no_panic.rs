//! Property tests: no JSON value, and no mutation of a real record, makes normalization
//! panic. Values are biased toward the keys providers use, so shape detection matches and
//! every normalizer meets wrong types, absent values and odd nesting.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use proptest::prelude::*;
use serde_json::{Map, Value};

/// Keys from the fingerprints and field paths of docs/events.md, so that generated objects
/// look like provider records often enough to reach the normalizers.
const KEYS: &[&str] = &[
    "eventType",
    "actor",
    "published",
    "uuid",
    "target",
    "client",
    "outcome",
    "debugContext",
    "debugData",
    "actor_alternateId",
    "Type",
    "operationName",
    "category",
    "properties",
    "activityDisplayName",
    "initiatedBy",
    "targetResources",
    "modifiedProperties",
    "createdDateTime",
    "userPrincipalName",
    "status",
    "OperationName",
    "InitiatedBy",
    "TargetResources",
    "ResultType",
    "UserPrincipalName",
    "Operation",
    "Workload",
    "CreationTime",
    "OfficeWorkload",
    "eventSource",
    "eventName",
    "userIdentity",
    "requestParameters",
    "responseElements",
    "eventTime",
    "id",
    "applicationName",
    "events",
    "name",
    "parameters",
    "action",
    "@timestamp",
    "created_at",
    "txid",
    "factor",
    "activity_id",
    "telephony_id",
    "username",
    "timestamp",
    "object",
    "log_id",
    "data",
    "type",
    "date",
    "event_type_id",
    "records",
    "Records",
    "value",
    "items",
    "response",
    "detail",
    "ipAddress",
    "geographicalContext",
    "location",
    "user",
    "details",
    "newValue",
    "oldValue",
    "displayName",
    "alternateId",
];

const STRINGS: &[&str] = &[
    "",
    "null",
    "unknown",
    ".",
    "0.0.0.0",
    "1.2.3.4:443",
    "[2001:db8::1]:80",
    "::2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6",
    "2024-01-01T00:00:00Z",
    "2020-08-11T11: 41: 31+00: 00",
    "1597146091000",
    "user.mfa.factor.activate",
    "user.mfa.factor.deactivate",
    "Update user",
    "User registered security info",
    "EnableMFADevice",
    "ConsoleLogin",
    "2sv_enroll",
    "two_factor_authentication.enabled",
    "phone_create",
    "gd_enrollment_complete",
    "AuditLogs",
    "SignInLogs",
    "iam.amazonaws.com",
    "signin.amazonaws.com",
    "[{\"MethodType\":6,\"Default\":true}]",
    "{\"a\":",
    "\"\\\"nested\\\"\"",
    "SUCCESS",
    "FAILURE",
    "{New Device=POSITIVE}",
    "{level=HIGH}",
    "Okta_CL",
    "é\u{2013}\u{0}",
    "User reset SMS factor",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop::sample::select(STRINGS).prop_map(|s| Value::String(s.to_string())),
        ".{0,12}".prop_map(Value::String),
    ]
}

fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..8).prop_map(|entries| {
                Value::Object(entries.into_iter().map(|(k, v)| (k.to_string(), v)).collect::<Map<_, _>>())
            }),
        ]
    })
}

fn normalize(value: &Value) {
    let text = value.to_string();
    let (_, tally) = ingest::normalize_text("prop.ndjson", &text, &ingest::Options::default());
    // Every record is accounted for: events, not relevant, or a diagnostic.
    assert!(tally.relevant + tally.not_relevant_total() + tally.diagnostics.len() as u64 >= tally.records.min(1));
}

/// Sample records to mutate, one per line of every sample file.
fn sample_records() -> Vec<Value> {
    let dir = common::samples_dir();
    let manifest: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    manifest
        .iter()
        .filter_map(|f| f["file"].as_str())
        .flat_map(|f| std::fs::read_to_string(dir.join(f)).unwrap().lines().map(String::from).collect::<Vec<_>>())
        .filter_map(|l| serde_json::from_str(&l).ok())
        .collect()
}

/// Replaces the value at a pseudo-random path of `node` with `replacement`.
fn mutate(node: &mut Value, choice: usize, replacement: Value) {
    let is_leaf = match node {
        Value::Object(map) => map.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => true,
    };
    if is_leaf {
        *node = replacement;
        return;
    }
    let child = match node {
        Value::Object(map) => {
            let key = map.keys().nth(choice % map.len()).cloned().unwrap();
            map.get_mut(&key).unwrap()
        }
        Value::Array(items) => {
            let i = choice % items.len();
            &mut items[i]
        }
        _ => unreachable!(),
    };
    // Go one level deeper about half the time.
    if choice % 2 == 1 { mutate(child, choice / 3, replacement) } else { *child = replacement }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_never_panics(value in json()) {
        normalize(&value);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = ingest::normalize_bytes("bytes", bytes, &ingest::Options::default());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn mutated_sample_records_never_panic(pick in any::<usize>(), path in any::<usize>(), replacement in json()) {
        thread_local! { static RECORDS: Vec<Value> = sample_records(); }
        let mut record = RECORDS.with(|r| r[pick % r.len()].clone());
        mutate(&mut record, path, replacement);
        normalize(&record);
    }
}

/// A record nested far deeper than any provider writes (whole, inside a field, or in JSON
/// written inside a string) is one problem at its line, and the records after it are read:
/// the parser and the walks over a parsed value recurse per level, so such a record must
/// never reach them.
#[test]
fn records_nested_thousands_deep_are_skipped_at_their_line_and_the_next_record_is_read() {
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    let okta = r#"{"uuid":"u1","published":"2026-05-01T09:00:00.000Z","eventType":"user.session.start","actor":{"id":"00u1","type":"User","alternateId":"a@acme.com"},"outcome":{"result":"SUCCESS"},"client":{"ipAddress":"198.51.100.1"}}"#;
    let in_a_field = okta.replace(r#""outcome":"#, &format!(r#""junk":{},"outcome":"#, deep(9_000)));
    let lines = [format!(r#"{{"a":{}}}"#, deep(100_000)), in_a_field, okta.to_string()];
    let (events, tally) = ingest::normalize_text("deep.ndjson", &lines.join("\n"), &ingest::Options::default());
    let problems: Vec<String> = tally.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(
        problems[0].contains("deep.ndjson:1") && problems[0].contains("nested more than 128 levels"),
        "{problems:#?}"
    );
    assert!(problems[1].contains("deep.ndjson:2"), "{problems:#?}");
    assert_eq!(events.len(), 1, "the record after them is read");

    // JSON inside a string (Entra `modifiedProperties` values) is not decoded past the limit.
    let entra = format!(
        r#"{{"time":"2026-05-01T09:00:00Z","category":"AuditLogs","operationName":"Update user","properties":{{"activityDateTime":"2026-05-01T09:00:00Z","activityDisplayName":"Update user","initiatedBy":{{"user":{{"id":"u1","userPrincipalName":"a@contoso.com"}}}},"targetResources":[{{"id":"u2","type":"User","userPrincipalName":"b@contoso.com","modifiedProperties":[{{"displayName":"x","oldValue":"{}","newValue":"[]"}}]}}],"result":"success"}}}}"#,
        deep(20_000)
    );
    let (_, tally) = ingest::normalize_text("entra.ndjson", &entra, &ingest::Options::default());
    assert!(tally.diagnostics.iter().all(|d| !d.to_string().contains("overflow")));
}
