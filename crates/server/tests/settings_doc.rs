//! docs/settings.md lists every service setting, and a config file naming each one parses.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use server::ServiceConfig;
use server::config::ServerConfig;

fn doc() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/settings.md")).unwrap()
}

#[test]
fn every_server_setting_is_in_the_settings_page() {
    let doc = doc();
    // Options left unset by default do not serialize: name them from a config that sets them.
    let full = ServiceConfig::parse(
        r#"
        [server]
        data_dir = "/var/lib/factorwatch"
        database_url = "postgres://fw@db/fw"
        okta_hook_authorization_env = "OKTA_HOOK"
        okta_hook_authorization_file = "/run/secrets/okta"
        console_url = "https://fw.example.com"
        "#,
    )
    .unwrap();
    let table: toml::Table = toml::Value::try_from(&full.server).unwrap().try_into().unwrap();
    let defaults: toml::Table = toml::Value::try_from(ServerConfig::default()).unwrap().try_into().unwrap();
    assert!(table.len() > defaults.len());
    for key in table.keys().chain(defaults.keys()) {
        assert!(doc.contains(&format!("`server.{key}`")), "docs/settings.md does not list `server.{key}`");
    }
}

#[test]
fn an_unknown_server_setting_is_an_error_that_names_it() {
    let err = ServiceConfig::parse("[server]\nlisten_port = 80\n").unwrap_err();
    assert!(err.to_string().contains("listen_port"), "{err}");
}

#[test]
fn a_webhook_needs_exactly_one_secret_source() {
    let neither = "[[server.webhooks]]\nname = \"a\"\nprovider = \"duo\"\n";
    assert!(ServiceConfig::parse(neither).unwrap_err().to_string().contains("exactly one"));
    let both = "[[server.webhooks]]\nname = \"a\"\nprovider = \"duo\"\nsecret_env = \"X\"\nsecret_file = \"/x\"\n";
    assert!(ServiceConfig::parse(both).is_err());
    let unknown = "[[server.webhooks]]\nname = \"a\"\nprovider = \"myspace\"\nsecret_env = \"X\"\n";
    assert!(ServiceConfig::parse(unknown).unwrap_err().to_string().contains("myspace"));
}

#[test]
fn detection_settings_live_beside_the_service_settings() {
    let config = ServiceConfig::parse(
        "[tenants]\nokta = \"acme.okta.com\"\n[stream]\nlateness = \"10m\"\n[server]\nlisten = \"0.0.0.0:9000\"\n",
    )
    .unwrap();
    assert_eq!(config.detect.tenants["okta"], "acme.okta.com");
    assert_eq!(config.detect.stream.lateness, std::time::Duration::from_secs(600));
    assert_eq!(config.server.listen.port(), 9000);
}

#[test]
fn every_sink_setting_is_in_the_settings_page_and_parses() {
    let doc = doc();
    // Every field the sink table accepts (the parser refuses unknown keys, so a field
    // removed from the code fails the parse below).
    let fields = [
        "name",
        "kind",
        "url",
        "url_env",
        "secret_env",
        "console_url",
        "path",
        "timeout",
        "batch",
        "retry.initial_backoff",
        "retry.max_backoff",
        "retry.max_attempts",
    ];
    for field in fields {
        assert!(doc.contains(&format!("`sinks.{field}`")), "docs/settings.md does not list `sinks.{field}`");
    }
    let config = ServiceConfig::parse(
        r#"
        [[sinks]]
        name = "hook"
        kind = "webhook"
        url = "https://soar.example.com/in"
        secret_env = "KEY"
        timeout = "5s"
        batch = 50
        retry = { initial_backoff = "2s", max_backoff = "1m", max_attempts = 4 }

        [[sinks]]
        name = "chat"
        kind = "slack"
        url_env = "SLACK_URL"
        console_url = "https://fw.example.com"

        [[sinks]]
        name = "file"
        kind = "ndjson"
        path = "/tmp/findings.ndjson"
        "#,
    )
    .unwrap();
    assert_eq!(config.sinks.len(), 3);
    let wrong_kind = "[[sinks]]\nname = \"f\"\nkind = \"ndjson\"\npath = \"/x\"\nurl = \"https://a.example\"\n";
    assert!(ServiceConfig::parse(wrong_kind).unwrap_err().to_string().contains("does not apply"));
}

#[test]
fn every_policy_and_connector_setting_is_in_the_settings_page() {
    let doc = doc();
    let config = ServiceConfig::parse(
        r#"
        [policy]
        directory = "/etc/factorwatch/policies"
        revalidation_period = "30d"
        [policy.managers]
        "root@acme.com" = "boss@acme.com"
        [connectors.okta]
        base_url = "https://acme.okta.com"
        token_env = "OKTA"
        [connectors.graph]
        base_url = "https://graph.microsoft.com/v1.0"
        token_file = "/run/secrets/graph"
        "#,
    )
    .unwrap();
    let policy: toml::Table = toml::Value::try_from(&config.policy).unwrap().try_into().unwrap();
    for key in policy.keys() {
        assert!(doc.contains(&format!("`policy.{key}`")), "docs/settings.md does not list `policy.{key}`");
    }
    for connector in ["okta", "graph"] {
        for key in ["base_url", "token_env", "token_file"] {
            assert!(doc.contains(&format!("`connectors.{connector}.{key}`")), "`connectors.{connector}.{key}` missing");
        }
    }
    let both = "[connectors.okta]\nbase_url = \"https://a.okta.com\"\ntoken_env = \"A\"\ntoken_file = \"/a\"\n";
    assert!(ServiceConfig::parse(both).unwrap_err().to_string().contains("exactly one"));
}

#[test]
fn every_oidc_setting_is_in_the_settings_page_and_roles_are_checked() {
    let doc = doc();
    let config = ServiceConfig::parse(
        r#"
        [server.oidc]
        issuer = "https://idp.example.com"
        client_id = "factorwatch"
        client_secret_file = "/run/secrets/oidc"
        redirect_url = "https://fw.example.com/console/oidc/callback"
        [server.oidc.roles]
        secops = "analyst"
        "#,
    )
    .unwrap();
    let oidc: toml::Table = toml::Value::try_from(config.server.oidc.as_ref().unwrap()).unwrap().try_into().unwrap();
    let section = doc.split("### `[server.oidc]`").nth(1).expect("docs/settings.md has a [server.oidc] section");
    for key in oidc.keys().map(String::as_str).chain(["client_secret_env"]) {
        assert!(section.contains(&format!("| `{key}` |")), "docs/settings.md [server.oidc] does not list `{key}`");
    }
    let bad_role = "[server.oidc]\nissuer = \"https://i.example\"\nclient_id = \"c\"\nredirect_url = \"https://f.example/cb\"\n[server.oidc.roles]\nsecops = \"root\"\n";
    let err = ServiceConfig::parse(bad_role).unwrap_err().to_string();
    assert!(err.contains("[server.oidc]") && err.contains("`root`"), "{err}");
}
