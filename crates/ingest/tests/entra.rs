//! Microsoft Entra ID (docs/events.md §2): every public sample line, and hand-written fixtures
//! for the documented events no public sample has.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod common;

use common::{
    assert_clean, brief, counts, fixture, kind_and_class as factor, on_line, only as one, sample,
    sample_keeping_duplicates,
};
use ingest::Tally;
use model::{ActorRelation, Category, Event, FactorClass, Outcome, PrincipalKind, RiskLevel, Tag};

fn not_relevant(t: &Tally) -> String {
    t.not_relevant.iter().map(|((_, a), n)| format!("{a}={n}")).collect::<Vec<_>>().join(" ")
}

// ---- public samples -------------------------------------------------------------------

#[test]
fn entra_sample_files_normalize_cleanly_with_expected_counts() {
    let expect = [
        ("elastic-integrations/azure/entra_auditlogs_add_member_to_role_failed.ndjson", "role_grant=1", ""),
        ("elastic-integrations/azure/entra_auditlogs_sp_credentials.ndjson", "secret_issue=1 other=2", ""),
        ("elastic-integrations/azure/entra_auditlogs_update_device_edgecases.ndjson", "other=3", ""),
        ("elastic-integrations/azure/entra_signinlogs_all_categories.ndjson", "other=5", ""),
        ("elastic-integrations/azure/entra_signinlogs_portal_sample.ndjson", "signin_success=2", ""),
        ("cribl-packs/entra_graph_signins.ndjson", "signin_success=2 risk_signal=1", ""),
        ("msgraph-docs/entra_graph_directoryaudit_docs.ndjson", "", "Add member to group=1"),
        ("msgraph-docs/entra_graph_signin_docs.ndjson", "signin_success=1", ""),
        (
            "otrf-security-datasets/entra_auditlogs_loganalytics_goldensaml.ndjson",
            "secret_issue=2",
            "Add delegated permission grant=1 Update application=1",
        ),
    ];
    for (file, events, skipped) in expect {
        let (_, t) = sample_keeping_duplicates(file);
        assert_clean(&t);
        assert_eq!(counts(&t), events, "{file}");
        assert_eq!(not_relevant(&t), skipped, "{file}");
    }
    // These files repeat one provider id and time for variants of a record (the device
    // edge cases, the five sign-in categories) or, in Log Analytics, for one event: by
    // default the repeats that normalize alike are one event.
    let duplicates = |file: &str| sample(file).1.duplicates;
    assert_eq!(duplicates("elastic-integrations/azure/entra_auditlogs_update_device_edgecases.ndjson"), 1);
    assert_eq!(duplicates("elastic-integrations/azure/entra_signinlogs_all_categories.ndjson"), 3);
    assert_eq!(duplicates("otrf-security-datasets/entra_auditlogs_loganalytics_goldensaml.ndjson"), 1);
}

#[test]
fn entra_failed_role_grant_by_managed_identity_is_system_with_malformed_ip_absent() {
    let (ev, _) = sample("elastic-integrations/azure/entra_auditlogs_add_member_to_role_failed.ndjson");
    let e = one(&ev, 1);
    assert_eq!(brief(e), "role_grant actor=Managed Service Identity target=billing-test-wus ip=- country=-");
    assert_eq!(e.outcome, Outcome::Failure);
    assert_eq!(e.relation, ActorRelation::System);
    assert_eq!(e.target.as_ref().unwrap().kind, PrincipalKind::Nhi);
    assert_eq!(e.time.to_rfc3339(), "2022-01-22T18:22:41.509187300+00:00");
}

