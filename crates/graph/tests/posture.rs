//! NHI posture checks P-1..P-5 (docs/standards.md §7) on a small Entra tenant with named NHIs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use graph::{Check, EdgeKind, Graph, NodeId, NodeKind, PostureFinding, PostureSettings, Status};
use model::Provider;

const T: &str = "contoso";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap()
}

fn human(g: &mut Graph, id: &str, phishing_resistant: Option<bool>) -> NodeId {
    let n = g.ensure(Provider::Entra, T, NodeKind::Human, id, &format!("{id}@contoso.com"));
    g.node_mut(n).unwrap().phishing_resistant = phishing_resistant;
    n
}

fn nhi(g: &mut Graph, id: &str) -> NodeId {
    g.ensure(Provider::Entra, T, NodeKind::Nhi, id, id)
}

fn role(g: &mut Graph, name: &str) -> NodeId {
    let r = g.ensure(Provider::Entra, T, NodeKind::Role, name, name);
    g.node_mut(r).unwrap().role_tier = graph::role_tier(Provider::Entra, name);
    for (power, scope) in graph::role_powers(Provider::Entra, name) {
        let s = g.scope(Provider::Entra, T, *scope);
        g.link(r, s, *power, None);
    }
    r
}

fn secret(g: &mut Graph, holder: NodeId, id: &str, age_days: i64, expires_in_days: Option<i64>) -> NodeId {
    let s = g.ensure(Provider::Entra, T, NodeKind::Secret, id, id);
    let node = g.node_mut(s).unwrap();
    node.created = Some(now() - Duration::days(age_days));
    node.expires = expires_in_days.map(|d| now() + Duration::days(d));
    g.link(holder, s, EdgeKind::HasSecret, None);
    s
}

fn of<'a>(findings: &'a [PostureFinding], check: Check, name: &str) -> Vec<&'a PostureFinding> {
    findings.iter().filter(|f| f.check == check && f.nhi_name == name).collect()
}

fn one<'a>(findings: &'a [PostureFinding], check: Check, name: &str) -> &'a PostureFinding {
    let found = of(findings, check, name);
    assert_eq!(found.len(), 1, "{} for {name}: {findings:#?}", check.id());
    found[0]
}

fn run(g: &Graph) -> Vec<PostureFinding> {
    graph::posture(g, &PostureSettings::default(), now())
}

#[test]
fn an_nhi_with_no_owner_fails_p1_with_its_mappings() {
    let mut g = Graph::new();
    nhi(&mut g, "backup-job");
    let findings = run(&g);
    let f = one(&findings, Check::NoHumanOwner, "backup-job");
    assert_eq!((f.check.id(), f.status, f.owasp_nhi), ("P-1", Status::Fail, "NHI1:2025"));
    assert_eq!(f.csf, ["PR.AA-01", "ID.RA-01"]);
    assert!(f.why.contains("backup-job has no owner recorded"), "{}", f.why);
}

#[test]
fn an_nhi_whose_only_owner_left_fails_p1_and_one_with_an_active_owner_passes() {
    let mut g = Graph::new();
    let gone = human(&mut g, "dave", Some(true));
    g.node_mut(gone).unwrap().disabled = true;
    let erin = human(&mut g, "erin", Some(true));
    let orphan = nhi(&mut g, "legacy-sync");
    let kept = nhi(&mut g, "payments-api");
    g.link(gone, orphan, EdgeKind::Owns, None);
    g.link(gone, kept, EdgeKind::Owns, None);
    g.link(erin, kept, EdgeKind::Owns, None);
    let findings = run(&g);
    let f = one(&findings, Check::NoHumanOwner, "legacy-sync");
    assert!(
        f.why.contains("every owner of legacy-sync is disabled") && f.why.contains("dave@contoso.com"),
        "{}",
        f.why
    );
    assert!(of(&findings, Check::NoHumanOwner, "payments-api").is_empty());
}

#[test]
fn an_nhi_owned_only_by_another_nhi_has_no_human_owner() {
    let mut g = Graph::new();
    let parent = nhi(&mut g, "deploy-bot");
    let child = nhi(&mut g, "deploy-bot-token");
    g.link(parent, child, EdgeKind::Owns, None);
    let findings = run(&g);
    let f = one(&findings, Check::NoHumanOwner, "deploy-bot-token");
    assert!(f.why.contains("owned only by non-human identities (deploy-bot)"), "{}", f.why);
}

