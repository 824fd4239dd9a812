//! Factors bound before the first log line, learned from their use: a successful sign-in
//! or challenge that names a factor makes it bound ("seen in use since T"), so that removing
//! the strongest of them (FW-006), stripping a privileged identity's only one (FW-004 and
//! FW-006) or a reset that leaves one first used from a new device (FW-003) are seen. Native
//! lines per provider that logs factor use, in the shapes of /work/shared/samples; and the
//! look-alikes that must stay quiet (a phone replaced by its owner, a security key swapped).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod story;

use model::{RemediationAction, Severity};
use story::*;

const HELP: (&str, &str) = ("00u9help", "help@acme.com");

// ---------------------------------------------------------------- Okta

/// Alice signs in from home each day and answers a challenge with the factor the day names.
fn okta_days_using(days: std::ops::RangeInclusive<u32>, enrollment: (&str, &str, &str)) -> Vec<String> {
    let (id, name, kind) = enrollment;
    let mut lines = Vec::new();
    for d in days {
        lines.push(okta(&t(d, 9, 0), "user.session.start", &format!("start-{id}-{d}")).line());
        lines.push(
            okta(&t(d, 9, 1), "user.authentication.auth_via_mfa", &format!("mfa-{id}-{d}"))
                .enrollment(id, name)
                .factor(kind)
                .line(),
        );
    }
    lines
}

const OKTA_KEY: (&str, &str, &str) = ("pfd-key1", "Security Key or Biometric", "FIDO_WEBAUTHN");
const OKTA_SMS: (&str, &str, &str) = ("sms-1", "Phone", "SMS_FACTOR");
const OKTA_OV: (&str, &str, &str) = ("pfd-ov1", "Okta Verify", "OKTA_VERIFY_PUSH");

/// A security key and SMS, both bound before the logs begin, used May 1-6.
fn okta_key_and_sms_seen_in_use() -> Vec<String> {
    let mut lines = okta_days_using(1..=3, OKTA_KEY);
    lines.extend(okta_days_using(4..=6, OKTA_SMS));
    lines
}

#[test]
fn okta_strongest_factor_seen_only_in_use_removed_leaving_sms_gives_fw_006() {
    let mut lines = okta_key_and_sms_seen_in_use();
    lines.push(
        okta(&t(7, 10, 0), "user.mfa.factor.deactivate", "drop-key")
            .enrollment("pfd-key1", "Security Key or Biometric")
            .line(),
    );
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-006");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    let f = found[0];
    assert_eq!(f.severity, Severity::High);
    assert_eq!(f.identity.id.as_str(), "00u1alice");
    assert!(f.summary.contains("the strongest factor left is possession_weak"), "{}", f.summary);
    assert_eq!(evidence_ids(f), ["drop-key"]);
}

#[test]
fn okta_factors_never_seen_bound_or_used_give_no_fw_006_on_removal() {
    // Without the uses, nothing says what else alice holds: no weakening can be shown.
    let mut lines = okta_baseline(1..=6);
    lines.push(
        okta(&t(7, 10, 0), "user.mfa.factor.deactivate", "drop-key")
            .enrollment("pfd-key1", "Security Key or Biometric")
            .line(),
    );
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-006").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn okta_help_desk_strips_a_privileged_identitys_only_factor_and_sets_its_password_gives_fw_004_and_fw_006() {
    let config = format!("{OKTA_TENANT}[identities]\nprivileged = [\"alice@acme.com\"]\n");
    let mut lines = okta_days_using(1..=6, OKTA_OV);
    lines.push(
        okta(&t(7, 10, 0), "user.mfa.factor.deactivate", "strip-ov")
            .by(HELP.0, HELP.1)
            .on("00u1alice", "alice@acme.com")
            .enrollment("pfd-ov1", "Okta Verify")
            .from(HELPDESK_DESK)
            .line(),
    );
    lines.push(
        okta(&t(7, 10, 5), "user.account.reset_password", "set-pw")
            .by(HELP.0, HELP.1)
            .on("00u1alice", "alice@acme.com")
            .from(HELPDESK_DESK)
            .line(),
    );
    let report = common::hunt(&config, &[("okta.ndjson", &ndjson(&lines))]);
    let fw004 = common::of(&report, "FW-004");
    assert_eq!(fw004.len(), 1, "{:#?}", common::fired(&report));
    assert!(fw004[0].severity >= Severity::High, "{:?}", fw004[0].severity);
    assert_eq!(fw004[0].identity.tier, 0);
    let fw006 = common::of(&report, "FW-006");
    assert_eq!(fw006.len(), 1, "{:#?}", common::fired(&report));
    assert!(fw006[0].summary.contains("the last factor of alice@acme.com was removed"), "{}", fw006[0].summary);
    assert_eq!(evidence_ids(fw006[0]), ["strip-ov"]);
}

