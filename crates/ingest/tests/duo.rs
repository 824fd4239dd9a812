//! Cisco Duo: shared samples (admin, auth v2, activity, telephony) and hand-written
//! fixtures for the administrator actions with no public sample (docs/events.md §7).
mod common;

use common::{assert_clean, brief, fixture, on_line, only as one, sample, sample_keeping_duplicates};
use model::{ActorRelation, Category, Event, FactorClass, Outcome, Provider, Tag};

/// Events per category of one run, as `category=n` in category order.
fn counts(tally: &ingest::Tally) -> String {
    tally.events.iter().filter(|(_, n)| **n > 0).map(|((_, c), n)| format!("{c}={n}")).collect::<Vec<_>>().join(" ")
}

fn briefs(events: &[Event], line: u64) -> Vec<String> {
    on_line(events, line).into_iter().map(brief).collect()
}

fn factor_of(e: &Event) -> (String, FactorClass, String) {
    let f = e.factor.clone().unwrap_or_default();
    (f.kind.unwrap_or_default().to_string(), f.class, f.id.unwrap_or_default().to_string())
}

#[test]
fn duo_sample_files_normalize_without_diagnostics() {
    let expected = [
        ("cribl-packs/duo_activity.ndjson", "factor_add=1 role_grant=1", 0),
        ("cribl-packs/duo_administrator.ndjson", "signin_failure=1", 1),
        ("cribl-packs/duo_authentication.ndjson", "mfa_challenge=1 mfa_deny=1 risk_signal=1", 0),
        ("cribl-packs/duo_telephony.ndjson", "", 3),
        (
            "elastic-integrations/cisco_duo/duo_activity.ndjson",
            "factor_add=1 password_change=1 signin_failure=1 mfa_challenge=1",
            0,
        ),
        ("elastic-integrations/cisco_duo/duo_admin.ndjson", "factor_add=1 factor_update=1", 7),
        ("elastic-integrations/cisco_duo/duo_auth.ndjson", "factor_add=1 mfa_challenge=8 mfa_deny=10 risk_signal=2", 0),
    ];
    for (file, events, not_relevant) in expected {
        let (all, tally) = sample_keeping_duplicates(file);
        assert_clean(&tally);
        assert!(all.iter().all(|e| e.provider == Provider::Duo && e.tenant == "duo"), "{file}");
        assert_eq!(counts(&tally), events, "{file}");
        assert_eq!(tally.not_relevant_total(), not_relevant, "{file}");
    }
}

#[test]
fn duo_activity_samples_map_actor_target_and_factor() {
    let (ev, _) = sample("cribl-packs/duo_activity.ndjson");
    assert_eq!(briefs(&ev, 1), ["factor_add actor=sogilby target=sogilby ip=172.34.40.116 country=United States"]);
    let webauthn = one(&ev, 1);
    assert_eq!(webauthn.outcome, Outcome::Failure, "failed enrollments are still emitted");
    assert_eq!(
        factor_of(webauthn),
        ("Security key".into(), FactorClass::PhishingResistant, "WAUKH0IMTGP00L90LT4KM".into())
    );
    assert!(webauthn.client.user_agent.as_deref().is_some_and(|ua| ua.contains("Chrome/111")));
    assert_eq!(webauthn.client.device_id.as_deref(), Some("EP123456789012345678"));
    assert_eq!(
        briefs(&ev, 2),
        ["role_grant actor=admin.johnson target=smartinez ip=203.0.113.45 country=United States"]
    );
    let grant = one(&ev, 2);
    assert_eq!(grant.relation, ActorRelation::Delegated);
    assert_eq!(grant.object.as_deref(), Some("Owner"));

    let (ev, _) = sample("elastic-integrations/cisco_duo/duo_activity.ndjson");
    assert_eq!(briefs(&ev, 1), ["factor_add actor=sogilby target=sogilby ip=216.160.83.56 country=United States"]);
    assert_eq!(briefs(&ev, 2), ["password_change actor=jdoe target=jdoe ip=192.168.1.23 country=United States"]);
    assert_eq!(briefs(&ev, 3), ["signin_failure actor=tharris target=tharris ip=216.160.83.56 country=United Kingdom"]);
    assert_eq!(briefs(&ev, 4), ["mfa_challenge actor=rpatel target=rpatel ip=10.0.0.50 country=Australia"]);
}

