//! Factors bound before the first log line, learned from their use, in Cisco Duo: the
//! authentication log names the device a factor was used on (`auth_device`, a name that
//! carries the phone's number, and a key), and the administrator log names a phone by its
//! number, so a phone deleted by an administrator takes every factor known on it.
//!
//! Duo keeps no password for its users: "sets its password" and a password reset (FW-003's
//! trigger) have no Duo record, so the help-desk story here is the removal alone, and FW-003
//! is shown for the providers that log a reset (prior_factors.rs).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{DateTime, Utc};
use model::Severity;

const TENANT: &str = "[tenants]\nduo = \"acme-duo\"\n";
const PHONE: (&str, &str) = ("DPFZRS9FB0D46QFTM891", "My iPhone X (734-555-2342)");
const NEW_PHONE: (&str, &str) = ("DPNEWPHONE0000000001", "Pixel 8 (734-555-9001)");
const TOKEN: (&str, &str) = ("DHTOKEN0000000000001", "Token 123456");

/// `2026-05-{day}T{h}:{m}:00Z` as a time.
fn at(day: u32, h: u32, m: u32) -> DateTime<Utc> {
    format!("2026-05-{day:02}T{h:02}:{m:02}:00Z").parse().unwrap()
}

/// A successful authentication of mlopez with `factor` on `device`, from Ann Arbor.
fn auth(day: u32, h: u32, m: u32, factor: &str, device: (&str, &str)) -> String {
    let t = at(day, h, m);
    format!(
        r#"{{"access_device":{{"browser":"Chrome","ip":"89.160.20.156","location":{{"city":"Ann Arbor","country":"United States","state":"Michigan"}},"os":"Mac OS X"}},"alias":"","application":{{"key":"DIY231J8BR23QK4UKBY8","name":"Microsoft Azure Active Directory"}},"auth_device":{{"ip":"89.160.20.156","location":{{"city":"Ann Arbor","country":"United States","state":"Michigan"}},"name":"{}","key":"{}"}},"email":"mlopez@acme.com","event_type":"authentication","factor":"{factor}","isotimestamp":"{}","reason":"user_approved","result":"success","timestamp":{},"txid":"tx-{day}-{h}-{m}-{factor}","user":{{"groups":["Duo Users"],"key":"DU3KC77WJ06Y5HIV7XKQ","name":"mlopez"}}}}"#,
        device.1,
        device.0,
        t.format("%Y-%m-%dT%H:%M:%S%.6f+00:00"),
        t.timestamp()
    )
}

/// An administrator's action on one of mlopez's phones, in the administrator log.
fn admin(day: u32, h: u32, m: u32, action: &str, number: &str) -> String {
    let t = at(day, h, m);
    format!(
        r#"{{"action":"{action}","description":"{{\"number\": \"{number}\", \"extension\": \"\", \"user\": \"mlopez\"}}","isotimestamp":"{}","object":"{number}","timestamp":{},"username":"helpdesk.ops"}}"#,
        t.format("%Y-%m-%dT%H:%M:%S+00:00"),
        t.timestamp()
    )
}

/// Pushes to the phone on May 1-3 and the hardware token on May 4-6, both bound before the
/// logs begin.
fn push_and_token_seen_in_use() -> Vec<String> {
    let mut auths: Vec<String> = (1..=3).map(|d| auth(d, 9, 0, "duo_push", PHONE)).collect();
    auths.extend((4..=6).map(|d| auth(d, 9, 0, "hardware_token", TOKEN)));
    auths
}

fn hunt(config: &str, auths: &[String], admins: &[String]) -> detect::Report {
    common::hunt(config, &[("duo_auth.ndjson", &auths.join("\n")), ("duo_admin.ndjson", &admins.join("\n"))])
}

#[test]
fn duo_phone_seen_only_in_pushes_deleted_by_its_number_leaving_a_hardware_token_gives_fw_006() {
    let report = hunt(TENANT, &push_and_token_seen_in_use(), &[admin(7, 10, 0, "phone_delete", "+17345552342")]);
    let found = common::of(&report, "FW-006");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert_eq!(found[0].severity, Severity::High);
    assert!(found[0].summary.contains("the strongest factor left is possession_weak"), "{}", found[0].summary);
    assert_eq!(found[0].identity.id.as_str(), "DU3KC77WJ06Y5HIV7XKQ", "the admin log's username resolves to the key");
    // Removed by someone else: FW-004 too.
    assert!(!common::of(&report, "FW-004").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn duo_phones_never_seen_in_use_give_no_fw_006_when_one_is_deleted() {
    let auths: Vec<String> = (4..=6).map(|d| auth(d, 9, 0, "hardware_token", TOKEN)).collect();
    let report = hunt(TENANT, &auths, &[admin(7, 10, 0, "phone_delete", "+17345552342")]);
    assert!(common::of(&report, "FW-006").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn duo_help_desk_deletes_a_privileged_users_only_phone_gives_fw_004_and_fw_006() {
    let config = format!("{TENANT}[identities]\nprivileged = [\"duo:acme-duo:DU3KC77WJ06Y5HIV7XKQ\"]\n");
    let auths: Vec<String> = (1..=6).map(|d| auth(d, 9, 0, "duo_push", PHONE)).collect();
    let report = hunt(&config, &auths, &[admin(7, 10, 0, "phone_delete", "+1 (734) 555-2342")]);
    let fired = common::fired(&report);
    let delegated = common::of(&report, "FW-004");
    assert_eq!(delegated.len(), 1, "{fired:#?}");
    assert!(delegated[0].severity >= Severity::High, "{fired:#?}");
    assert_eq!(delegated[0].identity.tier, 0);
    let weakened = common::of(&report, "FW-006");
    assert_eq!(weakened.len(), 1, "{fired:#?}");
    assert!(weakened[0].summary.contains("last factor"), "{}", weakened[0].summary);
}

#[test]
fn duo_only_phone_deleted_and_a_new_one_activated_and_used_within_the_day_gives_no_fw_006() {
    let config = format!("{TENANT}[identities]\nprivileged = [\"duo:acme-duo:DU3KC77WJ06Y5HIV7XKQ\"]\n");
    let mut auths: Vec<String> = (1..=6).map(|d| auth(d, 9, 0, "duo_push", PHONE)).collect();
    auths.push(auth(7, 10, 20, "duo_push", NEW_PHONE));
    let admins = [admin(7, 10, 0, "phone_delete", "+17345552342"), admin(7, 10, 5, "phone_create", "+17345559001")];
    let report = hunt(&config, &auths, &admins);
    assert!(common::of(&report, "FW-006").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn duo_phone_replaced_push_on_the_new_phone_within_the_grace_gives_no_fw_006() {
    let mut auths = push_and_token_seen_in_use();
    auths.push(auth(7, 10, 30, "duo_push", NEW_PHONE));
    let admins = [admin(7, 10, 0, "phone_delete", "+17345552342"), admin(7, 10, 10, "phone_create", "+17345559001")];
    let report = hunt(TENANT, &auths, &admins);
    assert!(common::of(&report, "FW-006").is_empty(), "{:#?}", common::fired(&report));
}