#[test]
fn an_owner_without_a_phishing_resistant_factor_fails_p2_with_the_path() {
    let mut g = Graph::new();
    let bob = human(&mut g, "bob", Some(false));
    let pay = nhi(&mut g, "payments-api");
    g.link(bob, pay, EdgeKind::Owns, None);
    let findings = run(&g);
    let f = one(&findings, Check::AdminsWithoutPhishingResistantMfa, "payments-api");
    assert_eq!((f.status, f.owasp_nhi), (Status::Fail, "NHI4:2025"));
    assert_eq!(f.csf, ["PR.AA-03", "ID.RA-01"]);
    assert!(f.why.starts_with("bob@contoso.com can issue or rotate credentials of payments-api"), "{}", f.why);
    assert_eq!(f.paths, ["bob@contoso.com → payments-api"]);
}

#[test]
fn an_application_administrator_by_group_without_phishing_resistant_mfa_fails_p2_for_every_nhi() {
    let mut g = Graph::new();
    let alice = human(&mut g, "alice", Some(false));
    let owner = human(&mut g, "olga", Some(true));
    let group = g.ensure(Provider::Entra, T, NodeKind::Group, "g-apps", "app admins");
    let app_admin = role(&mut g, "Application Administrator");
    g.link(alice, group, EdgeKind::MemberOf, None);
    g.link(group, app_admin, EdgeKind::HasRole, None);
    for name in ["payments-api", "ci-deployer"] {
        let n = nhi(&mut g, name);
        g.link(owner, n, EdgeKind::Owns, None);
    }
    let findings = run(&g);
    for name in ["payments-api", "ci-deployer"] {
        let f = one(&findings, Check::AdminsWithoutPhishingResistantMfa, name);
        assert_eq!(f.status, Status::Fail);
        assert!(f.why.starts_with("alice@contoso.com can issue"), "{}", f.why);
        assert!(!f.why.contains("olga"), "olga has a phishing-resistant factor: {}", f.why);
        assert_eq!(f.paths, ["alice@contoso.com → app admins → Application Administrator → every non-human identity"]);
    }
}

#[test]
fn administrators_whose_factors_are_unknown_report_p2_as_unknown_not_failing() {
    let mut g = Graph::new();
    let carol = human(&mut g, "carol", None);
    let pay = nhi(&mut g, "payments-api");
    g.link(carol, pay, EdgeKind::Owns, None);
    let findings = run(&g);
    let f = one(&findings, Check::AdminsWithoutPhishingResistantMfa, "payments-api");
    assert_eq!(f.status, Status::Unknown);
    assert!(f.why.contains("is unknown"), "{}", f.why);
}

#[test]
fn administrators_with_phishing_resistant_factors_pass_p2() {
    let mut g = Graph::new();
    let erin = human(&mut g, "erin", Some(true));
    let pay = nhi(&mut g, "payments-api");
    g.link(erin, pay, EdgeKind::Owns, None);
    assert!(of(&run(&g), Check::AdminsWithoutPhishingResistantMfa, "payments-api").is_empty());
}

#[test]
fn an_old_secret_and_a_secret_without_expiry_fail_p3_and_a_fresh_expiring_one_passes() {
    let mut g = Graph::new();
    let erin = human(&mut g, "erin", Some(true));
    let pay = nhi(&mut g, "payments-api");
    let ci = nhi(&mut g, "ci-deployer");
    let fresh = nhi(&mut g, "fresh-app");
    for n in [pay, ci, fresh] {
        g.link(erin, n, EdgeKind::Owns, None);
    }
    secret(&mut g, pay, "payments-api client secret", 200, Some(500));
    secret(&mut g, ci, "AKIAEXAMPLEKEY", 10, None);
    secret(&mut g, fresh, "fresh-app secret", 10, Some(80));
    let findings = run(&g);
    let old = one(&findings, Check::LongLivedSecret, "payments-api");
    assert_eq!((old.owasp_nhi, old.csf), ("NHI7:2025", &["PR.AA-01", "ID.RA-01"][..]));
    assert!(old.why.contains("last rotated 200 days ago (more than 90)"), "{}", old.why);
    assert_eq!(old.paths, ["payments-api → payments-api client secret"]);
    let forever = one(&findings, Check::LongLivedSecret, "ci-deployer");
    assert!(forever.why.ends_with("AKIAEXAMPLEKEY has no expiry"), "{}", forever.why);
    assert!(of(&findings, Check::LongLivedSecret, "fresh-app").is_empty());
}

