//! Auth0: the shared log-stream sample and hand-written log-stream and `/api/v2/logs`
//! fixtures for Guardian MFA, password and Management API events (docs/events.md §8).
mod common;

use common::{assert_clean, brief, fixture, on_line, only as one, sample};
use model::{ActorRelation, Category, Event, FactorClass, Outcome, PrincipalKind, Provider, Tag};

fn counts(tally: &ingest::Tally) -> String {
    tally.events.iter().filter(|(_, n)| **n > 0).map(|((_, c), n)| format!("{c}={n}")).collect::<Vec<_>>().join(" ")
}

fn factor_of(e: &Event) -> (String, FactorClass, String) {
    let f = e.factor.clone().unwrap_or_default();
    (f.kind.unwrap_or_default().to_string(), f.class, f.id.unwrap_or_default().to_string())
}

#[test]
fn auth0_sample_normalizes_without_diagnostics() {
    let (ev, tally) = sample("elastic-integrations/auth0/auth0_logs.ndjson");
    assert_clean(&tally);
    assert_eq!(counts(&tally), "signin_success=5 signin_failure=2");
    let skipped: Vec<(String, u64)> = tally.not_relevant.iter().map(|((_, a), n)| (a.to_string(), *n)).collect();
    let expect = [("Create a log stream", 1), ("f", 3), ("fn", 2), ("sv", 1)];
    assert_eq!(skipped, expect.map(|(a, n)| (a.to_string(), n)));
    assert!(ev.iter().all(|e| e.provider == Provider::Auth0));
    // The tenant is `data.hostname`; failed logins without one fall back to `auth0`.
    let tenants: Vec<(u64, &str)> = ev.iter().map(|e| (e.source.line, e.tenant.as_str())).collect();
    assert_eq!(tenants[..2], [(5, "auth0"), (6, "auth0")]);
    assert!(tenants[2..].iter().all(|(_, t)| *t == "dev-yoj8axza.au.auth0.com"));
}

#[test]
fn auth0_sample_signins_name_the_user_and_ip() {
    let (ev, _) = sample("elastic-integrations/auth0/auth0_logs.ndjson");
    // `f` with neither user_id nor user_name (callback mismatch) is not an identity event.
    for line in [1, 2, 3, 4, 7, 8, 9] {
        assert!(on_line(&ev, line).is_empty(), "line {line}");
    }
    assert_eq!(brief(one(&ev, 5)), "signin_failure actor=neo@gmail.com target=neo@gmail.com ip=81.2.69.143 country=-");
    assert_eq!(one(&ev, 5).reason.as_deref(), Some("Wrong email or password."));
    assert_eq!(brief(one(&ev, 6)), "signin_failure actor=new@test.com target=new@test.com ip=81.2.69.143 country=-");
    assert_eq!(one(&ev, 6).actor.as_ref().and_then(|a| a.id.as_deref()), Some("auth0|61823277a44a21007221a59a"));
    let ok = |who: &str| format!("signin_success actor={who} target={who} ip=114.76.60.57 country=-");
    assert_eq!(brief(one(&ev, 10)), ok("dev@test.com"));
    assert_eq!(brief(one(&ev, 11)), ok("saikiran@test.com"));
    assert_eq!(brief(one(&ev, 12)), ok("saikiran@test.com"));
    assert_eq!(brief(one(&ev, 13)), ok("dev@test.com"));
    assert_eq!(brief(one(&ev, 14)), ok("neo@test.com"));
    let s = one(&ev, 10);
    assert_eq!(s.tenant, "dev-yoj8axza.au.auth0.com");
    assert_eq!(s.session.as_deref(), Some("m5SgtzMKxmeNBxj_kCfUUJhzrSdfvLFu"));
    assert_eq!(s.id, "90020211104001515271334544008635532534914988032684720226");
}

#[test]
fn auth0_stream_fixtures_normalize_cleanly() {
    let (_, tally) = fixture("auth0/stream.ndjson");
    assert_clean(&tally);
    assert_eq!(
        counts(&tally),
        "factor_add=1 factor_remove=1 factor_reset=1 recovery_change=1 password_change=1 session_revoke=1 \
         role_grant=1 mfa_deny=1 risk_signal=1 other=1"
    );
    // The last line is a page repeating two earlier records: read, then dropped as duplicates.
    let (_, tally) = fixture("auth0/api.ndjson");
    assert_clean(&tally);
    assert_eq!(counts(&tally), "factor_add=1 role_grant=1 mfa_deny=1 policy_weaken=1");
    assert_eq!(tally.duplicates, 2);
}

