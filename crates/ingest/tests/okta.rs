//! Okta System Log (native) and `Okta_CL` (Log Analytics): samples, hand-written fixtures for
//! the documented-only events (docs/events.md §1, marked D), and the shared mapping between shapes.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use common::{assert_clean, brief, fixture, on_line, only, sample, sample_keeping_duplicates};
use model::{ActorRelation, Category, Event, FactorClass, Outcome, RiskLevel, Tag};
use std::collections::BTreeMap;

const OCSF: &str = "ocsf-examples/okta_systemlog.ndjson";
const ELASTIC: &str = "elastic-integrations/okta/okta_system_head.ndjson";
const OKTA_CL: &str = "sentinel-sample-data/okta_cl_loganalytics.ndjson";

fn counts(tally: &ingest::Tally) -> BTreeMap<&'static str, u64> {
    tally.events.iter().filter(|(_, n)| **n > 0).map(|((_, c), n)| (c.as_str(), *n)).collect()
}

fn kind(e: &Event) -> (Option<&str>, FactorClass) {
    let f = e.factor.as_ref().expect("a factor");
    (f.kind.as_deref(), f.class)
}

// ---- samples -------------------------------------------------------------------------

#[test]
fn okta_ocsf_samples_normalize_cleanly_by_category() {
    let (events, tally) = sample(OCSF);
    assert_clean(&tally);
    let expected = BTreeMap::from([
        ("other", 2),
        ("risk_signal", 1),
        ("secret_issue", 1),
        ("signin_failure", 1),
        ("signin_success", 1),
    ]);
    assert_eq!(counts(&tally), expected);
    assert_eq!(tally.not_relevant_total(), 0);

    let want = [
        (1, "secret_issue actor=john.doe@example.com target=john.doe@example.com ip=10.0.0.1 country=United States"),
        (2, "signin_failure actor=okta@okta-test.com target=okta@okta-test.com ip=1.1.1.1 country=France"),
        (3, "signin_success actor=john.doe@example.com target=john.doe@example.com ip=10.0.0.1 country=United States"),
        (4, "risk_signal actor=- target=- ip=10.0.0.1 country=United States"),
        (5, "other actor=john.doe@example.com target=- ip=10.0.0.1 country=United States"),
        (6, "other actor=john.doe@example.com target=test_user@example[.]com ip=10.0.0.1 country=United States"),
    ];
    for (line, b) in want {
        assert_eq!(brief(only(&events, line)), b, "line {line}");
    }
}

#[test]
fn okta_api_token_create_is_a_secret_named_by_its_target() {
    let (events, _) = sample(OCSF);
    let e = only(&events, 1);
    assert_eq!(e.object.as_deref(), Some("API token"));
    assert_eq!(e.client.asn, Some(394089));
    assert_eq!(e.session.as_deref(), Some("idxBager62CSveUkTxvgRtonA"));
}

#[test]
fn okta_lockout_is_a_failed_signin_with_low_risk_and_no_markers() {
    let (events, _) = sample(OCSF);
    let e = only(&events, 2);
    assert_eq!(e.outcome, Outcome::Failure);
    assert_eq!(e.reason.as_deref(), Some("LOCKED_OUT"));
    assert_eq!(e.risk.level, Some(RiskLevel::Low));
    assert!(e.risk.markers.is_empty(), "all behaviors NEGATIVE");
    assert_eq!(e.client.device_id.as_deref(), Some("5fEXAMPLE"));
    assert!(!e.client.trusted_network, "zone \"null\" is no zone");
}

#[test]
fn okta_device_id_comes_from_the_device_object_not_the_form_factor() {
    let (events, _) = sample(OCSF);
    let e = only(&events, 3);
    assert_eq!(e.client.device_id.as_deref(), Some("guofdhyjex1feOgbN1d9"));
    assert_eq!(kind(e), (Some("Okta Verify"), FactorClass::App));
}

#[test]
fn okta_threat_detected_names_the_detection_and_no_identity() {
    let (events, _) = sample(OCSF);
    let e = only(&events, 4);
    assert_eq!(e.risk.level, Some(RiskLevel::High));
    assert_eq!(e.risk.markers, ["Login Failures"]);
    assert!(e.actor.is_none(), "an `IP address` actor is not an identity");
}

