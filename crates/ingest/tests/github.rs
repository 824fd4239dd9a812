//! GitHub audit log: the shared samples and hand-written fixtures from docs/events.md §6.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::{assert_clean, brief, counts, fixture, on_line, only, sample};
use model::{ActorRelation, Category, Event, FactorClass, Outcome, PrincipalKind, Provider, Tag};

fn class(e: &Event) -> FactorClass {
    e.factor.as_ref().expect("factor").class
}

#[test]
fn github_enterprise_stream_sample_flags_log_stream_changes() {
    let (events, tally) = sample("elastic-integrations/github/github_enterprise_audit_eventhub.ndjson");
    assert_clean(&tally);
    assert_eq!(counts(&tally), "other=1");
    assert_eq!(tally.not_relevant_total(), 2);
    let e = only(&events, 3);
    assert_eq!(brief(e), "other actor=user-sample target=- ip=- country=IN");
    assert!(e.has_tag(Tag::LogStreamChanged));
    assert_eq!(e.tenant, "user-enterprise");
    assert_eq!(e.id, "FwEPs4fm8ICKZ7wvYtMfqQ");
    assert_eq!(e.time.timestamp_millis(), 1_741_611_327_672);
    assert_eq!(e.actor.as_ref().unwrap().id.as_deref(), Some("111111"));
}

#[test]
fn github_org_export_sample_grants_apps_and_skips_plain_membership() {
    let (events, tally) = sample("elastic-integrations/github/github_org_audit_head.ndjson");
    assert_clean(&tally);
    assert_eq!(tally.records, 48);
    assert_eq!(counts(&tally), "role_grant=2");
    assert_eq!(tally.not_relevant_total(), 46);
    // `org.add_member` without `permission` `admin` is not a privilege change.
    assert_eq!(tally.not_relevant.get(&(Provider::Github, "org.add_member".into())), Some(&7));
    for line in [16, 41] {
        let e = only(&events, line);
        // The export names no app, so the grant has no target.
        assert_eq!(brief(e), "role_grant actor=github-actor target=- ip=- country=US", "line {line}");
        assert_eq!(e.tenant, "Example-Org");
        assert!(e.id.starts_with('h'));
    }
}

#[test]
fn ocsf_github_sample_has_no_identity_events() {
    let (events, tally) = sample("ocsf-examples/github_audit.ndjson");
    assert_clean(&tally);
    assert!(events.is_empty());
    assert_eq!(tally.not_relevant_total(), 5);
}

#[test]
fn github_security_log_fixtures_normalize_cleanly() {
    let (_, tally) = fixture("github/security_log.ndjson");
    assert_clean(&tally);
    assert_eq!(
        counts(&tally),
        "factor_add=3 factor_remove=1 factor_reset=1 recovery_change=1 secret_issue=1 secret_revoke=1 \
         signin_failure=1 mfa_deny=1 device_register=1 risk_signal=1 other=1"
    );
}

#[test]
fn github_security_log_challenge_risk_device_and_revocations() {
    let (events, _) = fixture("github/security_log.ndjson");
    let octo = |c: &str| format!("{c} actor=octocat target=octocat ip=185.220.101.4 country=NL");
    for (line, category) in [
        (8, "mfa_deny"),
        (9, "risk_signal"),
        (10, "device_register"),
        (11, "factor_remove"),
        (12, "other"),
        (13, "secret_revoke"),
    ] {
        assert_eq!(brief(only(&events, line)), octo(category), "line {line}");
    }
    assert_eq!(class(only(&events, 11)), FactorClass::PhishingResistant);
    assert!(only(&events, 12).has_tag(Tag::RecoveryRequested));
}

#[test]
fn github_two_factor_enabled_and_add_factor_are_self_service_factor_adds() {
    let (events, _) = fixture("github/security_log.ndjson");
    for line in [1, 2] {
        let e = only(&events, line);
        assert_eq!(brief(e), "factor_add actor=octocat target=octocat ip=203.0.113.7 country=DE", "line {line}");
        assert_eq!(e.relation, ActorRelation::SelfService);
        // The action does not say which kind of factor.
        assert_eq!(class(e), FactorClass::Unknown);
        assert_eq!(e.session.as_deref(), Some("99887766"));
    }
}

