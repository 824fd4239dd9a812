//! `factorwatch config show` prints `Config::to_toml()`: that text parses back to the same
//! configuration.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use detect::Config;

#[test]
fn default_config_toml_parses_back_to_the_defaults() {
    let text = Config::default().to_toml();
    let back: Config = toml::from_str(&text).expect("config show output parses");
    assert_eq!(back, Config::default());
}

#[test]
fn a_changed_config_round_trips_through_its_toml() {
    let mut config = Config::default();
    config.tenants.insert("okta".into(), "acme.okta.com".into());
    config.identities.privileged.push("okta:alice@acme.com".into());
    config.detectors.mfa_fatigue.threshold = 7;
    let back: Config = toml::from_str(&config.to_toml()).unwrap();
    assert_eq!(back, config);
}
