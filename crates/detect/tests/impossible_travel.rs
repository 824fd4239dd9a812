//! FW-008 impossible-travel: two sign-ins of X whose implied speed exceeds 900 km/h over at
//! least 500 km, where neither network is on the VPN/egress allow-list nor trusted by the
//! provider; pairs closer than 50 km are noise.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::native_lines::*;
use model::Severity;
use serde_json::json;

const ALICE: OktaUser = OktaUser { id: "00u1alicE8fx9Lq0d7", login: "alice@acme.example" };
const BOB: EntraUser = EntraUser { id: "8d3b1e44-0c7a-4f59-a2d6-5b9e3c1f7082", upn: "bob@contoso.com" };

const OKTA: &str = "[tenants]\nokta = \"acme.okta.com\"\n";
const HOME_IP: &str = "198.51.100.10";

/// A week of morning sign-ins at home in New York.
fn okta_baseline() -> Vec<serde_json::Value> {
    (1..=6)
        .map(|d| okta_signin(&format!("home{d}"), &format!("2026-05-0{d}T09:00:00Z"), ALICE, HOME_IP, NEW_YORK))
        .collect()
}

fn travel(report: &detect::Report) -> Vec<&model::Finding> {
    common::of(report, "FW-008")
}

fn evidence_ids(f: &model::Finding) -> Vec<String> {
    f.evidence.iter().map(|e| e.event_id.to_string()).collect()
}

#[test]
fn okta_sign_in_from_moscow_two_hours_after_new_york_is_medium() {
    let mut lines = okta_baseline();
    lines.push(okta_signin("moscow", "2026-05-06T11:00:00Z", ALICE, "203.0.113.66", MOSCOW));
    let report = common::hunt(OKTA, &[("okta.ndjson", &ndjson(&lines))]);

    let found = travel(&report);
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    let f = found[0];
    assert_eq!(f.severity, Severity::Medium);
    assert_eq!(f.identity.id.as_str(), ALICE.id);
    assert_eq!(f.identity.name.as_deref(), Some(ALICE.login));
    assert_eq!(evidence_ids(f), ["home6", "moscow"]);
    // Different sessions: no session-cookie reuse.
    assert_eq!(f.mappings.attack, ["T1078.004"]);
    assert_eq!(f.mappings.csf, ["DE.CM-03", "DE.AE-02"]);
}

#[test]
fn entra_same_session_from_lisbon_then_sao_paulo_an_hour_later_is_medium_with_cookie_reuse() {
    let first = entra_signin("lisbon", "2026-05-04T10:00:00Z", BOB, 0, "198.51.100.21", LISBON);
    let mut second = entra_signin("saopaulo", "2026-05-04T11:00:00Z", BOB, 0, "203.0.113.90", SAO_PAULO);
    // The second sign-in replays the first one's session.
    second["sessionId"] = first["sessionId"].clone();
    let report = common::hunt("", &[("entra.ndjson", &ndjson(&[first, second]))]);

    let found = travel(&report);
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    let f = found[0];
    assert_eq!(f.severity, Severity::Medium);
    assert_eq!(f.identity.id.as_str(), BOB.id);
    assert_eq!(f.identity.name.as_deref(), Some(BOB.upn));
    assert_eq!(evidence_ids(f), ["lisbon", "saopaulo"]);
    assert_eq!(f.mappings.attack, ["T1078.004", "T1550.004"]);
    assert_eq!(f.mappings.csf, ["DE.CM-03", "DE.AE-02"]);
}

#[test]
fn entra_new_sessions_from_lisbon_then_sao_paulo_have_no_cookie_reuse() {
    let lines = [
        entra_signin("lisbon", "2026-05-04T10:00:00Z", BOB, 0, "198.51.100.21", LISBON),
        entra_signin("saopaulo", "2026-05-04T11:00:00Z", BOB, 0, "203.0.113.90", SAO_PAULO),
    ];
    let report = common::hunt("", &[("entra.ndjson", &ndjson(&lines))]);
    let found = travel(&report);
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert_eq!(found[0].mappings.attack, ["T1078.004"]);
}