#[test]
fn auth0_guardian_enrollment_adds_an_app_factor_for_the_user() {
    let (ev, _) = fixture("auth0/stream.ndjson");
    let e = one(&ev, 1);
    assert_eq!(brief(e), "factor_add actor=ana@acme.example target=ana@acme.example ip=203.0.113.77 country=DE");
    assert_eq!((e.relation, e.outcome), (ActorRelation::SelfService, Outcome::Success));
    assert_eq!(factor_of(e), ("otp".into(), FactorClass::App, "totp|dev_4kPz1yQbNw5Gx9Ta".into()));
    assert_eq!(e.tenant, "acme-prod.eu.auth0.com");
    assert_eq!(e.client.geo.as_ref().and_then(|g| g.city.as_deref()), Some("Berlin"));
}

#[test]
fn auth0_api_shape_enrollment_of_webauthn_is_phishing_resistant() {
    let (ev, _) = fixture("auth0/api.ndjson");
    let e = one(&ev, 1);
    assert_eq!(brief(e), "factor_add actor=ana@acme.example target=ana@acme.example ip=203.0.113.77 country=DE");
    assert_eq!(factor_of(e).1, FactorClass::PhishingResistant);
    assert_eq!(e.id, "90020240502091400000000000000000000000000000000000000011");
    // A `/api/v2/logs` page is an array of the same objects; repeats of events already
    // read are dropped, so the page adds nothing here.
    assert!(on_line(&ev, 5).is_empty());
}

#[test]
fn auth0_guardian_unenroll_and_reset_remove_factors() {
    let (ev, _) = fixture("auth0/stream.ndjson");
    let e = one(&ev, 2);
    assert_eq!(brief(e), "factor_remove actor=ana@acme.example target=ana@acme.example ip=203.0.113.77 country=DE");
    assert_eq!(factor_of(e), ("sms".into(), FactorClass::PossessionWeak, "sms|dev_Qw7Er9Ty1Ui3Op5A".into()));
    assert_eq!(one(&ev, 7).category, Category::FactorReset);
}

#[test]
fn auth0_guardian_rejected_push_is_an_mfa_denial() {
    for file in ["auth0/stream.ndjson", "auth0/api.ndjson"] {
        let (ev, _) = fixture(file);
        let e = ev.iter().find(|e| e.action == "gd_auth_rejected").unwrap();
        assert_eq!(brief(e), "mfa_deny actor=ana@acme.example target=ana@acme.example ip=203.0.113.77 country=DE");
        assert_eq!(e.outcome, Outcome::Failure);
        assert_eq!(factor_of(e).0, "push-notification");
        assert_eq!(factor_of(e).1, FactorClass::App);
    }
}

#[test]
fn auth0_password_recovery_session_and_breach_events() {
    let (ev, _) = fixture("auth0/stream.ndjson");
    assert_eq!(
        brief(one(&ev, 4)),
        "password_change actor=ana@acme.example target=ana@acme.example ip=203.0.113.77 country=DE"
    );
    assert_eq!(one(&ev, 4).relation, ActorRelation::SelfService);
    let leak = one(&ev, 6);
    assert_eq!((leak.category, leak.risk.markers.clone()), (Category::RiskSignal, vec!["breached_password".into()]));
    let request = one(&ev, 8);
    assert_eq!(request.category, Category::Other);
    assert!(request.has_tag(Tag::RecoveryRequested));
    assert_eq!(one(&ev, 9).category, Category::SessionRevoke);
    assert_eq!(one(&ev, 10).category, Category::RecoveryChange);
}

#[test]
fn auth0_dashboard_admin_creating_a_role_is_a_delegated_role_grant() {
    let (ev, _) = fixture("auth0/stream.ndjson");
    let e = one(&ev, 5);
    assert_eq!(brief(e), "role_grant actor=ops.admin@acme.example target=- ip=198.51.100.9 country=-");
    assert_eq!(e.relation, ActorRelation::Delegated);
    assert_eq!(e.action, "Create a role");
    assert_eq!(e.object.as_deref(), Some("support-admin"));
    let actor = e.actor.as_ref().unwrap();
    assert_eq!((actor.id.as_deref(), actor.kind), (Some("google-oauth2|108234567890123456789"), PrincipalKind::Human));
}

