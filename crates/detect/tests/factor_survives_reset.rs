//! FW-003 factor-survives-reset: a factor bound in the 14 days before a password reset or
//! session revocation, from outside the baseline or by someone else, still bound an hour
//! after it; critical once the identity authenticates with it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod story;

use model::Severity;
use story::*;

const OKTA_CONFIG: &str =
    "[tenants]\nokta = \"acme.okta.com\"\n[identities]\nallowed_delegates = [\"help@acme.com\"]\n";
const ENTRA_CONFIG: &str = "[identities]\nallowed_delegates = [\"helpdesk@contoso.com\"]\n";

/// Alice's baseline; mallory (not an allowed delegate) binds Okta Verify to alice from
/// Moscow on May 7; the help desk resets alice's password on May 8.
fn okta_bound_by_mallory_then_reset() -> Vec<String> {
    let mut lines = okta_baseline(1..=6);
    lines.push(
        okta(&t(7, 10, 0), "user.mfa.factor.activate", "bind-evil")
            .by("00u7mallory", "mallory@acme.com")
            .on("00u1alice", "alice@acme.com")
            .enrollment("mfa-evil", "Okta Verify")
            .from(EVIL)
            .line(),
    );
    lines.push(
        okta(&t(8, 9, 0), "user.account.reset_password", "reset1")
            .by("00u9help", "help@acme.com")
            .on("00u1alice", "alice@acme.com")
            .from(HELPDESK_DESK)
            .line(),
    );
    lines
}

#[test]
fn okta_factor_bound_by_unlisted_delegate_survives_help_desk_reset_and_is_named_with_its_binding_context() {
    let report = common::hunt(OKTA_CONFIG, &[("okta.ndjson", &ndjson(&okta_bound_by_mallory_then_reset()))]);
    let found = common::of(&report, "FW-003");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    let f = found[0];
    assert_eq!(f.severity, Severity::High);
    assert_eq!(f.identity.id.as_str(), "00u1alice");
    assert_eq!(f.identity.name.as_deref(), Some("alice@acme.com"));
    // The factor, when, where and by whom it was bound.
    for part in [
        "password reset at 2026-05-08 09:00 UTC",
        "Okta Verify (app) [mfa-evil]",
        "bound 2026-05-07 10:00 UTC",
        "from 203.0.113.66 (Russia)",
        "on device `dev-evil`",
        "by mallory@acme.com (delegated)",
    ] {
        assert!(f.summary.contains(part), "`{part}` missing from: {}", f.summary);
    }
    assert_eq!(evidence_ids(f), ["reset1", "bind-evil"]);
    assert_eq!(strs(&f.mappings.attack), ["T1098.005", "T1556.006"]);
    assert_eq!(strs(&f.mappings.csf), ["PR.AA-01", "DE.CM-03"]);
    // The binding itself was delegated by someone off the list.
    assert!(common::has(&report, "FW-004", Severity::Critical));
}

#[test]
fn okta_later_signin_with_the_surviving_factor_raises_fw003_to_critical() {
    let mut lines = okta_bound_by_mallory_then_reset();
    lines.push(
        okta(&t(9, 3, 0), "user.authentication.auth_via_mfa", "use-evil")
            .enrollment("mfa-evil", "Okta Verify")
            .factor("OKTA_VERIFY_PUSH")
            .from(EVIL)
            .line(),
    );
    let report = common::hunt(OKTA_CONFIG, &[("okta.ndjson", &ndjson(&lines))]);
    let fired = common::fired(&report);
    assert!(fired.contains(&"FW-003 high alice@acme.com".to_string()), "{fired:#?}");
    let critical: Vec<_> =
        common::of(&report, "FW-003").into_iter().filter(|f| f.severity == Severity::Critical).collect();
    assert_eq!(critical.len(), 1, "{fired:#?}");
    let c = critical[0];
    assert_eq!(evidence_ids(c), ["reset1", "bind-evil", "use-evil"]);
    assert!(c.summary.contains("by mallory@acme.com (delegated)"), "{}", c.summary);
    assert!(c.summary.contains("bound 2026-05-07 10:00 UTC from 203.0.113.66 (Russia)"), "{}", c.summary);
}

