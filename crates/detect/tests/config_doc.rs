//! docs/config.md lists every detection setting `factorwatch config show` prints, and the
//! checks it documents hold.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use detect::Config;

fn doc() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/config.md")).unwrap()
}

/// `a.b.c` for every value that is not a table.
fn leaves(prefix: &str, table: &toml::Table, out: &mut Vec<String>) {
    for (key, value) in table {
        let name = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        match value {
            toml::Value::Table(t) => leaves(&name, t, out),
            _ => out.push(name),
        }
    }
}

#[test]
fn every_default_setting_is_in_the_config_page() {
    let doc = doc();
    let table: toml::Table = toml::from_str(&Config::default().to_toml()).unwrap();
    let mut keys = Vec::new();
    leaves("", &table, &mut keys);
    assert!(keys.iter().any(|k| k == "gating.enabled"), "{keys:?}");
    let missing: Vec<&String> = keys.iter().filter(|k| !doc.contains(&format!("`{k}`"))).collect();
    assert!(missing.is_empty(), "docs/config.md does not list {missing:?}");
}

#[test]
fn gating_is_off_by_default_and_gates_tiers_0_and_1() {
    let config = Config::default();
    assert!(!config.gating.enabled);
    assert_eq!(config.gating.tiers, [0, 1]);
    assert!(config.gating.identities.is_empty());
}

#[test]
fn a_gating_tier_that_is_not_a_tier_is_refused_by_name() {
    let config: Config = toml::from_str("[gating]\nenabled = true\ntiers = [0, 3]\n").unwrap();
    let err = config.validate().unwrap_err().to_string();
    assert!(err.contains("[gating] tiers") && err.contains("`3`"), "{err}");
    assert!(toml::from_str::<Config>("[gating]\nenable = true\n").is_err(), "a typo is an error");
}