#[test]
fn entra_service_principal_credentials_issue_names_the_added_key() {
    let (ev, _) = sample("elastic-integrations/azure/entra_auditlogs_sp_credentials.ndjson");
    let e = one(&ev, 1);
    assert_eq!(brief(e), "secret_issue actor=Managed Service Identity target=billing-test-wus ip=1.128.3.4 country=-");
    assert_eq!(e.object.as_deref(), Some("d747da7e-e11b-4af2-aede-0487c44067af"));
    assert_eq!(e.correlation.as_deref(), Some("53161141-e3f4-4944-85b6-7b953f17265e"));
    // The companion `Update service principal` records are other.
    assert_eq!(
        brief(one(&ev, 2)),
        "other actor=Managed Service Identity target=billing-test-wus ip=1.128.3.4 country=-"
    );
    assert_eq!(
        brief(one(&ev, 3)),
        "other actor=Managed Service Identity target=billing-test-wus ip=1.128.3.4 country=-"
    );
}

#[test]
fn entra_update_device_is_other_with_system_or_user_actor() {
    let (ev, _) =
        sample_keeping_duplicates("elastic-integrations/azure/entra_auditlogs_update_device_edgecases.ndjson");
    let e = one(&ev, 1);
    assert_eq!(brief(e), "other actor=Device Registration Service target=- ip=- country=-");
    assert_eq!(e.relation, ActorRelation::System);
    assert_eq!(e.object.as_deref(), Some("LAPTOP-12"));
    // `level: "Informational"`, `roles` as a string, `ipAddress` 0.0.0.0.
    assert_eq!(brief(one(&ev, 2)), "other actor=UserName target=UserName ip=- country=-");
    assert_eq!(brief(one(&ev, 3)), "other actor=UserName target=UserName ip=- country=-");
}

#[test]
fn entra_keep_me_signed_in_interrupts_are_other_in_all_five_categories() {
    let (ev, _) = sample_keeping_duplicates("elastic-integrations/azure/entra_signinlogs_all_categories.ndjson");
    assert_eq!(brief(one(&ev, 1)), "other actor=test@elastic.co target=test@elastic.co ip=81.2.69.144 country=FR");
    let user = "c3813493-bf92-5123-2717-8a8b2979c38b";
    assert_eq!(brief(one(&ev, 2)), format!("other actor={user} target={user} ip=81.2.69.144 country=FR"));
    for line in 3..=5 {
        let e = one(&ev, line);
        assert_eq!(brief(e), "other actor=Office 365 target=Office 365 ip=81.2.69.144 country=FR");
        assert_eq!(e.actor.as_ref().unwrap().kind, PrincipalKind::Nhi, "line {line}");
    }
    // `-05:00` offset becomes UTC.
    assert_eq!(one(&ev, 1).time.to_rfc3339(), "2019-10-18T09:45:48.072989300+00:00");
    let geo = one(&ev, 1).client.geo.clone().unwrap();
    assert_eq!((geo.city.as_deref(), geo.lat), (Some("Champs-Sur-Marne"), Some(48.12341234)));
}

#[test]
fn entra_portal_sign_ins_carry_asn_user_agent_and_no_empty_device() {
    let (ev, _) = sample("elastic-integrations/azure/entra_signinlogs_portal_sample.ndjson");
    for line in 1..=2 {
        let e = one(&ev, line);
        assert_eq!(
            brief(e),
            "signin_success actor=mpliftrelastic20210901@outlook.com target=mpliftrelastic20210901@outlook.com ip=1.128.3.4 country=IN"
        );
        assert_eq!(e.client.asn, Some(55836));
        assert_eq!(e.client.device_id, None);
        assert!(e.client.user_agent.as_deref().unwrap().starts_with("Mozilla/5.0"));
        assert_eq!(factor(e), (Some("Previously satisfied"), FactorClass::Unknown));
        assert_eq!(e.actor.as_ref().unwrap().id.as_deref(), Some("2ce85a15-8640-465d-b916-d2eac620a717"));
    }
}

