//! AWS CloudTrail: the shared samples and hand-written fixtures from docs/events.md §4.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::{assert_clean, brief, check_briefs as briefs, counts, fixture, kind_and_class as factor, only, sample};
use model::{ActorRelation, FactorClass, Outcome, PrincipalKind, Tag};

#[test]
fn cloudtrail_user_guide_samples_map_sign_ins_mfa_and_group_grants() {
    let (events, tally) = sample("awsdocs/aws_cloudtrail_user_guide_examples.ndjson");
    assert_clean(&tally);
    assert_eq!(tally.records, 17);
    assert_eq!(
        counts(&tally),
        "factor_add=1 password_change=1 role_grant=1 signin_success=4 signin_failure=2 mfa_challenge=2"
    );
    assert_eq!(tally.not_relevant_total(), 6);
    briefs(
        &events,
        &[
            (1, "signin_success actor=anaya target=anaya ip=192.0.2.0 country=-"),
            (2, "signin_success actor=anaya target=anaya ip=192.0.2.0 country=-"),
            (3, "signin_failure actor=anaya target=anaya ip=192.0.2.0 country=-"),
            (4, "mfa_challenge actor=anaya target=anaya ip=192.0.2.0 country=-"),
            (5, "mfa_challenge actor=anaya target=anaya ip=192.0.2.0 country=-"),
            (6, "signin_success actor=root target=root ip=192.0.2.0 country=-"),
            (7, "signin_success actor=root target=root ip=192.0.2.0 country=-"),
            (8, "signin_failure actor=root target=root ip=192.0.2.0 country=-"),
            (9, "factor_add actor=root target=root ip=192.0.2.0 country=-"),
            (10, "password_change actor=root target=root ip=192.0.2.0 country=-"),
            (15, "role_grant actor=Alice target=Bob ip=127.0.0.1 country=-"),
        ],
    );
}

#[test]
fn console_login_mfa_used_is_a_tag_and_the_device_class_comes_from_its_arn() {
    let (events, _) = sample("awsdocs/aws_cloudtrail_user_guide_examples.ndjson");
    let u2f = only(&events, 2);
    assert!(u2f.has_tag(Tag::MfaUsed));
    assert_eq!(factor(u2f), (Some("U2F MFA"), FactorClass::PhishingResistant));
    assert!(!only(&events, 1).has_tag(Tag::MfaUsed));
    // `MFAUsed` `YES` upper-case on the root sign-in.
    let root = only(&events, 7);
    assert!(root.has_tag(Tag::MfaUsed));
    assert_eq!(factor(root), (Some("Virtual MFA"), FactorClass::App));
    assert_eq!(factor(only(&events, 5)), (Some("Multiple MFA Devices"), FactorClass::Unknown));
    assert_eq!(only(&events, 3).outcome, Outcome::Failure);
}

#[test]
fn cloudtrail_root_enable_mfa_sample_is_self_service_on_the_root_user() {
    let (events, _) = sample("awsdocs/aws_cloudtrail_user_guide_examples.ndjson");
    let e = only(&events, 9);
    assert_eq!(e.relation, ActorRelation::SelfService);
    assert_eq!(e.target.as_ref().unwrap().id.as_deref(), Some("arn:aws:iam::111122223333:root"));
    assert_eq!(e.tenant, "111122223333");
    assert_eq!(factor(e), (Some("Virtual MFA"), FactorClass::App));
}

#[test]
fn cloudtrail_version_1_0_records_without_event_id_get_a_stable_derived_id() {
    let (a, _) = sample("awsdocs/aws_cloudtrail_user_guide_examples.ndjson");
    let (b, _) = sample("awsdocs/aws_cloudtrail_user_guide_examples.ndjson");
    let (x, y) = (only(&a, 15), only(&b, 15));
    assert!(x.id.starts_with('h'));
    assert_eq!(x.id, y.id);
    // No `recipientAccountId`: the tenant is the caller's account.
    assert_eq!(x.tenant, "123456789012");
}

