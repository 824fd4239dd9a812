//! `factorwatch graph` over the stored graph, and `hunt --inventory`: the same factor change
//! ranks a tier 0 administrator above a tier 2 user, and the finding says what the
//! administrator can reach.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{factorwatch, text};

use std::path::{Path, PathBuf};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../graph/tests/fixtures").join(rel)
}

#[test]
fn imported_inventories_are_stored_and_answer_show_and_blast_radius() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path().to_str().unwrap();
    let okta = fixture("okta/bundle.json");
    let out = factorwatch(&["graph", "--data-dir", d, "import", okta.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("okta (+18 nodes"), "{}", text(&out.stderr));

    let out = factorwatch(&["graph", "--data-dir", d, "blast-radius", "hana.kim@acme.com"]);
    let table = text(&out.stdout);
    assert!(table.starts_with("hana.kim@acme.com: tier 0"), "{table}");
    assert!(table.contains("hana.kim@acme.com → Help Desk Administrator → every identity"), "{table}");

    let out = factorwatch(&["graph", "--data-dir", d, "blast-radius", "--format", "json", "hana.kim@acme.com"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["tier"], 0);
    assert!(doc["summary"]["identities"].as_u64().unwrap() >= 5);

    let out = factorwatch(&["graph", "--data-dir", d, "show", "priya.shah@acme.com"]);
    assert!(text(&out.stdout).contains("tier 2"), "{}", text(&out.stdout));

    let out = factorwatch(&["graph", "--data-dir", d, "show", "nobody@acme.com"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no identity `nobody@acme.com`"), "{}", text(&out.stderr));
}

#[test]
fn a_login_of_several_accounts_is_listed_and_the_provider_picks_one() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path().to_str().unwrap();
    let okta = fixture("okta/bundle.json");
    let google = data.path().join("google.yaml");
    std::fs::write(
        &google,
        "factorwatch_inventory: 1\nprovider: google\ntenant: acme.com\nidentities:\n  - id: \"1090hana\"\n    name: hana.kim@acme.com\n",
    )
    .unwrap();
    let out = factorwatch(&["graph", "--data-dir", d, "import", okta.to_str().unwrap(), google.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    let out = factorwatch(&["graph", "--data-dir", d, "blast-radius", "hana.kim@acme.com"]);
    assert_ne!(out.status.code(), Some(0), "one of two accounts picked: {}", text(&out.stdout));
    let said = text(&out.stderr);
    assert!(said.contains("`hana.kim@acme.com` is the login of 2 accounts"), "{said}");
    assert!(said.contains("--provider google") && said.contains("google:hana.kim@acme.com"), "{said}");
    let rows: Vec<&str> = said.lines().filter(|l| l.contains("hana.kim@acme.com") && !l.contains('`')).collect();
    assert_eq!(rows.len(), 2, "{said}");
    assert!(rows.iter().any(|r| r.starts_with("google") && r.contains("1090hana")), "{said}");
    assert!(rows.iter().any(|r| r.starts_with("okta") && r.contains("00u2hana0helpdesk07")), "{said}");

    let out = factorwatch(&["graph", "--data-dir", d, "blast-radius", "--provider", "okta", "hana.kim@acme.com"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("hana.kim@acme.com: tier 0"), "{}", text(&out.stdout));
    let out = factorwatch(&["graph", "--data-dir", d, "blast-radius", "google:hana.kim@acme.com"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("hana.kim@acme.com: tier 2"), "{}", text(&out.stdout));
    let out = factorwatch(&["graph", "--data-dir", d, "show", "1090hana"]);
    assert_eq!(out.status.code(), Some(0), "an id is exact: {}", text(&out.stderr));
    assert!(text(&out.stdout).contains("google acme.com, id 1090hana"), "{}", text(&out.stdout));
}

fn activation(uuid: &str, id: &str, login: &str) -> String {
    format!(
        r#"{{"uuid":"{uuid}","published":"2026-05-07T10:00:00Z","eventType":"user.mfa.factor.activate","actor":{{"id":"00u9mal","type":"User","alternateId":"mallory@acme.com"}},"target":[{{"id":"{id}","type":"User","alternateId":"{login}"}},{{"id":"mfa-{uuid}","type":"AuthenticatorEnrollment","displayName":"Okta Verify"}}],"client":{{"ipAddress":"198.51.100.7"}},"outcome":{{"result":"SUCCESS"}}}}"#
    )
}

#[test]
fn hunt_with_an_inventory_ranks_a_tier_0_change_above_the_same_change_on_tier_2() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("okta.ndjson");
    let lines = [
        activation("a1", "00u5priya0plain0007", "priya.shah@acme.com"),
        activation("b1", "00u2hana0helpdesk07", "hana.kim@acme.com"),
    ];
    std::fs::write(&log, lines.join("\n")).unwrap();
    let inventory = fixture("okta/bundle.json");
    let out =
        factorwatch(&["hunt", "--format", "json", "--inventory", inventory.to_str().unwrap(), log.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let findings: Vec<serde_json::Value> =
        text(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let first = &findings[0];
    assert_eq!(first["identity"]["name"], "hana.kim@acme.com", "{findings:#?}");
    assert_eq!(first["identity"]["tier"], 0);
    let risk = |who: &str| {
        findings
            .iter()
            .filter(|f| f["identity"]["name"] == who)
            .map(|f| f["risk_score"].as_u64().unwrap())
            .max()
            .unwrap()
    };
    assert!(risk("hana.kim@acme.com") > risk("priya.shah@acme.com"));
    let top = first["blast_radius"]["top"].as_array().unwrap();
    assert!(top.iter().any(|p| p.as_str().unwrap().contains("Help Desk Administrator → every identity")), "{top:?}");
    let priya = findings.iter().find(|f| f["identity"]["name"] == "priya.shah@acme.com").unwrap();
    assert_eq!(priya["identity"]["tier"], 2);
}

#[test]
fn graph_import_detects_an_okta_factor_list_and_show_lists_its_factors_at_the_given_time() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path().to_str().unwrap();
    let bundle = fixture("okta/bundle.json");
    let factors = fixture("okta/factors-hana.json");
    let out = factorwatch(&[
        "graph",
        "--data-dir",
        d,
        "import",
        "--snapshot-time",
        "2026-05-01T00:00:00Z",
        bundle.to_str().unwrap(),
        factors.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("factors-hana.json: okta factors (+0 nodes"), "{}", text(&out.stderr));

    let out = factorwatch(&["graph", "--data-dir", d, "show", "hana.kim@acme.com"]);
    let shown = text(&out.stdout);
    assert!(shown.contains("factors listed in the snapshot of 2026-05-01 00:00 UTC:"), "{shown}");
    assert!(shown.contains("FIDO_WEBAUTHN (phishing_resistant) id fwf1hana0yubikey0001"), "{shown}");
    assert!(!shown.contains("uft1hana0totp0000001"), "a factor pending activation is not bound: {shown}");
}

#[test]
fn hunt_with_a_factor_snapshot_reports_the_removal_of_a_key_bound_before_the_logs() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("okta.ndjson");
    let line = r#"{"uuid":"drop1","published":"2026-05-07T10:00:00Z","eventType":"user.mfa.factor.deactivate","actor":{"id":"00u2hana0helpdesk07","type":"User","alternateId":"hana.kim@acme.com"},"target":[{"id":"00u2hana0helpdesk07","type":"User","alternateId":"hana.kim@acme.com"},{"id":"fwf1hana0yubikey0001","type":"AuthenticatorEnrollment","displayName":"Security Key or Biometric"}],"client":{"ipAddress":"198.51.100.7"},"outcome":{"result":"SUCCESS"}}"#;
    std::fs::write(&log, line).unwrap();
    let (bundle, factors) = (fixture("okta/bundle.json"), fixture("okta/factors-hana.json"));
    let hunt = |inventories: &[&Path]| {
        let mut args = vec!["hunt", "--format", "json"];
        for i in inventories {
            args.extend(["--inventory", i.to_str().unwrap()]);
        }
        args.push(log.to_str().unwrap());
        let out = factorwatch(&args);
        assert!(matches!(out.status.code(), Some(0 | 1)), "{}", text(&out.stderr));
        text(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect::<Vec<serde_json::Value>>()
    };
    let findings = hunt(&[&bundle, &factors]);
    let fw006 = findings.iter().find(|f| f["detector"] == "FW-006").unwrap_or_else(|| panic!("{findings:#?}"));
    assert!(fw006["summary"].as_str().unwrap().contains("the strongest factor left is app"), "{fw006:#?}");
    assert!(hunt(&[&bundle]).iter().all(|f| f["detector"] != "FW-006"), "without the snapshot nothing is known left");
}