#[test]
fn entra_graph_sign_in_with_medium_risk_adds_a_risk_signal() {
    let (ev, _) = sample("cribl-packs/entra_graph_signins.ndjson");
    let first = on_line(&ev, 1);
    assert_eq!(first.len(), 2);
    assert_eq!(
        brief(first[0]),
        "signin_success actor=mscore@afos.io target=mscore@afos.io ip=2600:100f:a100:735:2c45:127a:aaaa:0 country=US"
    );
    assert_eq!(first[1].category, Category::RiskSignal);
    assert_eq!(first[1].risk.level, Some(RiskLevel::Medium));
    assert_ne!(first[0].id, first[1].id);
    // `hidden` risk is no risk; `MFA requirement satisfied by claim` is no challenge.
    let e = one(&ev, 2);
    assert_eq!(brief(e), "signin_success actor=rknight@company.io target=rknight@company.io ip=70.1.1.10 country=US");
    assert!(e.risk.is_empty());
}

#[test]
fn entra_graph_docs_examples_map_or_are_skipped() {
    let (ev, _) = sample("msgraph-docs/entra_graph_signin_docs.ndjson");
    assert_eq!(
        brief(one(&ev, 1)),
        "signin_success actor=testaccount1@contoso.com target=testaccount1@contoso.com ip=131.107.159.37 country=US"
    );
    let (ev, t) = sample("msgraph-docs/entra_graph_directoryaudit_docs.ndjson");
    assert!(ev.is_empty());
    assert_eq!(t.relevant, 0);
}

#[test]
fn entra_log_analytics_app_secret_added_is_secret_issue_by_a_human() {
    let (ev, _) = sample_keeping_duplicates("otrf-security-datasets/entra_auditlogs_loganalytics_goldensaml.ndjson");
    // Two rows repeat one `Id` (derived columns differ); the core de-duplicates them.
    for line in 1..=2 {
        let e = one(&ev, line);
        assert_eq!(brief(e), "secret_issue actor=pgustavo@simulandlabs.com target=SimuLandApp ip=- country=-");
        assert_eq!(e.action, "Update application - Certificates and secrets management");
        assert_eq!(e.object.as_deref(), Some("59eaeebc-8a6b-44a6-9f24-7d55e64420c9"));
        assert_eq!(e.id, "Directory_10065ffb-8199-48bc-8ff5-912cb5b8295a_AUMVX_13992832");
        assert_eq!(e.actor.as_ref().unwrap().id.as_deref(), Some("aead923d-498b-4f64-a66c-2af91447a8b6"));
    }
}

// ---- fixtures: security info (D) -------------------------------------------------------

#[test]
fn entra_user_registered_security_info_is_self_factor_add_with_method_class() {
    let (ev, t) = fixture("entra/security_info.ndjson");
    assert_clean(&t);
    // Lines 2 and 3 are one admin registration written twice: one event.
    assert_eq!(counts(&t), "factor_add=5 factor_remove=2 recovery_change=1 secret_issue=1 other=1");
    assert_eq!(t.duplicates, 1);
    let e = one(&ev, 1);
    assert_eq!(brief(e), "factor_add actor=alice@contoso.com target=alice@contoso.com ip=203.0.113.10 country=-");
    assert_eq!(e.relation, ActorRelation::SelfService);
    assert_eq!(factor(e), (Some("Microsoft Authenticator App"), FactorClass::App));
    assert!(e.client.user_agent.is_some());
}

#[test]
fn entra_admin_registered_security_info_twice_is_one_delegated_add() {
    // Entra can write an admin registration twice with one correlation id (docs/events.md §2):
    // the second record is dropped within 5 s.
    let (ev, _) = fixture("entra/security_info.ndjson");
    assert_eq!(one(&ev, 2).relation, ActorRelation::Delegated);
    assert!(on_line(&ev, 3).is_empty());
    // Both records are read alike: delegated adds with one correlation.
    let mut opts = ingest::Options::default();
    opts.keep_duplicates = true;
    let text = std::fs::read_to_string(common::fixtures_dir().join("entra/security_info.ndjson")).unwrap();
    let (ev, _) = ingest::normalize_text("security_info.ndjson", &text, &opts);
    let (a, b) = (one(&ev, 2), one(&ev, 3));
    for e in [a, b] {
        assert_eq!(brief(e), "factor_add actor=helpdesk@contoso.com target=bob@contoso.com ip=198.51.100.7 country=-");
        assert_eq!(e.relation, ActorRelation::Delegated);
        assert_eq!(factor(e), (Some("Mobile Phone SMS"), FactorClass::PossessionWeak));
    }
    assert_eq!(a.correlation.as_deref(), Some("5e2f8c11-9a3b-4d7e-b1c2-3d4e5f6a7b8c"));
    assert_eq!(a.correlation, b.correlation);
    assert_ne!(a.id, b.id);
}