#[test]
fn iam_user_guide_samples_count_assume_role_with_mfa_as_a_challenge() {
    let (events, tally) = sample("awsdocs/aws_iam_user_guide_examples.ndjson");
    assert_clean(&tally);
    assert_eq!(counts(&tally), "signin_failure=2 mfa_challenge=2");
    assert_eq!(tally.not_relevant_total(), 3);
    briefs(
        &events,
        &[
            (2, "mfa_challenge actor=JohnDoe target=JohnDoe ip=192.0.2.101 country=-"),
            (3, "mfa_challenge actor=777788889999 target=777788889999 ip=192.0.2.101 country=-"),
            (6, "signin_failure actor=JaneDoe target=JaneDoe ip=192.0.2.100 country=-"),
            // `HIDDEN_DUE_TO_SECURITY_REASONS` user name: nobody is named.
            (7, "signin_failure actor=- target=- ip=192.0.2.101 country=-"),
        ],
    );
    assert_eq!(only(&events, 2).object.as_deref(), Some("arn:aws:iam::111122223333:role/EC2-dev"));
}

#[test]
fn ocsf_cloudtrail_password_credential_challenge_success_is_other() {
    let (events, tally) = sample("ocsf-examples/aws_cloudtrail.ndjson");
    assert_clean(&tally);
    assert_eq!(counts(&tally), "other=1");
    // `0.0.0.0` is no address; the Identity Center user is named by its store id.
    briefs(&events, &[(3, "other actor=test target=test ip=- country=-")]);
    let e = only(&events, 3);
    assert_eq!(e.actor.as_ref().unwrap().id.as_deref(), Some("e3644802-3061-7018-86c3-USERID"));
    assert!(e.factor.is_none());
}

#[test]
fn logstash_copies_without_event_time_are_read_and_none_is_identity_relevant() {
    let (events, tally) = sample("otrf-security-datasets/aws_cloudtrail_ec2_proxy_s3_exfiltration.ndjson");
    assert_clean(&tally);
    assert_eq!(tally.records, 103);
    assert!(events.is_empty());
    assert_eq!(tally.not_relevant_total(), 103);
    // Service AssumeRole calls carry no MFA serial.
    assert_eq!(tally.not_relevant.get(&(model::Provider::Aws, "AssumeRole".into())), Some(&5));
}

#[test]
fn aws_mfa_fixtures_cover_create_bind_remove_and_resync() {
    let (_, tally) = fixture("aws/mfa.ndjson");
    assert_clean(&tally);
    assert_eq!(counts(&tally), "factor_add=4 factor_remove=1 factor_update=1 other=2");
}

#[test]
fn aws_create_virtual_mfa_device_is_other_tagged_unbound_device() {
    let (events, _) = fixture("aws/mfa.ndjson");
    let e = only(&events, 1);
    assert_eq!(brief(e), "other actor=alice target=- ip=198.51.100.23 country=-");
    assert!(e.has_tag(Tag::MfaDeviceCreated));
    assert_eq!(e.relation, ActorRelation::SelfService);
    assert_eq!(factor(e), (Some("Virtual MFA"), FactorClass::App));
    assert_eq!(e.factor.as_ref().unwrap().id.as_deref(), Some("arn:aws:iam::111122223333:mfa/alice-phone"));
}

#[test]
fn aws_enable_mfa_without_user_name_is_self_service() {
    let (events, _) = fixture("aws/mfa.ndjson");
    let e = only(&events, 2);
    assert_eq!(brief(e), "factor_add actor=alice target=alice ip=198.51.100.23 country=-");
    assert_eq!(e.relation, ActorRelation::SelfService);
    assert_eq!(e.actor.as_ref().unwrap().id.as_deref(), Some("AIDAALICEEXAMPLE00001"));
    assert_eq!(factor(e), (Some("Virtual MFA"), FactorClass::App));
}