#[test]
fn okta_only_factor_removed_and_reenrolled_within_the_day_gives_no_fw_006() {
    let mut lines = okta_days_using(1..=6, OKTA_OV);
    lines.push(okta(&t(7, 10, 0), "user.mfa.factor.deactivate", "drop-ov").enrollment("pfd-ov1", "Okta Verify").line());
    lines.push(
        okta(&t(7, 15, 0), "user.mfa.factor.activate", "new-ov")
            .enrollment("pfd-ov2", "Okta Verify")
            .factor("OKTA_VERIFY_PUSH")
            .line(),
    );
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-006").is_empty(), "{:#?}", common::fired(&report));
}

/// Alice's own Okta Verify in use from home May 1-6; on May 7 a sign-in from a new device
/// in Moscow answers a challenge with an Okta Verify enrollment never seen before; the help
/// desk resets alice's password at noon.
fn okta_new_factor_from_new_device_then_reset() -> Vec<String> {
    let mut lines = okta_days_using(1..=6, OKTA_OV);
    lines.push(okta(&t(7, 10, 0), "user.session.start", "evil-start").from(EVIL).line());
    lines.push(
        okta(&t(7, 10, 1), "user.authentication.auth_via_mfa", "evil-mfa")
            .enrollment("pfd-evil", "Okta Verify")
            .factor("OKTA_VERIFY_PUSH")
            .from(EVIL)
            .line(),
    );
    lines.push(
        okta(&t(7, 12, 0), "user.account.reset_password", "reset1")
            .by(HELP.0, HELP.1)
            .on("00u1alice", "alice@acme.com")
            .from(HELPDESK_DESK)
            .line(),
    );
    lines
}

#[test]
fn okta_reset_while_a_factor_seen_in_use_from_a_new_device_survives_gives_fw_003() {
    let lines = okta_new_factor_from_new_device_then_reset();
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-003");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    let f = found[0];
    assert_eq!(f.severity, Severity::High);
    assert_eq!(evidence_ids(f), ["reset1", "evil-mfa"]);
    for part in
        ["1 factor(s)", "[pfd-evil]", "seen in use since 2026-05-07 10:01 UTC", "outside the identity's baseline"]
    {
        assert!(f.summary.contains(part), "`{part}` missing from: {}", f.summary);
    }
    // The plan removes it by the id the provider's API takes.
    assert!(
        f.remediation.iter().any(|s| s.action == RemediationAction::RemoveFactor && s.detail.contains("pfd-evil")),
        "{:#?}",
        f.remediation
    );
}

#[test]
fn okta_factor_seen_in_use_that_survived_a_reset_used_again_is_critical() {
    let mut lines = okta_new_factor_from_new_device_then_reset();
    lines.push(
        okta(&t(8, 3, 0), "user.authentication.auth_via_mfa", "evil-again")
            .enrollment("pfd-evil", "Okta Verify")
            .factor("OKTA_VERIFY_PUSH")
            .from(EVIL)
            .line(),
    );
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&lines))]);
    assert!(common::has(&report, "FW-003", Severity::Critical), "{:#?}", common::fired(&report));
}

