//! FW-006 mfa-weakened: a stronger factor class removed while only weaker ones remain; all
//! factors reset with no re-enrollment within 24 h; or an MFA policy weakened.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod story;

use model::Severity;
use story::*;

fn okta_key_and_sms() -> Vec<String> {
    let mut lines = okta_baseline(1..=6);
    lines.push(
        okta(&t(6, 12, 0), "user.mfa.factor.activate", "bind-key")
            .enrollment("mfa-key", "Security Key")
            .factor("FIDO_WEBAUTHN")
            .line(),
    );
    lines.push(
        okta(&t(6, 12, 5), "user.mfa.factor.activate", "bind-sms")
            .enrollment("mfa-sms", "SMS")
            .factor("SMS_FACTOR")
            .line(),
    );
    lines
}

#[test]
fn okta_security_key_removed_leaving_only_sms_is_high() {
    let mut lines = okta_key_and_sms();
    lines.push(
        okta(&t(7, 10, 0), "user.mfa.factor.deactivate", "drop-key").enrollment("mfa-key", "Security Key").line(),
    );
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-006");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    let f = found[0];
    assert_eq!(f.severity, Severity::High);
    assert_eq!(f.identity.id.as_str(), "00u1alice");
    assert!(f.summary.contains("the strongest factor left is possession_weak"), "{}", f.summary);
    assert_eq!(evidence_ids(f), ["drop-key"]);
    assert_eq!(strs(&f.mappings.attack), ["T1556.006"]);
    assert_eq!(strs(&f.mappings.csf), ["PR.AA-03", "DE.CM-03"]);
}

#[test]
fn entra_fido2_key_deleted_leaving_only_sms_is_high() {
    let mut lines = entra_baseline();
    lines.push(entra_audit(&t(6, 12, 0), "fido-add", "Add FIDO2 security key").line());
    lines.push(
        entra_audit(&t(6, 12, 5), "sms-add", "User registered security info")
            .reason("User registered Mobile Phone SMS")
            .line(),
    );
    lines.push(entra_audit(&t(7, 10, 0), "fido-del", "Delete FIDO2 security key").line());
    let report = common::hunt("", &[("entra.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-006");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert_eq!(found[0].identity.id.as_str(), BOB_ID);
    assert!(
        found[0].summary.contains("FIDO2 security key factor (phishing_resistant) removed"),
        "{}",
        found[0].summary
    );
    assert_eq!(evidence_ids(found[0]), ["fido-del"]);
}

#[test]
fn okta_all_factors_reset_and_nothing_enrolled_for_a_day_is_high() {
    let mut lines = okta_key_and_sms();
    lines.push(
        okta(&t(7, 10, 0), "user.mfa.factor.reset_all", "reset-all")
            .by("00u9help", "help@acme.com")
            .on("00u1alice", "alice@acme.com")
            .line(),
    );
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-006");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert!(found[0].summary.contains("none was enrolled again within 24 h"), "{}", found[0].summary);
    assert_eq!(evidence_ids(found[0]), ["reset-all"]);
}

#[test]
fn entra_strong_auth_methods_emptied_without_reenrollment_is_high() {
    let mut lines = entra_baseline();
    lines.push(
        entra_audit(&t(7, 10, 0), "Directory_empty", "Update user")
            .by(HELPDESK_ID, HELPDESK, "198.51.100.7")
            .prop(
                "StrongAuthenticationMethod",
                r#"[{"MethodType":6,"Default":true},{"MethodType":7,"Default":false}]"#,
                "[]",
            )
            .line(),
    );
    let report = common::hunt("", &[("entra.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-006");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert_eq!(evidence_ids(found[0]), ["Directory_empty"]);
}

#[test]
fn entra_per_user_mfa_requirement_disabled_is_a_weakened_policy() {
    let line = entra_audit(&t(7, 10, 0), "Directory_req", "Update user")
        .by(HELPDESK_ID, HELPDESK, "198.51.100.7")
        .prop(
            "StrongAuthenticationRequirement",
            r#"[{"RelyingParty":"*","State":1,"RememberDevicesNotIssuedBefore":"2024-01-02T08:00:00Z"}]"#,
            r#"[{"RelyingParty":"*","State":0,"RememberDevicesNotIssuedBefore":"2024-01-02T08:00:00Z"}]"#,
        )
        .line();
    let report = common::hunt("", &[("entra.ndjson", &line)]);
    let found = common::of(&report, "FW-006");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    let f = found[0];
    assert_eq!(f.severity, Severity::High);
    assert!(f.summary.contains(&format!("for {BOB}")), "{}", f.summary);
    assert_eq!(strs(&f.mappings.attack), ["T1556.006", "T1556.009"]);
    assert_eq!(f.actor.as_ref().and_then(|a| a.name.as_deref()), Some(HELPDESK));
}

#[test]
fn okta_factor_type_turned_off_org_wide_is_a_weakened_policy() {
    let line = okta(&t(7, 10, 0), "system.mfa.factor.deactivate", "org-off")
        .by("00u9admin", "admin@acme.com")
        .target_json(r#"{"id":"fido","type":"Factor","alternateId":"unknown","displayName":"FIDO2 (WebAuthn)"}"#)
        .line();
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &line)]);
    let found = common::of(&report, "FW-006");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert!(found[0].mappings.attack.iter().any(|a| a.as_str() == "T1556.009"));
}

// ---------------------------------------------------------------- look-alikes

#[test]
fn all_factors_reset_then_reenrolled_within_the_day_is_not_weakened() {
    let mut lines = okta_key_and_sms();
    lines.push(
        okta(&t(7, 10, 0), "user.mfa.factor.reset_all", "reset-all")
            .by("00u9help", "help@acme.com")
            .on("00u1alice", "alice@acme.com")
            .line(),
    );
    lines.push(
        okta(&t(7, 10, 30), "user.mfa.factor.activate", "reenroll")
            .enrollment("mfa-new", "Okta Verify")
            .factor("OKTA_VERIFY_PUSH")
            .line(),
    );
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-006").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn removing_the_weaker_factor_while_the_key_remains_is_not_weakened() {
    let mut lines = okta_key_and_sms();
    lines.push(okta(&t(7, 10, 0), "user.mfa.factor.deactivate", "drop-sms").enrollment("mfa-sms", "SMS").line());
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-006").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn phone_replaced_in_the_same_city_is_not_weakened() {
    let mut lines = okta_key_and_sms();
    lines.push(okta(&t(7, 9, 0), "user.session.start", "normal-in").from(HOME_2).line());
    lines.push(
        okta(&t(7, 9, 10), "user.mfa.factor.update", "new-phone")
            .enrollment("mfa-sms", "SMS")
            .factor("SMS_FACTOR")
            .from(HOME_2)
            .line(),
    );
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-006").is_empty(), "{:#?}", common::fired(&report));
}
