//! FW-004 delegated-factor-change: a factor or recovery change on X made by another person
//! Y: medium; high when X is privileged; critical when Y is not an allowed delegate or had a
//! risky sign-in in the last 24 h. The provider's own changes never fire it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod story;

use model::Severity;
use story::*;

fn okta_help_binds(uuid: &str, by: (&str, &str)) -> String {
    okta(&t(7, 10, 0), "user.mfa.factor.activate", uuid)
        .by(by.0, by.1)
        .on("00u1alice", "alice@acme.com")
        .enrollment("mfa-help", "Okta Verify")
        .from(HELPDESK_DESK)
        .line()
}

const HELP: (&str, &str) = ("00u9help", "help@acme.com");

#[test]
fn okta_help_desk_binding_a_factor_for_a_user_is_medium_with_mappings() {
    let config = format!("{OKTA_TENANT}[identities]\nallowed_delegates = [\"help@acme.com\"]\n");
    let report = common::hunt(&config, &[("okta.ndjson", &okta_help_binds("help-bind", HELP))]);
    let found = common::of(&report, "FW-004");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    let f = found[0];
    assert_eq!(f.severity, Severity::Medium);
    assert_eq!(f.identity.id.as_str(), "00u1alice");
    assert_eq!(f.actor.as_ref().and_then(|a| a.name.as_deref()), Some("help@acme.com"));
    assert!(f.summary.starts_with("help@acme.com changed Okta Verify factor (app) of alice@acme.com"), "{}", f.summary);
    assert_eq!(evidence_ids(f), ["help-bind"]);
    assert_eq!(strs(&f.mappings.attack), ["T1098.005", "T1556.006"]);
    assert_eq!(strs(&f.mappings.csf), ["PR.AA-05", "DE.CM-03"]);
}

#[test]
fn okta_help_desk_change_on_a_privileged_user_is_high() {
    let config = format!(
        "{OKTA_TENANT}[identities]\nallowed_delegates = [\"help@acme.com\"]\nprivileged = [\"alice@acme.com\"]\n"
    );
    let report = common::hunt(&config, &[("okta.ndjson", &okta_help_binds("help-bind", HELP))]);
    assert!(common::has(&report, "FW-004", Severity::High), "{:#?}", common::fired(&report));
}

#[test]
fn okta_change_by_someone_off_the_allowed_delegates_list_is_critical() {
    let config = format!("{OKTA_TENANT}[identities]\nallowed_delegates = [\"help@acme.com\"]\n");
    let line = okta_help_binds("mallory-bind", ("00u7mallory", "mallory@acme.com"));
    let report = common::hunt(&config, &[("okta.ndjson", &line)]);
    let found = common::of(&report, "FW-004");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert_eq!(found[0].severity, Severity::Critical);
    assert!(found[0].summary.contains("the actor not an allowed delegate"), "{}", found[0].summary);
}

