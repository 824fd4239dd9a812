//! Tiers the logs reveal (docs/detection-contract.md §3): an identity that neither the config
//! lists nor the inventory know becomes tier 0 once seen doing tier 0 work on other
//! identities, tier 1 once seen issuing their credentials; a later factor change on it is
//! FW-001, whose text names what was seen. Self-service never raises a tier, the lists keep
//! precedence, and `[tiers] observed = false` turns the inference off. Native log lines per
//! provider.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod story;

use detect::{Config, Engine, Stream};
use model::{Event, Finding, Provider, Severity};
use serde_json::{Value, json};
use story::*;

const OFF: &str = "[tiers]\nobserved = false\n";

/// The one FW-001 finding of a report, on `who` (login or id).
fn only_fw001<'r>(report: &'r detect::Report, who: &str) -> &'r Finding {
    let found = common::of(report, "FW-001");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(report));
    let f = found[0];
    assert!(f.identity.name.as_deref() == Some(who) || f.identity.id == who, "{:#?}", f.identity);
    f
}

/// Asserts the finding is about a tier the logs revealed, for the reason `why`.
fn assert_observed(f: &Finding, tier: u8, why: &str) {
    assert_eq!(f.identity.tier, tier, "{:#?}", f.identity);
    assert_eq!(f.identity.tier_basis.as_deref(), Some(why));
    assert!(f.summary.contains(&format!("tier {tier} identity")), "{}", f.summary);
    assert!(f.summary.contains(&format!("({why})")), "the summary names the evidence: {}", f.summary);
}

fn lines(values: &[Value]) -> String {
    values.iter().map(Value::to_string).collect::<Vec<_>>().join("\n")
}

// ---------------------------------------------------------------- Okta

const ADMIN: (&str, &str) = ("00u9admin", "it-admin@acme.com");
const USERS: [(&str, &str); 4] = [
    ("00u2bob", "bob@acme.com"),
    ("00u3carol", "carol@acme.com"),
    ("00u4dave", "dave@acme.com"),
    ("00u5erin", "erin@acme.com"),
];

/// The admin resets the factors of four people (one of them twice), then removes a factor
/// of their own.
fn okta_admin_story() -> Vec<String> {
    let (aid, alogin) = ADMIN;
    let mut out = Vec::new();
    for (i, (id, login)) in USERS.iter().chain(&USERS[..1]).enumerate() {
        out.push(
            okta(&t(6, 10, i as u32), "user.mfa.factor.reset_all", &format!("reset-{i}"))
                .by(aid, alogin)
                .on(id, login)
                .line(),
        );
    }
    out.push(
        okta(&t(7, 9, 0), "user.mfa.factor.deactivate", "admin-own")
            .by(aid, alogin)
            .enrollment("mfa-admin-1", "Google Authenticator")
            .line(),
    );
    out
}

#[test]
fn okta_admin_seen_resetting_others_factors_is_tier_0_and_their_own_factor_change_is_fw001() {
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&okta_admin_story()))]);
    let f = only_fw001(&report, ADMIN.1);
    assert_eq!(f.severity, Severity::High);
    assert_observed(f, 0, "observed: reset factors of 4 identities");
    assert_eq!(evidence_ids(f), ["admin-own"], "the finding rests on the change, not on the resets");
}

#[test]
fn okta_the_reset_that_reveals_the_tier_does_not_make_its_target_privileged() {
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&okta_admin_story()))]);
    for f in &report.findings {
        if USERS.iter().any(|(id, _)| f.identity.id == *id) {
            assert_eq!((f.identity.tier, &f.identity.tier_basis), (2, &None), "{f:#?}");
        }
    }
}