#[test]
fn aws_enable_mfa_by_admin_for_another_user_is_delegated_and_u2f_is_phishing_resistant() {
    let (events, _) = fixture("aws/mfa.ndjson");
    let e = only(&events, 3);
    assert_eq!(brief(e), "factor_add actor=ops-admin target=carol ip=203.0.113.50 country=-");
    assert_eq!(e.relation, ActorRelation::Delegated);
    assert_eq!(factor(e), (Some("U2F MFA"), FactorClass::PhishingResistant));
    assert_eq!(e.session.as_deref(), Some("ASIAEXAMPLEKEY000001"));
}

#[test]
fn aws_root_user_binding_a_hardware_token_is_self_and_possession_weak() {
    let (events, _) = fixture("aws/mfa.ndjson");
    let e = only(&events, 4);
    assert_eq!(brief(e), "factor_add actor=root target=root ip=198.51.100.23 country=-");
    assert_eq!(e.relation, ActorRelation::SelfService);
    assert_eq!(factor(e), (Some("Hardware MFA"), FactorClass::PossessionWeak));
}

#[test]
fn aws_deactivate_mfa_by_admin_is_delegated_removal() {
    let (events, _) = fixture("aws/mfa.ndjson");
    let e = only(&events, 5);
    assert_eq!(brief(e), "factor_remove actor=ops-admin target=carol ip=203.0.113.50 country=-");
    assert_eq!(e.relation, ActorRelation::Delegated);
    assert_eq!(factor(e), (Some("U2F MFA"), FactorClass::PhishingResistant));
}

#[test]
fn aws_delete_virtual_mfa_device_is_other_and_resync_is_update() {
    let (events, _) = fixture("aws/mfa.ndjson");
    assert_eq!(brief(only(&events, 6)), "other actor=ops-admin target=- ip=203.0.113.50 country=-");
    assert!(only(&events, 6).tags.is_empty());
    let resync = only(&events, 7);
    assert_eq!(brief(resync), "factor_update actor=alice target=alice ip=198.51.100.23 country=-");
    assert_eq!(resync.relation, ActorRelation::SelfService);
}

#[test]
fn aws_failed_enable_mfa_is_still_emitted_as_failure() {
    let (events, _) = fixture("aws/mfa.ndjson");
    let e = only(&events, 8);
    assert_eq!(brief(e), "factor_add actor=ops-admin target=dave ip=203.0.113.50 country=-");
    assert_eq!(e.outcome, Outcome::Failure);
    assert_eq!(e.reason.as_deref(), Some("Authentication code for device is not valid."));
}

#[test]
fn aws_login_profile_by_admin_is_delegated_password_reset() {
    let (events, tally) = fixture("aws/credentials.ndjson");
    assert_clean(&tally);
    assert_eq!(counts(&tally), "password_change=1 password_reset=2 secret_issue=2 secret_revoke=2 other=1");
    let e = only(&events, 1);
    assert_eq!(brief(e), "password_reset actor=ops-admin target=dave ip=203.0.113.50 country=-");
    assert_eq!(e.relation, ActorRelation::Delegated);
    assert!(e.factor.is_none());
    let own = only(&events, 2);
    assert_eq!(brief(own), "password_reset actor=dave target=dave ip=192.0.2.77 country=-");
    assert_eq!(own.relation, ActorRelation::SelfService);
    assert_eq!(brief(only(&events, 3)), "password_change actor=dave target=dave ip=192.0.2.77 country=-");
}

#[test]
fn aws_create_access_key_is_secret_issue_for_the_named_or_calling_user() {
    let (events, _) = fixture("aws/credentials.ndjson");
    let other = only(&events, 4);
    assert_eq!(brief(other), "secret_issue actor=ops-admin target=svc-deploy ip=203.0.113.50 country=-");
    assert_eq!(other.relation, ActorRelation::Delegated);
    assert_eq!(other.object.as_deref(), Some("AKIASVCDEPLOYEXAMPLE"));
    let own = only(&events, 5);
    assert_eq!(brief(own), "secret_issue actor=alice target=alice ip=198.51.100.23 country=-");
    assert_eq!(own.relation, ActorRelation::SelfService);
}