#[test]
fn entra_user_deleted_security_info_is_self_factor_remove_and_failures_are_kept() {
    let (ev, _) = fixture("entra/security_info.ndjson");
    let e = one(&ev, 4);
    assert_eq!(brief(e), "factor_remove actor=alice@contoso.com target=alice@contoso.com ip=203.0.113.10 country=-");
    assert_eq!(factor(e), (Some("Mobile Phone SMS"), FactorClass::PossessionWeak));
    assert_eq!(e.outcome, Outcome::Success);
    assert_eq!(one(&ev, 11).outcome, Outcome::Failure);
}

#[test]
fn entra_security_info_registered_by_mfa_service_is_system() {
    let (ev, _) = fixture("entra/security_info.ndjson");
    let e = one(&ev, 5);
    assert_eq!(
        brief(e),
        "factor_add actor=Azure MFA StrongAuthenticationService target=alice@contoso.com ip=- country=-"
    );
    assert_eq!(e.relation, ActorRelation::System);
    assert_eq!(e.actor.as_ref().unwrap().kind, PrincipalKind::System);
    assert_eq!(factor(e), (Some("Authenticator App with Notification and Code"), FactorClass::App));
}

#[test]
fn entra_security_info_variants_map_to_secret_summary_step_recovery_and_tap() {
    let (ev, _) = fixture("entra/security_info.ndjson");
    let app_password = one(&ev, 6);
    assert_eq!(app_password.category, Category::SecretIssue);
    assert!(app_password.has_tag(Tag::AppPassword));
    assert!(app_password.factor.is_none());
    let summary = one(&ev, 7);
    assert_eq!(summary.category, Category::FactorAdd);
    assert_eq!(factor(summary), (None, FactorClass::Unknown));
    assert_eq!(one(&ev, 8).category, Category::Other);
    assert_eq!(
        brief(one(&ev, 9)),
        "recovery_change actor=alice@contoso.com target=alice@contoso.com ip=203.0.113.10 country=-"
    );
    let tap = one(&ev, 10);
    assert_eq!(brief(tap), "factor_add actor=helpdesk@contoso.com target=bob@contoso.com ip=198.51.100.7 country=-");
    assert_eq!(tap.relation, ActorRelation::Delegated);
    assert_eq!(factor(tap), (Some("Temporary Access Pass"), FactorClass::PossessionWeak));
}

// ---- fixtures: Update user + StrongAuthentication* (D) ----------------------------------

fn method_id(e: &Event) -> Option<&str> {
    e.factor.as_ref().and_then(|f| f.id.as_deref())
}

#[test]
fn entra_strong_auth_method_diff_gives_add_remove_reset_and_default_update() {
    let (ev, t) = fixture("entra/update_user.ndjson");
    assert_clean(&t);
    assert_eq!(counts(&t), "factor_add=4 factor_remove=1 factor_reset=1 factor_update=2 policy_weaken=1");
    assert_eq!(not_relevant(&t), "Update user=1");
    let added = one(&ev, 1);
    assert_eq!(brief(added), "factor_add actor=helpdesk@contoso.com target=bob@contoso.com ip=198.51.100.7 country=-");
    assert_eq!(added.relation, ActorRelation::Delegated);
    assert_eq!((factor(added), method_id(added)), ((None, FactorClass::Unknown), Some("7")));
    let removed = one(&ev, 2);
    assert_eq!((removed.category, method_id(removed)), (Category::FactorRemove, Some("7")));
    assert_eq!(one(&ev, 3).category, Category::FactorReset);
    let moved = one(&ev, 4);
    assert_eq!(brief(moved), "factor_update actor=bob@contoso.com target=bob@contoso.com ip=192.0.2.44 country=-");
    assert_eq!(moved.relation, ActorRelation::SelfService);
}

