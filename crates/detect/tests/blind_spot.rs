//! FW-011 blind-spot: a configured source sent nothing for longer than its expected
//! interval, or a provider sends sign-ins but no factor or recovery events for 30 days;
//! also audit log streaming removed at the source. Always low.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::native_lines::*;
use model::Severity;

const ALICE: OktaUser = OktaUser { id: "00u1alice", login: "alice@acme.example" };
const BOB: EntraUser = EntraUser { id: "8d3b1e44-0c7a-4f59-a2d6-5b9e3c1f7082", upn: "bob@contoso.com" };
const OCTOCAT: GitHubUser = GitHubUser { id: 583231, login: "octocat" };

const SOURCES: &str = r#"[tenants]
okta = "acme.okta.com"

[sources.okta-syslog]
provider = "okta"
path = "/var/log/okta"
expected_interval = "6h"

[sources.entra-diag]
provider = "entra"
expected_interval = "6h"
"#;

fn assert_blind_spot(f: &model::Finding) {
    assert_eq!(f.severity, Severity::Low);
    assert!(f.mappings.attack.is_empty() && f.mappings.owasp_nhi.is_empty(), "{:?}", f.mappings);
    assert_eq!(f.mappings.csf, ["PR.PS-04"]);
}

/// Hourly Okta sign-ins from 00:00 to `okta_until` o'clock, Entra sign-ins until 20:00.
fn day(okta_until: u32) -> [(String, String); 2] {
    let okta: Vec<_> = (0..=okta_until)
        .map(|h| okta_signin(&format!("o{h}"), &format!("2026-05-04T{h:02}:00:00Z"), ALICE, "198.51.100.10", NEW_YORK))
        .collect();
    let entra: Vec<_> = (0..=20)
        .map(|h| entra_signin(&format!("e{h}"), &format!("2026-05-04T{h:02}:00:00Z"), BOB, 0, "198.51.100.21", LISBON))
        .collect();
    [("okta.ndjson".to_string(), ndjson(&okta)), ("entra.ndjson".to_string(), ndjson(&entra))]
}

fn hunt(config: &str, files: &[(String, String)]) -> detect::Report {
    let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    common::hunt(config, &files)
}

#[test]
fn configured_okta_source_silent_for_twelve_hours_of_a_six_hour_interval_is_low() {
    let report = hunt(SOURCES, &day(8));
    let found = common::of(&report, "FW-011");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    let f = found[0];
    assert_blind_spot(f);
    assert_eq!(f.identity.id.as_str(), "source:okta-syslog");
    assert!(f.summary.contains("okta-syslog"), "{}", f.summary);
    assert!(f.evidence.is_empty());
}

#[test]
fn fresh_sources_give_no_blind_spot() {
    let report = hunt(SOURCES, &day(20));
    assert!(common::of(&report, "FW-011").is_empty(), "{:#?}", common::fired(&report));
    // Five hours of silence is inside a six-hour interval.
    let report = hunt(SOURCES, &day(15));
    assert!(common::of(&report, "FW-011").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn configured_source_that_never_sent_anything_is_low() {
    let config = format!("{SOURCES}\n[sources.duo-auth]\nprovider = \"duo\"\nexpected_interval = \"1h\"\n");
    let report = hunt(&config, &day(20));
    let found = common::of(&report, "FW-011");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert_blind_spot(found[0]);
    assert_eq!(found[0].identity.id.as_str(), "source:duo-auth");
}

/// Daily Entra sign-ins for `days` days from 2026-04-01, and an optional factor
/// registration on `factor_day`.
fn entra_days(days: i64, factor_day: Option<i64>) -> String {
    let t0 = chrono::DateTime::parse_from_rfc3339("2026-04-01T09:00:00Z").unwrap();
    let mut lines: Vec<_> = (0..days)
        .map(|d| {
            let t = (t0 + chrono::Duration::days(d)).to_rfc3339();
            entra_signin(&format!("s{d}"), &t, BOB, 0, "198.51.100.21", LISBON)
        })
        .collect();
    if let Some(d) = factor_day {
        let t = (t0 + chrono::Duration::days(d) + chrono::Duration::minutes(5)).to_rfc3339();
        lines.push(entra_audit(
            "reg",
            &t,
            "User registered security info",
            "User registered Microsoft Authenticator App",
            BOB,
            BOB,
            "198.51.100.21",
        ));
    }
    ndjson(&lines)
}

#[test]
fn entra_sign_ins_for_thirty_five_days_without_any_factor_event_is_low() {
    let report = common::hunt("", &[("entra.ndjson", &entra_days(35, None))]);
    let found = common::of(&report, "FW-011");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert_blind_spot(found[0]);
    assert!(found[0].summary.contains("no factor or recovery events"), "{}", found[0].summary);
    assert_eq!(found[0].identity.provider, model::Provider::Entra);
}

#[test]
fn entra_sign_ins_with_a_factor_event_within_thirty_days_are_not_blind() {
    let report = common::hunt("", &[("entra.ndjson", &entra_days(35, Some(20)))]);
    assert!(common::of(&report, "FW-011").is_empty(), "{:#?}", common::fired(&report));
    // Three weeks of sign-ins is too short to call the audit stream missing.
    let report = common::hunt("", &[("entra.ndjson", &entra_days(21, None))]);
    assert!(common::of(&report, "FW-011").is_empty(), "{:#?}", common::fired(&report));
}

const GH_T0: i64 = 1_777_888_800_000; // 2026-05-04T10:00:00Z in ms

fn streaming(doc: &str, action: &str) -> serde_json::Value {
    let mut v = github(doc, GH_T0, action, OCTOCAT, "198.51.100.61");
    let obj = v.as_object_mut().unwrap();
    obj.remove("user");
    obj.remove("user_id");
    obj.insert("business".into(), "acme-enterprise".into());
    obj.insert("audit_log_stream_id".into(), 2222.into());
    obj.insert("audit_log_stream_sink".into(), "Splunk".into());
    v
}

#[test]
fn github_audit_log_streaming_destroyed_is_low() {
    let report =
        common::hunt("", &[("github.ndjson", &ndjson(&[streaming("gh-destroy", "audit_log_streaming.destroy")]))]);
    let found = common::of(&report, "FW-011");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    let f = found[0];
    assert_blind_spot(f);
    let ids: Vec<&str> = f.evidence.iter().map(|e| e.event_id.as_str()).collect();
    assert_eq!(ids, ["gh-destroy"]);
    assert!(f.summary.contains("octocat"), "{}", f.summary);
}

#[test]
fn github_audit_log_streaming_updated_is_not_a_blind_spot() {
    let report =
        common::hunt("", &[("github.ndjson", &ndjson(&[streaming("gh-update", "audit_log_streaming.update")]))]);
    assert!(common::of(&report, "FW-011").is_empty(), "{:#?}", common::fired(&report));
}
