//! FW-001 privileged-factor-change: any factor or recovery change on a tier 0 or tier 1
//! identity is high; the provider's own changes are info only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod story;

use model::Severity;
use story::*;

#[test]
fn okta_factor_bound_to_tier0_admin_is_high_with_evidence_and_mappings() {
    let config = format!("{OKTA_TENANT}[identities]\nprivileged = [\"alice@acme.com\"]\n");
    let mut lines = okta_baseline(1..=6);
    lines.push(okta(&t(6, 12, 0), "user.mfa.factor.activate", "adm-bind").enrollment("mfa-1", "Okta Verify").line());
    let report = common::hunt(&config, &[("okta.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-001");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    let f = found[0];
    assert_eq!(f.severity, Severity::High);
    assert_eq!(f.identity.id.as_str(), "00u1alice");
    assert_eq!(f.identity.tier, 0);
    assert!(f.summary.contains("tier 0 identity alice@acme.com"), "{}", f.summary);
    assert_eq!(evidence_ids(f), ["adm-bind"]);
    assert_eq!(strs(&f.mappings.attack), ["T1098.005", "T1556.006"]);
    assert_eq!(strs(&f.mappings.csf), ["PR.AA-01", "DE.CM-03"]);
    assert!(f.mappings.owasp_agentic.is_empty());
}

#[test]
fn okta_factor_change_on_a_privileged_ai_agent_identity_maps_to_asi03() {
    let config =
        format!("{OKTA_TENANT}[identities]\nprivileged = [\"okta:00u1alice\"]\nai_agents = [\"alice@acme.com\"]\n");
    let line = okta(&t(6, 12, 0), "user.mfa.factor.update", "agent-update").enrollment("mfa-1", "Okta Verify").line();
    let report = common::hunt(&config, &[("okta.ndjson", &line)]);
    let found = common::of(&report, "FW-001");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert_eq!(strs(&found[0].mappings.owasp_agentic), ["ASI03"]);
}

#[test]
fn entra_admin_registered_security_info_on_tier1_app_admin_is_high_and_names_the_actor() {
    let config = format!("[identities]\ntier1 = [\"{BOB}\"]\n");
    let line = entra_audit(&t(7, 10, 0), "SSGM_adm", "Admin registered security info")
        .reason("Admin registered Mobile Phone SMS")
        .by(HELPDESK_ID, HELPDESK, "198.51.100.7")
        .line();
    let report = common::hunt(&config, &[("entra.ndjson", &line)]);
    let found = common::of(&report, "FW-001");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    let f = found[0];
    assert_eq!((f.severity, f.identity.tier), (Severity::High, 1));
    assert!(f.summary.contains("Mobile Phone SMS factor (possession_weak)"), "{}", f.summary);
    assert!(f.summary.contains("by helpdesk@contoso.com"), "{}", f.summary);
    assert_eq!(f.actor.as_ref().and_then(|a| a.name.as_deref()), Some(HELPDESK));
    assert_eq!(evidence_ids(f), ["SSGM_adm"]);
}

#[test]
fn entra_recovery_change_on_tier0_is_high() {
    let config = format!("[identities]\nprivileged = [\"{BOB_ID}\"]\n");
    let line = entra_audit(&t(7, 10, 0), "SSPR_saved", "Security info saved for self-service password reset").line();
    let report = common::hunt(&config, &[("entra.ndjson", &line)]);
    assert_eq!(common::fired(&report), [format!("FW-001 high {BOB}")]);
}

#[test]
fn entra_microsoft_service_registration_on_tier0_is_info_only_and_not_delegated() {
    let config = format!("[identities]\nprivileged = [\"{BOB}\"]\n");
    let line = entra_audit(&t(7, 10, 0), "Directory_svc", "Update user")
        .by_mfa_service()
        .prop(
            "StrongAuthenticationPhoneAppDetail",
            "[]",
            r#"[{"DeviceName":"Pixel 8","DeviceToken":"tok-1","DeviceTag":"SoftwareTokenActivated","DeviceId":"00000000-0000-0000-0000-000000000000","Id":"3c9e1f2a-7b4d-4e8f-9a0b-1c2d3e4f5a6b","AuthenticationType":3,"NotificationType":4}]"#,
        )
        .line();
    let report = common::hunt(&config, &[("entra.ndjson", &line)]);
    let found = common::of(&report, "FW-001");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert_eq!(found[0].severity, Severity::Info);
    assert!(found[0].summary.contains("by the provider itself"), "{}", found[0].summary);
    assert!(common::of(&report, "FW-004").is_empty());
}

#[test]
fn okta_system_principal_factor_change_on_tier0_is_info() {
    let config = format!("{OKTA_TENANT}[identities]\nprivileged = [\"alice@acme.com\"]\n");
    let line = okta(&t(6, 12, 0), "user.mfa.factor.deactivate", "sys-deact")
        .by_system()
        .on("00u1alice", "alice@acme.com")
        .enrollment("mfa-1", "Okta Verify")
        .line();
    let report = common::hunt(&config, &[("okta.ndjson", &line)]);
    assert_eq!(common::fired(&report), ["FW-001 info alice@acme.com"]);
}

#[test]
fn aws_mfa_device_enabled_by_tier0_iam_user_is_high() {
    let config = "[identities]\nprivileged = [\"aws:alice\"]\n";
    let line = aws(
        &t(6, 12, 0),
        "ev-enable-1",
        "iam.amazonaws.com",
        "EnableMFADevice",
        AWS_ALICE,
        r#"{"serialNumber":"arn:aws:iam::111122223333:u2f/user/alice/key-1"}"#,
        "null",
    );
    let report = common::hunt(config, &[("cloudtrail.ndjson", &line)]);
    let found = common::of(&report, "FW-001");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert_eq!(found[0].severity, Severity::High);
    assert_eq!(evidence_ids(found[0]), ["ev-enable-1"]);
}

#[test]
fn factor_change_on_an_ordinary_user_is_not_fw001() {
    let mut lines = okta_baseline(1..=6);
    lines.push(okta(&t(6, 12, 0), "user.mfa.factor.activate", "plain").enrollment("mfa-1", "Okta Verify").line());
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-001").is_empty(), "{:#?}", common::fired(&report));
}
