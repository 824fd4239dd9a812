//! FW-002 enroll-after-risky-signin: a factor or recovery method bound within 2 h after a
//! risky sign-in (or MFA fatigue) of the same identity; critical when it is privileged.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod story;

use model::Severity;
use story::*;

fn okta_risky_then_bind(minutes_after: u32) -> Vec<String> {
    let mut lines = okta_baseline(1..=6);
    lines.push(okta(&t(7, 10, 0), "user.session.start", "risky-in").from(EVIL).line());
    let (h, m) = (10 + minutes_after / 60, minutes_after % 60);
    lines.push(
        okta(&t(7, h, m), "user.mfa.factor.activate", "bind-after")
            .enrollment("mfa-evil", "Okta Verify")
            .from(EVIL)
            .line(),
    );
    lines
}

#[test]
fn okta_factor_bound_twenty_minutes_after_a_signin_from_a_never_seen_country_is_high() {
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&okta_risky_then_bind(20)))]);
    let found = common::of(&report, "FW-002");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    let f = found[0];
    assert_eq!(f.severity, Severity::High);
    assert_eq!(f.identity.id.as_str(), "00u1alice");
    assert!(f.summary.contains("20 min after a risky sign-in"), "{}", f.summary);
    assert!(f.summary.contains("never seen"), "{}", f.summary);
    assert_eq!(evidence_ids(f), ["risky-in", "bind-after"]);
    assert_eq!(strs(&f.mappings.attack), ["T1098.005", "T1556.006", "T1078.004"]);
    assert_eq!(strs(&f.mappings.csf), ["PR.AA-02", "DE.CM-03", "DE.AE-02"]);
}

#[test]
fn okta_factor_bound_after_a_risky_signin_of_a_privileged_admin_is_critical() {
    let config = format!("{OKTA_TENANT}[identities]\nprivileged = [\"alice@acme.com\"]\n");
    let report = common::hunt(&config, &[("okta.ndjson", &ndjson(&okta_risky_then_bind(20)))]);
    assert!(common::has(&report, "FW-002", Severity::Critical), "{:#?}", common::fired(&report));
    assert!(!common::has(&report, "FW-002", Severity::High));
}

