//! FW-010 mass-enrollment: one source IP, ASN or device binds factors to 3 or more distinct
//! identities within 1 h, critical for each; allow-listed help-desk egress is excluded.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::native_lines::*;
use model::Severity;

const OKTA: &str = "[tenants]\nokta = \"acme.okta.com\"\n";
const ATTACKER_IP: &str = "203.0.113.66";

const OKTA_USERS: [OktaUser; 3] = [
    OktaUser { id: "00u1alice", login: "alice@acme.example" },
    OktaUser { id: "00u2bob", login: "bob@acme.example" },
    OktaUser { id: "00u3carol", login: "carol@acme.example" },
];

const ENTRA_USERS: [EntraUser; 3] = [
    EntraUser { id: "2f7c9a10-5b8e-4d21-9c3a-1e6f0b4d7a21", upn: "alice@contoso.com" },
    EntraUser { id: "8d3b1e44-0c7a-4f59-a2d6-5b9e3c1f7082", upn: "bob@contoso.com" },
    EntraUser { id: "7e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b", upn: "dave@contoso.com" },
];
const HELPDESK: EntraUser = EntraUser { id: "c41a7e95-3d2b-4e8f-b610-7a5d9c2e1f33", upn: "helpdesk@contoso.com" };

fn evidence_ids(f: &model::Finding) -> Vec<String> {
    let mut ids: Vec<String> = f.evidence.iter().map(|e| e.event_id.to_string()).collect();
    ids.sort();
    ids
}

fn assert_mass_mappings(f: &model::Finding) {
    assert_eq!(f.mappings.attack, ["T1098.005", "T1556.006"]);
    assert_eq!(f.mappings.csf, ["DE.CM-03", "DE.AE-03"]);
}

/// Alice, Bob and Carol each get an Okta Verify bound from `ip`, `minutes` apart.
fn okta_wave(ip: &str, minutes: u32, users: &[OktaUser]) -> String {
    let lines: Vec<_> = users
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let t0 = chrono::DateTime::parse_from_rfc3339("2026-05-04T10:00:00Z").unwrap();
            let t = (t0 + chrono::Duration::minutes(i64::from(i as u32 * minutes))).to_rfc3339();
            okta_factor_activate(&format!("act{i}"), &t, *u, ip, &format!("pfd-{}", u.id))
        })
        .collect();
    ndjson(&lines)
}

#[test]
fn okta_three_identities_bound_from_one_ip_within_forty_minutes_are_critical_for_each() {
    let report = common::hunt(OKTA, &[("okta.ndjson", &okta_wave(ATTACKER_IP, 20, &OKTA_USERS))]);
    let found = common::of(&report, "FW-010");
    assert_eq!(found.len(), 3, "{:#?}", common::fired(&report));
    let mut who: Vec<&str> = found.iter().map(|f| f.identity.id.as_str()).collect();
    who.sort_unstable();
    assert_eq!(who, ["00u1alice", "00u2bob", "00u3carol"]);
    for f in found {
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(evidence_ids(f), ["act0", "act1", "act2"]);
        assert_mass_mappings(f);
    }
}

