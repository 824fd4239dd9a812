//! FW-007 mfa-fatigue: 5 or more push challenges to X denied, timed out or reported as fraud
//! within 10 min is high; critical when a success or a factor change follows within 1 h.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::native_lines::*;
use model::Severity;
use serde_json::json;

const ALICE: OktaUser = OktaUser { id: "00u1alicE8fx9Lq0d7", login: "alice@acme.example" };
const JSMITH: DuoUser = DuoUser { key: "DUJZ2U4L80HT45MQ4EOQ", name: "jsmith" };
const BOB: EntraUser = EntraUser { id: "8d3b1e44-0c7a-4f59-a2d6-5b9e3c1f7082", upn: "bob@contoso.com" };

const OKTA: &str = "[tenants]\nokta = \"acme.okta.com\"\n";
const ATTACKER_IP: &str = "185.220.101.4";

/// OIE push denial: `auth_via_mfa` FAILURE with `OKTA_VERIFY_PUSH` and `INVALID_CREDENTIALS`.
fn okta_oie_deny(uuid: &str, time: &str) -> serde_json::Value {
    let v = okta(uuid, time, "user.authentication.auth_via_mfa", ALICE, ATTACKER_IP, MOSCOW);
    with_outcome(with_factor(v, "OKTA_VERIFY_PUSH"), "FAILURE", "INVALID_CREDENTIALS")
}

/// Classic push denial: `user.mfa.okta_verify.deny_push`.
fn okta_classic_deny(uuid: &str, time: &str) -> serde_json::Value {
    let v = okta(uuid, time, "user.mfa.okta_verify.deny_push", ALICE, ATTACKER_IP, MOSCOW);
    with_outcome(with_factor(v, "OKTA_VERIFY_PUSH"), "FAILURE", "User rejected Okta push verify")
}

/// The push Okta sends before each prompt: a challenge issued, not approved.
fn okta_push_sent(uuid: &str, time: &str) -> serde_json::Value {
    okta(uuid, time, "system.push.send_factor_verify_push", ALICE, ATTACKER_IP, MOSCOW)
}

fn okta_push_approved(uuid: &str, time: &str) -> serde_json::Value {
    with_factor(okta(uuid, time, "user.authentication.auth_via_mfa", ALICE, ATTACKER_IP, MOSCOW), "OKTA_VERIFY_PUSH")
}

fn evidence_ids(f: &model::Finding) -> Vec<String> {
    f.evidence.iter().map(|e| e.event_id.to_string()).collect()
}

fn assert_fatigue_mappings(f: &model::Finding) {
    assert_eq!(f.mappings.attack, ["T1621"]);
    assert_eq!(f.mappings.csf, ["PR.AA-03", "DE.CM-09"]);
    assert!(f.mappings.owasp_nhi.is_empty() && f.mappings.owasp_agentic.is_empty());
}

#[test]
fn okta_five_oie_push_denials_in_four_minutes_are_high_and_pushes_sent_do_not_escalate() {
    let mut lines = Vec::new();
    for i in 0..5 {
        // Each denial follows the push Okta sent for it; the attacker keeps pushing after.
        lines.push(okta_push_sent(&format!("send{i}"), &format!("2026-05-04T10:0{i}:00Z")));
        lines.push(okta_oie_deny(&format!("deny{i}"), &format!("2026-05-04T10:0{i}:30Z")));
    }
    lines.push(okta_push_sent("send5", "2026-05-04T10:05:00Z"));
    lines.push(okta_push_sent("send6", "2026-05-04T10:06:00Z"));
    let report = common::hunt(OKTA, &[("okta.ndjson", &ndjson(&lines))]);

    let fatigue = common::of(&report, "FW-007");
    assert_eq!(fatigue.len(), 1, "{:#?}", common::fired(&report));
    let f = fatigue[0];
    assert_eq!(f.severity, Severity::High);
    assert_eq!(f.identity.id.as_str(), ALICE.id);
    assert_eq!(f.identity.name.as_deref(), Some(ALICE.login));
    assert_eq!(evidence_ids(f), ["deny0", "deny1", "deny2", "deny3", "deny4"]);
    assert_fatigue_mappings(f);
}