#[test]
fn okta_sign_on_policy_create_is_a_policy_change() {
    let (events, _) = sample(OCSF);
    let e = only(&events, 5);
    assert!(e.has_tag(Tag::PolicyChange));
    assert_eq!(e.object.as_deref(), Some("Exclude MFA"));
}

#[test]
fn okta_elastic_samples_normalize_cleanly_by_category() {
    let (events, tally) = sample(ELASTIC);
    assert_clean(&tally);
    assert_eq!(counts(&tally), BTreeMap::from([("other", 1), ("signin_success", 1)]));
    assert_eq!(tally.not_relevant.get(&(model::Provider::Okta, "user.session.end".into())), Some(&1));
    assert!(on_line(&events, 1).is_empty());
    let e = only(&events, 2);
    assert_eq!(
        brief(e),
        "signin_success actor=xxxxxx@elastic.co target=xxxxxx@elastic.co ip=175.16.199.1 country=United States"
    );
    assert_eq!(e.client.device_id.as_deref(), Some("541daf91d15bef64a7e08c946fd9a9d0"));
    assert_eq!(e.session.as_deref(), Some("102bZDNFfWaQSyEZQuDgWt-uQ"));
    assert_eq!(
        brief(only(&events, 3)),
        "other actor=xxxxxx@elastic.co target=xxxxxx@elastic.co ip=175.16.199.1 country=United States"
    );
}

#[test]
fn okta_cl_rows_normalize_cleanly_with_import_noise_not_relevant() {
    let (_, tally) = sample_keeping_duplicates(OKTA_CL);
    assert_clean(&tally);
    assert_eq!(tally.records, 593);
    let expected = BTreeMap::from([
        ("mfa_challenge", 23),
        ("mfa_deny", 2),
        // 16 of them open the Admin Console (tag `admin_console`).
        ("other", 50),
        ("signin_failure", 33),
        ("signin_success", 30),
    ]);
    assert_eq!(counts(&tally), expected);
    assert_eq!(tally.event_total(), 138);
    assert_eq!(tally.not_relevant_total(), 593 - 138);
    // Log Analytics ingested many events up to 12 times (only `TimeGenerated` differs):
    // by default each provider event is emitted once.
    let (deduplicated, tally) = sample(OKTA_CL);
    assert_eq!((deduplicated.len(), tally.duplicates), (49, 89));
    let noise = |t: &str| tally.not_relevant.get(&(model::Provider::Okta, t.into())).copied();
    assert_eq!(noise("system.import.start"), Some(182));
    assert_eq!(noise("system.import.download.start"), Some(179));
}

#[test]
fn okta_cl_one_row_per_relevant_event_type_and_outcome() {
    let (events, _) = sample(OKTA_CL);
    // Actor and target share one immutable id under two email domains: self, not delegated.
    let want = [
        (1, "other actor=user100@abccompany.com target=user100@abccompany.com ip=- country=-"),
        (
            2,
            "signin_failure actor=user100@abccompany.com target=user100@accenture.com ip=65.65.65.65 country=United States",
        ),
        (3, "other actor=user100@abccompany.com target=user100@accenture.com ip=65.65.65.65 country=United States"),
        (
            4,
            "mfa_challenge actor=user100@abccompany.com target=user100@accenture.com ip=65.65.65.65 country=United States",
        ),
        (5, "mfa_deny actor=user100@abccompany.com target=user100@accenture.com ip=65.65.65.65 country=United States"),
        (
            7,
            "mfa_challenge actor=user100@abccompany.com target=user100@accenture.com ip=65.65.65.65 country=United States",
        ),
        (
            8,
            "signin_success actor=user100@abccompany.com target=user100@abccompany.com ip=65.65.65.65 country=United States",
        ),
        (
            9,
            "signin_success actor=user100@abccompany.com target=user100@abccompany.com ip=65.65.65.65 country=United States",
        ),
        (
            23,
            "signin_success actor=user100@abccompany.com target=user100@abccompany.com ip=65.65.65.65 country=United States",
        ),
        (
            109,
            "signin_failure actor=user88@abccompany.com target=user88@abccompany.com ip=68.68.68.68 country=United States",
        ),
        (334, "other actor=user22@abccompany.com target=- ip=50.50.50.50 country=United States"),
        (340, "other actor=user22@abccompany.com target=- ip=50.50.50.50 country=United States"),
        (341, "other actor=user22@abccompany.com target=- ip=50.50.50.50 country=United States"),
        (342, "other actor=user22@abccompany.com target=- ip=50.50.50.50 country=United States"),
        (
            437,
            "mfa_challenge actor=user55@abccompany.com target=user55@abccompany.com ip=97.97.97.97 country=United States",
        ),
    ];
    for (line, b) in want {
        let e = only(&events, line);
        assert_eq!(brief(e), b, "line {line}");
        assert_eq!(e.relation, ActorRelation::SelfService, "line {line}");
    }
}

