//! Google Workspace Reports API: the shared samples and hand-written fixtures from docs/events.md §5.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::{
    assert_clean, brief, check_briefs as briefs, counts, fixture, kind_and_class as factor, on_line, only, sample,
};
use model::{ActorRelation, Category, FactorClass, Outcome, PrincipalKind, Tag};

const FOO: &str = "actor=foo@bar.com target=foo@bar.com ip=67.43.156.13 country=-";

#[test]
fn gws_login_samples_map_sign_ins_challenges_and_risk_warnings() {
    let (events, tally) = sample("elastic-integrations/google_workspace/gws_login.ndjson");
    assert_clean(&tally);
    assert_eq!(tally.records, 17);
    assert_eq!(counts(&tally), "signin_success=2 mfa_challenge=2 mfa_deny=1 risk_signal=11 other=1");
    assert_eq!(tally.not_relevant_total(), 1);
    let warned = "actor=foo@bar.com target=foo@elastic.co ip=67.43.156.13 country=-";
    let mut expected: Vec<(u64, String)> = (1..=8).map(|l| (l, format!("risk_signal {warned}"))).collect();
    expected.extend([
        (9, format!("risk_signal {FOO}")),
        (10, format!("mfa_deny {FOO}")),
        (11, format!("mfa_challenge {FOO}")),
        (12, format!("other {FOO}")),
        (14, format!("signin_success {FOO}")),
        (16, format!("risk_signal {FOO}")),
        (
            17,
            "mfa_challenge actor=tl.zeous.daclitan@company.com target=tl.zeous.daclitan@company.com ip=81.2.69.144 country=-"
                .into(),
        ),
    ]);
    for (line, want) in &expected {
        assert_eq!(brief(only(&events, *line)), *want, "line {line}");
    }
    // The suspicious sign-in is also Google's risk verdict.
    let both: Vec<String> = on_line(&events, 15).iter().map(|e| brief(e)).collect();
    assert_eq!(both, [format!("signin_success {FOO}"), format!("risk_signal {FOO}")]);
}

#[test]
fn gws_suspicious_login_subject_is_the_affected_address_and_google_is_the_actor_relation() {
    let (events, _) = sample("elastic-integrations/google_workspace/gws_login.ndjson");
    let e = only(&events, 2);
    assert_eq!(e.category, Category::RiskSignal);
    assert_eq!(e.subject().unwrap().name.as_deref(), Some("foo@elastic.co"));
    assert_eq!(e.relation, ActorRelation::System);
    assert_eq!(e.risk.markers, ["suspicious_login"]);
    assert_eq!(e.tenant, "1");
    assert_eq!(e.id, "1/login/2020-10-02T15:00:00Z/1/0/suspicious_login");
}

#[test]
fn gws_login_failure_with_a_backup_code_is_mfa_deny() {
    let (events, _) = sample("elastic-integrations/google_workspace/gws_login.ndjson");
    let e = only(&events, 10);
    assert_eq!(e.outcome, Outcome::Failure);
    assert_eq!(factor(e), (Some("backup_code"), FactorClass::PossessionWeak));
    assert_eq!(e.reason.as_deref(), Some("login_failure_access_code_disallowed"));
}

#[test]
fn gws_login_verification_not_second_factor_is_other_and_multivalue_security_key_is_phishing_resistant() {
    let (events, _) = sample("elastic-integrations/google_workspace/gws_login.ndjson");
    assert_eq!(only(&events, 12).category, Category::Other);
    let e = only(&events, 17);
    assert_eq!(factor(e), (Some("security_key"), FactorClass::PhishingResistant));
    assert_eq!(e.actor.as_ref().unwrap().id.as_deref(), Some("111111111"));
    assert_eq!(e.tenant, "123");
}

#[test]
fn gws_user_accounts_samples_map_2sv_password_and_recovery_changes() {
    let (events, tally) = sample("elastic-integrations/google_workspace/gws_user_accounts.ndjson");
    assert_clean(&tally);
    assert_eq!(counts(&tally), "factor_add=2 factor_remove=1 factor_reset=1 recovery_change=3 password_change=1");
    assert_eq!(tally.not_relevant_total(), 1);
    briefs(
        &events,
        &[
            (1, &format!("factor_reset {FOO}")),
            (2, &format!("factor_add {FOO}")),
            (3, &format!("password_change {FOO}")),
            (4, &format!("recovery_change {FOO}")),
            (5, &format!("recovery_change {FOO}")),
            (6, &format!("recovery_change {FOO}")),
            (7, &format!("factor_add {FOO}")),
            (8, &format!("factor_remove {FOO}")),
        ],
    );
    for line in 1..=8 {
        assert_eq!(only(&events, line).relation, ActorRelation::SelfService, "line {line}");
    }
    assert_eq!(factor(only(&events, 7)), (Some("titanium"), FactorClass::PhishingResistant));
}