#[test]
fn okta_session_revocation_also_leaves_the_factor_bound() {
    let mut lines = okta_bound_by_mallory_then_reset();
    lines.pop();
    lines.push(
        okta(&t(8, 9, 0), "user.session.clear", "clear1")
            .by("00u9help", "help@acme.com")
            .on("00u1alice", "alice@acme.com")
            .from(HELPDESK_DESK)
            .line(),
    );
    let report = common::hunt(OKTA_CONFIG, &[("okta.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-003");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert!(found[0].summary.contains("survived the session revocation"), "{}", found[0].summary);
    assert_eq!(evidence_ids(found[0]), ["clear1", "bind-evil"]);
}

#[test]
fn okta_factor_bound_from_a_foreign_network_after_impossible_travel_is_flagged_and_survives() {
    let mut lines = okta_baseline(1..=6);
    lines.push(okta(&t(7, 9, 30), "user.session.start", "evil-in").from(EVIL).line());
    lines.push(
        okta(&t(7, 9, 50), "user.mfa.factor.activate", "self-bind")
            .enrollment("mfa-2", "Google Authenticator")
            .factor("token:software:totp")
            .from(EVIL)
            .line(),
    );
    lines.push(
        okta(&t(8, 9, 0), "user.account.reset_password", "reset2")
            .by("00u9help", "help@acme.com")
            .on("00u1alice", "alice@acme.com")
            .from(HELPDESK_DESK)
            .line(),
    );
    let report = common::hunt(OKTA_CONFIG, &[("okta.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-003");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    let s = &found[0].summary;
    assert!(
        s.contains("token:software:totp (app) [mfa-2] bound 2026-05-07 09:50 UTC from 203.0.113.66 (Russia)"),
        "{s}"
    );
    assert!(s.contains("by alice@acme.com (self-service), flagged by FW-002"), "{s}");
}

#[test]
fn okta_factor_removed_before_the_grace_period_ends_is_not_reported() {
    let mut lines = okta_bound_by_mallory_then_reset();
    lines.push(
        okta(&t(8, 9, 30), "user.mfa.factor.deactivate", "unbind-evil").enrollment("mfa-evil", "Okta Verify").line(),
    );
    let report = common::hunt(OKTA_CONFIG, &[("okta.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-003").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn okta_factor_removed_only_after_the_grace_period_still_survived_the_reset() {
    let mut lines = okta_bound_by_mallory_then_reset();
    lines.push(
        okta(&t(8, 10, 30), "user.mfa.factor.deactivate", "unbind-late").enrollment("mfa-evil", "Okta Verify").line(),
    );
    let report = common::hunt(OKTA_CONFIG, &[("okta.ndjson", &ndjson(&lines))]);
    assert!(common::has(&report, "FW-003", Severity::High), "{:#?}", common::fired(&report));
}

#[test]
fn okta_self_service_reset_from_a_known_device_after_a_home_enrollment_is_quiet() {
    let mut lines = okta_baseline(1..=6);
    lines
        .push(okta(&t(6, 12, 0), "user.mfa.factor.activate", "home-bind").enrollment("mfa-home", "Okta Verify").line());
    lines.push(okta(&t(7, 9, 0), "user.account.reset_password", "self-reset").on("00u1alice", "alice@acme.com").line());
    lines.push(
        okta(&t(7, 9, 5), "user.authentication.auth_via_mfa", "home-use")
            .enrollment("mfa-home", "Okta Verify")
            .factor("OKTA_VERIFY_PUSH")
            .line(),
    );
    let report = common::hunt(OKTA_CONFIG, &[("okta.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-003").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn okta_routine_help_desk_reset_with_no_recent_factor_change_is_quiet() {
    // The help desk set alice up on May 2; her password is reset routinely on May 20.
    let mut lines = okta_baseline(1..=6);
    lines.insert(
        0,
        okta(&t(1, 8, 0), "user.mfa.factor.activate", "setup")
            .by("00u9help", "help@acme.com")
            .on("00u1alice", "alice@acme.com")
            .enrollment("mfa-setup", "Okta Verify")
            .from(HELPDESK_DESK)
            .line(),
    );
    for uuid in ["routine1", "routine2"] {
        let day = if uuid == "routine1" { 20 } else { 27 };
        lines.push(
            okta(&t(day, 9, 0), "user.account.reset_password", uuid)
                .by("00u9help", "help@acme.com")
                .on("00u1alice", "alice@acme.com")
                .from(HELPDESK_DESK)
                .line(),
        );
    }
    let report = common::hunt(OKTA_CONFIG, &[("okta.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-003").is_empty(), "{:#?}", common::fired(&report));
}

// ---------------------------------------------------------------- Entra

/// Bob's baseline; mallory (not an allowed delegate) registers SMS for bob from
/// 203.0.113.99 on May 7; the help desk resets bob's password on May 8.
fn entra_admin_registered_then_reset() -> Vec<String> {
    let mut lines = entra_baseline();
    lines.push(
        entra_audit(&t(7, 10, 0), "SSGM_bind_evil", "Admin registered security info")
            .reason("Admin registered Mobile Phone SMS")
            .by(MALLORY_ID, MALLORY, "203.0.113.99")
            .line(),
    );
    lines.push(
        entra_audit(&t(8, 9, 0), "SSPR_reset_1", "Reset password (by admin)")
            .by(HELPDESK_ID, HELPDESK, "198.51.100.7")
            .line(),
    );
    lines
}

#[test]
fn entra_admin_registered_sms_survives_admin_reset_and_the_sms_signin_makes_it_critical() {
    let mut lines = entra_admin_registered_then_reset();
    // The sign-in names the method as `Text message`, without an id: matched by family.
    lines.push(entra_signin(&t(9, 3, 0), "signin-evil").from(MOSCOW).mfa("Text message").line());
    let report = common::hunt(ENTRA_CONFIG, &[("entra.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-003");
    let high: Vec<_> = found.iter().filter(|f| f.severity == Severity::High).collect();
    let critical: Vec<_> = found.iter().filter(|f| f.severity == Severity::Critical).collect();
    assert_eq!((high.len(), critical.len()), (1, 1), "{:#?}", common::fired(&report));
    let h = high[0];
    assert_eq!(h.identity.id.as_str(), BOB_ID);
    assert_eq!(h.identity.tenant.as_str(), ENTRA_TENANT);
    for part in [
        "password reset at 2026-05-08 09:00 UTC",
        "Mobile Phone SMS (possession_weak)",
        "bound 2026-05-07 10:00 UTC",
        "from 203.0.113.99",
        "by mallory@contoso.com (delegated)",
    ] {
        assert!(h.summary.contains(part), "`{part}` missing from: {}", h.summary);
    }
    assert_eq!(evidence_ids(h), ["SSPR_reset_1", "SSGM_bind_evil"]);
    assert_eq!(strs(&h.mappings.attack), ["T1098.005", "T1556.006"]);
    assert_eq!(strs(&h.mappings.csf), ["PR.AA-01", "DE.CM-03"]);
    let c = critical[0];
    assert_eq!(evidence_ids(c), ["SSPR_reset_1", "SSGM_bind_evil", "signin-evil"]);
    assert!(c.summary.contains("authenticated with Mobile Phone SMS (possession_weak)"), "{}", c.summary);
    assert!(c.summary.contains("by mallory@contoso.com (delegated)"), "{}", c.summary);
}

#[test]
fn entra_update_user_strong_auth_phone_by_unlisted_delegate_survives_and_sms_use_is_critical() {
    let mut lines = entra_baseline();
    lines.push(
        entra_audit(&t(7, 10, 0), "Directory_bind_phone", "Update user")
            .by(MALLORY_ID, MALLORY, "203.0.113.99")
            .prop("StrongAuthenticationMethod", r#"[{"MethodType":6,"Default":true}]"#, r#"[{"MethodType":6,"Default":true},{"MethodType":7,"Default":false}]"#)
            .prop(
                "StrongAuthenticationUserDetails",
                r#"[{"PhoneNumber":null,"AlternativePhoneNumber":null,"Email":null,"VoiceOnlyPhoneNumber":null}]"#,
                r#"[{"PhoneNumber":"+44 7700900123","AlternativePhoneNumber":null,"Email":null,"VoiceOnlyPhoneNumber":null}]"#,
            )
            .line(),
    );
    lines.push(
        entra_audit(&t(8, 9, 0), "Directory_reset_1", "Reset password (by admin)")
            .by(HELPDESK_ID, HELPDESK, "198.51.100.7")
            .line(),
    );
    // A push sign-in is not the phone: still only high.
    lines.push(entra_signin(&t(8, 20, 0), "signin-push").mfa("Mobile app notification").line());
    let report = common::hunt(ENTRA_CONFIG, &[("entra.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-003");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    let h = found[0];
    assert_eq!(h.severity, Severity::High);
    assert!(h.summary.contains("2 factor(s)"), "{}", h.summary);
    assert!(
        h.summary.contains("Phone (possession_weak) bound 2026-05-07 10:00 UTC from 203.0.113.99"),
        "{}",
        h.summary
    );
    assert!(h.summary.contains("by mallory@contoso.com (delegated)"), "{}", h.summary);

    lines.push(entra_signin(&t(9, 3, 0), "signin-sms").from(MOSCOW).mfa("Text message").line());
    let report = common::hunt(ENTRA_CONFIG, &[("entra.ndjson", &ndjson(&lines))]);
    let critical: Vec<_> =
        common::of(&report, "FW-003").into_iter().filter(|f| f.severity == Severity::Critical).collect();
    assert_eq!(critical.len(), 1, "{:#?}", common::fired(&report));
    assert_eq!(evidence_ids(critical[0])[2], "signin-sms");
    assert!(critical[0].summary.contains("authenticated with Phone (possession_weak)"), "{}", critical[0].summary);
}

#[test]
fn entra_sms_signin_is_not_pinned_on_the_survivor_when_another_sms_factor_was_bound_before() {
    let mut lines = entra_baseline();
    // Bob's own phone, registered from his usual address long before.
    lines.insert(
        0,
        entra_audit(&t(1, 7, 0), "SSGM_own_sms", "User registered security info")
            .reason("User registered Mobile Phone SMS")
            .line(),
    );
    lines.extend(entra_admin_registered_then_reset().into_iter().skip(6));
    lines.push(entra_signin(&t(9, 3, 0), "signin-ambiguous").mfa("Text message").line());
    let report = common::hunt(ENTRA_CONFIG, &[("entra.ndjson", &ndjson(&lines))]);
    assert!(common::has(&report, "FW-003", Severity::High), "{:#?}", common::fired(&report));
    assert!(!common::has(&report, "FW-003", Severity::Critical), "{:#?}", common::fired(&report));
}

#[test]
fn entra_factor_deleted_before_the_grace_period_ends_is_not_reported() {
    let mut lines = entra_admin_registered_then_reset();
    lines.push(
        entra_audit(&t(8, 9, 20), "SSGM_delete", "User deleted security info")
            .reason("User deleted Mobile Phone SMS")
            .line(),
    );
    let report = common::hunt(ENTRA_CONFIG, &[("entra.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-003").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn entra_self_service_reset_from_a_known_address_after_own_registration_is_quiet() {
    let mut lines = entra_baseline();
    lines.push(
        entra_audit(&t(6, 12, 0), "SSGM_own_app", "User registered security info")
            .reason("User registered Microsoft Authenticator App")
            .line(),
    );
    lines.push(entra_audit(&t(7, 9, 0), "SSPR_self", "Reset password (self-service)").line());
    lines.push(entra_signin(&t(7, 9, 5), "signin-after").mfa("Mobile app notification").line());
    let report = common::hunt(ENTRA_CONFIG, &[("entra.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-003").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn entra_routine_help_desk_reset_with_no_recent_factor_change_is_quiet() {
    let mut lines = entra_baseline();
    lines.push(
        entra_audit(&t(8, 9, 0), "SSPR_routine", "Reset password (by admin)")
            .by(HELPDESK_ID, HELPDESK, "198.51.100.7")
            .line(),
    );
    let report = common::hunt(ENTRA_CONFIG, &[("entra.ndjson", &ndjson(&lines))]);
    assert!(report.findings.is_empty(), "{:#?}", common::fired(&report));
}

// ---- AWS: the target user is named only by `userName`; its own events carry the id --------

fn aws_console_login(time: &str, id: &str, mfa_serial: &str) -> String {
    aws(time, id, "signin.amazonaws.com", "ConsoleLogin", AWS_ALICE, "null", r#"{"ConsoleLogin":"Success"}"#).replace(
        r#""eventType":"AwsApiCall""#,
        &format!(
            r#""additionalEventData":{{"MFAUsed":"Yes","MFAIdentifier":"{mfa_serial}"}},"eventType":"AwsConsoleSignIn""#
        ),
    )
}

#[test]
fn aws_mfa_device_bound_by_an_unlisted_admin_survives_the_login_profile_reset_and_its_use_is_critical() {
    let serial = "arn:aws:iam::111122223333:mfa/backdoor";
    let lines = vec![
        aws_console_login(&t(1, 9, 0), "login-1", "arn:aws:iam::111122223333:mfa/alice-phone"),
        aws(
            &t(7, 10, 0),
            "bind-1",
            "iam.amazonaws.com",
            "EnableMFADevice",
            AWS_ADMIN,
            &format!(r#"{{"userName":"alice","serialNumber":"{serial}"}}"#),
            "null",
        ),
        aws(
            &t(8, 9, 0),
            "reset-1",
            "iam.amazonaws.com",
            "UpdateLoginProfile",
            AWS_ADMIN,
            r#"{"userName":"alice","passwordResetRequired":true}"#,
            "null",
        ),
        aws_console_login(&t(9, 3, 0), "login-2", serial),
    ];
    let config = "[identities]\nallowed_delegates = [\"help@acme.com\"]\n";
    let report = common::hunt(config, &[("cloudtrail.ndjson", &ndjson(&lines))]);
    let survived = common::of(&report, "FW-003");
    assert_eq!(survived.len(), 2, "{:#?}", common::fired(&report));
    // One identity throughout: the admin's changes named `alice`, her sign-ins her principal id.
    assert!(survived.iter().all(|f| f.identity.id == AWS_ALICE.0), "{survived:#?}");
    let high = survived.iter().find(|f| f.severity == Severity::High).unwrap();
    assert!(high.summary.contains("mfa/backdoor") && high.summary.contains("ops-admin"), "{}", high.summary);
    let critical = survived.iter().find(|f| f.severity == Severity::Critical).unwrap();
    assert_eq!(evidence_ids(critical), ["reset-1", "bind-1", "login-2"]);
}