#[test]
fn okta_admin_console_access_alone_reveals_tier_0() {
    let (aid, alogin) = ADMIN;
    let story = [
        okta(&t(6, 8, 0), "user.session.access_admin_app", "console")
            .by(aid, alogin)
            .target_json(r#"{"id":"0oa1console","type":"AppInstance","alternateId":"Okta Admin Console","displayName":"Okta Admin Console"}"#)
            .line(),
        okta(&t(6, 9, 0), "user.mfa.factor.activate", "admin-bind").by(aid, alogin).enrollment("mfa-2", "Okta Verify").line(),
    ];
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&story))]);
    assert_observed(only_fw001(&report, alogin), 0, "observed: opened the admin console");
}

#[test]
fn okta_user_managing_only_their_own_factors_stays_tier_2_with_no_fw001() {
    let mut story = okta_baseline(1..=6);
    story.extend([
        okta(&t(6, 10, 0), "user.mfa.factor.activate", "own-1").enrollment("mfa-1", "Okta Verify").line(),
        okta(&t(6, 10, 5), "user.mfa.factor.deactivate", "own-2").enrollment("mfa-0", "SMS").line(),
        okta(&t(6, 10, 10), "user.mfa.factor.reset_all", "own-3").line(),
        okta(&t(6, 10, 15), "user.account.reset_password", "own-4").line(),
        okta(&t(6, 10, 20), "system.api_token.create", "own-5").line(),
        okta(&t(7, 9, 0), "user.mfa.factor.activate", "own-6").enrollment("mfa-3", "Okta Verify").line(),
    ]);
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&story))]);
    assert!(common::of(&report, "FW-001").is_empty(), "{:#?}", common::fired(&report));
    assert!(report.findings.iter().all(|f| f.identity.tier == 2 && f.identity.tier_basis.is_none()));
}

#[test]
fn okta_with_the_setting_off_nothing_is_inferred() {
    let config = format!("{OKTA_TENANT}{OFF}");
    let report = common::hunt(&config, &[("okta.ndjson", &ndjson(&okta_admin_story()))]);
    assert!(common::of(&report, "FW-001").is_empty(), "{:#?}", common::fired(&report));
    assert!(report.findings.iter().all(|f| f.identity.tier_basis.is_none()));
}