#[test]
fn gws_admin_enrolling_another_user_in_2sv_is_delegated_factor_add() {
    let (events, tally) = fixture("google/admin.ndjson");
    assert_clean(&tally);
    assert_eq!(
        counts(&tally),
        "factor_add=2 factor_remove=1 factor_reset=1 password_reset=1 session_revoke=1 role_grant=2 policy_weaken=2"
    );
    let e = only(&events, 1);
    assert_eq!(brief(e), "factor_add actor=it-admin@example.org target=bob@example.org ip=203.0.113.10 country=-");
    assert_eq!(e.relation, ActorRelation::Delegated);
    assert_eq!(factor(e), (Some("2sv"), FactorClass::Unknown));
    assert_eq!(e.tenant, "C03az79cb");
}

#[test]
fn gws_admin_security_key_add_revoke_and_2sv_off_are_delegated() {
    let (events, _) = fixture("google/admin.ndjson");
    let key = only(&events, 2);
    assert_eq!(brief(key), "factor_add actor=it-admin@example.org target=bob@example.org ip=203.0.113.10 country=-");
    assert_eq!(factor(key), (Some("security_key"), FactorClass::PhishingResistant));
    let off = only(&events, 3);
    assert_eq!(off.category, Category::FactorReset);
    assert_eq!(off.relation, ActorRelation::Delegated);
    let revoke = only(&events, 4);
    assert_eq!(revoke.category, Category::FactorRemove);
    assert_eq!(factor(revoke), (Some("security_key"), FactorClass::PhishingResistant));
}

#[test]
fn gws_one_activity_with_two_events_yields_two_events_with_distinct_ids() {
    let (events, _) = fixture("google/admin.ndjson");
    let both = on_line(&events, 5);
    let got: Vec<String> = both.iter().map(|e| brief(e)).collect();
    assert_eq!(
        got,
        [
            "password_reset actor=it-admin@example.org target=bob@example.org ip=203.0.113.10 country=-",
            "session_revoke actor=it-admin@example.org target=bob@example.org ip=203.0.113.10 country=-",
        ]
    );
    assert_eq!(both[0].id, "C03az79cb/admin/2025-04-01T09:20:00.000Z/-4511384725627651005/0/CHANGE_PASSWORD");
    assert_eq!(both[1].id, "C03az79cb/admin/2025-04-01T09:20:00.000Z/-4511384725627651005/1/RESET_SIGNIN_COOKIES");
}

#[test]
fn gws_assign_role_is_role_grant_naming_the_role() {
    let (events, _) = fixture("google/admin.ndjson");
    let e = only(&events, 6);
    assert_eq!(brief(e), "role_grant actor=it-admin@example.org target=mallory@example.org ip=203.0.113.10 country=-");
    assert_eq!(e.object.as_deref(), Some("_SEED_ADMIN_ROLE"));
}

#[test]
fn gws_strong_auth_enforcement_turned_off_is_policy_weaken() {
    let (events, _) = fixture("google/admin.ndjson");
    let e = only(&events, 7);
    assert_eq!(brief(e), "policy_weaken actor=it-admin@example.org target=- ip=203.0.113.10 country=-");
    assert_eq!(e.object.as_deref(), Some("example.org"));
    let grace = only(&events, 9);
    assert_eq!(
        brief(grace),
        "policy_weaken actor=it-admin@example.org target=bob@example.org ip=203.0.113.10 country=-"
    );
    assert!(grace.has_tag(Tag::IdentityScope));
}

#[test]
fn gws_key_caller_authorizing_an_api_client_is_service() {
    let (events, _) = fixture("google/admin.ndjson");
    let e = only(&events, 8);
    assert_eq!(
        brief(e),
        "role_grant actor=SYSTEM target=1093862117437-backup.apps.googleusercontent.com ip=203.0.113.10 country=-"
    );
    assert_eq!(e.relation, ActorRelation::Service);
    assert_eq!(e.target.as_ref().unwrap().kind, PrincipalKind::Nhi);
}

#[test]
fn gws_user_fixtures_cover_enrolment_recovery_risk_and_devices() {
    let (events, tally) = fixture("google/user.ndjson");
    assert_clean(&tally);
    assert_eq!(
        counts(&tally),
        "factor_add=1 recovery_change=1 session_revoke=1 signin_failure=1 mfa_challenge=1 mfa_deny=1 device_register=1 risk_signal=1"
    );
    let alice = |c: &str, ip: &str| format!("{c} actor=alice@example.org target=alice@example.org ip={ip} country=-");
    briefs(
        &events,
        &[
            (1, &alice("factor_add", "198.51.100.40")),
            (2, &alice("recovery_change", "198.51.100.40")),
            (3, &alice("risk_signal", "185.220.101.4")),
            (4, &alice("mfa_deny", "185.220.101.4")),
            (5, &alice("signin_failure", "185.220.101.4")),
            (7, &alice("device_register", "198.51.100.40")),
            (8, &alice("mfa_challenge", "198.51.100.40")),
        ],
    );
    assert_eq!(only(&events, 1).relation, ActorRelation::SelfService);
    assert_eq!(only(&events, 2).relation, ActorRelation::SelfService);
}