#[test]
fn aws_access_key_made_inactive_or_deleted_is_secret_revoke() {
    let (events, _) = fixture("aws/credentials.ndjson");
    assert_eq!(brief(only(&events, 6)), "secret_revoke actor=ops-admin target=svc-deploy ip=203.0.113.50 country=-");
    assert_eq!(brief(only(&events, 7)), "secret_revoke actor=ops-admin target=svc-deploy ip=203.0.113.50 country=-");
}

#[test]
fn aws_password_recovery_request_is_other_tagged_recovery_requested() {
    let (events, _) = fixture("aws/credentials.ndjson");
    let e = only(&events, 8);
    assert_eq!(brief(e), "other actor=root target=root ip=192.0.2.200 country=-");
    assert!(e.has_tag(Tag::RecoveryRequested));
}

#[test]
fn aws_attach_user_policy_is_delegated_role_grant_naming_the_policy() {
    let (events, tally) = fixture("aws/roles.ndjson");
    assert_clean(&tally);
    assert_eq!(counts(&tally), "role_grant=3 role_revoke=1");
    let e = only(&events, 1);
    assert_eq!(brief(e), "role_grant actor=ops-admin target=eve ip=203.0.113.50 country=-");
    assert_eq!(e.relation, ActorRelation::Delegated);
    assert_eq!(e.object.as_deref(), Some("arn:aws:iam::aws:policy/AdministratorAccess"));
    assert_eq!(brief(only(&events, 2)), "role_revoke actor=ops-admin target=eve ip=203.0.113.50 country=-");
}

#[test]
fn aws_service_linked_role_actor_is_system() {
    let (events, _) = fixture("aws/roles.ndjson");
    let e = only(&events, 3);
    assert_eq!(brief(e), "role_grant actor=autoscaling.amazonaws.com target=app-instance-role ip=- country=-");
    assert_eq!(e.relation, ActorRelation::System);
    assert_eq!(e.actor.as_ref().unwrap().kind, PrincipalKind::System);
    assert_eq!(e.client.source_service.as_deref(), Some("autoscaling.amazonaws.com"));
}

#[test]
fn aws_logstash_copy_uses_at_timestamp_when_event_time_is_missing() {
    let (events, _) = fixture("aws/roles.ndjson");
    let e = only(&events, 4);
    assert_eq!(brief(e), "role_grant actor=ops-admin target=eve ip=203.0.113.50 country=-");
    assert_eq!(e.time.to_rfc3339(), "2025-03-08T13:00:00+00:00");
    assert_eq!(e.object.as_deref(), Some("Admins"));
}

#[test]
fn aws_console_login_failure_and_mfa_outcomes() {
    let (events, tally) = fixture("aws/signin.ndjson");
    assert_clean(&tally);
    assert_eq!(counts(&tally), "signin_success=1 signin_failure=1 mfa_challenge=1 mfa_deny=2");
    let failed = only(&events, 1);
    assert_eq!(brief(failed), "signin_failure actor=alice target=alice ip=185.220.101.4 country=-");
    assert_eq!(failed.outcome, Outcome::Failure);
    assert_eq!(failed.reason.as_deref(), Some("Failed authentication"));
    assert!(!failed.has_tag(Tag::MfaUsed));
    let ok = only(&events, 2);
    assert!(ok.has_tag(Tag::MfaUsed));
    assert_eq!(factor(ok), (Some("Virtual MFA"), FactorClass::App));
    let check = only(&events, 3);
    assert_eq!(brief(check), "mfa_deny actor=alice target=alice ip=198.51.100.23 country=-");
    assert_eq!(factor(check), (Some("Virtual MFA"), FactorClass::App));
}

#[test]
fn aws_identity_center_totp_challenge_failure_is_mfa_deny() {
    let (events, _) = fixture("aws/signin.ndjson");
    let e = only(&events, 4);
    assert_eq!(brief(e), "mfa_deny actor=frank target=frank ip=203.0.113.99 country=-");
    assert_eq!(e.relation, ActorRelation::SelfService);
    assert_eq!(factor(e), (Some("TOTP"), FactorClass::App));
}

