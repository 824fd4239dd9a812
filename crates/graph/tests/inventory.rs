//! factorwatch's own inventory (docs/inventory.md): JSON or YAML, validated by
//! `schemas/inventory.schema.json`, giving tiers and blast radius for the identities it declares.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use graph::import::{ImportError, import};
use graph::{Graph, NodeKind};
use model::Provider;
use serde_json::Value;

const YAML: &str = include_str!("fixtures/inventory/acme.yaml");
const JSON: &str = include_str!("fixtures/inventory/acme.json");
const T: &str = "acme.okta.com";

fn acme() -> Graph {
    let mut g = Graph::new();
    let done = import(&mut g, "acme.yaml", YAML).unwrap();
    assert_eq!(done.format, "factorwatch inventory");
    g
}

fn who(g: &Graph, name: &str) -> u32 {
    g.find_identity(Some(Provider::Okta), Some(T), name).unwrap_or_else(|| panic!("{name} not imported"))
}

#[test]
fn every_inventory_fixture_validates_against_the_schema() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schemas/inventory.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::draft202012::new(&schema).expect("a valid draft 2020-12 schema");
    let yaml: Value = serde_norway::from_str(YAML).unwrap();
    let json: Value = serde_json::from_str(JSON).unwrap();
    assert_eq!(yaml, json, "the JSON fixture is the YAML one, converted");
    for doc in [&yaml, &json] {
        let errors: Vec<String> = validator.iter_errors(doc).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
    let mut bad = json.clone();
    bad["edges"][0]["can"] = Value::from("delete_everything");
    assert!(!validator.is_valid(&bad), "an unknown power is rejected by the schema");
}

#[test]
fn json_and_yaml_inventories_give_the_same_graph() {
    let yaml = acme();
    let mut json = Graph::new();
    import(&mut json, "acme.json", JSON).unwrap();
    assert_eq!((yaml.len(), yaml.edge_count()), (json.len(), json.edge_count()));
    for name in ["root@acme.com", "dana@acme.com", "eve@acme.com", "olga@acme.com", "billing-sync"] {
        assert_eq!(graph::tier_of(&yaml, who(&yaml, name)), graph::tier_of(&json, who(&json, name)), "{name}");
    }
}

#[test]
fn a_built_in_super_administrator_is_tier_0_over_every_identity() {
    let g = acme();
    let root = who(&g, "root@acme.com");
    assert_eq!(graph::tier_of(&g, root), 0);
    let s = g.blast_summary(root, 5);
    assert_eq!(s.identities, 6, "4 people and 2 NHIs");
    assert_eq!(s.top[0], "root@acme.com → Super Administrator → every identity");
    assert_eq!(g.node(root).unwrap().phishing_resistant, Some(true));
}

#[test]
fn a_custom_role_held_through_a_group_makes_its_members_tier_0() {
    let g = acme();
    let dana = who(&g, "dana@acme.com");
    assert_eq!(graph::tier_of(&g, dana), 0);
    let s = g.blast_summary(dana, 5);
    assert_eq!((s.identities, s.roles), (6, 1));
    assert_eq!(s.top[0], "dana@acme.com → Helpdesk → Support Tier 2 → every identity");
}

#[test]
fn owners_and_credential_edges_make_tier_1_and_reach_the_nhis_secrets() {
    let g = acme();
    let eve = who(&g, "eve@acme.com");
    assert_eq!(graph::tier_of(&g, eve), 1);
    let s = g.blast_summary(eve, 10);
    assert_eq!((s.nhi, s.secrets, s.roles), (2, 2, 1), "{:?}", s.top);
    assert!(
        s.top.contains(&"eve@acme.com → billing-sync → billing-sync client_secret key-billing-1".into()),
        "{:?}",
        s.top
    );
    assert!(s.top.contains(&"eve@acme.com → report-bot → report-bot api_token tok-report-1".into()), "{:?}", s.top);
    let key = g.nodes().find(|(_, n)| n.id == "key-billing-1").unwrap().1;
    assert_eq!(key.kind, NodeKind::Secret);
    assert_eq!(key.expires.unwrap().to_rfc3339(), "2026-01-15T09:00:00+00:00");
}

#[test]
fn an_nhi_that_can_assume_another_reaches_its_secret_but_stays_tier_2() {
    let g = acme();
    let billing = who(&g, "billing-sync");
    assert_eq!(g.node(billing).unwrap().kind, NodeKind::Nhi);
    assert_eq!(graph::tier_of(&g, billing), 2);
    assert_eq!(g.blast_summary(billing, 5).secrets, 2);
}

#[test]
fn a_disabled_owner_is_kept_with_its_flag() {
    let g = acme();
    let olga = who(&g, "olga@acme.com");
    assert!(g.node(olga).unwrap().disabled);
    assert_eq!(graph::tier_of(&g, olga), 1, "owning report-bot");
}

#[test]
fn unknown_references_and_versions_are_clear_errors() {
    let mut g = Graph::new();
    let err = import(&mut g, "x.yaml", &YAML.replace("to: 0oa-report-bot", "to: 0oa-nobody")).unwrap_err();
    assert!(err.to_string().contains("`to: 0oa-nobody` is not a declared identity"), "{err}");
    // The identities before the bad reference are not left behind: a failed import changes nothing.
    assert!(g.is_empty(), "{} nodes left by a failed import", g.len());
    let err =
        import(&mut g, "x.yaml", &YAML.replace("factorwatch_inventory: 1", "factorwatch_inventory: 7")).unwrap_err();
    assert!(err.to_string().contains("`factorwatch_inventory: 7` is not supported"), "{err}");
    let err = import(&mut g, "x.yaml", &YAML.replace("can: assume", "can: own_everything")).unwrap_err();
    assert!(err.to_string().contains("edges[1]: `can: own_everything` is not one of"), "{err}");
}

#[test]
fn a_document_neither_json_nor_yaml_says_why() {
    let mut g = Graph::new();
    let err = import(&mut g, "broken.json", "{\"factorwatch_inventory\": 1,").unwrap_err();
    assert!(matches!(err, ImportError::NotJson { .. }), "{err}");
    assert!(err.to_string().starts_with("`broken.json` is not JSON or YAML: invalid JSON:"), "{err}");
    let err = import(&mut g, "broken.yaml", "factorwatch_inventory: 1\n  roles: [a\n").unwrap_err();
    assert!(err.to_string().contains("invalid YAML:"), "{err}");
    let err = import(&mut g, "scalar.yaml", "just words").unwrap_err();
    assert!(err.to_string().contains("neither a JSON nor a YAML object or list"), "{err}");
}

#[test]
fn wrong_types_anywhere_are_errors_not_panics() {
    let doc: Value = serde_json::from_str(JSON).unwrap();
    let mutations: Vec<(&str, Value)> = vec![
        ("identities", Value::from(3)),
        ("nhis", serde_json::json!([{"id": 5}])),
        ("roles", serde_json::json!([{"name": "r", "tier": 9}])),
        ("groups", serde_json::json!(["g"])),
        ("edges", serde_json::json!([{"from": [], "to": {}, "can": 1}])),
        ("provider", Value::from("myspace")),
        ("tenant", Value::Null),
    ];
    for (key, value) in mutations {
        let mut bad = doc.clone();
        bad[key] = value;
        let mut g = Graph::new();
        assert!(import(&mut g, "bad.json", &bad.to_string()).is_err(), "{key}");
    }
}