#[test]
fn gws_failed_login_challenge_is_mfa_deny_with_its_method() {
    let (events, _) = fixture("google/user.ndjson");
    let e = only(&events, 4);
    assert_eq!(e.outcome, Outcome::Failure);
    assert_eq!(factor(e), (Some("google_prompt"), FactorClass::App));
    assert_eq!(e.reason.as_deref(), Some("Challenge Failed."));
    // A password-only failure is a sign-in failure with no factor.
    assert!(only(&events, 5).factor.is_none());
}

#[test]
fn gws_suspicious_cookie_sign_out_is_session_revoke_by_google() {
    let (events, _) = fixture("google/user.ndjson");
    let e = only(&events, 6);
    assert_eq!(
        brief(e),
        "session_revoke actor=104857600000000000002 target=alice@example.org ip=185.220.101.4 country=-"
    );
    assert_eq!(e.relation, ActorRelation::System);
}

#[test]
fn gws_device_registration_and_flattened_rows() {
    let (events, _) = fixture("google/user.ndjson");
    assert_eq!(only(&events, 7).client.device_id.as_deref(), Some("a1b2c3d4-EXAMPLE"));
    // Flattened row, `multiValue` with the password first: the second factor is kept.
    assert_eq!(factor(only(&events, 8)), (Some("security_key"), FactorClass::PhishingResistant));
}

#[test]
fn gws_reports_api_page_is_unwrapped_per_activity() {
    let (events, tally) = fixture("google/reports_page.ndjson");
    assert_clean(&tally);
    assert_eq!(counts(&tally), "factor_add=1");
    assert_eq!(tally.records, 2);
    let e = only(&events, 1);
    assert_eq!(brief(e), "factor_add actor=alice@example.org target=alice@example.org ip=198.51.100.40 country=-");
    assert_eq!(factor(e), (Some("titanium"), FactorClass::PhishingResistant));
    assert_eq!(e.source.index, Some(0));
}

#[test]
fn gws_activity_without_time_is_a_diagnostic_and_odd_types_do_not_panic() {
    let opts = ingest::Options::default();
    let (_, tally) =
        ingest::normalize_text("t", r#"{"id":{"applicationName":"login"},"events":[{"name":"login_success"}]}"#, &opts);
    assert_eq!(tally.diagnostics.len(), 1);
    assert!(tally.diagnostics[0].to_string().contains("id.time"));
    for line in [
        r#"{"id":{"applicationName":"login","time":"2024-01-01T00:00:00Z"},"events":[1,"x"]}"#,
        r#"{"id":{"applicationName":"login","time":"2024-01-01T00:00:00Z"},"events":{"name":"login_failure","parameters":{"name":"x"}}}"#,
        r#"{"id":{"applicationName":"login","time":"2024-01-01T00:00:00Z","customerId":5},"name":"login_challenge","parameters":[{"name":"login_challenge_method","multiValue":[1,null]}]}"#,
    ] {
        let _ = ingest::normalize_text("t", line, &opts);
    }
}

// ---- role removals and 2-step verification settings (issue 13) --------------------------

#[test]
fn gws_unassign_role_and_privilege_revoke_are_delegated_role_revokes() {
    let (events, tally) = fixture("google/roles_policies.ndjson");
    assert_clean(&tally);
    let role = only(&events, 1);
    assert_eq!(
        brief(role),
        "role_revoke actor=it-admin@example.org target=mallory@example.org ip=203.0.113.10 country=-"
    );
    assert_eq!(role.object.as_deref(), Some("_SEED_ADMIN_ROLE"));
    assert_eq!(role.relation, ActorRelation::Delegated);
    let privilege = only(&events, 2);
    assert_eq!(privilege.category, Category::RoleRevoke);
    assert_eq!(privilege.object.as_deref(), Some("USERS_UPDATE"));
}

#[test]
fn gws_two_step_verification_turned_off_weakens_and_turned_on_does_not() {
    let (events, _) = fixture("google/roles_policies.ndjson");
    let off = only(&events, 3);
    assert_eq!(brief(off), "policy_weaken actor=it-admin@example.org target=- ip=203.0.113.10 country=-");
    assert_eq!(off.object.as_deref(), Some("Contractors"));
    assert_eq!(off.reason.as_deref(), Some("2-step verification no longer allowed"));
    assert!(off.has_tag(Tag::PolicyChange));
    let on = only(&events, 4);
    assert_eq!(on.category, Category::Other);
    assert!(on.has_tag(Tag::PolicyChange));
    // The enforcement turned off in the older fixture names what it removed too.
    let (admin, _) = fixture("google/admin.ndjson");
    assert_eq!(only(&admin, 7).reason.as_deref(), Some("2-step verification no longer enforced"));
}