#[test]
fn entra_failed_update_user_adding_two_methods_gives_two_failed_adds_with_distinct_ids() {
    let (ev, _) = fixture("entra/update_user.ndjson");
    let both = on_line(&ev, 8);
    assert_eq!(both.len(), 2);
    assert!(both.iter().all(|e| e.category == Category::FactorAdd && e.outcome == Outcome::Failure));
    assert_eq!(both.iter().map(|e| method_id(e).unwrap()).collect::<Vec<_>>(), ["7", "0"]);
    assert_ne!(both[0].id, both[1].id);
}

#[test]
fn entra_phone_number_change_is_factor_update_and_mfa_state_zero_is_identity_policy_weaken() {
    let (ev, _) = fixture("entra/update_user.ndjson");
    let phone = one(&ev, 6);
    assert_eq!(phone.category, Category::FactorUpdate);
    assert_eq!(factor(phone), (Some("Phone"), FactorClass::PossessionWeak));
    assert_eq!(phone.factor.as_ref().unwrap().name.as_deref(), Some("+44 7700900123"));
    let weaken = one(&ev, 7);
    assert_eq!(
        brief(weaken),
        "policy_weaken actor=helpdesk@contoso.com target=bob@contoso.com ip=198.51.100.7 country=-"
    );
    assert!(weaken.has_tag(Tag::IdentityScope));
}

#[test]
fn entra_log_analytics_phone_app_added_by_mfa_service_is_system_app_factor() {
    let (ev, _) = fixture("entra/update_user.ndjson");
    let e = one(&ev, 9);
    assert_eq!(
        brief(e),
        "factor_add actor=Azure MFA StrongAuthenticationService target=alice@contoso.com ip=- country=-"
    );
    assert_eq!(e.relation, ActorRelation::System);
    let f = e.factor.as_ref().unwrap();
    assert_eq!((f.class, f.name.as_deref()), (FactorClass::App, Some("Pixel 8")));
    assert_eq!(f.id.as_deref(), Some("3c9e1f2a-7b4d-4e8f-9a0b-1c2d3e4f5a6b"));
}

// ---- fixtures: directory changes (D) ----------------------------------------------------

#[test]
fn entra_directory_fixtures_map_by_activity() {
    let (ev, t) = fixture("entra/directory.ndjson");
    assert_clean(&t);
    assert_eq!(
        counts(&t),
        "factor_add=1 password_change=1 password_reset=1 session_revoke=1 role_grant=1 role_revoke=1 secret_issue=2 mfa_deny=1 policy_weaken=2 device_register=1"
    );
    let reset = one(&ev, 1);
    assert_eq!(
        brief(reset),
        "password_reset actor=helpdesk@contoso.com target=bob@contoso.com ip=198.51.100.7 country=-"
    );
    assert_eq!(reset.relation, ActorRelation::Delegated);
    let grant = one(&ev, 2);
    assert_eq!(brief(grant), "role_grant actor=helpdesk@contoso.com target=bob@contoso.com ip=198.51.100.7 country=-");
    assert_eq!(grant.object.as_deref(), Some("Global Administrator"));
    assert_eq!(one(&ev, 3).category, Category::RoleRevoke);
    assert_eq!(one(&ev, 4).category, Category::SessionRevoke);
    assert!(one(&ev, 5).has_tag(Tag::AppPassword));
    let device = one(&ev, 6);
    assert_eq!(
        brief(device),
        "device_register actor=Device Registration Service target=bob@contoso.com ip=- country=-"
    );
    assert_eq!((device.relation, device.object.as_deref()), (ActorRelation::System, Some("LAPTOP-BOB")));
    let ca = one(&ev, 7);
    assert_eq!(brief(ca), "policy_weaken actor=helpdesk@contoso.com target=- ip=198.51.100.7 country=-");
    assert!(ca.has_tag(Tag::PolicyChange));
    assert!(one(&ev, 8).has_tag(Tag::FederationAdded));
    let fraud = one(&ev, 9);
    assert_eq!((fraud.category, fraud.has_tag(Tag::FraudReported)), (Category::MfaDeny, true));
    assert_eq!(one(&ev, 10).category, Category::PasswordChange);
    assert_eq!(
        brief(one(&ev, 11)),
        "secret_issue actor=helpdesk@contoso.com target=deploy-app ip=198.51.100.7 country=-"
    );
}