#[test]
fn okta_traveller_behind_the_corporate_vpn_is_not_impossible_travel() {
    // The VPN concentrator's egress geolocates to Singapore; the user never left New York.
    let mut lines = okta_baseline();
    lines.push(okta_signin("vpn", "2026-05-06T10:00:00Z", ALICE, "192.0.2.15", SINGAPORE));
    lines.push(okta_signin("home-again", "2026-05-06T11:00:00Z", ALICE, HOME_IP, NEW_YORK));
    let config = format!("{OKTA}[networks]\nvpn_egress = [\"192.0.2.0/24\"]\n");
    let report = common::hunt(&config, &[("okta.ndjson", &ndjson(&lines))]);
    assert!(travel(&report).is_empty(), "{:#?}", common::fired(&report));
    // The VPN's country is not "never seen" either: nothing at all fires.
    assert!(common::fired(&report).is_empty(), "{:#?}", common::fired(&report));

    // The same lines without the allow-list are impossible travel, both ways.
    let report = common::hunt(OKTA, &[("okta.ndjson", &ndjson(&lines))]);
    assert_eq!(travel(&report).len(), 2, "{:#?}", common::fired(&report));
}

#[test]
fn okta_network_zone_makes_the_far_sign_in_trusted() {
    let mut lines = okta_baseline();
    let mut zoned = okta_signin("zoned", "2026-05-06T10:00:00Z", ALICE, "192.0.2.15", SINGAPORE);
    zoned["client"]["zone"] = json!("Corporate Egress Zone");
    lines.push(zoned);
    let report = common::hunt(OKTA, &[("okta.ndjson", &ndjson(&lines))]);
    assert!(travel(&report).is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn entra_trusted_named_location_is_not_impossible_travel() {
    let first = entra_signin("lisbon", "2026-05-04T10:00:00Z", BOB, 0, "198.51.100.21", LISBON);
    let mut second = entra_signin("saopaulo", "2026-05-04T11:00:00Z", BOB, 0, "203.0.113.90", SAO_PAULO);
    second["networkLocationDetails"] =
        json!([{"networkType": "trustedNamedLocation", "networkNames": ["Sao Paulo office"]}]);
    let report = common::hunt("", &[("entra.ndjson", &ndjson(&[first, second]))]);
    assert!(travel(&report).is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn okta_plausible_flights_are_not_impossible_travel() {
    // London to Paris three hours apart (340 km), then Paris to New York nine hours later
    // (5,800 km at about 650 km/h): an airliner does both.
    let lines = [
        okta_signin("london", "2026-05-04T06:00:00Z", ALICE, "198.51.100.30", LONDON),
        okta_signin("paris", "2026-05-04T09:00:00Z", ALICE, "198.51.100.31", PARIS),
        okta_signin("newyork", "2026-05-04T18:00:00Z", ALICE, HOME_IP, NEW_YORK),
    ];
    let report = common::hunt(OKTA, &[("okta.ndjson", &ndjson(&lines))]);
    assert!(travel(&report).is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn okta_sign_ins_closer_than_fifty_km_are_noise_even_seconds_apart() {
    // Brooklyn is 9 km from Manhattan: 20 s apart is "1,600 km/h" by arithmetic, and noise by
    // the rule, even with the 500 km minimum distance switched off.
    let lines = [
        okta_signin("manhattan", "2026-05-04T09:00:00Z", ALICE, HOME_IP, NEW_YORK),
        okta_signin("brooklyn", "2026-05-04T09:00:20Z", ALICE, "198.51.100.77", BROOKLYN),
    ];
    let config = format!("{OKTA}[detectors.impossible_travel]\nmin_distance_km = 0.0\n");
    let report = common::hunt(&config, &[("okta.ndjson", &ndjson(&lines))]);
    assert!(travel(&report).is_empty(), "{:#?}", common::fired(&report));
}
