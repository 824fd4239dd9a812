//! Shared egress learned from the data (`[networks.learned_egress]`): a network many people
//! sign in from over days is egress for travel, as `vpn_egress` is; a network of one person
//! never is; a travel pair on a shared network not yet learned waits to know.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::native_lines::*;
use serde_json::Value;

const OKTA: &str = "[tenants]\nokta = \"acme.okta.com\"\n";
const ALICE: OktaUser = OktaUser { id: "00u1alicE8fx9Lq0d7", login: "alice@acme.example" };
const COLLEAGUES: [OktaUser; 5] = [
    OktaUser { id: "00u2bob", login: "bob@acme.example" },
    OktaUser { id: "00u3carol", login: "carol@acme.example" },
    OktaUser { id: "00u4dan", login: "dan@acme.example" },
    OktaUser { id: "00u5erin", login: "erin@acme.example" },
    OktaUser { id: "00u6frank", login: "frank@acme.example" },
];
const HOME_IP: &str = "198.51.100.10";

/// Alice's week of morning sign-ins at home in New York, then home at 09:00 on `day` and the
/// Singapore address `far_ip` an hour later: impossible unless that network is egress.
fn alice_jumps(day: u32, far_ip: &str) -> Vec<Value> {
    let mut lines: Vec<Value> = (1..=6)
        .map(|d| okta_signin(&format!("home{d}"), &format!("2026-05-0{d}T08:00:00Z"), ALICE, HOME_IP, NEW_YORK))
        .collect();
    lines.push(okta_signin("before", &format!("2026-05-{day:02}T09:00:00Z"), ALICE, HOME_IP, NEW_YORK));
    lines.push(okta_signin("far", &format!("2026-05-{day:02}T10:00:00Z"), ALICE, far_ip, SINGAPORE));
    lines
}

/// Each colleague signs in from the 192.0.2.0/24 egress (geolocated to Singapore) on `days`.
fn colleagues_on_egress(days: &[u32]) -> Vec<Value> {
    let mut lines = Vec::new();
    for &day in days {
        for (i, who) in COLLEAGUES.iter().enumerate() {
            let ip = format!("192.0.2.{}", 20 + i);
            let time = format!("2026-05-{day:02}T0{}:30:00Z", 1 + i);
            lines.push(okta_signin(&format!("c{day}-{i}"), &time, *who, &ip, SINGAPORE));
        }
    }
    lines
}

fn hunt(config: &str, mut lines: Vec<Value>) -> detect::Report {
    lines.sort_by_key(|l| l["published"].as_str().unwrap().to_string());
    common::hunt(config, &[("okta.ndjson", &ndjson(&lines))])
}

#[test]
fn travel_through_a_network_many_people_use_over_days_is_not_impossible() {
    let mut lines = colleagues_on_egress(&[1, 2, 3]);
    lines.extend(alice_jumps(7, "192.0.2.99"));
    let report = hunt(OKTA, lines.clone());
    assert!(common::of(&report, "FW-008").is_empty(), "{:#?}", common::fired(&report));
    assert_eq!(report.learned_egress.len(), 1, "{:?}", report.learned_egress);
    let learned = &report.learned_egress[0];
    assert_eq!(learned.network, "192.0.2.0/24");
    assert_eq!(learned.identities, 6, "the colleagues and alice");
    assert_eq!(learned.learned_at.to_rfc3339(), "2026-05-02T01:30:00+00:00", "the first sign-in a day on");

    // Learning turned off: the same jump is impossible travel.
    let off = format!("{OKTA}[networks.learned_egress]\nenabled = false\n");
    let report = hunt(&off, lines);
    assert_eq!(common::of(&report, "FW-008").len(), 1, "{:#?}", common::fired(&report));
    assert!(report.learned_egress.is_empty());
}

#[test]
fn a_network_only_one_person_uses_is_never_learned_however_long() {
    // Alice alone signs in from the far network every day for weeks: still impossible travel.
    let mut lines: Vec<Value> = (10..=28)
        .map(|d| okta_signin(&format!("far{d}"), &format!("2026-05-{d}T15:00:00Z"), ALICE, "192.0.2.99", SINGAPORE))
        .collect();
    lines.extend(alice_jumps(29, "192.0.2.99"));
    let report = hunt(OKTA, lines);
    assert!(report.learned_egress.is_empty(), "{:?}", report.learned_egress);
    let travel = common::of(&report, "FW-008");
    assert!(travel.iter().any(|f| f.evidence.iter().any(|e| e.event_id == "far")), "{:#?}", common::fired(&report));
}

#[test]
fn a_burst_on_many_accounts_from_one_network_is_not_egress_and_the_travel_is_reported_at_the_sign_in() {
    // Five colleagues on the network within hours, and nobody after: shared, never learned.
    let mut lines = colleagues_on_egress(&[7]);
    lines.extend(alice_jumps(7, "192.0.2.99"));
    let report = hunt(OKTA, lines);
    assert!(report.learned_egress.is_empty(), "{:?}", report.learned_egress);
    let travel = common::of(&report, "FW-008");
    assert_eq!(travel.len(), 1, "held, then reported: {:#?}", common::fired(&report));
    assert_eq!(travel[0].time.to_rfc3339(), "2026-05-07T10:00:00+00:00", "dated at the second sign-in");
}

#[test]
fn a_travel_held_on_a_shared_network_is_dropped_when_the_network_is_learned_within_the_hold() {
    // Colleagues start using the network on day 7, alice jumps to it that day, and the
    // colleagues are back on day 8: learned within a day of the jump.
    let mut lines = colleagues_on_egress(&[7, 8]);
    lines.extend(alice_jumps(7, "192.0.2.99"));
    let report = hunt(OKTA, lines);
    assert_eq!(report.learned_egress.len(), 1, "{:?}", report.learned_egress);
    assert!(common::of(&report, "FW-008").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn in_the_first_day_of_the_data_travel_waits_for_the_network_to_be_learned() {
    // Alice is the first to use the egress, before any colleague: the network is hers alone
    // at that moment, but nothing can be learned yet, so the travel waits, and the colleagues
    // make it egress within the day.
    let mut lines = vec![
        okta_signin("before", "2026-05-01T00:10:00Z", ALICE, HOME_IP, NEW_YORK),
        okta_signin("far", "2026-05-01T01:00:00Z", ALICE, "192.0.2.99", SINGAPORE),
    ];
    lines.extend(colleagues_on_egress(&[1, 2]));
    let report = hunt(OKTA, lines.clone());
    assert_eq!(report.learned_egress.len(), 1, "{:?}", report.learned_egress);
    assert!(common::of(&report, "FW-008").is_empty(), "{:#?}", common::fired(&report));

    // Without the colleagues the network stays hers: reported, dated at the sign-in.
    let report = hunt(OKTA, lines[..2].to_vec());
    let travel = common::of(&report, "FW-008");
    assert_eq!(travel.len(), 1, "{:#?}", common::fired(&report));
    assert_eq!(travel[0].time.to_rfc3339(), "2026-05-01T01:00:00+00:00");
}