#[test]
fn the_secret_age_is_configurable_and_measured_from_now() {
    let mut g = Graph::new();
    let pay = nhi(&mut g, "payments-api");
    secret(&mut g, pay, "payments-api client secret", 40, Some(300));
    let strict = PostureSettings { max_secret_age: Duration::days(30) };
    assert_eq!(of(&graph::posture(&g, &strict, now()), Check::LongLivedSecret, "payments-api").len(), 1);
    assert!(of(&run(&g), Check::LongLivedSecret, "payments-api").is_empty());
    let later = now() + Duration::days(60);
    assert_eq!(
        of(&graph::posture(&g, &PostureSettings::default(), later), Check::LongLivedSecret, "payments-api").len(),
        1
    );
}

#[test]
fn an_expired_secret_is_not_long_lived() {
    let mut g = Graph::new();
    let pay = nhi(&mut g, "payments-api");
    secret(&mut g, pay, "old secret", 400, Some(-5));
    assert!(of(&run(&g), Check::LongLivedSecret, "payments-api").is_empty());
}

#[test]
fn an_nhi_used_interactively_fails_p4() {
    let mut g = Graph::new();
    let svc = nhi(&mut g, "svc-reporting");
    nhi(&mut g, "svc-quiet");
    g.node_mut(svc).unwrap().interactive_use = Some(Utc.with_ymd_and_hms(2026, 5, 30, 8, 15, 0).unwrap());
    let findings = run(&g);
    let f = one(&findings, Check::InteractiveUse, "svc-reporting");
    assert_eq!((f.owasp_nhi, f.csf), ("NHI10:2025", &["DE.CM-03", "ID.RA-01"][..]));
    assert!(f.why.contains("used interactively by a person (last seen 2026-05-30T08:15:00Z)"), "{}", f.why);
    assert!(of(&findings, Check::InteractiveUse, "svc-quiet").is_empty());
}

#[test]
fn an_nhi_holding_global_administrator_is_tier_0_and_fails_p5_with_the_path() {
    let mut g = Graph::new();
    let sp = nhi(&mut g, "automation-sp");
    let ga = role(&mut g, "Global Administrator");
    g.link(sp, ga, EdgeKind::HasRole, None);
    let findings = run(&g);
    let f = one(&findings, Check::OverPrivileged, "automation-sp");
    assert_eq!((f.owasp_nhi, f.csf), ("NHI5:2025", &["PR.AA-05", "ID.RA-01"][..]));
    assert!(f.why.starts_with("automation-sp is tier 0"), "{}", f.why);
    assert_eq!(f.paths, ["automation-sp → Global Administrator → every identity"]);
}

#[test]
fn an_nhi_owning_another_nhi_is_tier_1_and_fails_p5_while_a_plain_nhi_passes() {
    let mut g = Graph::new();
    let erin = human(&mut g, "erin", Some(true));
    let deployer = nhi(&mut g, "ci-deployer");
    let target = nhi(&mut g, "payments-api");
    let plain = nhi(&mut g, "metrics-reader");
    for n in [deployer, target, plain] {
        g.link(erin, n, EdgeKind::Owns, None);
    }
    g.link(deployer, target, EdgeKind::Owns, None);
    let findings = run(&g);
    let f = one(&findings, Check::OverPrivileged, "ci-deployer");
    assert!(f.why.starts_with("ci-deployer is tier 1"), "{}", f.why);
    assert_eq!(f.paths, ["ci-deployer → payments-api"]);
    assert!(of(&findings, Check::OverPrivileged, "metrics-reader").is_empty());
}

#[test]
fn disabled_nhis_are_not_checked_and_findings_come_in_check_order() {
    let mut g = Graph::new();
    let off = nhi(&mut g, "retired-bot");
    g.node_mut(off).unwrap().disabled = true;
    let on = nhi(&mut g, "svc-reporting");
    g.node_mut(on).unwrap().interactive_use = Some(now());
    let ga = role(&mut g, "Global Administrator");
    g.link(on, ga, EdgeKind::HasRole, None);
    g.link(off, ga, EdgeKind::HasRole, None);
    let findings = run(&g);
    assert!(findings.iter().all(|f| f.nhi_name != "retired-bot"), "{findings:#?}");
    let ids: Vec<&str> = findings.iter().map(|f| f.check.id()).collect();
    assert_eq!(ids, ["P-1", "P-4", "P-5"]);
}

#[test]
fn findings_serialize_with_check_ids_and_mappings() {
    let mut g = Graph::new();
    nhi(&mut g, "backup-job");
    let json = serde_json::to_value(&run(&g)[0]).unwrap();
    assert_eq!(json["check"], "P-1");
    assert_eq!(json["status"], "fail");
    assert_eq!(json["owasp_nhi"], "NHI1:2025");
    assert_eq!(json["csf"], serde_json::json!(["PR.AA-01", "ID.RA-01"]));
}
