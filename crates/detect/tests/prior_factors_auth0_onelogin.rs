//! Factors bound before the first log line, learned from their use, for Auth0 and OneLogin
//! (docs/events.md §11): Auth0 Guardian challenges name the authenticator by type and id,
//! OneLogin sign-ins by `authentication_factor_description`. Native records in the shapes of
//! the ingest fixtures (crates/ingest/tests/fixtures/auth0, onelogin), built by the helpers
//! below; the look-alikes (a factor replaced by its owner with one as strong) stay quiet.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod story;

use model::Severity;
use story::*;

// ---------------------------------------------------------------- Auth0

const A0_HOST: &str = "acme-prod.eu.auth0.com";
const ANA: (&str, &str) = ("auth0|65f1c2d3e4a5b6c7d8e9f012", "ana@acme.example");

/// Where a request came from: IP, country code, city, latitude, longitude.
type A0Place = (&'static str, &'static str, &'static str, f64, f64);
const BERLIN: A0Place = ("203.0.113.77", "DE", "Berlin", 52.5196, 13.4069);
const MOSCOW_A0: A0Place = ("185.220.101.4", "RU", "Moscow", 55.7558, 37.6173);

/// One log stream delivery `{log_id, data}` of ana's, as the Auth0 fixtures write it;
/// `authenticator` is `(type, id)` for Guardian records.
fn auth0(time: &str, ty: &str, log_id: &str, from: A0Place, authenticator: Option<(&str, &str)>) -> String {
    let (ip, cc, city, lat, lon) = from;
    let details = authenticator
        .map(|(kind, id)| format!(r#","details":{{"authenticator":{{"type":"{kind}","id":"{id}"}}}}"#))
        .unwrap_or_default();
    format!(
        r#"{{"log_id":"{log_id}","data":{{"date":"{time}","type":"{ty}","client_id":"k3Tz8QpL0vXw2YbN6mRc1DfG5hJ9sA4e","client_name":"Acme Portal","ip":"{ip}","user_agent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36","hostname":"{A0_HOST}","user_id":"{}","user_name":"{}","location_info":{{"country_code":"{cc}","city_name":"{city}","latitude":{lat},"longitude":{lon}}},"log_id":"{log_id}"{details}}}}}"#,
        ANA.0, ANA.1
    )
}

const A0_KEY: (&str, &str) = ("webauthn-roaming", "webauthn-roaming|dev_Kq1Lw2Me3Nr4");
const A0_KEY_2: (&str, &str) = ("webauthn-roaming", "webauthn-roaming|dev_Zp9Yo8Xn7Wm6");
const A0_SMS: (&str, &str) = ("sms", "sms|dev_Qw7Er9Ty1Ui3Op5A");
const A0_OTP: (&str, &str) = ("otp", "totp|dev_4kPz1yQbNw5Gx9Ta");

/// Ana logs in from Berlin each day and passes the Guardian challenge with `factor`.
fn auth0_days_using(days: std::ops::RangeInclusive<u32>, factor: (&str, &str)) -> Vec<String> {
    let mut lines = Vec::new();
    for d in days {
        lines.push(auth0(&t(d, 9, 0), "s", &format!("s-{}-{d}", factor.0), BERLIN, None));
        lines.push(auth0(&t(d, 9, 1), "gd_auth_succeed", &format!("mfa-{}-{d}", factor.0), BERLIN, Some(factor)));
    }
    lines
}

/// A roaming security key used May 1-3 and SMS May 4-6, both bound before the logs begin.
fn auth0_key_and_sms_seen_in_use() -> Vec<String> {
    let mut lines = auth0_days_using(1..=3, A0_KEY);
    lines.extend(auth0_days_using(4..=6, A0_SMS));
    lines
}

#[test]
fn auth0_security_key_seen_only_in_guardian_challenges_unenrolled_leaving_sms_gives_fw_006() {
    let mut lines = auth0_key_and_sms_seen_in_use();
    lines.push(auth0(&t(7, 10, 0), "gd_unenroll", "drop-key", BERLIN, Some(A0_KEY)));
    let report = common::hunt("", &[("auth0.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-006");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    let f = found[0];
    assert_eq!(f.severity, Severity::High);
    assert_eq!(f.identity.id.as_str(), ANA.0);
    assert!(f.summary.contains("the strongest factor left is possession_weak"), "{}", f.summary);
    assert_eq!(evidence_ids(f), ["drop-key"]);
}

#[test]
fn auth0_sms_unenrolled_while_the_key_seen_in_use_stays_gives_no_fw_006() {
    // The key known only from its use is still bound: dropping the weaker SMS weakens nothing.
    let mut lines = auth0_key_and_sms_seen_in_use();
    lines.push(auth0(&t(7, 10, 0), "gd_unenroll", "drop-sms", BERLIN, Some(A0_SMS)));
    let report = common::hunt("", &[("auth0.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-006").is_empty(), "{:#?}", common::fired(&report));
}

const A0_ADMIN: (&str, &str) = ("google-oauth2|108234567890123456789", "ops.admin@acme.example");

/// A dashboard administrator's Management API call on ana (`sapi`), as the Auth0 role
/// fixtures write it; the path names her id percent-encoded, as HTTP clients send it.
fn auth0_admin_call(time: &str, log_id: &str, description: &str, method: &str, rest: &str, body: &str) -> String {
    let path = format!("/api/v2/users/{}{rest}", ANA.0.replace('|', "%7C"));
    format!(
        r#"{{"log_id":"{log_id}","data":{{"date":"{time}","type":"sapi","client_id":"dashboardClient0000000000000001","client_name":"Auth0 Dashboard","ip":"198.51.100.9","user_agent":"Mozilla/5.0","hostname":"{A0_HOST}","user_id":"{}","log_id":"{log_id}","description":"{description}","details":{{"request":{{"method":"{method}","path":"{path}","query":{{}},"userAgent":"Mozilla/5.0","body":{body},"channel":"https://manage.auth0.com/","ip":"198.51.100.9","auth":{{"user":{{"user_id":"{}","name":"Ops Admin","email":"{}"}},"strategy":"jwt"}}}},"response":{{"statusCode":204,"body":{{}}}}}}}}}}"#,
        A0_ADMIN.0, A0_ADMIN.0, A0_ADMIN.1
    )
}

#[test]
fn auth0_admin_deletes_a_privileged_users_only_factor_and_sets_the_password_gives_fw_004_and_fw_006() {
    let config = format!("[identities]\nprivileged = [\"auth0:{A0_HOST}:{}\"]\n", ANA.0);
    let mut lines = auth0_days_using(1..=6, A0_OTP);
    let method = format!("/authentication-methods/{}", A0_OTP.1.replace('|', "%7C"));
    lines.push(auth0_admin_call(
        &t(7, 10, 0),
        "strip-otp",
        "Delete an authentication method by ID",
        "delete",
        &method,
        "{}",
    ));
    lines.push(auth0_admin_sets_the_password(&t(7, 10, 2), "set-pw"));
    let report = common::hunt(&config, &[("auth0.ndjson", &ndjson(&lines))]);
    let fw004 = common::of(&report, "FW-004");
    assert_eq!(fw004.len(), 1, "{:#?}", common::fired(&report));
    assert!(fw004[0].severity >= Severity::High, "{:?}", fw004[0].severity);
    assert_eq!(fw004[0].identity.tier, 0);
    let fw006 = common::of(&report, "FW-006");
    assert_eq!(fw006.len(), 1, "{:#?}", common::fired(&report));
    assert!(fw006[0].summary.contains("the last factor of"), "{}", fw006[0].summary);
    assert_eq!(evidence_ids(fw006[0]), ["strip-otp"]);
}

#[test]
fn auth0_admin_deletes_the_only_factor_and_the_owner_enrolls_a_new_one_within_the_day_gives_no_fw_006() {
    let mut lines = auth0_days_using(1..=6, A0_OTP);
    let method = format!("/authentication-methods/{}", A0_OTP.1.replace('|', "%7C"));
    lines.push(auth0_admin_call(
        &t(7, 10, 0),
        "strip-otp",
        "Delete an authentication method by ID",
        "delete",
        &method,
        "{}",
    ));
    lines.push(auth0(
        &t(7, 15, 0),
        "gd_enrollment_complete",
        "new-otp",
        BERLIN,
        Some(("otp", "totp|dev_9Hh8Gg7Ff6Ee")),
    ));
    let report = common::hunt("", &[("auth0.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-006").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn auth0_security_key_swapped_by_its_owner_for_another_within_the_grace_gives_no_fw_006() {
    let mut lines = auth0_key_and_sms_seen_in_use();
    lines.push(auth0(&t(7, 10, 0), "gd_unenroll", "old-key", BERLIN, Some(A0_KEY)));
    lines.push(auth0(&t(7, 10, 6), "gd_enrollment_complete", "new-key", BERLIN, Some(A0_KEY_2)));
    let report = common::hunt("", &[("auth0.ndjson", &ndjson(&lines))]);
    assert!(common::fired(&report).is_empty(), "{:#?}", common::fired(&report));
}

/// The administrator sets ana's password through the Management API.
fn auth0_admin_sets_the_password(time: &str, log_id: &str) -> String {
    let body = r#"{"password":"*****","connection":"Username-Password-Authentication"}"#;
    auth0_admin_call(time, log_id, "Update a user", "patch", "", body)
}

/// Ana passes SMS challenges from Berlin May 1-6; on May 7 a login from Moscow passes a
/// challenge with an OTP authenticator never seen before.
fn auth0_otp_first_used_from_moscow() -> Vec<String> {
    let mut lines = auth0_days_using(1..=6, A0_SMS);
    lines.push(auth0(&t(7, 10, 0), "s", "evil-s", MOSCOW_A0, None));
    lines.push(auth0(&t(7, 10, 1), "gd_auth_succeed", "evil-mfa", MOSCOW_A0, Some(A0_OTP)));
    lines
}

#[test]
fn auth0_password_set_by_an_admin_while_an_otp_first_used_from_moscow_survives_gives_fw_003() {
    let mut lines = auth0_otp_first_used_from_moscow();
    lines.push(auth0_admin_sets_the_password(&t(7, 12, 0), "reset"));
    let report = common::hunt("", &[("auth0.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-003");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    let f = found[0];
    assert_eq!(f.severity, Severity::High);
    assert_eq!(evidence_ids(f), ["reset", "evil-mfa"]);
    for part in [
        "[totp|dev_4kPz1yQbNw5Gx9Ta]",
        "seen in use since 2026-05-07 10:01 UTC",
        "outside the identity's baseline",
        "password reset",
    ] {
        assert!(f.summary.contains(part), "`{part}` missing from: {}", f.summary);
    }
}

#[test]
fn auth0_refresh_tokens_revoked_while_an_otp_first_used_from_moscow_survives_gives_fw_003() {
    let mut lines = auth0_otp_first_used_from_moscow();
    lines.push(auth0(&t(7, 12, 0), "srrt", "revoke", BERLIN, None));
    let report = common::hunt("", &[("auth0.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-003");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert!(found[0].summary.contains("session revocation"), "{}", found[0].summary);
}

#[test]
fn auth0_password_set_by_an_admin_while_only_the_owners_familiar_factor_is_bound_gives_no_fw_003() {
    let mut lines = auth0_days_using(1..=6, A0_SMS);
    lines.push(auth0_admin_sets_the_password(&t(7, 12, 0), "reset"));
    let report = common::hunt("", &[("auth0.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-003").is_empty(), "{:#?}", common::fired(&report));
}

// ---------------------------------------------------------------- OneLogin

const OL_ACCOUNT: u32 = 55555;
const OL_ANA: (u32, &str) = (123_456, "Ana Ruiz");
const OL_SAM: (u32, &str) = (777_002, "Sam Admin");
/// In the test GeoIP databases (crates/detect/tests/data): France and Japan, two networks.
const OL_HOME: &str = "192.0.2.10";
const OL_ELSEWHERE: &str = "198.51.100.10";

/// One events API record about ana, as the OneLogin fixtures write it: `actor` acted on her,
/// from `ip`; `factor` is the `authentication_factor_description` and the OTP device id.
fn onelogin(id: u64, time: &str, type_id: u32, actor: (u32, &str), ip: &str, factor: Option<(&str, u64)>) -> String {
    let (desc, device, device_name) = match factor {
        Some((d, id)) if id > 0 => (format!("\"{d}\""), id.to_string(), format!("\"{d}\"")),
        Some((d, _)) => (format!("\"{d}\""), "null".into(), "null".into()),
        None => ("null".into(), "null".into(), "null".into()),
    };
    format!(
        r#"{{"id":{id},"created_at":"{time}","account_id":{OL_ACCOUNT},"user_id":{},"user_name":"{}","event_type_id":{type_id},"notes":null,"ipaddr":"{ip}","actor_user_id":{},"actor_user_name":"{}","assuming_acting_user_id":null,"role_id":null,"app_id":null,"otp_device_id":{device},"otp_device_name":{device_name},"actor_system":"","risk_score":null,"risk_reasons":null,"user_agent":"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15","authentication_factor_description":{desc},"privilege_name":null}}"#,
        OL_ANA.0, OL_ANA.1, actor.0, actor.1
    )
}

/// Ana signs in from home each day with `factor`; ids `base + day`.
fn onelogin_days_using(days: std::ops::RangeInclusive<u32>, base: u64, factor: &str) -> Vec<String> {
    days.map(|d| onelogin(base + u64::from(d), &t(d, 8, 0), 5, OL_ANA, OL_HOME, Some((factor, 0)))).collect()
}

/// WebAuthn used May 1-3 and SMS May 4-6, both bound before the logs begin.
fn onelogin_key_and_sms_seen_in_use() -> Vec<String> {
    let mut lines = onelogin_days_using(1..=3, 100, "WebAuthn");
    lines.extend(onelogin_days_using(4..=6, 200, "SMS"));
    lines
}

#[test]
fn onelogin_webauthn_seen_only_in_sign_ins_removed_leaving_sms_gives_fw_006() {
    for type_id in [24, 172] {
        let mut lines = onelogin_key_and_sms_seen_in_use();
        lines.push(onelogin(900, &t(7, 10, 0), type_id, OL_ANA, OL_HOME, Some(("WebAuthn", 88_002))));
        let report = common::hunt("", &[("onelogin.ndjson", &ndjson(&lines))]);
        let found = common::of(&report, "FW-006");
        assert_eq!(found.len(), 1, "type {type_id}: {:#?}", common::fired(&report));
        assert_eq!(found[0].identity.id.as_str(), "123456");
        assert!(found[0].summary.contains("the strongest factor left is possession_weak"), "{}", found[0].summary);
        assert_eq!(evidence_ids(found[0]), ["900"]);
    }
}

#[test]
fn onelogin_admin_strips_a_privileged_users_only_factor_and_resets_the_password_gives_fw_004_and_fw_006() {
    let config = format!("[identities]\nprivileged = [\"onelogin:{OL_ACCOUNT}:{}\"]\n", OL_ANA.0);
    let mut lines = onelogin_days_using(1..=6, 100, "OneLogin Protect");
    lines.push(onelogin(900, &t(7, 10, 0), 24, OL_SAM, OL_HOME, Some(("OneLogin Protect", 88_001))));
    lines.push(onelogin(901, &t(7, 10, 2), 211, OL_SAM, OL_HOME, None));
    let report = common::hunt(&config, &[("onelogin.ndjson", &ndjson(&lines))]);
    let fw004 = common::of(&report, "FW-004");
    assert_eq!(fw004.len(), 1, "{:#?}", common::fired(&report));
    assert!(fw004[0].severity >= Severity::High, "{:?}", fw004[0].severity);
    assert_eq!(fw004[0].identity.tier, 0);
    let fw006 = common::of(&report, "FW-006");
    assert_eq!(fw006.len(), 1, "{:#?}", common::fired(&report));
    assert!(fw006[0].summary.contains("the last factor of"), "{}", fw006[0].summary);
    assert_eq!(evidence_ids(fw006[0]), ["900"]);
}

#[test]
fn onelogin_admin_strips_the_only_factor_but_the_owner_signs_in_with_a_new_one_within_the_day_gives_no_fw_006() {
    let mut lines = onelogin_days_using(1..=6, 100, "OneLogin Protect");
    lines.push(onelogin(900, &t(7, 10, 0), 24, OL_SAM, OL_HOME, Some(("OneLogin Protect", 88_001))));
    lines.push(onelogin(901, &t(7, 15, 0), 5, OL_ANA, OL_HOME, Some(("OneLogin Protect", 0))));
    let report = common::hunt("", &[("onelogin.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-006").is_empty(), "{:#?}", common::fired(&report));
}

/// Ana's OneLogin Protect in use from home May 1-6; on May 7 she signs in from another
/// country and network with a Google Authenticator never seen before; Sam resets her password.
fn onelogin_new_factor_from_a_new_network_then_reset() -> Vec<String> {
    let mut lines = onelogin_days_using(1..=6, 100, "OneLogin Protect");
    lines.push(onelogin(900, &t(7, 10, 0), 5, OL_ANA, OL_ELSEWHERE, Some(("Google Authenticator", 0))));
    lines.push(onelogin(901, &t(7, 12, 0), 211, OL_SAM, OL_HOME, None));
    lines
}

#[test]
fn onelogin_reset_while_an_authenticator_first_used_from_a_new_network_survives_gives_fw_003() {
    let lines = onelogin_new_factor_from_a_new_network_then_reset();
    let report = common::hunt(&common::geoip_config(), &[("onelogin.ndjson", &ndjson(&lines))]);
    let found = common::of(&report, "FW-003");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    let f = found[0];
    assert_eq!(f.severity, Severity::High);
    assert_eq!(evidence_ids(f), ["901", "900"]);
    for part in ["Google Authenticator", "seen in use since 2026-05-07 10:00 UTC", "outside the identity's baseline"] {
        assert!(f.summary.contains(part), "`{part}` missing from: {}", f.summary);
    }
}

#[test]
fn onelogin_without_a_geoip_database_a_new_ip_alone_does_not_make_the_factor_unfamiliar() {
    // The baseline compares devices, countries and networks, never bare IPs (they churn).
    let lines = onelogin_new_factor_from_a_new_network_then_reset();
    let report = common::hunt("", &[("onelogin.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-003").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn onelogin_reset_while_only_the_owners_familiar_factor_is_bound_gives_no_fw_003() {
    let mut lines = onelogin_days_using(1..=6, 100, "OneLogin Protect");
    lines.push(onelogin(901, &t(7, 12, 0), 211, OL_SAM, OL_HOME, None));
    let report = common::hunt(&common::geoip_config(), &[("onelogin.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-003").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn onelogin_protect_replaced_by_its_owner_with_another_authenticator_gives_no_fw_006() {
    let mut lines = onelogin_days_using(1..=3, 100, "OneLogin Protect");
    lines.extend(onelogin_days_using(4..=6, 200, "SMS"));
    lines.push(onelogin(900, &t(7, 10, 0), 24, OL_ANA, OL_HOME, Some(("OneLogin Protect", 88_001))));
    lines.push(onelogin(901, &t(7, 10, 20), 5, OL_ANA, OL_HOME, Some(("Google Authenticator", 0))));
    let report = common::hunt("", &[("onelogin.ndjson", &ndjson(&lines))]);
    assert!(common::fired(&report).is_empty(), "{:#?}", common::fired(&report));
}