#[test]
fn okta_change_by_an_allowed_delegate_who_just_had_a_risky_signin_is_critical() {
    let config = format!("{OKTA_TENANT}[identities]\nallowed_delegates = [\"help@acme.com\"]\n");
    let mut lines: Vec<String> = (1..=6)
        .map(|d| okta(&t(d, 8, 0), "user.session.start", &format!("help-base{d}")).by(HELP.0, HELP.1).line())
        .collect();
    lines.push(okta(&t(7, 2, 0), "user.session.start", "help-risky").by(HELP.0, HELP.1).from(EVIL).line());
    lines.push(okta_help_binds("help-bind", HELP));
    let report = common::hunt(&config, &[("okta.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-004");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert_eq!(found[0].severity, Severity::Critical);
    assert!(found[0].summary.contains("had a risky sign-in"), "{}", found[0].summary);
}

#[test]
fn okta_change_by_an_external_msp_maps_to_trusted_relationship() {
    let config = format!("{OKTA_TENANT}[identities]\nexternal_actors = [\"help@acme.com\"]\n");
    let report = common::hunt(&config, &[("okta.ndjson", &okta_help_binds("msp-bind", HELP))]);
    let found = common::of(&report, "FW-004");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert_eq!(strs(&found[0].mappings.attack), ["T1098.005", "T1556.006", "T1199"]);
    assert_eq!(strs(&found[0].mappings.csf), ["PR.AA-05", "DE.CM-03", "DE.CM-06"]);
}

#[test]
fn entra_admin_registered_security_info_is_delegated_and_unlisted_admin_is_critical() {
    let line = entra_audit(&t(7, 10, 0), "SSGM_adm", "Admin registered security info")
        .reason("Admin registered Mobile Phone SMS")
        .by(HELPDESK_ID, HELPDESK, "198.51.100.7")
        .line();
    let report = common::hunt("", &[("entra.ndjson", &line)]);
    let found = common::of(&report, "FW-004");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert_eq!(found[0].severity, Severity::Medium);
    assert_eq!(found[0].identity.id.as_str(), BOB_ID);
    assert_eq!(evidence_ids(found[0]), ["SSGM_adm"]);

    let config = format!("[identities]\nallowed_delegates = [\"{HELPDESK}\"]\n");
    let line = entra_audit(&t(7, 10, 0), "SSGM_mal", "Admin registered security info")
        .reason("Admin registered Mobile Phone SMS")
        .by(MALLORY_ID, MALLORY, "203.0.113.99")
        .line();
    let report = common::hunt(&config, &[("entra.ndjson", &line)]);
    assert_eq!(common::fired(&report), [format!("FW-004 critical {BOB}")]);
}

#[test]
fn aws_admin_enabling_an_mfa_device_for_another_iam_user_is_delegated() {
    let line = aws(
        &t(7, 10, 0),
        "ev-enable-dave",
        "iam.amazonaws.com",
        "EnableMFADevice",
        AWS_ADMIN,
        r#"{"userName":"dave","serialNumber":"arn:aws:iam::111122223333:mfa/dave-phone"}"#,
        "null",
    );
    let report = common::hunt("", &[("cloudtrail.ndjson", &line)]);
    let found = common::of(&report, "FW-004");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert_eq!(found[0].severity, Severity::Medium);
    assert_eq!(found[0].identity.name.as_deref(), Some("dave"));
    assert_eq!(found[0].actor.as_ref().and_then(|a| a.name.as_deref()), Some("ops-admin"));
}

#[test]
fn google_admin_enrolling_a_user_in_2sv_is_delegated() {
    let line = gws(
        &t(7, 10, 0),
        "-45113847256276",
        "admin",
        GWS_ADMIN,
        "USER_ENROLLED_IN_TWO_STEP_VERIFICATION",
        r#"[{"name":"USER_EMAIL","value":"bob@example.org"}]"#,
    );
    let report = common::hunt("", &[("google.ndjson", &line)]);
    let found = common::of(&report, "FW-004");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert_eq!(found[0].identity.name.as_deref(), Some("bob@example.org"));
}

// ---------------------------------------------------------------- look-alikes

#[test]
fn self_service_enrollment_is_not_delegated() {
    let mut lines = okta_baseline(1..=6);
    lines.push(okta(&t(6, 12, 0), "user.mfa.factor.activate", "self").enrollment("mfa-1", "Okta Verify").line());
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-004").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn microsoft_service_initiated_user_registered_security_info_is_not_delegated() {
    let config = format!("[identities]\nallowed_delegates = [\"{HELPDESK}\"]\n");
    let line = entra_audit(&t(7, 10, 0), "SSGM_svc", "User registered security info")
        .reason("User registered Microsoft Authenticator App")
        .by_mfa_service()
        .line();
    let report = common::hunt(&config, &[("entra.ndjson", &line)]);
    assert!(report.findings.is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn okta_system_principal_reset_is_not_delegated() {
    let config = format!("{OKTA_TENANT}[identities]\nallowed_delegates = [\"help@acme.com\"]\n");
    let line = okta(&t(7, 10, 0), "user.mfa.factor.deactivate", "sys")
        .by_system()
        .on("00u1alice", "alice@acme.com")
        .enrollment("mfa-1", "Okta Verify")
        .line();
    let report = common::hunt(&config, &[("okta.ndjson", &line)]);
    assert!(common::of(&report, "FW-004").is_empty(), "{:#?}", common::fired(&report));
}
