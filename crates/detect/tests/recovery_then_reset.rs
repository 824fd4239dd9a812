//! FW-009 recovery-then-reset: a `recovery_change` on X followed within 24 h by a
//! `password_reset` or account recovery of X is high; T1111 is added when the recovery
//! channel is a phone or email. (Okta's System Log has no recovery-method event in
//! docs/events.md §1, so the stories use Google, Entra and GitHub.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::native_lines::*;
use model::Severity;

const CAROL: GoogleUser = GoogleUser { profile_id: "104857600000000000002", email: "carol@example.org" };
const IT_ADMIN: GoogleUser = GoogleUser { profile_id: "104857600000000000001", email: "it-admin@example.org" };
const BOB: EntraUser = EntraUser { id: "8d3b1e44-0c7a-4f59-a2d6-5b9e3c1f7082", upn: "bob@contoso.com" };
const HELPDESK: EntraUser = EntraUser { id: "c41a7e95-3d2b-4e8f-b610-7a5d9c2e1f33", upn: "helpdesk@contoso.com" };
const OCTOCAT: GitHubUser = GitHubUser { id: 583231, login: "octocat" };

fn evidence_ids(f: &model::Finding) -> Vec<String> {
    f.evidence.iter().map(|e| e.event_id.to_string()).collect()
}

fn only_fw009(report: &detect::Report) -> &model::Finding {
    let found = common::of(report, "FW-009");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(report));
    found[0]
}

#[test]
fn google_recovery_phone_replaced_then_admin_password_reset_is_high_with_t1111() {
    // Carol's recovery phone is replaced from an unfamiliar network, then the help desk,
    // talked to on the phone, resets her password by her email address.
    let lines = [
        google_user("q1", "2026-05-04T08:00:00.000Z", "user_accounts", "recovery_phone_edit", CAROL, "185.220.101.4"),
        google_admin("q2", "2026-05-04T15:00:00.000Z", "CHANGE_PASSWORD", IT_ADMIN, CAROL.email, "203.0.113.10"),
    ];
    let report = common::hunt("", &[("google.ndjson", &ndjson(&lines))]);
    let f = only_fw009(&report);
    assert_eq!(f.severity, Severity::High);
    assert_eq!(f.identity.id.as_str(), CAROL.profile_id);
    assert_eq!(f.identity.name.as_deref(), Some(CAROL.email));
    assert_eq!(f.actor.as_ref().and_then(|a| a.name.as_deref()), Some(IT_ADMIN.email));
    let ids = evidence_ids(f);
    assert_eq!(ids.len(), 2);
    assert!(ids[0].contains("q1") && ids[1].contains("q2"), "{ids:?}");
    assert_eq!(f.mappings.attack, ["T1098", "T1111"]);
    assert_eq!(f.mappings.csf, ["PR.AA-01", "PR.AA-02", "DE.AE-02"]);
}