#[test]
fn auth0_management_api_call_without_a_user_is_a_service() {
    let (ev, _) = fixture("auth0/api.ndjson");
    let e = one(&ev, 2);
    assert_eq!(brief(e), "role_grant actor=Terraform Provider target=- ip=35.160.3.103 country=-");
    assert_eq!(e.relation, ActorRelation::Service);
    let actor = e.actor.as_ref().unwrap();
    assert_eq!((actor.id.as_deref(), actor.kind), (Some("tf8Kq2Lx5Vn7Bm1Cz3Df6Gh9Jk4Ls0Qw"), PrincipalKind::Nhi));
    assert_eq!(e.tenant, "acme-prod.eu.auth0.com");
}

#[test]
fn auth0_emptied_mfa_policies_weaken_policy() {
    let (ev, _) = fixture("auth0/api.ndjson");
    let e = one(&ev, 3);
    assert_eq!(brief(e), "policy_weaken actor=ops.admin@acme.example target=- ip=203.0.113.77 country=DE");
    assert_eq!(e.relation, ActorRelation::Delegated);
    assert!(e.has_tag(Tag::PolicyChange));
}

#[test]
fn auth0_log_with_an_unreadable_date_is_diagnosed() {
    let line = r#"{"log_id":"1","data":{"type":"s","user_id":"auth0|1","date":"yesterday"}}"#;
    let (ev, tally) = ingest::normalize_text("bad.ndjson", line, &ingest::Options::default());
    assert!(ev.is_empty());
    assert_eq!(tally.diagnostics.len(), 1);
    assert!(tally.diagnostics[0].to_string().contains("auth0.stream"), "{}", tally.diagnostics[0]);
}

#[test]
fn auth0_guardian_and_login_types_of_the_d_table_map_to_their_categories() {
    let cases = [
        ("gd_send_pn", "mfa_challenge"),
        ("gd_send_sms", "mfa_challenge"),
        ("gd_send_voice", "mfa_challenge"),
        ("gd_start_auth", "mfa_challenge"),
        ("gd_auth_succeed", "mfa_challenge"),
        ("gd_recovery_succeed", "mfa_challenge"),
        ("gd_auth_failed", "mfa_deny"),
        ("gd_otp_rate_limit_exceed", "mfa_deny"),
        ("gd_webauthn_challenge_failed", "mfa_deny"),
        ("gd_recovery_failed", "mfa_deny"),
        ("gd_update_device_account", "factor_update"),
        ("limit_wc", "signin_failure"),
        ("limit_mu", "signin_failure"),
        ("scpn", "recovery_change"),
    ];
    for (kind, category) in cases {
        let line = format!(
            r#"{{"log_id":"900{kind}","data":{{"date":"2024-05-02T09:14:03.120Z","type":"{kind}","user_id":"auth0|1","user_name":"ana@acme.example","ip":"203.0.113.77","hostname":"acme-prod.eu.auth0.com"}}}}"#
        );
        let (ev, tally) = ingest::normalize_text("d.ndjson", &line, &ingest::Options::default());
        assert_clean(&tally);
        assert_eq!(ev.len(), 1, "{kind}");
        assert_eq!(ev[0].category.as_str(), category, "{kind}");
    }
}

// ---- role removals and MFA settings switched off (issue 13) ----------------------------

#[test]
fn auth0_roles_removed_from_a_user_and_a_deleted_role_are_role_revokes() {
    let (ev, tally) = fixture("auth0/roles_policies.ndjson");
    assert_clean(&tally);
    let removed = common::only(&ev, 1);
    assert_eq!(removed.category, Category::RoleRevoke);
    assert_eq!(removed.actor.as_ref().and_then(|a| a.name.as_deref()), Some("ops.admin@acme.example"));
    assert_eq!(removed.target.as_ref().and_then(|t| t.id.as_deref()), Some("auth0|65f1c2d3e4a5b6c7d8e9f012"));
    assert_eq!(removed.object.as_deref(), Some("rol_AdminZy98Xw76"));
    assert_eq!(removed.relation, ActorRelation::Delegated);
    assert_eq!(common::only(&ev, 2).category, Category::RoleRevoke);
}

