//! The service's TOML as `factorwatch serve` reads it: `[server]`, sinks, policy and
//! connectors, and every detection setting, parsed and validated; an accepted config is
//! then used as start-up uses it (the detection engine built, settings rendered).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(mut config) = server::ServiceConfig::parse(text) else { return };
    // Files the config names are not opened: a fuzzed path could be any file.
    config.detect.geoip = Default::default();
    let _ = detect::Engine::new(&config.detect);
    let _ = config.policy.decision_config();
    let _ = config.detect.to_toml();
});