#[test]
fn duo_admin_samples_read_embedded_description_and_system_actor() {
    let (ev, _) = sample("cribl-packs/duo_administrator.ndjson");
    // `username` is "" on a failed Admin Panel login; the admin is the description's email.
    assert_eq!(
        briefs(&ev, 2),
        ["signin_failure actor=narroway@example.com target=narroway@example.com ip=10.1.23.116 country=-"]
    );
    assert_eq!(one(&ev, 2).reason.as_deref(), Some("SAML login is disabled"));

    let (ev, _) = sample("elastic-integrations/cisco_duo/duo_admin.ndjson");
    assert_eq!(briefs(&ev, 2), ["factor_add actor=Duo target=- ip=- country=-"]);
    let push = one(&ev, 2);
    assert_eq!(push.relation, ActorRelation::System, "username \"\" is Duo itself");
    assert_eq!(factor_of(push), ("duo_push".into(), FactorClass::App, "+12345678901".into()));
    assert_eq!(briefs(&ev, 6), ["factor_update actor=narroway target=narroway ip=- country=-"]);
    assert_eq!(one(&ev, 6).relation, ActorRelation::SelfService);
    assert!(on_line(&ev, 1).is_empty() && on_line(&ev, 7).is_empty(), "activation_begin, plain user_update");
}

#[test]
fn duo_admin_time_prefers_numeric_timestamp_over_spaced_iso() {
    let line = r#"{"action":"phone_delete","description":null,"isotimestamp":"2021-07-20T11: 41: 31+00: 00","object":"jsmith","timestamp":1626781291,"username":"admin"}
{"action":"phone_delete","description":null,"isotimestamp":"2021-07-20T11: 41: 31+00: 00","object":"jsmith","timestamp":null,"username":"admin"}"#;
    let (ev, tally) = ingest::normalize_text("t.ndjson", line, &ingest::Options::default());
    assert_clean(&tally);
    assert_eq!(ev.len(), 2);
    assert!(ev.iter().all(|e| e.time.to_rfc3339() == "2021-07-20T11:41:31+00:00"));
}

#[test]
fn duo_admin_records_without_id_get_a_stable_derived_id() {
    let (a, _) = sample("elastic-integrations/cisco_duo/duo_admin.ndjson");
    let (b, _) = sample("elastic-integrations/cisco_duo/duo_admin.ndjson");
    assert_eq!(one(&a, 2).id, one(&b, 2).id);
    assert!(one(&a, 2).id.starts_with('h'));
    assert_ne!(one(&a, 2).id, one(&a, 6).id);
}