#[test]
fn okta_cl_time_is_published_not_time_generated() {
    let (events, _) = sample(OKTA_CL);
    let e = only(&events, 2);
    assert_eq!(e.time.to_rfc3339(), "2020-05-26T22:15:24.061+00:00");
    assert_eq!(e.id, "6540b50a-9f9e-11ea-8e6c-9d92aa70e8a4");
}

#[test]
fn okta_cl_typed_columns_fill_geo_asn_and_factor() {
    let (events, _) = sample(OKTA_CL);
    let e = only(&events, 5);
    let geo = e.client.geo.as_ref().expect("geo");
    assert_eq!((geo.lat, geo.lon), (Some(34.047), Some(-118.275)));
    assert_eq!(e.client.asn, Some(10993));
    assert!(!e.client.proxy);
    assert_eq!(e.client.device_id.as_deref(), Some("ade03304-2eb2-3b2f-d57e-5cfe92c81793"));
    assert_eq!(kind(e), (Some("SMS_FACTOR"), FactorClass::PossessionWeak));
    let sms = only(&events, 4);
    assert_eq!(sms.factor.as_ref().and_then(|f| f.name.as_deref()), Some("+13237923223"));
    assert_eq!(kind(sms), (Some("SMS_FACTOR"), FactorClass::PossessionWeak));
}

#[test]
fn okta_password_step_of_mfa_is_no_factor() {
    let (events, _) = sample(OKTA_CL);
    assert_eq!(kind(only(&events, 2)), (Some("PASSWORD_AS_FACTOR"), FactorClass::Unknown));
}

// ---- fixtures: factors ---------------------------------------------------------------

#[test]
fn okta_fixtures_normalize_cleanly() {
    for f in ["okta/factors.ndjson", "okta/auth.ndjson", "okta/account.ndjson", "okta/org.ndjson", "okta/api_page.json"]
    {
        let (_, tally) = fixture(f);
        assert_clean(&tally);
        assert_eq!(tally.not_relevant_total(), 0, "{f}");
    }
}

#[test]
fn okta_factor_activate_by_self_is_self_service() {
    let (events, _) = fixture("okta/factors.ndjson");
    let e = only(&events, 1);
    assert_eq!(
        brief(e),
        "factor_add actor=alice@acme.example target=alice@acme.example ip=198.51.100.23 country=United States"
    );
    assert_eq!(e.relation, ActorRelation::SelfService);
    assert_eq!(kind(e), (Some("OKTA_VERIFY_PUSH"), FactorClass::App));
    assert_eq!(e.factor.as_ref().and_then(|f| f.id.as_deref()), Some("pfd1okvEnr0ll0d7"));
}

#[test]
fn okta_factor_activate_by_admin_is_delegated() {
    let (events, _) = fixture("okta/factors.ndjson");
    let e = only(&events, 2);
    assert_eq!(
        brief(e),
        "factor_add actor=bob.helpdesk@acme.example target=alice@acme.example ip=203.0.113.77 country=United States"
    );
    assert_eq!(e.relation, ActorRelation::Delegated);
    assert_eq!(kind(e), (Some("SMS_FACTOR"), FactorClass::PossessionWeak));
    assert_eq!(e.factor.as_ref().and_then(|f| f.name.as_deref()), Some("+14155550123"));
}

#[test]
fn okta_factor_reset_by_admin_is_delegated_removal() {
    let (events, _) = fixture("okta/factors.ndjson");
    let e = only(&events, 3);
    assert_eq!(
        brief(e),
        "factor_remove actor=bob.helpdesk@acme.example target=alice@acme.example ip=203.0.113.77 country=United States"
    );
    assert_eq!(e.relation, ActorRelation::Delegated);
    assert_eq!(e.tags, [Tag::ResetPart]);
    assert_eq!(e.correlation.as_deref(), Some("YkO9ResetTxn0001AABBcc"));
    assert_eq!(kind(e), (Some("SMS"), FactorClass::PossessionWeak));
    assert_eq!(e.reason.as_deref(), Some("User reset SMS factor"));
}