#[test]
fn github_passkey_register_is_phishing_resistant_factor_add() {
    let (events, _) = fixture("github/security_log.ndjson");
    let e = only(&events, 3);
    assert_eq!(brief(e), "factor_add actor=octocat target=octocat ip=203.0.113.7 country=DE");
    assert_eq!(e.factor.as_ref().unwrap().kind.as_deref(), Some("passkey"));
    assert_eq!(class(e), FactorClass::PhishingResistant);
}

#[test]
fn github_recovery_codes_regenerated_is_recovery_change() {
    let (events, _) = fixture("github/security_log.ndjson");
    let e = only(&events, 4);
    assert_eq!(brief(e), "recovery_change actor=octocat target=octocat ip=203.0.113.7 country=DE");
    assert!(e.factor.is_none());
}

#[test]
fn github_two_factor_disabled_is_factor_reset() {
    let (events, _) = fixture("github/security_log.ndjson");
    let e = only(&events, 5);
    assert_eq!(brief(e), "factor_reset actor=octocat target=octocat ip=185.220.101.4 country=NL");
    assert_eq!(e.relation, ActorRelation::SelfService);
}

#[test]
fn github_personal_access_token_create_is_secret_issue_naming_the_token() {
    let (events, _) = fixture("github/security_log.ndjson");
    let e = only(&events, 6);
    assert_eq!(brief(e), "secret_issue actor=octocat target=octocat ip=185.220.101.4 country=NL");
    assert_eq!(e.object.as_deref(), Some("Qk6X0kEXAMPLEhashedTOKENvalue0000000000000="));
}

#[test]
fn github_failed_login_is_signin_failure() {
    let (events, _) = fixture("github/security_log.ndjson");
    let e = only(&events, 7);
    assert_eq!(brief(e), "signin_failure actor=octocat target=octocat ip=185.220.101.4 country=NL");
    assert_eq!(e.outcome, Outcome::Failure);
}

#[test]
fn github_update_member_to_admin_is_delegated_role_grant_and_back_to_read_a_revoke() {
    let (events, tally) = fixture("github/org_audit.ndjson");
    assert_clean(&tally);
    assert_eq!(counts(&tally), "role_grant=3 role_revoke=1 policy_weaken=1 other=1");
    let e = only(&events, 1);
    assert_eq!(brief(e), "role_grant actor=hubot-admin target=mona ip=198.51.100.61 country=US");
    assert_eq!(e.relation, ActorRelation::Delegated);
    assert_eq!(e.tenant, "acme-enterprise");
    let down = only(&events, 2);
    assert_eq!(brief(down), "role_revoke actor=hubot-admin target=mona ip=198.51.100.61 country=US");
    assert_eq!(down.object.as_deref(), Some("admin"));
    assert_eq!(tally.not_relevant.get(&(Provider::Github, "org.update_member".into())), None);
}

#[test]
fn github_audit_log_stream_destroyed_is_other_tagged_log_stream_changed() {
    let (events, _) = fixture("github/org_audit.ndjson");
    let e = only(&events, 3);
    assert_eq!(brief(e), "other actor=hubot-admin target=- ip=198.51.100.61 country=US");
    assert_eq!(e.category, Category::Other);
    assert!(e.has_tag(Tag::LogStreamChanged));
    assert_eq!(e.object.as_deref(), Some("Splunk"));
}

#[test]
fn github_bot_actor_is_a_service_identity() {
    let (events, _) = fixture("github/org_audit.ndjson");
    let e = only(&events, 4);
    assert_eq!(brief(e), "policy_weaken actor=release-bot[bot] target=- ip=- country=US");
    assert_eq!(e.actor.as_ref().unwrap().kind, PrincipalKind::Nhi);
    assert_eq!(e.relation, ActorRelation::Service);
    assert_eq!(e.object.as_deref(), Some("acme"));
}