#[test]
fn okta_factor_bound_three_hours_after_the_risky_signin_is_outside_the_window() {
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&okta_risky_then_bind(180)))]);
    assert!(common::of(&report, "FW-002").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn okta_factor_bound_after_mfa_fatigue_is_high() {
    let mut lines = okta_baseline(1..=6);
    for i in 0..5 {
        lines.push(
            okta(&t(7, 10, i), "user.authentication.auth_via_mfa", &format!("deny{i}"))
                .factor("OKTA_VERIFY_PUSH")
                .reason("INVALID_CREDENTIALS")
                .failed()
                .line(),
        );
    }
    lines.push(
        okta(&t(7, 10, 30), "user.mfa.factor.activate", "bind-fatigue").enrollment("mfa-x", "Okta Verify").line(),
    );
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-002");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert!(found[0].summary.contains("MFA fatigue"), "{}", found[0].summary);
}

#[test]
fn entra_security_info_registered_after_a_high_risk_signin_is_high() {
    let mut lines = entra_baseline();
    lines.push(entra_signin(&t(7, 10, 0), "risky-signin").from(MOSCOW).risk("high").line());
    lines.push(
        entra_audit(&t(7, 10, 30), "SSGM_after_risk", "User registered security info")
            .reason("User registered Microsoft Authenticator App")
            .by(BOB_ID, BOB, "203.0.113.99")
            .line(),
    );
    let report = common::hunt("", &[("entra.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-002");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    let f = found[0];
    assert_eq!(f.severity, Severity::High);
    assert_eq!(f.identity.id.as_str(), BOB_ID);
    assert!(f.summary.contains("Microsoft Authenticator App factor (app)"), "{}", f.summary);
    assert_eq!(evidence_ids(f)[1], "SSGM_after_risk");
    assert!(evidence_ids(f)[0].starts_with("risky-signin"), "{:?}", evidence_ids(f));
}

#[test]
fn entra_recovery_method_saved_after_a_risky_signin_is_high() {
    let mut lines = entra_baseline();
    lines.push(entra_signin(&t(7, 10, 0), "risky-signin").from(MOSCOW).line());
    lines.push(
        entra_audit(&t(7, 11, 0), "SSPR_after_risk", "Security info saved for self-service password reset").line(),
    );
    let report = common::hunt("", &[("entra.ndjson", &ndjson(&lines))]);
    assert_eq!(common::fired(&report), [format!("FW-002 high {BOB}")]);
}

// ---------------------------------------------------------------- look-alikes

#[test]
fn new_hires_first_enrollment_from_a_new_place_is_not_fw002() {
    // A brand-new account: two sign-ins ever, then its first factor, from a country never
    // seen (there is no baseline to compare with yet).
    let lines = vec![
        okta(&t(7, 8, 0), "user.session.start", "hire-in1").by("00u5new", "newhire@acme.com").from(EVIL).line(),
        okta(&t(7, 8, 5), "user.session.start", "hire-in2").by("00u5new", "newhire@acme.com").from(EVIL).line(),
        okta(&t(7, 8, 10), "user.mfa.factor.activate", "hire-bind")
            .by("00u5new", "newhire@acme.com")
            .enrollment("mfa-new", "Okta Verify")
            .from(EVIL)
            .line(),
    ];
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-002").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn phone_replaced_in_the_same_city_after_a_normal_signin_is_not_fw002() {
    let mut lines = okta_baseline(1..=6);
    lines.push(okta(&t(7, 9, 0), "user.session.start", "normal-in").from(HOME_2).line());
    lines.push(
        okta(&t(7, 9, 10), "user.mfa.factor.update", "new-phone")
            .enrollment("sms-1", "SMS_FACTOR")
            .factor("SMS_FACTOR")
            .from(HOME_2)
            .line(),
    );
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-002").is_empty(), "{:#?}", common::fired(&report));

    let mut entra = entra_baseline();
    entra.push(entra_signin(&t(7, 9, 0), "normal-signin").line());
    entra.push(
        entra_audit(&t(7, 9, 10), "SSGM_new_phone", "User updated security info")
            .reason("User updated Mobile Phone SMS")
            .line(),
    );
    let report = common::hunt("", &[("entra.ndjson", &ndjson(&entra))]);
    assert!(common::of(&report, "FW-002").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn traveller_behind_the_corporate_vpn_enrolling_is_not_fw002() {
    // Paris today, but through the corporate VPN egress: neither travel nor a new country.
    let config = format!("{OKTA_TENANT}[networks]\nvpn_egress = [\"192.0.2.0/24\"]\n");
    let mut lines = okta_baseline(1..=6);
    lines.push(okta(&t(6, 11, 0), "user.session.start", "vpn-in").from(PARIS).line());
    lines.push(
        okta(&t(6, 11, 20), "user.mfa.factor.activate", "vpn-bind")
            .enrollment("mfa-travel", "Okta Verify")
            .from(PARIS)
            .line(),
    );
    let report = common::hunt(&config, &[("okta.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-002").is_empty(), "{:#?}", common::fired(&report));
    assert!(common::of(&report, "FW-008").is_empty(), "{:#?}", common::fired(&report));
    // Without the VPN list, the same story is a finding.
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&lines))]);
    assert!(common::has(&report, "FW-002", Severity::High), "{:#?}", common::fired(&report));
}

#[test]
fn entra_trusted_named_location_signin_does_not_make_the_enrollment_risky() {
    let mut lines = entra_baseline();
    lines.push(entra_signin(&t(7, 10, 0), "hq-signin").from(MOSCOW).trusted().line());
    lines.push(
        entra_audit(&t(7, 10, 30), "SSGM_hq", "User registered security info")
            .reason("User registered Microsoft Authenticator App")
            .line(),
    );
    let report = common::hunt("", &[("entra.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-002").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn microsoft_service_initiated_registration_after_a_risky_signin_is_not_fw002() {
    let mut lines = entra_baseline();
    lines.push(entra_signin(&t(7, 10, 0), "risky-signin").from(MOSCOW).risk("high").line());
    lines.push(
        entra_audit(&t(7, 10, 20), "SSGM_service", "User registered security info")
            .reason("User registered Microsoft Authenticator App")
            .by_mfa_service()
            .line(),
    );
    let report = common::hunt("", &[("entra.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-002").is_empty(), "{:#?}", common::fired(&report));
    assert!(common::of(&report, "FW-004").is_empty(), "{:#?}", common::fired(&report));
}