#[test]
fn entra_graph_audit_with_singular_target_resource_and_type_reads_the_user() {
    let (ev, _) = fixture("entra/directory.ndjson");
    let e = one(&ev, 12);
    assert_eq!(brief(e), "factor_add actor=alice@contoso.com target=alice@contoso.com ip=203.0.113.10 country=-");
    assert_eq!(factor(e), (Some("FIDO2 security key"), FactorClass::PhishingResistant));
    assert_eq!(e.time.to_rfc3339(), "2024-03-04T15:20:00+00:00");
}

// ---- fixtures: sign-ins (D) -------------------------------------------------------------

#[test]
fn entra_sign_in_error_500121_is_mfa_deny() {
    let (ev, t) = fixture("entra/signins.ndjson");
    assert_clean(&t);
    assert_eq!(counts(&t), "signin_success=3 signin_failure=1 mfa_challenge=2 mfa_deny=2 risk_signal=1");
    let e = one(&ev, 1);
    assert_eq!(brief(e), "mfa_deny actor=bob@contoso.com target=bob@contoso.com ip=198.51.100.21 country=PT");
    assert_eq!(e.reason.as_deref(), Some("MFA denied; user declined the authentication"));
    assert_eq!(factor(e), (Some("Mobile app notification"), FactorClass::App));
    assert_eq!((e.client.asn, e.outcome), (Some(3243), Outcome::Failure));
}

#[test]
fn entra_sign_in_with_high_risk_during_sign_in_adds_risk_signal() {
    let (ev, _) = fixture("entra/signins.ndjson");
    let both = on_line(&ev, 2);
    assert_eq!(both.iter().map(|e| e.category).collect::<Vec<_>>(), [Category::SigninSuccess, Category::RiskSignal]);
    let risk = both[1];
    assert_eq!(brief(risk), "risk_signal actor=bob@contoso.com target=bob@contoso.com ip=198.51.100.22 country=RU");
    assert_eq!(risk.risk.level, Some(RiskLevel::High));
    assert_eq!(risk.risk.markers, ["unfamiliarFeatures", "anonymizedIPAddress"]);
}

#[test]
fn entra_completed_mfa_step_adds_mfa_challenge_and_keeps_device_and_trusted_network() {
    let (ev, _) = fixture("entra/signins.ndjson");
    let both = on_line(&ev, 3);
    assert_eq!(both.iter().map(|e| e.category).collect::<Vec<_>>(), [Category::SigninSuccess, Category::MfaChallenge]);
    assert_eq!(both[1].outcome, Outcome::Success);
    assert_eq!(both[0].client.device_id.as_deref(), Some("5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a"));
    assert!(both[0].client.trusted_network);
    assert_eq!(one(&ev, 4).category, Category::MfaChallenge);
    assert_eq!(
        brief(one(&ev, 5)),
        "signin_failure actor=bob@contoso.com target=bob@contoso.com ip=198.51.100.25 country=PT"
    );
}

#[test]
fn entra_service_principal_sign_in_has_an_nhi_subject() {
    let (ev, _) = fixture("entra/signins.ndjson");
    let e = one(&ev, 6);
    assert_eq!(brief(e), "signin_success actor=deploy-app target=deploy-app ip=198.51.100.26 country=US");
    let actor = e.actor.as_ref().unwrap();
    assert_eq!((actor.kind, actor.id.as_deref()), (PrincipalKind::Nhi, Some("7e6d5c4b-3a2f-4e1d-9c8b-7a6f5e4d3c2b")));
    assert_eq!(e.relation, ActorRelation::Service);
}

