//! FW-005 enroll-then-credential-issue: a factor change on X, then within 24 h X issues or
//! rotates a secret, grants a role or adds an owner: critical.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod story;

use model::Severity;
use story::*;

fn okta_bind_then_token(token_day: u32, token_hour: u32) -> Vec<String> {
    let mut lines = okta_baseline(1..=6);
    lines.push(okta(&t(7, 10, 0), "user.mfa.factor.activate", "bind").enrollment("mfa-1", "Okta Verify").line());
    lines.push(
        okta(&t(token_day, token_hour, 0), "system.api_token.create", "token")
            .target_json(r#"{"id":"00T1tok","type":"Token","alternateId":"unknown","displayName":"ci-sync"}"#)
            .line(),
    );
    lines
}

#[test]
fn okta_api_token_created_three_hours_after_a_factor_bind_is_critical_with_nhi_mappings() {
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&okta_bind_then_token(7, 13)))]);
    let found = common::of(&report, "FW-005");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    let f = found[0];
    assert_eq!(f.severity, Severity::Critical);
    assert_eq!(f.identity.id.as_str(), "00u1alice");
    assert!(f.summary.contains("issued a secret"), "{}", f.summary);
    assert!(f.summary.contains("3.0 h after a factor change"), "{}", f.summary);
    assert_eq!(evidence_ids(f), ["bind", "token"]);
    assert_eq!(strs(&f.mappings.attack), ["T1556.006", "T1098.001"]);
    assert_eq!(strs(&f.mappings.owasp_nhi), ["NHI7:2025", "NHI10:2025"]);
    assert_eq!(strs(&f.mappings.csf), ["PR.AA-01", "PR.AA-05", "DE.AE-02", "DE.AE-04"]);
}

#[test]
fn okta_admin_role_granted_after_a_factor_bind_adds_the_cloud_roles_technique() {
    let mut lines = okta_baseline(1..=6);
    lines.push(okta(&t(7, 10, 0), "user.mfa.factor.activate", "bind").enrollment("mfa-1", "Okta Verify").line());
    lines.push(
        okta(&t(7, 11, 0), "user.account.privilege.grant", "grant")
            .on("00u7mallory", "mallory@acme.com")
            .line()
            .replace(r#""dtHash":"dev-home""#, r#""dtHash":"dev-home","privilegeGranted":"Super administrator""#),
    );
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-005");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert_eq!(found[0].identity.id.as_str(), "00u1alice");
    assert!(found[0].summary.contains("granted a role"), "{}", found[0].summary);
    assert_eq!(strs(&found[0].mappings.attack), ["T1556.006", "T1098.001", "T1098.003"]);
}

#[test]
fn aws_access_key_created_for_a_service_user_after_enabling_an_mfa_device_is_critical() {
    let lines = [
        aws(
            &t(7, 10, 0),
            "ev-enable",
            "iam.amazonaws.com",
            "EnableMFADevice",
            AWS_ALICE,
            r#"{"serialNumber":"arn:aws:iam::111122223333:mfa/alice-phone"}"#,
            "null",
        ),
        aws(
            &t(7, 12, 0),
            "ev-key",
            "iam.amazonaws.com",
            "CreateAccessKey",
            AWS_ALICE,
            r#"{"userName":"svc-deploy"}"#,
            r#"{"accessKey":{"accessKeyId":"AKIASVCDEPLOYEXAMPLE","status":"Active","userName":"svc-deploy","createDate":"May 7, 2026, 12:00:00 PM"}}"#,
        ),
    ];
    let report = common::hunt("", &[("cloudtrail.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-005");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert_eq!(found[0].severity, Severity::Critical);
    assert_eq!(found[0].identity.id.as_str(), AWS_ALICE.0);
    assert_eq!(evidence_ids(found[0]), ["ev-enable", "ev-key"]);
}

#[test]
fn google_admin_privilege_granted_after_own_2sv_enrollment_is_critical() {
    let lines = [
        gws(&t(7, 10, 0), "1001", "user_accounts", GWS_BOB, "2sv_enroll", "[]"),
        gws(
            &t(7, 10, 45),
            "1002",
            "admin",
            GWS_BOB,
            "GRANT_ADMIN_PRIVILEGE",
            r#"[{"name":"USER_EMAIL","value":"mallory@example.org"},{"name":"ROLE_NAME","value":"_SEED_ADMIN_ROLE"}]"#,
        ),
    ];
    let report = common::hunt("", &[("google.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-005");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert_eq!(found[0].identity.name.as_deref(), Some(GWS_BOB.0));
    assert!(found[0].mappings.attack.iter().any(|a| a.as_str() == "T1098.003"));
}

// ---------------------------------------------------------------- look-alikes

#[test]
fn api_token_created_a_day_and_a_half_after_the_factor_change_is_not_fw005() {
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&okta_bind_then_token(8, 22)))]);
    assert!(common::of(&report, "FW-005").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn api_token_without_any_factor_change_is_not_fw005() {
    let mut lines = okta_baseline(1..=6);
    lines.push(
        okta(&t(7, 13, 0), "system.api_token.create", "token")
            .target_json(r#"{"id":"00T1tok","type":"Token","alternateId":"unknown","displayName":"ci-sync"}"#)
            .line(),
    );
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-005").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn help_desk_binding_a_users_factor_then_issuing_its_own_token_is_not_fw005_for_either() {
    // The factor change was on alice; the token is the help desk's: different identities.
    let mut lines = vec![
        okta(&t(7, 10, 0), "user.mfa.factor.activate", "help-bind")
            .by("00u9help", "help@acme.com")
            .on("00u1alice", "alice@acme.com")
            .enrollment("mfa-1", "Okta Verify")
            .line(),
    ];
    lines.push(
        okta(&t(7, 11, 0), "system.api_token.create", "help-token")
            .by("00u9help", "help@acme.com")
            .target_json(r#"{"id":"00T2tok","type":"Token","alternateId":"unknown","displayName":"helpdesk"}"#)
            .line(),
    );
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-005").is_empty(), "{:#?}", common::fired(&report));
}