#[test]
fn duo_auth_samples_map_results_ips_and_trust_verdicts() {
    let (ev, _) = sample("cribl-packs/duo_authentication.ndjson");
    assert_eq!(
        briefs(&ev, 1),
        ["mfa_challenge actor=mjackson@example.com target=mjackson@example.com ip=192.168.1.105 country=United States"]
    );
    assert_eq!(one(&ev, 1).session.as_deref(), Some("a1b2c3d4-e5f6-4789-0abc-def123456789"));
    assert_eq!(
        briefs(&ev, 2),
        [
            "mfa_deny actor=rchen@example.com target=rchen@example.com ip=198.51.100.89 country=United Kingdom",
            "risk_signal actor=rchen@example.com target=rchen@example.com ip=198.51.100.89 country=United Kingdom",
        ]
    );
    assert_eq!(on_line(&ev, 2)[1].risk.markers, ["ANOMALOUS_LOCATION"]);

    // Lines 7-13 repeat one txid with the IP written in different notations: each is read
    // here, and the same event written again is dropped by default.
    let (_, deduplicated) = sample("elastic-integrations/cisco_duo/duo_auth.ndjson");
    assert_eq!(deduplicated.duplicates, 5);
    let (ev, _) = sample_keeping_duplicates("elastic-integrations/cisco_duo/duo_auth.ndjson");
    let user = "actor=narroway target=narroway";
    assert_eq!(
        briefs(&ev, 1),
        ["mfa_challenge actor=narroway@example.com target=narroway@example.com ip=89.160.20.156 country=United States"]
    );
    for line in [2, 3] {
        assert_eq!(briefs(&ev, line), [format!("mfa_challenge {user} ip=89.160.20.156 country=United States")]);
    }
    assert_eq!(briefs(&ev, 4), [format!("mfa_deny {user} ip=89.160.20.156 country=United States")]);
    assert!(one(&ev, 4).has_tag(Tag::FraudReported));
    assert_eq!(briefs(&ev, 5), [format!("mfa_deny {user} ip=89.160.20.156 country=United States")]);
    assert_eq!(one(&ev, 5).reason.as_deref(), Some("user_mistake"));
    // Ports and brackets are stripped; forms that stay invalid leave the IP absent.
    assert_eq!(briefs(&ev, 6), [format!("mfa_deny {user} ip=89.160.20.112 country=United States")]);
    let v6 = "2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6";
    for line in [7, 8, 9, 12] {
        assert_eq!(briefs(&ev, line), [format!("mfa_deny {user} ip={v6} country=United States")], "line {line}");
    }
    for line in [10, 11, 13] {
        assert_eq!(briefs(&ev, line), [format!("mfa_deny {user} ip=- country=United States")], "line {line}");
    }
    for line in [14, 15, 16] {
        assert_eq!(briefs(&ev, line), [format!("mfa_challenge {user} ip=89.160.20.156 country=-")], "line {line}");
    }
    assert_eq!(briefs(&ev, 17), [format!("factor_add {user} ip=81.2.69.144 country=United States")]);
    assert_eq!(factor_of(one(&ev, 17)), ("not_available".into(), FactorClass::Unknown, String::new()));
    assert_eq!(
        briefs(&ev, 18),
        [
            "mfa_challenge actor=narroway@example.com target=narroway@example.com ip=175.16.199.1 country=United States",
            "risk_signal actor=narroway@example.com target=narroway@example.com ip=175.16.199.1 country=United States",
        ]
    );
    assert_eq!(
        briefs(&ev, 19),
        [
            format!("mfa_challenge {user} ip=1.128.0.1 country=United States"),
            format!("risk_signal {user} ip=1.128.0.1 country=United States"),
        ]
    );
    assert_eq!(on_line(&ev, 19)[1].risk.markers, ["NOVEL_ASN"], "detectors are de-duplicated");
}

#[test]
fn duo_telephony_credit_records_are_not_relevant() {
    let (ev, tally) = sample("cribl-packs/duo_telephony.ndjson");
    assert!(ev.is_empty());
    let actions: Vec<&str> = tally.not_relevant.keys().map(|(_, a)| a.as_str()).collect();
    assert_eq!(actions, ["administrator login", "authentication", "enrollment"]);
}

#[test]
fn duo_admin_phone_create_and_associate_share_one_factor_id() {
    let (ev, tally) = fixture("duo/admin.ndjson");
    assert_clean(&tally);
    let create = one(&ev, 1);
    let associate = one(&ev, 2);
    assert_eq!(brief(create), "factor_add actor=helpdesk.ops target=- ip=- country=-");
    assert_eq!(brief(associate), "factor_add actor=helpdesk.ops target=jsmith ip=- country=-");
    assert_eq!(factor_of(create), ("phone".into(), FactorClass::PossessionWeak, "+15555550142".into()));
    assert_eq!(factor_of(associate), factor_of(create));
    assert_eq!((create.relation, associate.relation), (ActorRelation::Delegated, ActorRelation::Delegated));
    assert!((associate.time - create.time).num_seconds() < 60);
}