#[test]
fn okta_same_bindings_spread_over_more_than_an_hour_are_not_mass_enrollment() {
    let report = common::hunt(OKTA, &[("okta.ndjson", &okta_wave(ATTACKER_IP, 31, &OKTA_USERS))]);
    assert!(common::of(&report, "FW-010").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn okta_two_identities_from_one_ip_are_not_enough() {
    let report = common::hunt(OKTA, &[("okta.ndjson", &okta_wave(ATTACKER_IP, 5, &OKTA_USERS[..2]))]);
    assert!(common::of(&report, "FW-010").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn okta_one_identity_binding_three_factors_is_not_mass_enrollment() {
    let alice = OKTA_USERS[0];
    let lines: Vec<_> = (0..3)
        .map(|i| {
            okta_factor_activate(
                &format!("act{i}"),
                &format!("2026-05-04T10:0{i}:00Z"),
                alice,
                ATTACKER_IP,
                &format!("pfd{i}"),
            )
        })
        .collect();
    let report = common::hunt(OKTA, &[("okta.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-010").is_empty(), "{:#?}", common::fired(&report));
}

fn entra_registration(i: usize, user: EntraUser, actor: EntraUser, ip: &str) -> serde_json::Value {
    let (activity, reason) = if actor.id == user.id {
        ("User registered security info", "User registered Microsoft Authenticator App")
    } else {
        ("Admin registered security info", "Admin registered Mobile Phone SMS")
    };
    entra_audit(
        &format!("reg{i}"),
        &format!("2026-05-04T10:{:02}:00.0000000Z", i * 10),
        activity,
        reason,
        actor,
        user,
        ip,
    )
}

#[test]
fn entra_three_users_registering_authenticator_from_one_ip_are_critical_for_each() {
    let lines: Vec<_> =
        ENTRA_USERS.iter().enumerate().map(|(i, u)| entra_registration(i, *u, *u, ATTACKER_IP)).collect();
    let report = common::hunt("", &[("entra.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-010");
    assert_eq!(found.len(), 3, "{:#?}", common::fired(&report));
    let mut names: Vec<&str> = found.iter().filter_map(|f| f.identity.name.as_deref()).collect();
    names.sort_unstable();
    assert_eq!(names, ["alice@contoso.com", "bob@contoso.com", "dave@contoso.com"]);
    for f in found {
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(evidence_ids(f), ["reg0", "reg1", "reg2"]);
        assert_mass_mappings(f);
    }
}

#[test]
fn entra_help_desk_registering_phones_for_three_users_from_its_egress_is_not_mass_enrollment() {
    let lines: Vec<_> =
        ENTRA_USERS.iter().enumerate().map(|(i, u)| entra_registration(i, *u, HELPDESK, "198.51.100.7")).collect();
    let config = "[networks]\nhelpdesk_egress = [\"198.51.100.0/28\"]\n";
    let report = common::hunt(config, &[("entra.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-010").is_empty(), "{:#?}", common::fired(&report));

    // The same registrations from outside the help-desk egress are mass enrollment.
    let lines: Vec<_> =
        ENTRA_USERS.iter().enumerate().map(|(i, u)| entra_registration(i, *u, HELPDESK, "198.51.100.99")).collect();
    let report = common::hunt(config, &[("entra.ndjson", &ndjson(&lines))]);
    assert_eq!(common::of(&report, "FW-010").len(), 3, "{:#?}", common::fired(&report));
}

const DUO_T0: i64 = 1_777_888_800; // 2026-05-04T10:00:00Z

#[test]
fn duo_three_users_enrolling_from_one_ip_within_the_hour_are_critical_for_each() {
    let users = [
        DuoUser { key: "DUAAAAAAAAAAAAAAAAA1", name: "ann" },
        DuoUser { key: "DUBBBBBBBBBBBBBBBBB2", name: "ben" },
        DuoUser { key: "DUCCCCCCCCCCCCCCCCC3", name: "cat" },
    ];
    let lines: Vec<_> = users
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let mut v = duo_auth(
                &format!("enr{i}"),
                DUO_T0 + i as i64 * 900,
                *u,
                "enrollment",
                "success",
                "",
                "duo_push",
                ATTACKER_IP,
            );
            // Three different phones, three different browsers: only the IP is shared.
            v["auth_device"]["key"] = serde_json::json!(format!("DP{i}"));
            v["access_device"]["epkey"] = serde_json::json!(format!("EP{i}"));
            v
        })
        .collect();
    let report = common::hunt("", &[("duo.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-010");
    assert_eq!(found.len(), 3, "{:#?}", common::fired(&report));
    for f in found {
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(evidence_ids(f), ["enr0", "enr1", "enr2"]);
    }
}

#[test]
fn entra_service_initiated_registrations_from_a_microsoft_back_end_are_not_mass_enrollment() {
    // Azure MFA StrongAuthenticationService writing "User registered security info" for
    // three users is Microsoft's bookkeeping, even when the records carry one back-end IP.
    let lines: Vec<_> = ENTRA_USERS
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let mut v = entra_registration(i, *u, *u, "20.190.128.10");
            v["callerIpAddress"] = serde_json::json!("20.190.128.10");
            v["properties"]["resultReason"] =
                serde_json::json!("User registered Authenticator App with Notification and Code");
            v["properties"]["initiatedBy"] = serde_json::json!({"app": {
                "appId": "b5a60e17-278b-4c4a-9d6a-4f4e6d7a1c0b",
                "displayName": "Azure MFA StrongAuthenticationService",
                "servicePrincipalId": "f2a1c3e5-7b9d-4e1f-8a2c-6d4e8f0a2b4c",
                "servicePrincipalName": null
            }});
            v
        })
        .collect();
    let report = common::hunt("", &[("entra.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-010").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn okta_one_device_binding_factors_for_three_identities_from_three_ips_is_critical() {
    // The attacker hops IPs but keeps one browser: Okta's device hash ties the bindings.
    let lines: Vec<_> = OKTA_USERS
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let mut v = okta_factor_activate(
                &format!("act{i}"),
                &format!("2026-05-04T10:1{i}:00Z"),
                *u,
                &format!("203.0.113.{}", 10 + i),
                &format!("pfd{i}"),
            );
            v["debugContext"]["debugData"]["dtHash"] = serde_json::json!("dev-attacker-browser");
            v
        })
        .collect();
    let report = common::hunt(OKTA, &[("okta.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-010");
    assert_eq!(found.len(), 3, "{:#?}", common::fired(&report));
    assert!(found.iter().all(|f| f.severity == Severity::Critical && f.summary.contains("dev-attacker-browser")));
}

#[test]
fn okta_a_second_wave_from_the_same_ip_a_day_later_is_reported_again() {
    let first = okta_wave(ATTACKER_IP, 10, &OKTA_USERS);
    let second: Vec<_> = OKTA_USERS
        .iter()
        .enumerate()
        .map(|(i, u)| {
            okta_factor_activate(
                &format!("again{i}"),
                &format!("2026-05-05T10:0{i}:00Z"),
                *u,
                ATTACKER_IP,
                &format!("pfd-again-{i}"),
            )
        })
        .collect();
    let report = common::hunt(OKTA, &[("okta.ndjson", &first), ("okta2.ndjson", &ndjson(&second))]);
    let found = common::of(&report, "FW-010");
    assert_eq!(found.len(), 6, "{:#?}", common::fired(&report));
    let second_wave = found.iter().filter(|f| evidence_ids(f) == ["again0", "again1", "again2"]).count();
    assert_eq!(second_wave, 3);
}
