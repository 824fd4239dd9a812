//! Value conventions shared by every provider (docs/events.md §0 "Values"): times, IPs, names,
//! and ids derived where a provider gives none.

use crate::json::View;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use std::borrow::Cow;
use std::net::IpAddr;

/// A time from an RFC 3339 string (any fraction or offset; no zone means UTC), a Duo
/// spaced `isotimestamp`, or an epoch number in seconds, milliseconds or microseconds.
pub fn parse_time(v: View<'_, '_>) -> Result<DateTime<Utc>, String> {
    if let Some(s) = v.raw_str() {
        return parse_time_text(s);
    }
    if let Some(f) = v.f64() {
        return epoch(f).ok_or_else(|| format!("epoch `{f}` is out of range"));
    }
    Err(format!("expected a time, found {}", v.type_name()))
}

pub fn parse_time_text(text: &str) -> Result<DateTime<Utc>, String> {
    let s = text.trim();
    if s.is_empty() {
        return Err("expected a time, found an empty string".into());
    }
    if s.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && let Some(t) = s.parse::<f64>().ok().and_then(epoch)
    {
        return Ok(t);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    // Duo writes `2020-08-11T11: 41: 31+00: 00`; others `2021-05-01 10:00:00Z` or no zone.
    let compact: Cow<str> = if s.contains(": ") { Cow::Owned(s.replace(": ", ":")) } else { Cow::Borrowed(s) };
    let spaced = compact.replacen(' ', "T", 1);
    if let Ok(t) = DateTime::parse_from_rfc3339(&spaced) {
        return Ok(t.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(&spaced, format) {
            return Ok(Utc.from_utc_datetime(&t));
        }
    }
    // US-style Log Analytics exports: `9/15/2021, 3:04:05.123 PM`.
    let us = spaced.replace('T', " ");
    for format in ["%m/%d/%Y, %I:%M:%S%.f %p", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(&us, format) {
            return Ok(Utc.from_utc_datetime(&t));
        }
    }
    Err(format!("expected an RFC 3339 time, found `{}`", truncate(s, 40)))
}

/// Epoch seconds below 1e11, milliseconds below 1e14, microseconds below 1e17.
fn epoch(value: f64) -> Option<DateTime<Utc>> {
    if !value.is_finite() || value < 0.0 {
        return None;
    }
    let micros = if value < 1e11 {
        value * 1e6
    } else if value < 1e14 {
        value * 1e3
    } else if value < 1e17 {
        value
    } else {
        return None;
    };
    DateTime::from_timestamp_micros(micros as i64)
}

/// What an address field held: an IP, a service name where an IP would be, or nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum Address<'a> {
    Ip(IpAddr),
    Service(&'a str),
    None,
}

/// Reads an address field, stripping the port forms providers append (`1.2.3.4:443`,
/// `[v6]:443`, `1.2.3.4#p`, `1.2.3.4.p`, ` port 443`). Invalid addresses are absent;
/// host names are services (`signin.amazonaws.com`, `AWS Internal`).
pub fn parse_address(text: &str) -> Address<'_> {
    let s = text.trim();
    if crate::json::is_absent(s) {
        return Address::None;
    }
    if let Some(ip) = parse_ip(s) {
        return if ip.is_unspecified() { Address::None } else { Address::Ip(ip) };
    }
    let looks_numeric = s.bytes().all(|b| b.is_ascii_hexdigit() || b":.[]#pP ".contains(&b));
    if looks_numeric || s.contains("port") && s.bytes().any(|b| b.is_ascii_digit()) && parse_ip_loose(s).is_some() {
        return Address::None;
    }
    if s.bytes().any(|b| b.is_ascii_alphabetic()) {
        return Address::Service(s);
    }
    Address::None
}

fn parse_ip(s: &str) -> Option<IpAddr> {
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip);
    }
    parse_ip_loose(s)
}

fn parse_ip_loose(s: &str) -> Option<IpAddr> {
    // `[v6]:port`
    if let Some(rest) = s.strip_prefix('[') {
        return rest.split(']').next().and_then(|ip| ip.parse().ok());
    }
    // `ip port 443`
    if let Some((ip, _)) = s.split_once(" port ") {
        return ip.trim().parse().ok();
    }
    // `ip#p`, `ip p1234`
    for sep in ['#', ' '] {
        if let Some((ip, _)) = s.split_once(sep)
            && let Ok(ip) = ip.parse()
        {
            return Some(ip);
        }
    }
    // `v4:port`, `v4.port`
    if let Some((ip, port)) = s.rsplit_once([':', '.'])
        && port.bytes().all(|b| b.is_ascii_digit())
        && !ip.contains(':')
        && let Ok(ip @ IpAddr::V4(_)) = ip.parse()
    {
        return Some(ip);
    }
    None
}