#[test]
fn duo_admin_bypass_code_for_a_user_is_a_weak_factor_added_by_an_admin() {
    let (ev, _) = fixture("duo/admin.ndjson");
    let e = one(&ev, 3);
    assert_eq!(brief(e), "factor_add actor=helpdesk.ops target=jsmith ip=- country=-");
    assert_eq!(e.relation, ActorRelation::Delegated);
    assert_eq!(factor_of(e), ("bypass_code".into(), FactorClass::PossessionWeak, String::new()));
}

#[test]
fn duo_admin_removals_resets_and_role_changes_are_delegated() {
    let (ev, _) = fixture("duo/admin.ndjson");
    let delete = one(&ev, 4);
    assert_eq!(brief(delete), "factor_remove actor=helpdesk.ops target=mlopez ip=- country=-");
    assert_eq!(factor_of(delete), ("phone".into(), FactorClass::PossessionWeak, "+15555550199".into()));
    assert_eq!(delete.relation, ActorRelation::Delegated);
    let reset = one(&ev, 5);
    assert_eq!(brief(reset), "password_reset actor=owner.admin target=kpatel ip=- country=-");
    assert_eq!(reset.relation, ActorRelation::Delegated);
    let token = one(&ev, 7);
    assert_eq!(brief(token), "factor_add actor=owner.admin target=- ip=- country=-");
    assert_eq!(factor_of(token), ("hardware_token".into(), FactorClass::PossessionWeak, "1000231".into()));
    let regen = one(&ev, 8);
    assert_eq!(brief(regen), "factor_update actor=helpdesk.ops target=jsmith ip=- country=-");
    assert_eq!(factor_of(regen), ("duo_push".into(), FactorClass::App, "+15555550142".into()));
    let grant = one(&ev, 9);
    assert_eq!(brief(grant), "role_grant actor=owner.admin target=dlee@example.com ip=- country=-");
    assert_eq!((grant.relation, grant.object.as_deref()), (ActorRelation::Delegated, Some("Help Desk")));
    assert_eq!(brief(one(&ev, 16)), "role_revoke actor=owner.admin target=dlee@example.com ip=- country=-");
    // An admin adding a phone to their own account is self-service.
    assert_eq!(brief(one(&ev, 15)), "factor_add actor=owner.admin target=owner.admin ip=- country=-");
    assert_eq!(one(&ev, 15).relation, ActorRelation::SelfService);
}

#[test]
fn duo_user_put_in_bypass_status_weakens_policy_for_that_identity() {
    let (ev, _) = fixture("duo/admin.ndjson");
    let e = one(&ev, 6);
    assert_eq!(brief(e), "policy_weaken actor=helpdesk.ops target=jsmith ip=- country=-");
    assert!(e.has_tag(Tag::IdentityScope) && e.has_tag(Tag::Bypass));
    assert_eq!(e.relation, ActorRelation::Delegated);
}

#[test]
fn duo_admin_logins_secrets_and_policies() {
    let (ev, tally) = fixture("duo/admin.ndjson");
    assert_eq!(brief(one(&ev, 10)), "signin_success actor=owner.admin target=owner.admin ip=198.51.100.23 country=-");
    let fraud = one(&ev, 11);
    assert_eq!(brief(fraud), "mfa_deny actor=owner.admin target=owner.admin ip=203.0.113.50 country=-");
    assert_eq!(fraud.risk.markers, ["fraudulent"]);
    let secret = one(&ev, 12);
    assert_eq!((secret.category, secret.object.as_deref()), (Category::SecretIssue, Some("Prod Admin API")));
    let policy = one(&ev, 13);
    assert_eq!((policy.category, policy.object.as_deref()), (Category::PolicyWeaken, Some("Contractors")));
    assert!(policy.has_tag(Tag::PolicyChange) && !policy.has_tag(Tag::IdentityScope));
    assert!(on_line(&ev, 14).is_empty(), "integration_skey_view is not relevant");
    assert_eq!(tally.not_relevant_total(), 1);
}