#[test]
fn okta_plain_self_deactivate_is_no_reset_part() {
    let (events, _) = fixture("okta/factors.ndjson");
    let e = only(&events, 4);
    assert_eq!(e.category, Category::FactorRemove);
    assert_eq!(e.relation, ActorRelation::SelfService);
    assert!(e.tags.is_empty());
    assert_eq!(kind(e), (Some("Google Authenticator"), FactorClass::App));
}

#[test]
fn okta_classic_reset_all_is_a_factor_reset() {
    let (events, _) = fixture("okta/factors.ndjson");
    let e = only(&events, 5);
    assert_eq!(
        brief(e),
        "factor_reset actor=bob.helpdesk@acme.example target=alice@acme.example ip=203.0.113.77 country=United States"
    );
    assert_eq!(e.relation, ActorRelation::Delegated);
    assert!(e.factor.is_none());
}

#[test]
fn okta_system_principal_factor_change_is_system() {
    let (events, _) = fixture("okta/factors.ndjson");
    let e = only(&events, 6);
    assert_eq!(brief(e), "factor_remove actor=system@okta.com target=alice@acme.example ip=- country=-");
    assert_eq!(e.relation, ActorRelation::System);
    assert_eq!(kind(e), (Some("OKTA_VERIFY_PUSH"), FactorClass::App));
}

#[test]
fn okta_support_as_system_user_is_system() {
    let (events, _) = fixture("okta/factors.ndjson");
    let e = only(&events, 7);
    assert_eq!(e.category, Category::FactorReset);
    assert_eq!(e.relation, ActorRelation::System);
    assert!(e.correlation.is_none(), "transaction.id `unknown` is absent");
    assert!(e.client.user_agent.is_none());
}

#[test]
fn okta_oie_reset_all_writes_one_reset_part_per_factor_in_one_transaction() {
    let (events, _) = fixture("okta/factors.ndjson");
    let parts = [only(&events, 8), only(&events, 9)];
    for e in parts {
        assert_eq!(e.category, Category::FactorRemove);
        assert!(e.has_tag(Tag::ResetPart));
        assert_eq!(e.correlation.as_deref(), Some("YkOieResetAll00AABBcc"));
    }
    assert_eq!(kind(parts[0]), (Some("OKTA_VERIFY_PUSH"), FactorClass::App));
    assert_eq!(kind(parts[1]), (Some("FIDO_WEBAUTHN"), FactorClass::PhishingResistant));
}

#[test]
fn okta_suspend_unsuspend_and_update_map_to_remove_add_update() {
    let (events, _) = fixture("okta/factors.ndjson");
    assert_eq!(only(&events, 10).category, Category::FactorRemove);
    assert_eq!(only(&events, 11).category, Category::FactorAdd);
    let update = only(&events, 12);
    assert_eq!(update.category, Category::FactorUpdate);
    assert_eq!(update.factor.as_ref().and_then(|f| f.name.as_deref()), Some("+14155550199"));
}

#[test]
fn okta_api_token_and_app_actors_are_service() {
    let (events, _) = fixture("okta/factors.ndjson");
    let token = only(&events, 13);
    assert_eq!(token.category, Category::FactorReset);
    assert_eq!(token.relation, ActorRelation::Service);
    let app = only(&events, 14);
    assert_eq!(
        brief(app),
        "factor_remove actor=Provisioning Bot target=alice@acme.example ip=192.0.2.11 country=United States"
    );
    assert_eq!(app.relation, ActorRelation::Service);
    assert_eq!(kind(app), (Some("Email"), FactorClass::PossessionWeak));
}

// ---- fixtures: authentication --------------------------------------------------------

#[test]
fn okta_oie_push_denied_is_mfa_deny() {
    let (events, _) = fixture("okta/auth.ndjson");
    let e = only(&events, 1);
    assert_eq!(
        brief(e),
        "mfa_deny actor=alice@acme.example target=alice@acme.example ip=185.220.101.4 country=Germany"
    );
    assert_eq!(e.outcome, Outcome::Failure);
    assert_eq!(kind(e), (Some("OKTA_VERIFY_PUSH"), FactorClass::App));
    assert_eq!(e.reason.as_deref(), Some("INVALID_CREDENTIALS"));
    assert!(e.client.device_id.as_deref().is_some_and(|d| d.starts_with("b4c1e3f0")));
}