#[test]
fn entra_log_analytics_sign_in_decodes_json_string_columns() {
    let (ev, _) = fixture("entra/signins.ndjson");
    let e = one(&ev, 7);
    assert_eq!(brief(e), "mfa_deny actor=bob@contoso.com target=bob@contoso.com ip=203.0.113.77 country=BR");
    assert_eq!(e.client.asn, Some(28573));
    assert_eq!(e.time.to_rfc3339(), "2024-03-04T11:07:00.123456700+00:00");
}

#[test]
fn entra_event_hub_records_envelope_is_unwrapped_by_the_core() {
    let (ev, t) = fixture("entra/envelope.ndjson");
    assert_clean(&t);
    assert_eq!(counts(&t), "factor_add=1 signin_success=1");
    assert_eq!(ev[0].source.to_string(), "entra/envelope.ndjson:1#0");
    assert_eq!(factor(&ev[0]), (Some("FIDO2 security key"), FactorClass::PhishingResistant));
    assert_eq!(ev[1].source.to_string(), "entra/envelope.ndjson:1#1");
}

#[test]
fn entra_records_without_a_time_are_diagnosed_not_dropped_silently() {
    let line =
        r#"{"operationName":"Update user","category":"AuditLogs","properties":{"activityDisplayName":"Update user"}}"#;
    let (ev, t) = ingest::normalize_text("bad.ndjson", line, &ingest::Options::default());
    assert!(ev.is_empty());
    assert_eq!(t.diagnostics.len(), 1);
    assert!(t.diagnostics[0].to_string().contains("entra.diag"), "{}", t.diagnostics[0]);
}

#[test]
fn entra_wrong_types_are_absent_or_diagnosed_never_a_panic() {
    let lines = [
        r#"{"operationName":1,"category":"AuditLogs","properties":{"activityDateTime":"2024-01-01T00:00:00Z","activityDisplayName":"Update user","initiatedBy":[],"targetResources":{"a":1}}}"#,
        r#"{"operationName":"x","category":"AuditLogs","properties":{"activityDateTime":"2024-01-01T00:00:00Z","activityDisplayName":"Update user","targetResources":[{"type":"User","modifiedProperties":[{"displayName":"StrongAuthenticationMethod","oldValue":"\"[{\\\"MethodType\\\":6}]\"","newValue":7}]}]}}"#,
        r#"{"operationName":"x","category":"SignInLogs","properties":{"createdDateTime":"2024-01-01T00:00:00Z","status":"0","location":"FR","authenticationDetails":"x","riskEventTypes_v2":"hidden"}}"#,
        r#"{"operationName":"x","category":"SignInLogs","resultType":"0","properties":{"createdDateTime":12,"userPrincipalName":["a"],"location":{"geoCoordinates":{"latitude":"x"}},"autonomousSystemNumber":-5}}"#,
        r#"{"activityDisplayName":"User registered security info","initiatedBy":{"user":"alice"},"activityDateTime":"2024-01-01T00:00:00Z","resultReason":["x"]}"#,
        r#"{"createdDateTime":"2024-01-01T00:00:00Z","userPrincipalName":"a@b.c","status":{"errorCode":"500121","additionalDetails":"MFA denied; Phone App Reported Fraud"}}"#,
        r#"{"OperationName":"Update user","InitiatedBy":"{not json","TargetResources":"[1,2,\"x\"]","ActivityDateTime":"2024-01-01T00:00:00Z"}"#,
        r#"{"ResultType":null,"UserPrincipalName":"a@b.c","TimeGenerated":"2024-01-01T00:00:00Z","Status":"[]"}"#,
    ];
    let (ev, t) = ingest::normalize_text("odd.ndjson", &lines.join("\n"), &ingest::Options::default());
    assert_eq!(t.records, lines.len() as u64);
    let fraud = ev.iter().find(|e| e.category == Category::MfaDeny).expect("fraud deny");
    assert!(fraud.has_tag(Tag::FraudReported));
    // The sign-ins without any error code are diagnosed, and the one dated 12 seconds after
    // 1970 (a number where a time belongs) is refused as before 1990.
    assert_eq!(t.diagnostics.len(), 3, "{:?}", t.diagnostics.iter().map(|d| d.to_string()).collect::<Vec<_>>());
}