#[test]
fn duo_auth_enrollment_adds_the_enrolled_factor() {
    let (ev, tally) = fixture("duo/auth.ndjson");
    assert_clean(&tally);
    let e = one(&ev, 1);
    assert_eq!(brief(e), "factor_add actor=jsmith target=jsmith ip=198.51.100.61 country=United States");
    assert_eq!((e.relation, e.outcome), (ActorRelation::SelfService, Outcome::Success));
    assert_eq!(factor_of(e), ("duo_push".into(), FactorClass::App, "DPB4L7N0Q3T6W9Z2C5F8".into()));
}

#[test]
fn duo_auth_fraud_is_a_denial_with_a_fraud_marker() {
    let (ev, _) = fixture("duo/auth.ndjson");
    let e = one(&ev, 2);
    assert_eq!(brief(e), "mfa_deny actor=jsmith target=jsmith ip=203.0.113.200 country=Nigeria");
    assert!(e.has_tag(Tag::FraudReported));
    assert_eq!(e.risk.markers, ["user_marked_fraud"]);
    assert_eq!(e.outcome, Outcome::Failure);
    assert_eq!(factor_of(e).1, FactorClass::App);
}

#[test]
fn duo_auth_bypass_user_is_tagged_bypass() {
    let (ev, _) = fixture("duo/auth.ndjson");
    let e = one(&ev, 3);
    assert_eq!(brief(e), "mfa_challenge actor=jsmith target=jsmith ip=198.51.100.61 country=United States");
    assert!(e.has_tag(Tag::Bypass));
    assert_eq!(factor_of(e), ("bypass_code".into(), FactorClass::PossessionWeak, String::new()));
}

#[test]
fn duo_activity_webauthn_credential_is_a_phishing_resistant_factor() {
    let (ev, tally) = fixture("duo/activity.ndjson");
    assert_clean(&tally);
    let e = one(&ev, 1);
    assert_eq!(brief(e), "factor_add actor=jsmith target=jsmith ip=198.51.100.61 country=United States");
    assert_eq!((e.relation, e.outcome), (ActorRelation::SelfService, Outcome::Success));
    assert_eq!(factor_of(e), ("Security key".into(), FactorClass::PhishingResistant, "WAQ4N7R0T3W6Z9C2F5H8".into()));
    assert_eq!(e.factor.as_ref().and_then(|f| f.name.as_deref()), Some("YubiKey 5C"));
}

#[test]
fn duo_api_pages_unwrap_into_records() {
    let page = r#"{"stat":"OK","response":{"authlogs":[{"txid":"t-1","factor":"sms_passcode","result":"success","event_type":"authentication","timestamp":1709647501,"user":{"key":"DU1","name":"jsmith"},"access_device":{"ip":"198.51.100.61"}}]}}"#;
    let (ev, tally) = ingest::normalize_text("page.json", page, &ingest::Options::default());
    assert_clean(&tally);
    assert_eq!(ev.len(), 1);
    assert_eq!(brief(&ev[0]), "mfa_challenge actor=jsmith target=jsmith ip=198.51.100.61 country=-");
    assert_eq!(factor_of(&ev[0]).1, FactorClass::PossessionWeak);
}

#[test]
fn duo_records_without_a_time_are_diagnosed_not_dropped_silently() {
    let line = r#"{"action":"phone_delete","username":"admin","object":"jsmith","timestamp":"soon"}"#;
    let (ev, tally) = ingest::normalize_text("bad.ndjson", line, &ingest::Options::default());
    assert!(ev.is_empty());
    assert_eq!(tally.diagnostics.len(), 1);
    assert!(tally.diagnostics[0].to_string().contains("duo.admin"), "{}", tally.diagnostics[0]);
}

