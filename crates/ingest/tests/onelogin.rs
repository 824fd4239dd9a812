//! OneLogin: hand-written events API records for the `event_type_id`s docs/events.md §9 lists
//! (no public sample exists).
mod common;

use common::{assert_clean, brief, fixture, on_line, only as one};
use model::{ActorRelation, FactorClass, Outcome, RiskLevel};

#[test]
fn onelogin_fixtures_normalize_cleanly() {
    let (ev, tally) = fixture("onelogin/events.ndjson");
    assert_clean(&tally);
    let counts: Vec<String> = tally.events.iter().map(|((_, c), n)| format!("{c}={n}")).collect();
    assert_eq!(
        counts,
        [
            "factor_remove=1",
            "password_change=1",
            "password_reset=1",
            "role_grant=1",
            "signin_success=1",
            "signin_failure=1",
            "risk_signal=2"
        ]
    );
    assert!(ev.iter().all(|e| e.tenant == "55555"));
}

#[test]
fn onelogin_signins_carry_the_risk_score() {
    let (ev, _) = fixture("onelogin/events.ndjson");
    let ok = one(&ev, 1);
    assert_eq!(brief(ok), "signin_success actor=Ana Ruiz target=Ana Ruiz ip=198.51.100.44 country=-");
    assert_eq!((ok.outcome, ok.risk.level), (Outcome::Success, Some(RiskLevel::Low)));
    assert_eq!(ok.id, "4200000001");
    assert_eq!(ok.actor.as_ref().and_then(|a| a.id.as_deref()), Some("123456"));
    let failed: Vec<String> = on_line(&ev, 2).into_iter().map(brief).collect();
    assert_eq!(
        failed,
        [
            "signin_failure actor=Ana Ruiz target=Ana Ruiz ip=203.0.113.99 country=-",
            "risk_signal actor=Ana Ruiz target=Ana Ruiz ip=203.0.113.99 country=-",
        ]
    );
    assert_eq!(on_line(&ev, 2)[1].risk.level, Some(RiskLevel::High));
}

#[test]
fn onelogin_password_change_by_the_user_is_self_service() {
    let (ev, _) = fixture("onelogin/events.ndjson");
    let e = one(&ev, 3);
    assert_eq!(brief(e), "password_change actor=Ana Ruiz target=Ana Ruiz ip=198.51.100.44 country=-");
    assert_eq!(e.relation, ActorRelation::SelfService);
}

#[test]
fn onelogin_password_reset_by_another_user_is_delegated() {
    let (ev, _) = fixture("onelogin/events.ndjson");
    let e = one(&ev, 4);
    assert_eq!(brief(e), "password_reset actor=Help Desk Bot target=Ana Ruiz ip=198.51.100.44 country=-");
    assert_eq!(e.relation, ActorRelation::Delegated);
}

#[test]
fn onelogin_factor_removed_by_admin_is_delegated_removal() {
    let (ev, _) = fixture("onelogin/events.ndjson");
    let e = one(&ev, 5);
    assert_eq!(brief(e), "factor_remove actor=Sam Admin target=Ana Ruiz ip=198.51.100.44 country=-");
    assert_eq!(e.relation, ActorRelation::Delegated);
    let f = e.factor.as_ref().unwrap();
    assert_eq!(
        (f.kind.as_deref(), f.class, f.id.as_deref()),
        (Some("OneLogin Protect"), FactorClass::App, Some("88001"))
    );
}

#[test]
fn onelogin_privilege_grant_names_the_privilege() {
    let (ev, _) = fixture("onelogin/events.ndjson");
    let e = one(&ev, 6);
    assert_eq!(brief(e), "role_grant actor=Sam Admin target=Ana Ruiz ip=198.51.100.44 country=-");
    assert_eq!((e.relation, e.object.as_deref()), (ActorRelation::Delegated, Some("Super User")));
}

#[test]
fn onelogin_assuming_another_user_is_a_risk_signal() {
    let (ev, _) = fixture("onelogin/events.ndjson");
    let e = one(&ev, 7);
    assert_eq!(brief(e), "risk_signal actor=Sam Admin target=Ana Ruiz ip=198.51.100.44 country=-");
    assert_eq!(e.relation, ActorRelation::Delegated);
    assert_eq!(e.risk.markers, ["user_assumed"]);
}

#[test]
fn onelogin_unknown_event_types_are_not_relevant() {
    let (ev, tally) = fixture("onelogin/events.ndjson");
    assert!(on_line(&ev, 8).is_empty());
    let skipped: Vec<&str> = tally.not_relevant.keys().map(|(_, a)| a.as_str()).collect();
    assert_eq!(skipped, ["13"]);
}

#[test]
fn onelogin_event_type_given_as_text_or_bad_type_is_handled() {
    let line = r#"{"event_type_id":"5","id":"7","created_at":"2024-04-10T08:00:00Z","user_id":1,"user_name":"a"}
{"event_type_id":{"x":1},"id":8,"created_at":"2024-04-10T08:00:00Z"}"#;
    let (ev, tally) = ingest::normalize_text("t.ndjson", line, &ingest::Options::default());
    assert_eq!(ev.len(), 1);
    assert_eq!(tally.diagnostics.len(), 1);
    assert!(tally.diagnostics[0].to_string().contains("event_type_id"));
}

// ---- privilege and role removals mirror the grants (issue 13) --------------------------

#[test]
fn onelogin_privilege_and_role_removals_are_role_revokes_naming_them() {
    let (ev, tally) = fixture("onelogin/roles.ndjson");
    assert_clean(&tally);
    let privilege = common::only(&ev, 1);
    assert_eq!(brief(privilege), "role_revoke actor=Olga Admin target=Ana Ruiz ip=198.51.100.44 country=-");
    assert_eq!(privilege.object.as_deref(), Some("Super user"));
    assert_eq!(privilege.relation, ActorRelation::Delegated);
    let added = common::only(&ev, 2);
    assert_eq!((added.category, added.object.as_deref()), (model::Category::RoleGrant, Some("Admins")));
    for line in [3, 4] {
        let e = common::only(&ev, line);
        assert_eq!((e.category, e.object.as_deref()), (model::Category::RoleRevoke, Some("Admins")), "line {line}");
    }
}

// ---- factors named by use (docs/events.md §11) ---------------------------------------------

#[test]
fn onelogin_sign_in_naming_its_factor_carries_it_and_one_naming_none_does_not() {
    let line = |id: u32, factor: &str| {
        format!(
            r#"{{"id":{id},"created_at":"2026-05-01T08:00:00Z","account_id":55555,"user_id":123456,"user_name":"Ana Ruiz","event_type_id":5,"ipaddr":"198.51.100.44","actor_user_id":123456,"actor_user_name":"Ana Ruiz","otp_device_id":null,"otp_device_name":null,"authentication_factor_description":{factor}}}"#
        )
    };
    let text = [line(1, r#""OneLogin Protect""#), line(2, "null")].join("\n");
    let (ev, tally) = ingest::normalize_text("o.ndjson", &text, &ingest::Options::default());
    assert_clean(&tally);
    let f = one(&ev, 1).factor.as_ref().expect("the sign-in names OneLogin Protect");
    assert_eq!((f.kind.as_deref(), f.class, f.id.as_deref()), (Some("OneLogin Protect"), FactorClass::App, None));
    assert!(one(&ev, 2).factor.is_none());
}