/// Puts an address field into a client: an IP, or the service named where an IP would be.
pub fn set_address(client: &mut model::Client, text: Option<&str>) {
    match text.map(parse_address) {
        Some(Address::Ip(ip)) => client.ip = Some(ip),
        Some(Address::Service(name)) => client.source_service = Some(model::Text::from(name)),
        Some(Address::None) | None => {}
    }
}

/// An event or operation name as providers should have written it: trimmed, en and em
/// dashes as `-`, single spaces (Log Analytics writes `Update application – Certificates
/// and secrets management ` with an en dash and a trailing space).
pub fn clean_name(text: &str) -> Cow<'_, str> {
    let t = text.trim();
    let needs_work = t.contains(['\u{2013}', '\u{2014}']) || t.contains("  ");
    if !needs_work {
        return Cow::Borrowed(t);
    }
    let replaced = t.replace(['\u{2013}', '\u{2014}'], "-");
    Cow::Owned(replaced.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// A stable id for records whose provider gives none (Duo admin log, old CloudTrail):
/// FNV-1a over the parts, so the same record always gets the same id.
pub fn derived_id(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0x1f)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("h{hash:016x}")
}

pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if s.len() <= max {
        return Cow::Borrowed(s);
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!("{}…", &s[..end]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> String {
        parse_time_text(s).map(|t| t.to_rfc3339()).unwrap_or_else(|e| e)
    }

    #[test]
    fn times_in_every_documented_form_become_utc() {
        assert_eq!(t("2022-01-24T05:10:08.6816663Z"), "2022-01-24T05:10:08.681666300+00:00");
        assert_eq!(t("2022-01-24T05:10:08-05:00"), "2022-01-24T10:10:08+00:00");
        assert_eq!(t("2020-08-11T11: 41: 31+00: 00"), "2020-08-11T11:41:31+00:00");
        assert_eq!(t("2021-03-01T10:00:00"), "2021-03-01T10:00:00+00:00");
        assert_eq!(t("1597146091"), "2020-08-11T11:41:31+00:00");
        assert_eq!(t("1597146091000"), "2020-08-11T11:41:31+00:00");
        assert_eq!(t("1597146091000000"), "2020-08-11T11:41:31+00:00");
    }

    #[test]
    fn bad_times_say_what_was_found() {
        assert!(t("yesterday").contains("`yesterday`"));
    }

    #[test]
    fn addresses_lose_their_ports() {
        let ip = |s: &str| match parse_address(s) {
            Address::Ip(ip) => ip.to_string(),
            Address::Service(s) => format!("service {s}"),
            Address::None => "none".into(),
        };
        assert_eq!(ip("1.2.3.4:443"), "1.2.3.4");
        assert_eq!(ip("[2001:db8::1]:443"), "2001:db8::1");
        assert_eq!(ip("1.2.3.4#p"), "1.2.3.4");
        assert_eq!(ip("1.2.3.4.443"), "1.2.3.4");
        assert_eq!(ip("1.2.3.4 port 443"), "1.2.3.4");
        assert_eq!(ip("1.2.3.4 p1234"), "1.2.3.4");
        assert_eq!(ip("2001:db8::1"), "2001:db8::1");
        assert_eq!(ip("::2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6"), "none");
        assert_eq!(ip("0.0.0.0"), "none");
        assert_eq!(ip("signin.amazonaws.com"), "service signin.amazonaws.com");
        assert_eq!(ip("AWS Internal"), "service AWS Internal");
    }

    #[test]
    fn names_are_cleaned_of_dashes_and_spaces() {
        assert_eq!(
            clean_name("Update application \u{2013} Certificates and secrets management "),
            "Update application - Certificates and secrets management"
        );
    }

    #[test]
    fn derived_ids_are_stable() {
        assert_eq!(derived_id(&["a", "b"]), derived_id(&["a", "b"]));
        assert_ne!(derived_id(&["a", "b"]), derived_id(&["ab", ""]));
    }
}