#[test]
fn duo_admin_actions_of_the_d_table_map_to_their_categories() {
    let cases = [
        ("phone_disassociate", r#"{\"number\": \"+15555550142\", \"user\": \"jsmith\"}"#, "factor_remove"),
        ("hardtoken_delete", r#"{\"serial\": \"1000231\"}"#, "factor_remove"),
        ("bypass_delete", "{}", "factor_remove"),
        ("phone_update", r#"{\"number\": \"+15555550143\", \"user\": \"jsmith\"}"#, "factor_update"),
        ("hardtoken_resync", r#"{\"serial\": \"1000231\"}"#, "factor_update"),
        ("regen_sms", r#"{\"number\": \"+15555550142\"}"#, "factor_update"),
        ("activation_create_link", r#"{\"number\": \"+15555550142\"}"#, "factor_update"),
        ("activation_send_link", r#"{\"number\": \"+15555550142\"}"#, "factor_update"),
        ("admin_send_reset_password_email", "{}", "password_reset"),
        ("admin_lockout", r#"{\"ip_address\": \"198.51.100.7\"}"#, "signin_failure"),
        ("update_admin_factor_restrictions", r#"{\"allowed_factors\": [\"push\", \"sms\"]}"#, "policy_weaken"),
        ("policy_update", r#"{\"name\": \"Global Policy\", \"remembered_devices\": \"7 days\"}"#, "other"),
    ];
    for (action, desc, category) in cases {
        let line = format!(
            r#"{{"action":"{action}","description":"{desc}","object":"jsmith","timestamp":1709647331,"username":"owner.admin"}}"#
        );
        let (ev, tally) = ingest::normalize_text("d.ndjson", &line, &ingest::Options::default());
        assert_clean(&tally);
        assert_eq!(ev.len(), 1, "{action}");
        assert_eq!(ev[0].category.as_str(), category, "{action}");
    }
}

// ---- admin role changes and policy weakenings name what changed (issue 13) -------------

#[test]
fn duo_admin_role_change_grants_a_user_managing_role_and_revokes_on_a_step_down() {
    let (ev, tally) = fixture("duo/roles_policies.ndjson");
    assert_clean(&tally);
    let down = common::only(&ev, 1);
    assert_eq!(brief(down), "role_revoke actor=owner.admin target=dlee@example.com ip=- country=-");
    assert_eq!(down.object.as_deref(), Some("Read-only"));
    assert_eq!(down.reason.as_deref(), Some("role changed to Read-only"));
    assert_eq!(down.relation, ActorRelation::Delegated);
    let up = common::only(&ev, 2);
    assert_eq!(brief(up), "role_grant actor=owner.admin target=dlee@example.com ip=- country=-");
    assert_eq!(up.object.as_deref(), Some("Administrator"));
}

#[test]
fn duo_policy_update_allowing_access_without_2fa_weakens_and_names_the_setting() {
    let (ev, _) = fixture("duo/roles_policies.ndjson");
    let allow = common::only(&ev, 3);
    assert_eq!(allow.category, Category::PolicyWeaken);
    assert_eq!(allow.object.as_deref(), Some("Global Policy"));
    assert_eq!(allow.reason.as_deref(), Some("2FA no longer required: new_user_policy set to allow"));
    let bypass = common::only(&ev, 5);
    assert_eq!(bypass.category, Category::PolicyWeaken);
    assert_eq!(bypass.reason.as_deref(), Some("2FA no longer required: authentication_policy set to Bypass 2FA"));
    // Requiring 2FA is not a weakening, even in a policy whose name says bypass.
    let require = common::only(&ev, 4);
    assert_eq!(require.category, Category::Other);
    assert!(require.has_tag(Tag::PolicyChange));
    assert_eq!(require.reason, None);
}
