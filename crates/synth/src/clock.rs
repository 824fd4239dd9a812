//! Event times as milliseconds since the Unix epoch, and the RFC 3339 forms providers write,
//! formatted by hand: chrono's formatter is the slowest part of a line otherwise.

use std::io::{self, Write};

pub const SECOND: i64 = 1000;
pub const MINUTE: i64 = 60 * SECOND;
pub const HOUR: i64 = 60 * MINUTE;
pub const DAY: i64 = 24 * HOUR;

/// The civil date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Day of week, 0 = Monday.
pub fn weekday(ms: i64) -> i64 {
    (ms.div_euclid(DAY) + 3).rem_euclid(7)
}

/// How a provider writes the fraction and the zone.
#[derive(Clone, Copy)]
pub enum Style {
    /// `2026-05-01T09:12:44Z` (CloudTrail).
    Seconds,
    /// `2026-05-01T09:12:44.120Z` (Okta, Google).
    Millis,
    /// `2026-05-01T09:12:44.1200000Z` (Entra `time`).
    Ticks,
    /// `2026-05-01T09:12:44.1200000+00:00` (Entra properties).
    TicksOffset,
    /// `2026-05-01T09:12:44.120000+00:00` (Duo `isotimestamp`).
    MicrosOffset,
}

pub fn write_time(w: &mut impl Write, ms: i64, style: Style) -> io::Result<()> {
    let (y, mo, d) = civil(ms.div_euclid(DAY));
    let in_day = ms.rem_euclid(DAY);
    let (h, mi, s, frac) = (in_day / HOUR, in_day / MINUTE % 60, in_day / SECOND % 60, in_day % SECOND);
    write!(w, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}")?;
    match style {
        Style::Seconds => w.write_all(b"Z"),
        Style::Millis => write!(w, ".{frac:03}Z"),
        Style::Ticks => write!(w, ".{frac:03}0000Z"),
        Style::TicksOffset => write!(w, ".{frac:03}0000+00:00"),
        Style::MicrosOffset => write!(w, ".{frac:03}000+00:00"),
    }
}

/// The same time as a `String`, for truth.json and the config (not on the hot path).
pub fn to_rfc3339(ms: i64) -> String {
    let mut buf = Vec::with_capacity(24);
    // Writing to a Vec cannot fail.
    let _ = write_time(&mut buf, ms, Style::Seconds);
    String::from_utf8_lossy(&buf).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn formats_agree_with_chrono() {
        for ms in [0_i64, 951_782_400_000, 1_777_593_600_123, 4_102_444_799_999] {
            let want = Utc.timestamp_millis_opt(ms).single().map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string());
            let mut got = Vec::new();
            let _ = write_time(&mut got, ms, Style::Millis);
            assert_eq!(Some(String::from_utf8_lossy(&got).into_owned()), want);
        }
    }

    #[test]
    fn weekdays_count_from_monday() {
        // 2026-05-01 is a Friday.
        assert_eq!(weekday(1_777_593_600_000), 4);
    }
}