#[test]
fn okta_classic_push_denials_then_an_approval_twenty_minutes_later_is_critical() {
    let mut lines: Vec<_> =
        (0..5).map(|i| okta_classic_deny(&format!("deny{i}"), &format!("2026-05-04T10:0{}:00Z", i * 2))).collect();
    lines.push(okta_push_approved("approved", "2026-05-04T10:28:00Z"));
    let report = common::hunt(OKTA, &[("okta.ndjson", &ndjson(&lines))]);

    assert!(common::has(&report, "FW-007", Severity::High), "{:#?}", common::fired(&report));
    let critical: Vec<_> =
        common::of(&report, "FW-007").into_iter().filter(|f| f.severity == Severity::Critical).collect();
    assert_eq!(critical.len(), 1, "{:#?}", common::fired(&report));
    let f = critical[0];
    assert_eq!(f.identity.name.as_deref(), Some(ALICE.login));
    assert_eq!(evidence_ids(f), ["deny0", "deny1", "deny2", "deny3", "deny4", "approved"]);
    assert_fatigue_mappings(f);
}

#[test]
fn okta_push_denials_spread_over_an_hour_are_not_fatigue() {
    let lines: Vec<_> =
        (0..6).map(|i| okta_oie_deny(&format!("deny{i}"), &format!("2026-05-04T1{i}:00:00Z"))).collect();
    let report = common::hunt(OKTA, &[("okta.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-007").is_empty(), "{:#?}", common::fired(&report));
}

const DUO_T0: i64 = 1_777_888_800; // 2026-05-04T10:00:00Z

fn duo_deny(i: i64, reason: &str) -> serde_json::Value {
    duo_auth(
        &format!("duo-deny-{i}"),
        DUO_T0 + i * 60,
        JSMITH,
        "authentication",
        "denied",
        reason,
        "duo_push",
        ATTACKER_IP,
    )
}

#[test]
fn duo_push_denials_and_a_fraud_report_then_a_new_enrollment_is_critical() {
    let mut lines: Vec<_> =
        (0..4).map(|i| duo_deny(i, if i % 2 == 0 { "user_denied" } else { "no_response" })).collect();
    lines.push(duo_auth(
        "duo-fraud",
        DUO_T0 + 4 * 60,
        JSMITH,
        "authentication",
        "fraud",
        "user_marked_fraud",
        "duo_push",
        ATTACKER_IP,
    ));
    // The attacker, let in, enrolls a phone of their own 40 minutes after the burst.
    lines.push(duo_auth("duo-enroll", DUO_T0 + 44 * 60, JSMITH, "enrollment", "success", "", "duo_push", ATTACKER_IP));
    let report = common::hunt("", &[("duo.ndjson", &ndjson(&lines))]);

    let fatigue = common::of(&report, "FW-007");
    let high = fatigue.iter().find(|f| f.severity == Severity::High).expect("high finding at the fifth denial");
    assert_eq!(evidence_ids(high), ["duo-deny-0", "duo-deny-1", "duo-deny-2", "duo-deny-3", "duo-fraud"]);
    let critical = fatigue.iter().find(|f| f.severity == Severity::Critical).expect("critical after the enrollment");
    assert_eq!(critical.identity.id.as_str(), JSMITH.key);
    assert_eq!(critical.identity.name.as_deref(), Some(JSMITH.name));
    assert_eq!(evidence_ids(critical).last().map(String::as_str), Some("duo-enroll"));
    assert_eq!(critical.evidence.len(), 6);
    assert_fatigue_mappings(critical);
}

#[test]
fn duo_approval_more_than_an_hour_after_the_burst_stays_high() {
    let mut lines: Vec<_> = (0..5).map(|i| duo_deny(i, "user_denied")).collect();
    lines.push(duo_auth(
        "duo-ok",
        DUO_T0 + 70 * 60,
        JSMITH,
        "authentication",
        "success",
        "user_approved",
        "duo_push",
        "198.51.100.61",
    ));
    let report = common::hunt("", &[("duo.ndjson", &ndjson(&lines))]);
    assert_eq!(common::fired(&report), ["FW-007 high jsmith"]);
}

#[test]
fn duo_four_push_denials_are_not_fatigue() {
    let mut lines: Vec<_> = (0..4).map(|i| duo_deny(i, "user_denied")).collect();
    lines.push(duo_auth(
        "duo-ok",
        DUO_T0 + 10 * 60,
        JSMITH,
        "authentication",
        "success",
        "user_approved",
        "duo_push",
        "198.51.100.61",
    ));
    let report = common::hunt("", &[("duo.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-007").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn duo_five_mistyped_passcodes_are_not_push_fatigue() {
    // A user fumbling a code from an SMS or the app is not being push-bombed.
    let lines: Vec<_> = (0..5)
        .map(|i| {
            let factor = if i % 2 == 0 { "sms_passcode" } else { "duo_mobile_passcode" };
            duo_auth(
                &format!("duo-code-{i}"),
                DUO_T0 + i * 30,
                JSMITH,
                "authentication",
                "denied",
                "invalid_passcode",
                factor,
                "198.51.100.61",
            )
        })
        .collect();
    let report = common::hunt("", &[("duo.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-007").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn entra_five_declined_notifications_then_a_sign_in_is_critical_and_mfa_prompts_do_not_escalate() {
    let mut lines: Vec<_> = (0..5)
        .map(|i| {
            entra_signin(&format!("deny{i}"), &format!("2026-05-04T10:0{i}:00Z"), BOB, 500121, ATTACKER_IP, MOSCOW)
        })
        .collect();
    // "Strong Authentication is required": another prompt issued, not an approval.
    let mut prompt = entra_signin("prompt", "2026-05-04T10:06:00Z", BOB, 50074, ATTACKER_IP, MOSCOW);
    prompt["status"]["additionalDetails"] = json!("MFA required in Azure AD");
    lines.push(prompt);
    let report = common::hunt("", &[("entra.ndjson", &ndjson(&lines))]);
    assert_eq!(common::fired(&report), ["FW-007 high bob@contoso.com"]);

    let mut ok = entra_signin("ok", "2026-05-04T10:30:00Z", BOB, 0, ATTACKER_IP, MOSCOW);
    ok["authenticationDetails"] = json!([{"authenticationStepDateTime": "2026-05-04T10:30:00Z", "authenticationMethod": "Mobile app notification", "succeeded": true, "authenticationStepResultDetail": "MFA successfully completed", "authenticationStepRequirement": "Multifactor authentication"}]);
    lines.push(ok);
    let report = common::hunt("", &[("entra.ndjson", &ndjson(&lines))]);
    let critical: Vec<_> =
        common::of(&report, "FW-007").into_iter().filter(|f| f.severity == Severity::Critical).collect();
    assert_eq!(critical.len(), 1, "{:#?}", common::fired(&report));
    let f = critical[0];
    assert_eq!(f.identity.id.as_str(), BOB.id);
    assert_eq!(&evidence_ids(f)[..5], ["deny0", "deny1", "deny2", "deny3", "deny4"]);
    assert!(evidence_ids(f)[5].starts_with("ok"), "{:?}", evidence_ids(f));
    assert_fatigue_mappings(f);
}

#[test]
fn duo_three_denials_are_a_burst_when_the_threshold_is_set_to_three() {
    // Every window and threshold is a setting: three denials are a burst when configured so.
    let lines: Vec<_> = (0..3).map(|i| duo_deny(i, "user_denied")).collect();
    let config = "[detectors.mfa_fatigue]\nthreshold = 3\nwindow = \"5m\"\n";
    let report = common::hunt(config, &[("duo.ndjson", &ndjson(&lines))]);
    assert_eq!(common::fired(&report), ["FW-007 high jsmith"]);
}

#[test]
fn google_five_refused_prompts_then_a_login_is_critical() {
    const DAN: GoogleUser = GoogleUser { profile_id: "104857600000000000009", email: "dan@example.org" };
    let prompt = |q: &str, t: &str, status: &str| {
        let mut v = google_user(q, t, "login", "login_challenge", DAN, ATTACKER_IP);
        v["events"][0]["parameters"] = json!([
            {"name": "login_challenge_method", "value": "google_prompt"},
            {"name": "login_challenge_status", "value": status},
            {"name": "is_second_factor", "boolValue": true}
        ]);
        v
    };
    let mut lines: Vec<_> =
        (0..5).map(|i| prompt(&format!("q{i}"), &format!("2026-05-04T10:0{i}:00.000Z"), "Challenge Failed.")).collect();
    lines.push(google_user("q9", "2026-05-04T10:40:00.000Z", "login", "login_success", DAN, ATTACKER_IP));
    let report = common::hunt("", &[("google.ndjson", &ndjson(&lines))]);
    assert!(common::has(&report, "FW-007", Severity::High), "{:#?}", common::fired(&report));
    let critical: Vec<_> =
        common::of(&report, "FW-007").into_iter().filter(|f| f.severity == Severity::Critical).collect();
    assert_eq!(critical.len(), 1, "{:#?}", common::fired(&report));
    assert_eq!(critical[0].identity.id.as_str(), DAN.profile_id);
    assert_eq!(critical[0].evidence.len(), 6);
    assert_fatigue_mappings(critical[0]);
}