#[test]
fn auth0_guardian_factor_disabled_weakens_naming_the_factor_and_enabling_does_not() {
    let (ev, _) = fixture("auth0/roles_policies.ndjson");
    let off = common::only(&ev, 3);
    assert_eq!(brief(off), "policy_weaken actor=ops.admin@acme.example target=- ip=203.0.113.77 country=-");
    assert_eq!(off.object.as_deref(), Some("webauthn-roaming"));
    assert_eq!(off.reason.as_deref(), Some("MFA factor webauthn-roaming disabled"));
    assert!(off.has_tag(Tag::PolicyChange));
    for line in [4, 5] {
        let e = common::only(&ev, line);
        assert_eq!(e.category, Category::Other, "line {line}");
        assert!(e.has_tag(Tag::PolicyChange), "line {line}");
    }
    // The older fixture's emptied policy list says MFA is now never required.
    let (api, _) = fixture("auth0/api.ndjson");
    assert_eq!(common::only(&api, 3).reason.as_deref(), Some("MFA policy set to never (no application requires MFA)"));
}

// ---- an administrator's changes to a user's factors and password (issue 13) -------------

/// A dashboard admin's Management API call, in the shape of roles_policies.ndjson.
fn admin_call(n: u32, method: &str, path: &str, body: &str) -> String {
    format!(
        r#"{{"date":"2026-05-07T10:0{n}:00.000Z","type":"sapi","client_id":"dashboardClient0000000000000001","client_name":"Auth0 Dashboard","ip":"203.0.113.77","hostname":"acme-prod.eu.auth0.com","user_id":"google-oauth2|108234567890123456789","log_id":"9002026050710000000000000000000000000000000000000000000{n}","description":"an endpoint title","details":{{"request":{{"method":"{method}","path":"{path}","query":{{}},"body":{body},"channel":"https://manage.auth0.com/","ip":"203.0.113.77","auth":{{"user":{{"user_id":"google-oauth2|108234567890123456789","email":"ops.admin@acme.example","name":"Ops Admin"}},"strategy":"jwt"}}}},"response":{{"statusCode":204,"body":{{}}}}}}}}"#
    )
}

#[test]
fn auth0_admin_deleting_a_users_factors_or_setting_the_password_is_delegated_by_path() {
    let user = "/api/v2/users/auth0%7C65f1c2d3e4a5b6c7d8e9f012";
    let text = [
        admin_call(1, "delete", &format!("{user}/authentication-methods/totp%7Cdev_4kPz1yQbNw5Gx9Ta"), "{}"),
        admin_call(2, "delete", &format!("{user}/authentication-methods"), "{}"),
        admin_call(3, "delete", &format!("{user}/multifactor/guardian"), "{}"),
        admin_call(4, "patch", user, r#"{"password":"*****","connection":"Username-Password-Authentication"}"#),
        // Not credential changes: a block, and reading the methods.
        admin_call(5, "patch", user, r#"{"blocked":true}"#),
        admin_call(6, "get", &format!("{user}/authentication-methods"), "{}"),
    ]
    .join("\n");
    let (ev, tally) = ingest::normalize_text("a.ndjson", &text, &ingest::Options::default());
    assert_clean(&tally);
    let got: Vec<(u64, Category)> = ev.iter().map(|e| (e.source.line, e.category)).collect();
    assert_eq!(
        got,
        [
            (1, Category::FactorRemove),
            (2, Category::FactorReset),
            (3, Category::FactorReset),
            (4, Category::PasswordReset)
        ]
    );
    for e in &ev {
        assert_eq!(e.relation, ActorRelation::Delegated, "line {}", e.source.line);
        // The encoded `auth0%7C…` is the same user the Guardian records name `auth0|…`.
        assert_eq!(e.target.as_ref().and_then(|t| t.id.as_deref()), Some("auth0|65f1c2d3e4a5b6c7d8e9f012"));
        assert_eq!(e.actor.as_ref().and_then(|a| a.id.as_deref()), Some("google-oauth2|108234567890123456789"));
    }
    // The deleted method carries the id its Guardian challenges give.
    assert_eq!(factor_of(&ev[0]), ("totp".to_string(), FactorClass::App, "totp|dev_4kPz1yQbNw5Gx9Ta".to_string()));
}