#[test]
fn aws_get_session_token_with_serial_is_mfa_challenge() {
    let (events, _) = fixture("aws/signin.ndjson");
    let e = only(&events, 5);
    assert_eq!(brief(e), "mfa_challenge actor=dave target=dave ip=192.0.2.77 country=-");
    assert_eq!(factor(e), (Some("Virtual MFA"), FactorClass::App));
}

#[test]
fn aws_eventbridge_detail_and_s3_records_envelopes_are_unwrapped() {
    let (events, tally) = fixture("aws/envelopes.ndjson");
    assert_clean(&tally);
    assert_eq!(counts(&tally), "factor_add=1 password_reset=1");
    let bridged = only(&events, 1);
    assert_eq!(brief(bridged), "factor_add actor=ops-admin target=grace ip=203.0.113.50 country=-");
    assert_eq!(bridged.relation, ActorRelation::Delegated);
    assert_eq!(brief(only(&events, 2)), "password_reset actor=ops-admin target=grace ip=203.0.113.50 country=-");
    assert_eq!(only(&events, 2).source.index, Some(0));
    assert_eq!(tally.not_relevant_total(), 1);
}

#[test]
fn cloudtrail_record_without_any_time_is_a_diagnostic() {
    let line = r#"{"eventSource":"iam.amazonaws.com","eventName":"EnableMFADevice","userIdentity":{"type":"IAMUser","userName":"a"},"requestParameters":{"userName":"b"}}"#;
    let (events, tally) = ingest::normalize_text("t.ndjson", line, &ingest::Options::default());
    assert!(events.is_empty());
    assert_eq!(tally.diagnostics.len(), 1);
    assert!(tally.diagnostics[0].to_string().contains("eventTime"), "{}", tally.diagnostics[0]);
}

#[test]
fn cloudtrail_wrong_types_never_panic() {
    for line in [
        r#"{"eventSource":"iam.amazonaws.com","eventName":7,"userIdentity":{}}"#,
        r#"{"eventSource":"iam.amazonaws.com","eventName":"EnableMFADevice","userIdentity":"x","eventTime":5}"#,
        r#"{"eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","userIdentity":[],"eventTime":"2024-01-01T00:00:00Z","responseElements":""}"#,
        r#"{"eventSource":"sts.amazonaws.com","eventName":"AssumeRole","userIdentity":{},"eventTime":"x","requestParameters":{"serialNumber":[1]}}"#,
    ] {
        let _ = ingest::normalize_text("t.ndjson", line, &ingest::Options::default());
    }
}

// ---- role removals mirror the grants (issue 13) -----------------------------------------

#[test]
fn cloudtrail_inline_policy_deletes_detaches_and_group_removals_are_role_revokes() {
    let (events, tally) = fixture("aws/role_revokes.ndjson");
    assert_clean(&tally);
    assert_eq!(counts(&tally), "role_grant=1 role_revoke=6");
    briefs(
        &events,
        &[
            (1, "role_revoke actor=ops-admin target=eve ip=203.0.113.50 country=-"),
            (2, "role_revoke actor=ops-admin target=- ip=203.0.113.50 country=-"),
            (3, "role_revoke actor=ops-admin target=deploy ip=203.0.113.50 country=-"),
            (4, "role_revoke actor=ops-admin target=deploy ip=203.0.113.50 country=-"),
            (5, "role_revoke actor=ops-admin target=- ip=203.0.113.50 country=-"),
            (6, "role_revoke actor=ops-admin target=eve ip=203.0.113.50 country=-"),
            (7, "role_grant actor=ops-admin target=- ip=203.0.113.50 country=-"),
        ],
    );
    let object = |line| only(&events, line).object.as_deref().map(str::to_string);
    assert_eq!(object(1).as_deref(), Some("inline-admin"));
    assert_eq!(object(4).as_deref(), Some("arn:aws:iam::aws:policy/AdministratorAccess"));
    assert_eq!(object(6).as_deref(), Some("Admins"));
    assert_eq!(only(&events, 1).relation, ActorRelation::Delegated);
}