#[test]
fn okta_fastpass_phishing_refusal_adds_a_risk_marker() {
    let (events, _) = fixture("okta/auth.ndjson");
    let e = only(&events, 2);
    assert_eq!(e.category, Category::MfaDeny);
    assert_eq!(kind(e), (Some("SIGNED_NONCE"), FactorClass::PhishingResistant));
    assert_eq!(e.risk.markers, ["FastPass declined phishing attempt"]);
}

#[test]
fn okta_classic_push_deny_and_wrong_number_are_mfa_deny() {
    let (events, _) = fixture("okta/auth.ndjson");
    assert_eq!(only(&events, 3).category, Category::MfaDeny);
    let wrong = only(&events, 4);
    assert_eq!(wrong.category, Category::MfaDeny);
    assert_eq!(wrong.reason.as_deref(), Some("OV_WITH_CHALLENGE_RESPONSE_INVALID"));
    let push = only(&events, 5);
    assert_eq!(push.category, Category::MfaChallenge);
    assert_eq!(kind(push), (Some("OKTA_VERIFY_PUSH"), FactorClass::App));
}

#[test]
fn okta_high_risk_sign_on_evaluation_adds_a_risk_signal() {
    let (events, _) = fixture("okta/auth.ndjson");
    let found = on_line(&events, 6);
    let cats: Vec<Category> = found.iter().map(|e| e.category).collect();
    assert_eq!(cats, [Category::Other, Category::RiskSignal]);
    let signal = found[1];
    assert_eq!(
        brief(signal),
        "risk_signal actor=alice@acme.example target=alice@acme.example ip=198.51.100.23 country=United States"
    );
    assert_eq!(signal.risk.level, Some(RiskLevel::High));
    assert_eq!(signal.risk.markers, ["New Device", "New IP"]);
    assert_eq!(signal.session.as_deref(), Some("idxRiskyS3ssion00d7"));
    assert_ne!(signal.id, found[0].id, "both survive de-duplication");
    assert!(signal.client.trusted_network, "client.zone `Corporate VPN`");
}

#[test]
fn okta_sign_in_reads_device_id_from_device_object() {
    let (events, _) = fixture("okta/auth.ndjson");
    let e = only(&events, 7);
    assert_eq!(e.category, Category::SigninSuccess);
    assert_eq!(e.client.device_id.as_deref(), Some("guo1devic3Id0d7"));
}

// ---- fixtures: account, roles, sessions, secrets --------------------------------------

#[test]
fn okta_password_reset_by_help_desk_is_delegated() {
    let (events, _) = fixture("okta/account.ndjson");
    let e = only(&events, 1);
    assert_eq!(
        brief(e),
        "password_reset actor=bob.helpdesk@acme.example target=alice@acme.example ip=203.0.113.77 country=United States"
    );
    assert_eq!(e.relation, ActorRelation::Delegated);
    let change = only(&events, 2);
    assert_eq!(change.category, Category::PasswordChange);
    assert_eq!(change.relation, ActorRelation::SelfService);
    let mail = only(&events, 3);
    assert_eq!((mail.category, mail.tags.as_slice()), (Category::Other, [Tag::RecoveryRequested].as_slice()));
}

#[test]
fn okta_privilege_grant_names_the_roles() {
    let (events, _) = fixture("okta/account.ndjson");
    let e = only(&events, 4);
    assert_eq!(
        brief(e),
        "role_grant actor=bob.helpdesk@acme.example target=alice@acme.example ip=203.0.113.77 country=United States"
    );
    assert_eq!(e.relation, ActorRelation::Delegated);
    assert_eq!(e.object.as_deref(), Some("Super administrator, Help Desk administrator"));
    let group = only(&events, 5);
    assert_eq!(
        brief(group),
        "role_grant actor=bob.helpdesk@acme.example target=Help Desk Team ip=203.0.113.77 country=United States"
    );
    let revoke = only(&events, 6);
    assert_eq!((revoke.category, revoke.object.as_deref()), (Category::RoleRevoke, Some("Super administrator")));
}