#[test]
fn okta_failed_resets_of_others_reveal_nothing() {
    let (aid, alogin) = ADMIN;
    let mut story: Vec<String> = USERS
        .iter()
        .enumerate()
        .map(|(i, (id, login))| {
            okta(&t(6, 10, i as u32), "user.mfa.factor.reset_all", &format!("try-{i}"))
                .by(aid, alogin)
                .on(id, login)
                .failed()
                .line()
        })
        .collect();
    story.push(
        okta(&t(7, 9, 0), "user.mfa.factor.activate", "admin-bind")
            .by(aid, alogin)
            .enrollment("m", "Okta Verify")
            .line(),
    );
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&story))]);
    assert!(common::of(&report, "FW-001").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn okta_listed_tier_keeps_precedence_over_what_the_logs_show() {
    let config = format!("{OKTA_TENANT}[identities]\ntier1 = [\"{}\"]\n", ADMIN.1);
    let report = common::hunt(&config, &[("okta.ndjson", &ndjson(&okta_admin_story()))]);
    let f = only_fw001(&report, ADMIN.1);
    assert_eq!((f.identity.tier, &f.identity.tier_basis), (1, &None));
    assert!(!f.summary.contains("observed"), "{}", f.summary);
}

#[test]
fn okta_an_inventory_that_holds_the_identity_keeps_precedence() {
    let mut graph = graph::Graph::new();
    graph.ensure(Provider::Okta, "acme.okta.com", graph::NodeKind::Human, ADMIN.0, ADMIN.1);
    let report = common::hunt_with_graph(OKTA_TENANT, graph, &[("okta.ndjson", &ndjson(&okta_admin_story()))]);
    assert!(common::of(&report, "FW-001").is_empty(), "{:#?}", common::fired(&report));
}

// ---------------------------------------------------------------- Microsoft Entra ID

const ENTRA_USERS: [(&str, &str); 3] = [
    (BOB_ID, BOB),
    ("1b2c3d4e-0000-4000-8000-000000000003", "carol@contoso.com"),
    ("1b2c3d4e-0000-4000-8000-000000000004", "dave@contoso.com"),
];

#[test]
fn entra_help_desk_seen_deleting_others_security_info_is_tier_0() {
    let mut story: Vec<String> = ENTRA_USERS
        .iter()
        .enumerate()
        .map(|(i, (id, upn))| {
            entra_audit(&t(6, 10, i as u32), &format!("adm-del-{i}"), "Admin deleted security info")
                .reason("Admin deleted Mobile Phone SMS.")
                .by(HELPDESK_ID, HELPDESK, "198.51.100.7")
                .on(id, upn)
                .line()
        })
        .collect();
    story.push(
        entra_audit(&t(7, 9, 0), "own-del", "User deleted security info")
            .reason("User deleted Authenticator App")
            .by(HELPDESK_ID, HELPDESK, "198.51.100.7")
            .on(HELPDESK_ID, HELPDESK)
            .line(),
    );
    let report = common::hunt("", &[("entra.ndjson", &ndjson(&story))]);
    assert_observed(only_fw001(&report, HELPDESK), 0, "observed: changed factors of 3 identities");
}

#[test]
fn entra_role_administration_reveals_tier_0() {
    let story = [
        entra_audit(&t(6, 10, 0), "role-add", "Add member to role")
            .by(HELPDESK_ID, HELPDESK, "198.51.100.7")
            .prop("Role.DisplayName", "", "\"Helpdesk Administrator\"")
            .line(),
        entra_audit(&t(7, 9, 0), "own-add", "User registered security info")
            .reason("User registered Mobile Phone SMS")
            .by(HELPDESK_ID, HELPDESK, "198.51.100.7")
            .on(HELPDESK_ID, HELPDESK)
            .line(),
    ];
    let report = common::hunt("", &[("entra.ndjson", &ndjson(&story))]);
    assert_observed(only_fw001(&report, HELPDESK), 0, "observed: managed roles of 1 identity");
}

#[test]
fn entra_adding_an_application_owner_is_tier_1_work_not_a_role_grant() {
    let story = [
        entra_audit(&t(6, 10, 0), "owner-add", "Add owner to application")
            .by(HELPDESK_ID, HELPDESK, "198.51.100.7")
            .line(),
        entra_audit(&t(7, 9, 0), "own-add", "User registered security info")
            .reason("User registered Mobile Phone SMS")
            .by(HELPDESK_ID, HELPDESK, "198.51.100.7")
            .on(HELPDESK_ID, HELPDESK)
            .line(),
    ];
    let report = common::hunt("", &[("entra.ndjson", &ndjson(&story))]);
    assert_observed(only_fw001(&report, HELPDESK), 1, "observed: managed owners of 1 application");
}

#[test]
fn entra_user_registering_their_own_security_info_stays_tier_2() {
    let mut story = entra_baseline();
    for (i, activity) in
        ["User registered security info", "User deleted security info", "User registered security info"]
            .iter()
            .enumerate()
    {
        story.push(
            entra_audit(&t(6, 10, i as u32), &format!("self-{i}"), activity)
                .reason("User registered Mobile Phone SMS")
                .line(),
        );
    }
    story.push(
        entra_audit(&t(7, 9, 0), "self-last", "User registered security info")
            .reason("User registered Authenticator App")
            .line(),
    );
    let report = common::hunt("", &[("entra.ndjson", &ndjson(&story))]);
    assert!(common::of(&report, "FW-001").is_empty(), "{:#?}", common::fired(&report));
}

// ---------------------------------------------------------------- AWS CloudTrail

const AWS_SEC: (&str, &str) = ("AIDASECLEADEXAMPLE001", "sec-lead");

#[test]
fn aws_iam_user_seen_deactivating_others_mfa_is_tier_0_when_later_named_by_user_name() {
    let story = [
        aws(
            &t(6, 10, 0),
            "deact-alice",
            "iam.amazonaws.com",
            "DeactivateMFADevice",
            AWS_ADMIN,
            r#"{"userName":"alice","serialNumber":"arn:aws:iam::111122223333:mfa/alice"}"#,
            "null",
        ),
        aws(
            &t(6, 10, 5),
            "deact-bob",
            "iam.amazonaws.com",
            "DeactivateMFADevice",
            AWS_ADMIN,
            r#"{"userName":"bob","serialNumber":"arn:aws:iam::111122223333:mfa/bob"}"#,
            "null",
        ),
        // Another admin removes the ops admin's MFA device, naming it by user name only.
        aws(
            &t(7, 9, 0),
            "deact-ops",
            "iam.amazonaws.com",
            "DeactivateMFADevice",
            AWS_SEC,
            r#"{"userName":"ops-admin","serialNumber":"arn:aws:iam::111122223333:mfa/ops-admin"}"#,
            "null",
        ),
    ];
    let report = common::hunt("", &[("cloudtrail.ndjson", &ndjson(&story))]);
    let f = only_fw001(&report, AWS_ADMIN.0);
    assert_observed(f, 0, "observed: changed factors of 2 identities");
    assert_eq!(evidence_ids(f), ["deact-ops"]);
}

#[test]
fn aws_access_keys_created_for_another_user_make_the_caller_tier_1() {
    let story = [
        aws(
            &t(6, 10, 0),
            "key-deploy",
            "iam.amazonaws.com",
            "CreateAccessKey",
            AWS_ADMIN,
            r#"{"userName":"deploy-bot"}"#,
            r#"{"accessKey":{"userName":"deploy-bot","accessKeyId":"AKIADEPLOYEXAMPLE001","status":"Active"}}"#,
        ),
        aws(
            &t(7, 9, 0),
            "own-mfa",
            "iam.amazonaws.com",
            "EnableMFADevice",
            AWS_ADMIN,
            r#"{"serialNumber":"arn:aws:iam::111122223333:u2f/user/ops-admin/key-2"}"#,
            "null",
        ),
    ];
    let report = common::hunt("", &[("cloudtrail.ndjson", &ndjson(&story))]);
    assert_observed(only_fw001(&report, AWS_ADMIN.0), 1, "observed: issued credentials of 1 identity");
}

#[test]
fn aws_access_key_created_for_oneself_raises_nothing() {
    let story = [
        aws(
            &t(6, 10, 0),
            "key-own",
            "iam.amazonaws.com",
            "CreateAccessKey",
            AWS_ALICE,
            "{}",
            r#"{"accessKey":{"userName":"alice","accessKeyId":"AKIAALICEEXAMPLE0001","status":"Active"}}"#,
        ),
        aws(
            &t(7, 9, 0),
            "own-mfa",
            "iam.amazonaws.com",
            "EnableMFADevice",
            AWS_ALICE,
            r#"{"serialNumber":"arn:aws:iam::111122223333:u2f/user/alice/key-2"}"#,
            "null",
        ),
    ];
    let report = common::hunt("", &[("cloudtrail.ndjson", &ndjson(&story))]);
    assert!(common::of(&report, "FW-001").is_empty(), "{:#?}", common::fired(&report));
}

// ---------------------------------------------------------------- Google Workspace

fn gws_admin_action(time: &str, uq: &str, name: &str, user: &str) -> String {
    gws(time, uq, "admin", GWS_ADMIN, name, &format!(r#"[{{"name":"USER_EMAIL","value":"{user}"}}]"#))
}

#[test]
fn google_admin_seen_turning_off_others_2sv_and_resetting_passwords_is_tier_0() {
    let story = [
        gws_admin_action(&t(6, 10, 0), "-101", "TURN_OFF_2_STEP_VERIFICATION", "bob@example.org"),
        gws_admin_action(&t(6, 10, 5), "-102", "TURN_OFF_2_STEP_VERIFICATION", "carol@example.org"),
        gws_admin_action(&t(6, 10, 10), "-103", "CHANGE_PASSWORD", "dave@example.org"),
        gws(&t(7, 9, 0), "-104", "user_accounts", GWS_ADMIN, "titanium_unenroll", "[]"),
    ];
    let report = common::hunt("", &[("google.ndjson", &ndjson(&story))]);
    assert_observed(
        only_fw001(&report, GWS_ADMIN.0),
        0,
        "observed: reset factors of 2 identities, reset passwords of 1 identity",
    );
}

#[test]
fn google_user_enrolling_and_leaving_2sv_themselves_stays_tier_2() {
    let story = [
        gws(&t(6, 10, 0), "-201", "user_accounts", GWS_BOB, "2sv_enroll", "[]"),
        gws(&t(6, 10, 5), "-202", "user_accounts", GWS_BOB, "password_edit", "[]"),
        gws(&t(7, 9, 0), "-203", "user_accounts", GWS_BOB, "2sv_disable", "[]"),
    ];
    let report = common::hunt("", &[("google.ndjson", &ndjson(&story))]);
    assert!(common::of(&report, "FW-001").is_empty(), "{:#?}", common::fired(&report));
}

// ---------------------------------------------------------------- GitHub

fn github_record(doc: &str, epoch_ms: i64, action: &str, actor: (i64, &str), user: (i64, &str)) -> Value {
    json!({
        "@timestamp": epoch_ms, "_document_id": doc, "action": action,
        "actor": actor.1, "actor_id": actor.0, "actor_is_bot": false, "actor_ip": "198.51.100.61",
        "actor_location": {"country_code": "US"}, "business": "acme-enterprise", "business_id": 4242,
        "created_at": epoch_ms, "org": "acme", "org_id": 777001, "operation_type": "modify",
        "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/124.0.0.0",
        "permission": "admin", "old_permission": "read", "user": user.1, "user_id": user.0
    })
}

const HUBOT: (i64, &str) = (1_000_001, "hubot-admin");
const MAY_6: i64 = 1_778_054_400_000; // 2026-05-06T08:00:00Z

#[test]
fn github_owner_seen_making_members_admins_is_tier_0() {
    let story = [
        github_record("gh-1", MAY_6, "org.update_member", HUBOT, (2_000_002, "mona")),
        github_record("gh-2", MAY_6 + 60_000, "org.update_member", HUBOT, (2_000_003, "octocat")),
        github_record("gh-3", MAY_6 + 86_400_000, "two_factor_authentication.remove_factor", HUBOT, HUBOT),
    ];
    let report = common::hunt("", &[("github.ndjson", &lines(&story))]);
    assert_observed(only_fw001(&report, HUBOT.1), 0, "observed: managed roles of 2 identities");
}

#[test]
fn github_member_changing_their_own_two_factor_stays_tier_2() {
    let mona = (2_000_002, "mona");
    let story = [
        github_record("gh-11", MAY_6, "two_factor_authentication.add_factor", mona, mona),
        github_record("gh-12", MAY_6 + 86_400_000, "two_factor_authentication.remove_factor", mona, mona),
    ];
    let report = common::hunt("", &[("github.ndjson", &lines(&story))]);
    assert!(common::of(&report, "FW-001").is_empty(), "{:#?}", common::fired(&report));
}

// ---------------------------------------------------------------- Duo, Auth0, OneLogin

fn duo_admin(action: &str, epoch: i64, admin: &str, description: Value, object: &str) -> Value {
    let iso = chrono::DateTime::from_timestamp(epoch, 0).unwrap().to_rfc3339();
    json!({"action": action, "description": description.to_string(), "isotimestamp": iso, "object": object,
        "timestamp": epoch, "username": admin})
}

const MAY_6_S: i64 = MAY_6 / 1000;

#[test]
fn duo_admin_seen_deleting_users_phones_is_tier_0_when_another_admin_changes_theirs() {
    let story = [
        duo_admin(
            "phone_delete",
            MAY_6_S,
            "helpdesk.ops",
            json!({"number": "+15555550199", "user": "mlopez"}),
            "+15555550199",
        ),
        duo_admin(
            "phone_delete",
            MAY_6_S + 60,
            "helpdesk.ops",
            json!({"number": "+15555550198", "user": "jdoe"}),
            "+15555550198",
        ),
        duo_admin(
            "phone_delete",
            MAY_6_S + 86_400,
            "sec.lead",
            json!({"number": "+15555550100", "user": "helpdesk.ops"}),
            "+15555550100",
        ),
    ];
    let report = common::hunt("[tenants]\nduo = \"DIXXXXXXXXXXXXXXXXXX\"\n", &[("duo-admin.ndjson", &lines(&story))]);
    assert_observed(only_fw001(&report, "helpdesk.ops"), 0, "observed: changed factors of 2 identities");
}

fn auth0_roles(log_id: &str, date: &str, admin: (&str, &str), user: &str) -> Value {
    json!({"date": date, "type": "sapi", "client_id": "dashboard", "client_name": "Auth0 Dashboard",
        "ip": "198.51.100.90", "user_agent": "Mozilla/5.0", "hostname": "acme-prod.eu.auth0.com",
        "user_id": null, "user_name": null, "log_id": log_id, "description": "Assign roles to a user",
        "details": {"request": {"method": "post", "path": format!("/api/v2/users/{user}/roles"), "query": {},
            "body": {"roles": ["rol_Admins"]}, "channel": "https://manage.auth0.com/", "ip": "198.51.100.90",
            "auth": {"user": {"user_id": admin.0, "email": admin.1, "name": admin.1}, "strategy": "jwt"}},
            "response": {"statusCode": 200, "body": {}}}})
}

#[test]
fn auth0_dashboard_admin_seen_assigning_roles_is_tier_0() {
    let admin = ("auth0|6601adminadminadmin0001", "ops@acme.example");
    let own_unenroll = json!({"log_id": "a0-3", "date": "2026-05-07T09:00:00.000Z", "type": "gd_unenroll",
        "client_id": "k3Tz8QpL0vXw2YbN6mRc1DfG5hJ9sA4e", "client_name": "Acme Portal", "ip": "198.51.100.90",
        "user_agent": "Mozilla/5.0", "hostname": "acme-prod.eu.auth0.com", "user_id": admin.0, "user_name": admin.1,
        "description": "Guardian - Second factor enrollment deleted",
        "details": {"authenticator": {"type": "otp", "id": "totp|dev_Admin1"}}});
    let story = [
        auth0_roles("a0-1", "2026-05-06T10:00:00.000Z", admin, "auth0|65f1c2d3e4a5b6c7d8e9f012"),
        auth0_roles("a0-2", "2026-05-06T10:05:00.000Z", admin, "auth0|65f1c2d3e4a5b6c7d8e9f013"),
        own_unenroll,
    ];
    let report = common::hunt("", &[("auth0.ndjson", &lines(&story))]);
    assert_observed(only_fw001(&report, admin.0), 0, "observed: managed roles of 2 identities");
}

fn onelogin(
    id: i64,
    created: &str,
    type_id: i64,
    user: (i64, &str),
    actor: (i64, &str),
    factor: Option<&str>,
) -> Value {
    json!({"id": id, "created_at": created, "account_id": 55555, "user_id": user.0, "user_name": user.1,
        "event_type_id": type_id, "notes": null, "ipaddr": "198.51.100.44", "actor_user_id": actor.0,
        "actor_user_name": actor.1, "otp_device_id": factor.map(|_| 88001), "otp_device_name": factor,
        "authentication_factor_description": factor, "privilege_name": null, "risk_score": null, "risk_reasons": null,
        "user_agent": "Mozilla/5.0"})
}

#[test]
fn onelogin_admin_seen_resetting_passwords_is_tier_0_and_a_self_reset_is_not() {
    let sam = (777_002, "Sam Admin");
    let ana = (123_456, "Ana Ruiz");
    let story = [
        onelogin(1, "2026-05-06T10:00:00Z", 211, ana, sam, None),
        onelogin(2, "2026-05-06T10:01:00Z", 211, (123_457, "Ben Ito"), sam, None),
        // Ana resets her own password: self-service.
        onelogin(3, "2026-05-06T11:00:00Z", 211, ana, ana, None),
        onelogin(4, "2026-05-07T09:00:00Z", 24, sam, sam, Some("OneLogin Protect")),
        onelogin(5, "2026-05-07T09:05:00Z", 24, ana, ana, Some("OneLogin Protect")),
    ];
    let report = common::hunt("", &[("onelogin.ndjson", &lines(&story))]);
    assert_observed(only_fw001(&report, sam.1), 0, "observed: reset passwords of 2 identities");
}

// ---------------------------------------------------------------- saved state

fn okta_events(config: &Config, story: &[String]) -> Vec<Event> {
    let mut opts = ingest::Options::default();
    for (provider, tenant) in &config.tenants {
        opts.set_tenant(Provider::parse(provider).unwrap(), tenant);
    }
    let (mut events, tally) = ingest::normalize_text("okta.ndjson", &ndjson(story), &opts);
    assert!(tally.diagnostics.is_empty(), "{:?}", tally.diagnostics);
    events.sort_by(detect::order::compare);
    events
}

#[test]
fn observed_work_survives_a_stream_snapshot_and_restore() {
    let config: Config = toml::from_str(OKTA_TENANT).unwrap();
    let mut events = okta_events(&config, &okta_admin_story());
    let last = events.pop().unwrap();
    let mut stream = Stream::new(Engine::new(&config).unwrap(), std::time::Duration::from_secs(60));
    for (i, e) in events.into_iter().enumerate() {
        stream.push(i as i64 + 1, e);
    }
    stream.drain(chrono::DateTime::<chrono::Utc>::MAX_UTC);
    let bytes = stream.snapshot().unwrap();
    let mut restored = Stream::restore(&config, &bytes).unwrap();
    restored.push(100, last);
    restored.drain(chrono::DateTime::<chrono::Utc>::MAX_UTC);
    let found: Vec<Finding> = restored.take_findings().into_iter().filter(|f| f.detector == "FW-001").collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_observed(&found[0], 0, "observed: reset factors of 4 identities");
}

#[test]
fn a_version_2_snapshot_without_observed_work_is_still_read() {
    let config: Config = toml::from_str(OKTA_TENANT).unwrap();
    let mut stream = Stream::new(Engine::new(&config).unwrap(), std::time::Duration::from_secs(60));
    for (i, e) in okta_events(&config, &okta_admin_story()).into_iter().enumerate() {
        stream.push(i as i64 + 1, e);
    }
    let bytes = stream.snapshot().unwrap();
    let mut body: Value = serde_json::from_slice(&bytes[8..]).unwrap();
    assert!(body["engine"].as_object_mut().unwrap().remove("observed").is_some());
    let mut old = bytes[..4].to_vec();
    old.extend_from_slice(&2u32.to_le_bytes());
    old.extend(serde_json::to_vec(&body).unwrap());
    let restored = Stream::restore(&config, &old).unwrap();
    assert_eq!(restored.buffered(), stream.buffered());
}

#[test]
fn the_identity_view_says_why_its_tier() {
    let config: Config = toml::from_str(OKTA_TENANT).unwrap();
    let mut engine = Engine::new(&config).unwrap();
    for e in okta_events(&config, &okta_admin_story()) {
        engine.process(&e);
    }
    let view = engine.identity(Provider::Okta, "acme.okta.com", ADMIN.1).unwrap();
    assert_eq!((view.tier, view.tier_basis.as_deref()), (0, Some("observed: reset factors of 4 identities")));
    assert_eq!(engine.tier_of_named(Provider::Okta, "acme.okta.com", ADMIN.0), 0);
    let bob = engine.identity(Provider::Okta, "acme.okta.com", USERS[0].1).unwrap();
    assert_eq!((bob.tier, bob.tier_basis), (2, None));
}