// ---- role removals, elevation, conditional access, forwarded records (issue 13) ----------

fn roles_policies() -> Vec<Event> {
    let (events, tally) = fixture("entra/roles_policies.ndjson");
    assert_clean(&tally);
    events
}

#[test]
fn entra_pim_eligible_removal_is_a_delegated_role_revoke_naming_the_role() {
    let ev = roles_policies();
    let e = one(&ev, 1);
    assert_eq!(brief(e), "role_revoke actor=secadmin@contoso.com target=bob@contoso.com ip=198.51.100.7 country=-");
    assert_eq!(e.relation, ActorRelation::Delegated);
    assert_eq!(e.object.as_deref(), Some("Privileged Role Administrator"));
}

#[test]
fn entra_conditional_access_update_dropping_mfa_weakens_and_names_what_went() {
    let ev = roles_policies();
    let e = one(&ev, 2);
    assert_eq!(brief(e), "policy_weaken actor=secadmin@contoso.com target=- ip=198.51.100.7 country=-");
    assert_eq!(e.object.as_deref(), Some("Require MFA for admins"));
    assert_eq!(e.reason.as_deref(), Some("MFA removed from grant controls: builtInControls mfa"));
    assert!(e.has_tag(Tag::PolicyChange));
    let strength = one(&ev, 5);
    assert_eq!(strength.category, Category::PolicyWeaken);
    assert_eq!(
        strength.reason.as_deref(),
        Some("MFA removed from grant controls: authenticationStrength Phishing-resistant MFA")
    );
}

#[test]
fn entra_conditional_access_update_adding_mfa_or_changing_conditions_is_not_a_weakening() {
    let ev = roles_policies();
    for line in [3, 4] {
        let e = one(&ev, line);
        assert_eq!(e.category, Category::Other, "line {line}");
        assert!(e.has_tag(Tag::PolicyChange), "line {line}");
        assert_eq!(e.object.as_deref(), Some("Require MFA for admins"), "line {line}");
    }
}

#[test]
fn entra_audit_records_with_a_rewritten_or_missing_category_are_read_by_their_operation() {
    let ev = roles_policies();
    for line in [6, 7] {
        let e = one(&ev, line);
        assert_eq!(
            brief(e),
            "role_revoke actor=secadmin@contoso.com target=bob@contoso.com ip=198.51.100.7 country=-",
            "line {line}"
        );
        assert_eq!(e.object.as_deref(), Some("Global Administrator"), "line {line}");
        assert_eq!(e.tenant, "6f1c2d3e-4b5a-4c6d-8e7f-90a1b2c3d4e5");
    }
    // A sign-in whose category a forwarder rewrote stays a sign-in.
    assert_eq!(
        brief(one(&ev, 11)),
        "signin_success actor=bob@contoso.com target=bob@contoso.com ip=198.51.100.21 country=-"
    );
}

#[test]
fn entra_elevate_access_is_a_self_granted_user_access_administrator_role() {
    let ev = roles_policies();
    // The Entra audit record (Graph shape) and the Azure activity record (its `Success`).
    for line in [8, 10] {
        let e = one(&ev, line);
        assert_eq!(
            brief(e),
            "role_grant actor=ga@contoso.com target=ga@contoso.com ip=203.0.113.88 country=-",
            "line {line}"
        );
        assert_eq!(e.object.as_deref(), Some("User Access Administrator"), "line {line}");
        assert_eq!(e.relation, ActorRelation::SelfService, "line {line}");
        assert_eq!(e.actor.as_ref().unwrap().id.as_deref(), Some("5f0e9d8c-7b6a-4d5c-9e4f-3a2b1c0d9e8f"));
    }
    assert_eq!(one(&ev, 10).outcome, Outcome::Success);
    // The activity log's `Start` record of the same operation is not a second grant.
    assert!(on_line(&ev, 9).is_empty());
}
