//! Microsoft 365 unified audit log (docs/events.md §3): the public OfficeActivity sample and
//! hand-written Management Activity API fixtures.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod common;

use common::{assert_clean, brief, counts, fixture, only as one, sample};
use model::{ActorRelation, Category, Outcome, PrincipalKind, Provider};

#[test]
fn m365_officeactivity_sample_mail_access_is_not_relevant() {
    let (ev, t) = sample("otrf-security-datasets/m365_officeactivity_loganalytics_goldensaml.ndjson");
    assert_clean(&t);
    assert!(ev.is_empty());
    assert_eq!(t.not_relevant.get(&(Provider::M365, "MailItemsAccessed".into())), Some(&1));
}

#[test]
fn m365_azure_ad_operations_drop_the_dot_and_use_the_entra_audit_mapping() {
    let (ev, t) = fixture("m365/ual.ndjson");
    assert_clean(&t);
    assert_eq!(
        counts(&t),
        "factor_add=1 factor_reset=1 password_reset=1 role_grant=1 signin_success=1 signin_failure=1 mfa_deny=1"
    );
    assert_eq!(t.not_relevant.get(&(Provider::M365, "FileAccessed".into())), Some(&1));
    let add = one(&ev, 1);
    assert_eq!(brief(add), "factor_add actor=helpdesk@contoso.com target=bob@contoso.com ip=198.51.100.7 country=-");
    assert_eq!((add.provider, add.action.as_str()), (Provider::M365, "Update user"));
    assert_eq!(add.relation, ActorRelation::Delegated);
    assert_eq!(add.target.as_ref().unwrap().id.as_deref(), Some("8d3b1e44-0c7a-4f59-a2d6-5b9e3c1f7082"));
    assert_eq!(add.factor.as_ref().unwrap().id.as_deref(), Some("7"));
    let grant = one(&ev, 2);
    assert_eq!(brief(grant), "role_grant actor=helpdesk@contoso.com target=bob@contoso.com ip=198.51.100.7 country=-");
    assert_eq!(grant.object.as_deref(), Some("Privileged Authentication Administrator"));
    assert_eq!(one(&ev, 3).category, Category::PasswordReset);
    // No zone on `CreationTime` means UTC.
    assert_eq!(add.time.to_rfc3339(), "2024-03-04T12:01:00+00:00");
}

#[test]
fn m365_user_login_failed_with_500121_is_mfa_deny() {
    let (ev, _) = fixture("m365/ual.ndjson");
    let ok = one(&ev, 4);
    assert_eq!(brief(ok), "signin_success actor=bob@contoso.com target=bob@contoso.com ip=203.0.113.44 country=-");
    assert!(ok.client.user_agent.is_some());
    let deny = one(&ev, 5);
    assert_eq!(brief(deny), "mfa_deny actor=bob@contoso.com target=bob@contoso.com ip=203.0.113.45 country=-");
    assert_eq!(deny.outcome, Outcome::Failure);
    assert_eq!(
        brief(one(&ev, 6)),
        "signin_failure actor=bob@contoso.com target=bob@contoso.com ip=203.0.113.46 country=-"
    );
}

#[test]
fn m365_user_type_4_is_microsoft_system() {
    let (ev, _) = fixture("m365/ual.ndjson");
    let e = one(&ev, 7);
    assert_eq!(e.category, Category::FactorReset);
    assert_eq!(e.relation, ActorRelation::System);
    assert_eq!(e.actor.as_ref().unwrap().kind, PrincipalKind::System);
}

#[test]
fn m365_officeactivity_role_grant_decodes_json_string_columns() {
    let (ev, t) = fixture("m365/officeactivity.ndjson");
    assert_clean(&t);
    let e = one(&ev, 1);
    assert_eq!(brief(e), "role_grant actor=helpdesk@contoso.com target=bob@contoso.com ip=198.51.100.7 country=-");
    assert_eq!(e.object.as_deref(), Some("Global Administrator"));
    assert_eq!(e.actor.as_ref().unwrap().id.as_deref(), Some("c41a7e95-3d2b-4e8f-b610-7a5d9c2e1f33"));
}

// ---- role removal (issue 13) ------------------------------------------------------------

#[test]
fn m365_remove_member_from_role_is_a_delegated_role_revoke_naming_the_role() {
    let (ev, tally) = fixture("m365/role_revoke.ndjson");
    assert_clean(&tally);
    let e = one(&ev, 1);
    assert_eq!(e.category, Category::RoleRevoke);
    assert_eq!(e.actor.as_ref().and_then(|a| a.name.as_deref()), Some("helpdesk@contoso.com"));
    assert_eq!(e.relation, ActorRelation::Delegated);
    assert_eq!(e.object.as_deref(), Some("Privileged Authentication Administrator"));
}