#[test]
fn github_old_export_reads_permission_under_data_and_tenant_from_org() {
    let (events, _) = fixture("github/org_audit.ndjson");
    let e = only(&events, 5);
    assert_eq!(brief(e), "role_grant actor=hubot-admin target=lisa ip=- country=US");
    assert_eq!(e.tenant, "acme");
    assert_eq!(e.time.timestamp_millis(), 1_611_618_409_430);
}

#[test]
fn github_app_installation_targets_the_app_as_a_non_human_identity() {
    let (events, _) = fixture("github/org_audit.ndjson");
    let e = only(&events, 6);
    assert_eq!(brief(e), "role_grant actor=hubot-admin target=deploy-helper ip=198.51.100.61 country=US");
    let app = e.target.as_ref().unwrap();
    assert_eq!(app.kind, PrincipalKind::Nhi);
    assert_eq!(app.id.as_deref(), Some("880011"));
}

#[test]
fn github_rest_page_array_yields_each_entry() {
    let (events, tally) = fixture("github/rest_page.ndjson");
    assert_clean(&tally);
    assert_eq!(counts(&tally), "role_grant=1 policy_weaken=1");
    let got: Vec<String> = on_line(&events, 1).iter().map(|e| brief(e)).collect();
    assert_eq!(
        got,
        [
            "role_grant actor=hubot-admin target=lisa ip=198.51.100.61 country=US",
            "policy_weaken actor=hubot-admin target=- ip=198.51.100.61 country=US",
        ]
    );
}

#[test]
fn github_wrong_types_never_panic() {
    let opts = ingest::Options::default();
    let (_, tally) =
        ingest::normalize_text("t", r#"{"action":"passkey.register","actor":"a","created_at":"soon"}"#, &opts);
    assert_eq!(tally.diagnostics.len(), 1);
    for line in [
        r#"{"action":"org.update_member","actor":{},"@timestamp":1,"data":"x","permission":5}"#,
        r#"{"action":"passkey.register","actor":"a","created_at":1e300,"actor_location":"US","actor_id":-1}"#,
        r#"{"action":"user.login","actor":"a","@timestamp":null,"created_at":1700000000000,"user_id":"","user":""}"#,
    ] {
        let _ = ingest::normalize_text("t", line, &opts);
    }
}

// ---- member and enterprise role changes (issue 13) -------------------------------------

#[test]
fn github_role_downgrades_removals_and_enterprise_roles_are_grants_and_revokes() {
    let (events, tally) = fixture("github/role_changes.ndjson");
    assert_clean(&tally);
    assert_eq!(counts(&tally), "role_grant=2 role_revoke=5");
    let expect = [
        (1, "role_revoke", "admin"),
        (2, "role_revoke", "admin"),
        (4, "role_grant", "enterprise owner"),
        (5, "role_revoke", "enterprise owner"),
        (6, "role_grant", "billing manager"),
        (7, "role_revoke", "billing manager"),
        (8, "role_revoke", "team maintainer of acme/platform"),
    ];
    for (line, category, object) in expect {
        let e = only(&events, line);
        assert_eq!(e.category.as_str(), category, "line {line}");
        assert_eq!(e.object.as_deref(), Some(object), "line {line}");
        assert_eq!(e.actor.as_ref().and_then(|a| a.name.as_deref()), Some("hubot-admin"), "line {line}");
        assert_eq!(e.relation, ActorRelation::Delegated, "line {line}");
    }
    assert_eq!(only(&events, 1).target.as_ref().and_then(|t| t.name.as_deref()), Some("mona"));
    // Removing an ordinary member takes no role.
    assert!(on_line(&events, 3).is_empty());
    assert_eq!(tally.not_relevant.get(&(Provider::Github, "org.remove_member".into())), Some(&1));
}