#[test]
fn okta_reset_while_only_the_owners_familiar_factor_is_bound_gives_no_fw_003() {
    let mut lines = okta_days_using(1..=6, OKTA_OV);
    lines.push(
        okta(&t(7, 12, 0), "user.account.reset_password", "reset1")
            .by(HELP.0, HELP.1)
            .on("00u1alice", "alice@acme.com")
            .from(HELPDESK_DESK)
            .line(),
    );
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-003").is_empty(), "{:#?}", common::fired(&report));
}

// Look-alikes.

#[test]
fn okta_phone_replaced_by_its_owner_remove_then_add_gives_no_fw_006() {
    let mut lines = okta_days_using(1..=3, OKTA_OV);
    lines.extend(okta_days_using(4..=6, OKTA_SMS));
    lines.push(
        okta(&t(7, 10, 0), "user.mfa.factor.deactivate", "old-phone").enrollment("pfd-ov1", "Okta Verify").line(),
    );
    lines.push(
        okta(&t(7, 10, 20), "user.mfa.factor.activate", "new-phone")
            .enrollment("pfd-ov2", "Okta Verify")
            .factor("OKTA_VERIFY_PUSH")
            .line(),
    );
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&lines))]);
    assert!(common::fired(&report).is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn okta_security_key_swapped_for_another_gives_no_fw_006() {
    let mut lines = okta_key_and_sms_seen_in_use();
    lines.push(
        okta(&t(7, 10, 0), "user.mfa.factor.deactivate", "old-key")
            .enrollment("pfd-key1", "Security Key or Biometric")
            .line(),
    );
    lines.push(
        okta(&t(7, 10, 4), "user.mfa.factor.activate", "new-key")
            .enrollment("pfd-key2", "Security Key or Biometric")
            .factor("FIDO_WEBAUTHN")
            .line(),
    );
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&lines))]);
    assert!(common::fired(&report).is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn okta_key_removed_and_only_a_weaker_factor_added_within_the_grace_still_gives_fw_006() {
    let mut lines = okta_key_and_sms_seen_in_use();
    lines.push(
        okta(&t(7, 10, 0), "user.mfa.factor.deactivate", "drop-key")
            .enrollment("pfd-key1", "Security Key or Biometric")
            .line(),
    );
    lines.push(
        okta(&t(7, 10, 4), "user.mfa.factor.activate", "add-sms")
            .enrollment("sms-2", "Phone")
            .factor("SMS_FACTOR")
            .line(),
    );
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-006");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert_eq!(evidence_ids(found[0]), ["drop-key"]);
}

#[test]
fn okta_push_sent_then_answered_is_one_factor_not_two() {
    // The push names only the kind; the answer names the enrollment. If they were two
    // factors, removing the enrollment would leave a phantom push factor as strong as it.
    let mut lines = okta_days_using(4..=6, OKTA_SMS);
    lines.push(okta(&t(6, 17, 0), "system.push.send_factor_verify_push", "push-sent").line());
    lines.push(
        okta(&t(6, 17, 1), "user.authentication.auth_via_mfa", "push-ok")
            .enrollment("pfd-ov1", "Okta Verify")
            .factor("OKTA_VERIFY_PUSH")
            .line(),
    );
    lines.push(okta(&t(7, 10, 0), "user.mfa.factor.deactivate", "drop-ov").enrollment("pfd-ov1", "Okta Verify").line());
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-006");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert!(found[0].summary.contains("the strongest factor left is possession_weak"), "{}", found[0].summary);
}

// ---------------------------------------------------------------- Microsoft Entra ID

/// Bob signs in from Seattle with `method` as his second factor on each day.
fn entra_days_using(days: std::ops::RangeInclusive<u32>, method: &str) -> Vec<String> {
    days.map(|d| entra_signin(&t(d, 8, 0), &format!("si-{}-{d}", method.replace(' ', "-"))).mfa(method).line())
        .collect()
}

#[test]
fn entra_fido2_key_seen_only_in_sign_ins_deleted_leaving_text_message_gives_fw_006() {
    let mut lines = entra_days_using(1..=3, "FIDO2 security key");
    lines.extend(entra_days_using(4..=6, "Text message"));
    lines.push(entra_audit(&t(7, 10, 0), "fido-del", "Delete FIDO2 security key").line());
    let report = common::hunt("", &[("entra.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-006");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert_eq!(found[0].identity.id.as_str(), BOB_ID);
    assert!(found[0].summary.contains("the strongest factor left is possession_weak"), "{}", found[0].summary);
    assert_eq!(evidence_ids(found[0]), ["fido-del"]);
}

#[test]
fn entra_help_desk_deletes_a_privileged_users_only_method_and_resets_the_password_gives_fw_004_and_fw_006() {
    let config = format!("[identities]\nprivileged = [\"{BOB}\"]\n");
    let mut lines = entra_days_using(1..=6, "Text message");
    lines.push(
        entra_audit(&t(7, 10, 0), "sms-strip", "Admin deleted security info")
            .reason("Admin deleted Mobile Phone SMS")
            .by(HELPDESK_ID, HELPDESK, "198.51.100.7")
            .line(),
    );
    lines.push(
        entra_audit(&t(7, 10, 3), "pw-set", "Reset password (by admin)")
            .by(HELPDESK_ID, HELPDESK, "198.51.100.7")
            .line(),
    );
    let report = common::hunt(&config, &[("entra.ndjson", &ndjson(&lines))]);
    let fw004 = common::of(&report, "FW-004");
    assert_eq!(fw004.len(), 1, "{:#?}", common::fired(&report));
    assert!(fw004[0].severity >= Severity::High, "{:?}", fw004[0].severity);
    let fw006 = common::of(&report, "FW-006");
    assert_eq!(fw006.len(), 1, "{:#?}", common::fired(&report));
    assert_eq!(evidence_ids(fw006[0]), ["sms-strip"]);
}

#[test]
fn entra_reset_while_an_app_first_used_from_moscow_survives_gives_fw_003_then_critical_on_use() {
    let mut lines = entra_days_using(1..=6, "Text message");
    lines.push(entra_signin(&t(7, 10, 0), "si-moscow").from(MOSCOW).mfa("Mobile app notification").line());
    lines.push(
        entra_audit(&t(7, 12, 0), "pw-reset", "Reset password (by admin)")
            .by(HELPDESK_ID, HELPDESK, "198.51.100.7")
            .line(),
    );
    let report = common::hunt("", &[("entra.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-003");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert_eq!(found[0].severity, Severity::High);
    assert!(found[0].summary.contains("Mobile app notification (app) seen in use since"), "{}", found[0].summary);

    lines.push(entra_signin(&t(8, 3, 0), "si-moscow-2").from(MOSCOW).mfa("Mobile app notification").line());
    let report = common::hunt("", &[("entra.ndjson", &ndjson(&lines))]);
    assert!(common::has(&report, "FW-003", Severity::Critical), "{:#?}", common::fired(&report));
}

#[test]
fn entra_authenticator_replaced_by_its_owner_gives_no_fw_006() {
    let mut lines = entra_days_using(1..=3, "Mobile app notification");
    lines.extend(entra_days_using(4..=6, "Text message"));
    lines.push(
        entra_audit(&t(7, 10, 0), "app-del", "User deleted security info")
            .reason("User deleted Microsoft Authenticator App")
            .line(),
    );
    lines.push(
        entra_audit(&t(7, 10, 25), "app-add", "User registered security info")
            .reason("User registered Microsoft Authenticator App")
            .line(),
    );
    let report = common::hunt("", &[("entra.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-006").is_empty(), "{:#?}", common::fired(&report));
}

// ---------------------------------------------------------------- AWS CloudTrail

const U2F: &str = "arn:aws:iam::111122223333:u2f/user/alice/default-AAAAAAAABBBBBBBBCCCCCCCCDD";
const VIRTUAL: &str = "arn:aws:iam::111122223333:mfa/alice-phone";
const DAVE: (&str, &str) = ("AIDADAVEEXAMPLE000001", "dave");
const DAVE_MFA: &str = "arn:aws:iam::111122223333:mfa/dave-phone";

/// A console sign-in with MFA, shaped like the CloudTrail user guide's example.
fn console_login(time: &str, id: &str, who: (&str, &str), mfa: &str) -> String {
    let (pid, user) = who;
    format!(
        r#"{{"eventVersion":"1.05","userIdentity":{{"type":"IAMUser","principalId":"{pid}","arn":"arn:aws:iam::{AWS_ACCOUNT}:user/{user}","accountId":"{AWS_ACCOUNT}","userName":"{user}"}},"eventTime":"{time}","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.23","userAgent":"Mozilla/5.0","requestParameters":null,"responseElements":{{"ConsoleLogin":"Success"}},"additionalEventData":{{"LoginTo":"https://console.aws.amazon.com/console/home","MobileVersion":"No","MFAIdentifier":"{mfa}","MFAUsed":"Yes"}},"eventID":"{id}","eventType":"AwsConsoleSignIn","recipientAccountId":"{AWS_ACCOUNT}"}}"#
    )
}

fn deactivate(time: &str, id: &str, by: (&str, &str), user: &str, serial: &str) -> String {
    let params = format!(r#"{{"userName":"{user}","serialNumber":"{serial}"}}"#);
    aws(time, id, "iam.amazonaws.com", "DeactivateMFADevice", by, &params, "null")
}

#[test]
fn aws_u2f_key_seen_in_console_logins_deactivated_leaving_a_virtual_device_gives_fw_006() {
    let mut lines: Vec<String> =
        (1..=3).map(|d| console_login(&t(d, 9, 0), &format!("cl-u2f-{d}"), AWS_ALICE, U2F)).collect();
    lines.extend((4..=6).map(|d| console_login(&t(d, 9, 0), &format!("cl-virt-{d}"), AWS_ALICE, VIRTUAL)));
    lines.push(deactivate(&t(7, 10, 0), "ev-drop-u2f", AWS_ALICE, "alice", U2F));
    let report = common::hunt("", &[("cloudtrail.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-006");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert!(found[0].summary.contains("the strongest factor left is app"), "{}", found[0].summary);
    assert_eq!(evidence_ids(found[0]), ["ev-drop-u2f"]);
}

#[test]
fn aws_admin_deactivates_a_privileged_users_only_device_and_sets_its_password_gives_fw_004_and_fw_006() {
    let config = "[identities]\nprivileged = [\"aws:dave\"]\n";
    let mut lines: Vec<String> =
        (1..=6).map(|d| console_login(&t(d, 9, 0), &format!("cl-dave-{d}"), DAVE, DAVE_MFA)).collect();
    lines.push(deactivate(&t(7, 10, 0), "ev-strip", AWS_ADMIN, "dave", DAVE_MFA));
    lines.push(aws(
        &t(7, 10, 2),
        "ev-pw",
        "iam.amazonaws.com",
        "UpdateLoginProfile",
        AWS_ADMIN,
        r#"{"userName":"dave","passwordResetRequired":false}"#,
        "null",
    ));
    let report = common::hunt(config, &[("cloudtrail.ndjson", &ndjson(&lines))]);
    let fw004 = common::of(&report, "FW-004");
    assert_eq!(fw004.len(), 1, "{:#?}", common::fired(&report));
    assert!(fw004[0].severity >= Severity::High, "{:?}", fw004[0].severity);
    let fw006 = common::of(&report, "FW-006");
    assert_eq!(fw006.len(), 1, "{:#?}", common::fired(&report));
    assert_eq!(evidence_ids(fw006[0]), ["ev-strip"]);
}

// ---------------------------------------------------------------- Google Workspace

fn gws_login(time: &str, uq: &str, who: (&str, &str), method: &str) -> String {
    let params = format!(
        r#"[{{"name":"login_type","value":"google_password"}},{{"name":"login_challenge_method","multiValue":["password","{method}"]}},{{"name":"is_suspicious","boolValue":false}}]"#
    );
    gws(time, uq, "login", who, "login_success", &params)
}

fn gws_on_user(time: &str, uq: &str, name: &str, user: &str) -> String {
    gws(time, uq, "admin", GWS_ADMIN, name, &format!(r#"[{{"name":"USER_EMAIL","value":"{user}"}}]"#))
}

#[test]
fn google_security_key_seen_in_logins_revoked_leaving_a_phone_gives_fw_006() {
    let mut lines: Vec<String> =
        (1..=3).map(|d| gws_login(&t(d, 9, 0), &format!("key-{d}"), GWS_BOB, "security_key")).collect();
    lines.extend((4..=6).map(|d| gws_login(&t(d, 9, 0), &format!("phone-{d}"), GWS_BOB, "idv_preregistered_phone")));
    lines.push(gws_on_user(&t(7, 10, 0), "revoke-key", "REVOKE_SECURITY_KEY", GWS_BOB.0));
    let report = common::hunt("", &[("google.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-006");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert_eq!(found[0].identity.id.as_str(), GWS_BOB.1);
    assert!(found[0].summary.contains("the strongest factor left is possession_weak"), "{}", found[0].summary);
}

#[test]
fn google_admin_revokes_a_privileged_users_only_key_and_changes_the_password_gives_fw_004_and_fw_006() {
    let config = format!("[identities]\nprivileged = [\"{}\"]\n", GWS_BOB.0);
    let mut lines: Vec<String> =
        (1..=6).map(|d| gws_login(&t(d, 9, 0), &format!("key-{d}"), GWS_BOB, "security_key")).collect();
    lines.push(gws_on_user(&t(7, 10, 0), "revoke-key", "REVOKE_SECURITY_KEY", GWS_BOB.0));
    lines.push(gws_on_user(&t(7, 10, 1), "set-pw", "CHANGE_PASSWORD", GWS_BOB.0));
    let report = common::hunt(&config, &[("google.ndjson", &ndjson(&lines))]);
    let fw004 = common::of(&report, "FW-004");
    assert_eq!(fw004.len(), 1, "{:#?}", common::fired(&report));
    assert!(fw004[0].severity >= Severity::High, "{:?}", fw004[0].severity);
    assert_eq!(common::of(&report, "FW-006").len(), 1, "{:#?}", common::fired(&report));
}

// ------------------------------------------- a reset while a factor first used from afar survives

#[test]
fn aws_password_set_while_an_mfa_device_first_used_from_a_new_country_survives_gives_fw_003() {
    const NEW_DEVICE: &str = "arn:aws:iam::111122223333:mfa/alice-other";
    let mut lines: Vec<String> =
        (1..=6).map(|d| console_login(&t(d, 9, 0), &format!("cl-home-{d}"), AWS_ALICE, VIRTUAL)).collect();
    // From Paris, with a device never seen before; then an administrator sets her password.
    lines.push(console_login(&t(7, 10, 0), "cl-paris", AWS_ALICE, NEW_DEVICE).replace("198.51.100.23", "192.0.2.77"));
    lines.push(aws(
        &t(7, 12, 0),
        "ev-pw",
        "iam.amazonaws.com",
        "UpdateLoginProfile",
        AWS_ADMIN,
        r#"{"userName":"alice","passwordResetRequired":false}"#,
        "null",
    ));
    let report = common::hunt(&common::geoip_config(), &[("cloudtrail.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-003");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    let f = found[0];
    assert!(f.summary.contains(NEW_DEVICE), "{}", f.summary);
    assert!(f.summary.contains("seen in use since 2026-05-07 10:00 UTC"), "{}", f.summary);
    assert_eq!(evidence_ids(f), ["ev-pw", "cl-paris"]);

    // The same reset with only her usual device bound: nothing survived.
    let familiar: Vec<String> = lines.iter().filter(|l| !l.contains("cl-paris")).cloned().collect();
    let report = common::hunt(&common::geoip_config(), &[("cloudtrail.ndjson", &ndjson(&familiar))]);
    assert!(common::of(&report, "FW-003").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn google_password_changed_by_an_admin_while_an_authenticator_first_used_from_a_new_country_survives_gives_fw_003() {
    let mut lines: Vec<String> =
        (1..=6).map(|d| gws_login(&t(d, 9, 0), &format!("home-{d}"), GWS_BOB, "idv_preregistered_phone")).collect();
    lines
        .push(gws_login(&t(7, 10, 0), "paris", GWS_BOB, "google_authenticator").replace("198.51.100.40", "192.0.2.77"));
    lines.push(gws_on_user(&t(7, 12, 0), "set-pw", "CHANGE_PASSWORD", GWS_BOB.0));
    let report = common::hunt(&common::geoip_config(), &[("google.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-003");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert!(found[0].summary.contains("google_authenticator"), "{}", found[0].summary);
    assert!(found[0].summary.contains("first used from outside the identity's baseline"), "{}", found[0].summary);
}