#[test]
fn okta_session_clear_by_admin_is_delegated_session_revoke() {
    let (events, _) = fixture("okta/account.ndjson");
    let e = only(&events, 7);
    assert_eq!(
        brief(e),
        "session_revoke actor=bob.helpdesk@acme.example target=alice@acme.example ip=203.0.113.77 country=United States"
    );
    assert_eq!(e.relation, ActorRelation::Delegated);
    let logout = only(&events, 8);
    assert_eq!((logout.category, logout.relation), (Category::SessionRevoke, ActorRelation::System));
}

#[test]
fn okta_api_token_revoke_and_plain_group_membership() {
    let (events, _) = fixture("okta/account.ndjson");
    let token = only(&events, 9);
    assert_eq!((token.category, token.object.as_deref()), (Category::SecretRevoke, Some("SCIM sync")));
    let member = only(&events, 10);
    assert_eq!(
        brief(member),
        "other actor=bob.helpdesk@acme.example target=alice@acme.example ip=203.0.113.77 country=United States"
    );
    assert_eq!(member.object.as_deref(), Some("Sales"));
}

// ---- fixtures: org-wide ---------------------------------------------------------------

#[test]
fn okta_org_wide_changes_weaken_policy_only_for_sign_on_and_mfa() {
    let (events, _) = fixture("okta/org.ndjson");
    let factor_off = only(&events, 1);
    assert_eq!(
        brief(factor_off),
        "policy_weaken actor=bob.helpdesk@acme.example target=- ip=203.0.113.77 country=United States"
    );
    assert_eq!(kind(factor_off), (Some("FIDO_WEBAUTHN"), FactorClass::PhishingResistant));
    let deactivated = only(&events, 2);
    assert_eq!((deactivated.category, deactivated.object.as_deref()), (Category::PolicyWeaken, Some("Require MFA")));
    assert!(deactivated.has_tag(Tag::PolicyChange));
    let rule = only(&events, 3);
    assert_eq!((rule.category, rule.tags.as_slice()), (Category::Other, [Tag::PolicyChange].as_slice()));
    assert_eq!(only(&events, 4).category, Category::Other, "password policy deleted");
    let idp = only(&events, 5);
    assert_eq!((idp.category, idp.object.as_deref()), (Category::PolicyWeaken, Some("Partner SAML IdP")));
    assert!(idp.has_tag(Tag::FederationAdded));
}

#[test]
fn okta_device_enrollment_and_reported_risks() {
    let (events, _) = fixture("okta/org.ndjson");
    assert_eq!(
        brief(only(&events, 6)),
        "device_register actor=alice@acme.example target=alice@acme.example ip=198.51.100.23 country=United States"
    );
    assert_eq!(only(&events, 7).category, Category::RiskSignal);
    assert_eq!(
        brief(only(&events, 8)),
        "risk_signal actor=alice@acme.example target=alice@acme.example ip=185.220.101.4 country=Germany"
    );
}

// ---- shapes ---------------------------------------------------------------------------

#[test]
fn okta_api_page_array_yields_each_event_with_its_index() {
    let (events, tally) = fixture("okta/api_page.json");
    assert_clean(&tally);
    let idx: Vec<Option<u32>> = events.iter().map(|e| e.source.index).collect();
    assert_eq!(idx, [Some(0), Some(1)]);
    assert_eq!(events[0].category, Category::FactorAdd);
    assert_eq!(events[1].category, Category::PasswordReset);
}

#[test]
fn okta_cl_rows_map_like_native_events() {
    let (la, tally) = fixture("okta/okta_cl_factor_reset.ndjson");
    assert_clean(&tally);
    let (native_factors, _) = fixture("okta/factors.ndjson");
    let (native_auth, _) = fixture("okta/auth.ndjson");
    let pairs = [
        (only(&la, 1), only(&native_factors, 3)),
        (on_line(&la, 2)[1], on_line(&native_auth, 6)[1]),
        (only(&la, 3), only(&native_auth, 1)),
    ];
    for (row, native) in pairs {
        assert_eq!(brief(row), brief(native));
        assert_eq!(row.time, native.time, "published_t, not TimeGenerated");
        for field in [
            row.relation == native.relation,
            row.tags == native.tags,
            row.factor == native.factor,
            row.risk == native.risk,
        ] {
            assert!(field, "{} differs from native", row.action);
        }
        assert_eq!(row.correlation, native.correlation);
        assert_eq!(row.client.device_id, native.client.device_id);
        assert_eq!(row.client.trusted_network, native.client.trusted_network);
    }
}