#[test]
fn google_recovery_phone_then_own_password_change_is_not_a_reset() {
    // Knowing the old password and changing it is not recovery.
    let lines = [
        google_user("q1", "2026-05-04T08:00:00.000Z", "user_accounts", "recovery_phone_edit", CAROL, "198.51.100.40"),
        google_user("q2", "2026-05-04T08:05:00.000Z", "user_accounts", "password_edit", CAROL, "198.51.100.40"),
    ];
    let report = common::hunt("", &[("google.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-009").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn google_admin_reset_twenty_five_hours_after_the_recovery_change_is_not_fw009() {
    let lines = [
        google_user("q1", "2026-05-04T08:00:00.000Z", "user_accounts", "recovery_phone_edit", CAROL, "198.51.100.40"),
        google_admin("q2", "2026-05-05T09:00:00.000Z", "CHANGE_PASSWORD", IT_ADMIN, CAROL.email, "203.0.113.10"),
    ];
    let report = common::hunt("", &[("google.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-009").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn entra_sspr_method_saved_then_self_service_reset_is_high_without_t1111() {
    let lines = [
        entra_audit(
            "sspr-info",
            "2026-05-04T10:00:00.0000000Z",
            "Security info saved for self-service password reset",
            "",
            BOB,
            BOB,
            "185.220.101.4",
        ),
        entra_audit(
            "sspr-reset",
            "2026-05-04T22:00:00.0000000Z",
            "Reset password (self-service)",
            "Successfully completed reset.",
            BOB,
            BOB,
            "185.220.101.4",
        ),
    ];
    let report = common::hunt("", &[("entra.ndjson", &ndjson(&lines))]);
    let f = only_fw009(&report);
    assert_eq!(f.severity, Severity::High);
    assert_eq!(f.identity.id.as_str(), BOB.id);
    assert_eq!(f.identity.name.as_deref(), Some(BOB.upn));
    assert_eq!(evidence_ids(f), ["sspr-info", "sspr-reset"]);
    // The record does not say which channel was saved: no T1111.
    assert_eq!(f.mappings.attack, ["T1098"]);
    assert_eq!(f.mappings.csf, ["PR.AA-01", "PR.AA-02", "DE.AE-02"]);
}

#[test]
fn entra_self_service_reset_from_a_known_device_with_no_recovery_change_is_quiet() {
    let mut lines: Vec<_> = (1..=6)
        .map(|d| entra_signin(&format!("s{d}"), &format!("2026-05-0{d}T09:00:00Z"), BOB, 0, "198.51.100.21", LISBON))
        .collect();
    lines.push(entra_audit(
        "sspr-reset",
        "2026-05-06T09:30:00.0000000Z",
        "Reset password (self-service)",
        "Successfully completed reset.",
        BOB,
        BOB,
        "198.51.100.21",
    ));
    let report = common::hunt("", &[("entra.ndjson", &ndjson(&lines))]);
    assert!(common::fired(&report).is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn entra_routine_help_desk_resets_on_users_with_no_recent_factor_change_are_quiet() {
    let users = [
        BOB,
        EntraUser { id: "2f7c9a10-5b8e-4d21-9c3a-1e6f0b4d7a21", upn: "alice@contoso.com" },
        EntraUser { id: "7e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b", upn: "dave@contoso.com" },
    ];
    let lines: Vec<_> = users
        .iter()
        .enumerate()
        .map(|(i, u)| {
            entra_audit(
                &format!("reset{i}"),
                &format!("2026-05-04T1{i}:00:00.0000000Z"),
                "Reset password (by admin)",
                "",
                HELPDESK,
                *u,
                "198.51.100.7",
            )
        })
        .collect();
    let report = common::hunt("", &[("entra.ndjson", &ndjson(&lines))]);
    assert!(common::fired(&report).is_empty(), "{:#?}", common::fired(&report));
}

const GH_T0: i64 = 1_777_888_800_000; // 2026-05-04T10:00:00Z in ms

#[test]
fn github_email_added_then_password_reset_is_high_with_t1111() {
    let lines = [
        github("gh-email", GH_T0, "user.add_email", OCTOCAT, "185.220.101.4"),
        github("gh-reset", GH_T0 + 2 * 3_600_000, "user.reset_password", OCTOCAT, "185.220.101.4"),
    ];
    let report = common::hunt("", &[("github.ndjson", &ndjson(&lines))]);
    let f = only_fw009(&report);
    assert_eq!(f.severity, Severity::High);
    assert_eq!(f.identity.name.as_deref(), Some(OCTOCAT.login));
    assert_eq!(evidence_ids(f), ["gh-email", "gh-reset"]);
    assert_eq!(f.mappings.attack, ["T1098", "T1111"]);
}

#[test]
fn github_email_added_then_two_factor_account_recovery_is_high() {
    // Account recovery counts like a password reset: the new address got the account back.
    let lines = [
        github("gh-email", GH_T0, "user.add_email", OCTOCAT, "185.220.101.4"),
        github("gh-recover", GH_T0 + 20 * 3_600_000, "two_factor_account_recovery.complete", OCTOCAT, "185.220.101.4"),
    ];
    let report = common::hunt("", &[("github.ndjson", &ndjson(&lines))]);
    let f = only_fw009(&report);
    assert_eq!(f.severity, Severity::High);
    assert_eq!(evidence_ids(f), ["gh-email", "gh-recover"]);
    assert_eq!(f.mappings.attack, ["T1098", "T1111"]);
}

#[test]
fn github_recovery_codes_regenerated_then_reset_is_high_without_t1111() {
    let lines = [
        github("gh-codes", GH_T0, "two_factor_authentication.recovery_codes_regenerated", OCTOCAT, "185.220.101.4"),
        github("gh-reset", GH_T0 + 3_600_000, "user.reset_password", OCTOCAT, "185.220.101.4"),
    ];
    let report = common::hunt("", &[("github.ndjson", &ndjson(&lines))]);
    let f = only_fw009(&report);
    assert_eq!(f.mappings.attack, ["T1098"]);
}

#[test]
fn github_two_factor_disabled_after_an_email_change_is_not_account_recovery() {
    // Turning 2FA off is a factor reset by the signed-in user, not a recovery of the account.
    let lines = [
        github("gh-email", GH_T0, "user.add_email", OCTOCAT, "198.51.100.50"),
        github("gh-off", GH_T0 + 3_600_000, "two_factor_authentication.disabled", OCTOCAT, "198.51.100.50"),
    ];
    let report = common::hunt("", &[("github.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-009").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn google_admin_replaces_recovery_phone_then_resets_password_is_high_on_the_known_user() {
    // Both admin events name Carol by email only; she is known by her profile id from her
    // own sign-in, and the finding lands on that identity.
    let lines = [
        google_user("q0", "2026-05-04T07:00:00.000Z", "login", "login_success", CAROL, "198.51.100.40"),
        google_admin("q1", "2026-05-04T08:00:00.000Z", "CHANGE_RECOVERY_PHONE", IT_ADMIN, CAROL.email, "185.220.101.4"),
        google_admin("q2", "2026-05-04T09:00:00.000Z", "CHANGE_PASSWORD", IT_ADMIN, CAROL.email, "185.220.101.4"),
    ];
    let report = common::hunt("", &[("google.ndjson", &ndjson(&lines))]);
    let f = only_fw009(&report);
    assert_eq!(f.severity, Severity::High);
    assert_eq!(f.identity.id.as_str(), CAROL.profile_id);
    assert_eq!(f.mappings.attack, ["T1098", "T1111"]);
}