#[test]
fn okta_tenant_is_the_configured_org() {
    let text = std::fs::read_to_string(common::fixtures_dir().join("okta/factors.ndjson")).unwrap();
    let (events, _) = ingest::normalize_text("f", &text, &ingest::Options::default());
    assert!(events.iter().all(|e| e.tenant == "okta"));
    let mut opts = ingest::Options::default();
    opts.set_tenant(model::Provider::Okta, "acme.okta.com");
    let (events, _) = ingest::normalize_text("f", &text, &opts);
    assert!(events.iter().all(|e| e.tenant == "acme.okta.com"));
}

#[test]
fn okta_records_without_time_or_with_wrong_types_are_diagnosed_not_panics() {
    let lines = [
        r#"{"eventType":"user.mfa.factor.activate","actor":{"id":"00u1"},"uuid":"u1"}"#,
        r#"{"eventType":"user.mfa.factor.activate","actor":{"id":"00u1"},"uuid":"u2","published":"yesterday"}"#,
        r#"{"eventType":"user.mfa.factor.activate","actor":{"id":7,"type":[]},"uuid":"u3","published":"2024-01-01T00:00:00Z","target":"x","client":5,"debugContext":{"debugData":{"behaviors":7,"risk":"{level=","threatDetections":"{bad"}}}"#,
        r#"{"eventType_s":"user.mfa.factor.activate","actor_alternateId_s":"a@b.c","target_s":"[not json"}"#,
        r#"{"eventType":"user.mfa.factor.activate","actor_alternateId":"a@b.c","published_t":"2024-01-01T00:00:00Z","target":"{\"id\":1}","request_ipChain":"[{\"ip\":5}]"}"#,
    ];
    let (events, tally) = ingest::normalize_text("bad", &lines.join("\n"), &ingest::Options::default());
    let fields: Vec<String> = tally.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(fields.len(), 3, "{fields:?}");
    assert!(fields[0].contains("okta.native") && fields[0].contains("`published`"), "{}", fields[0]);
    assert!(fields[1].contains("`yesterday`"), "{}", fields[1]);
    assert!(fields[2].contains("okta.la") && fields[2].contains("`published_t`"), "{}", fields[2]);
    assert_eq!(events.len(), 2, "wrong-typed optional fields are treated as absent");
    assert!(events.iter().all(|e| e.category == Category::FactorAdd));
}

// ---- role removals mirror the grants (issue 13) -----------------------------------------

#[test]
fn okta_group_privilege_binding_and_impersonation_revokes_are_role_revokes() {
    let (events, tally) = fixture("okta/role_revokes.ndjson");
    assert_clean(&tally);
    let group = only(&events, 1);
    assert_eq!(
        brief(group),
        "role_revoke actor=bob.helpdesk@acme.example target=Help Desk Team ip=203.0.113.77 country=United States"
    );
    assert_eq!(group.object.as_deref(), Some("Help Desk administrator"));
    let binding = only(&events, 2);
    assert_eq!(
        brief(binding),
        "role_revoke actor=bob.helpdesk@acme.example target=alice@acme.example ip=203.0.113.77 country=United States"
    );
    assert_eq!(binding.object.as_deref(), Some("Custom factor reset role"));
    assert_eq!(binding.relation, ActorRelation::Delegated);
    let impersonation = only(&events, 3);
    assert_eq!(impersonation.category, Category::RoleRevoke);
    assert_eq!(impersonation.target.as_ref().and_then(|t| t.name.as_deref()), Some("support@okta.com"));
}

#[test]
fn okta_cl_admin_console_access_is_other_tagged_admin_console_on_the_actor() {
    let (events, tally) = sample(OKTA_CL);
    let e = only(&events, 10);
    assert_eq!(e.action.as_str(), "user.session.access_admin_app");
    assert_eq!(
        brief(e),
        "other actor=user100@abccompany.com target=user100@abccompany.com ip=65.65.65.65 country=United States"
    );
    assert_eq!(e.tags, [Tag::AdminConsole]);
    assert_eq!(e.relation, ActorRelation::SelfService, "the console is opened, nobody is acted on");
    let noise = |t: &str| tally.not_relevant.get(&(model::Provider::Okta, t.into())).copied();
    assert_eq!(noise("user.session.access_admin_app"), None);
}
