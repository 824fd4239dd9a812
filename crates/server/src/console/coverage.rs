//! Coverage: which sources send, when they last did, how fast, where detection is blind, and
//! the shared egress networks detection has learned.

use crate::console::layout::{self, Nav};
use crate::console::session::User;
use crate::console::{failed, secure};
use crate::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::html;

pub async fn page(State(app): State<AppState>, user: User) -> Response {
    let loaded = app
        .db
        .run(|s| {
            let query = store::Query { detector: Some("FW-011".into()), limit: 200, ..store::Query::default() };
            Ok((s.source_stats()?, s.query_findings(&query)?.items))
        })
        .await;
    let (stats, blind) = match loaded {
        Ok(l) => l,
        Err(e) => return failed(e),
    };
    let (sources, learned) = {
        let app = app.clone();
        tokio::task::spawn_blocking(move || {
            let guard = app.stream.lock().ok()?;
            let engine = guard.as_ref()?.engine();
            Some((serde_json::to_value(engine.coverage()).ok(), engine.learned_egress()))
        })
        .await
        .ok()
        .flatten()
        .map_or((None, None), |(sources, learned)| (sources, Some(learned)))
    };
    let body = html! {
        h1 { "Coverage" }
        h2 { "Blind spots" }
        @if blind.is_empty() { (layout::empty("No blind spot: every expected source is sending.")) }
        ul { @for f in &blind { li { (layout::severity(f.severity)) " " (f.summary) } } }
        h2 { "Sources" }
        @if let Some(sources) = sources.as_ref().and_then(|v| v.as_array()) {
            (layout::scroll(html! { table {
                thead { tr { th scope="col" { "Provider" } th scope="col" { "Tenant" } th scope="col" { "Last event" } th scope="col" { "Last factor event" } th scope="col" { "Configured sources" } th scope="col" { "Blind spots" } } }
                tbody {
                    @for s in sources {
                        tr {
                            td { (s["provider"].as_str().unwrap_or("")) }
                            td { (s["tenant"].as_str().unwrap_or("—")) }
                            td { @if s["last"].is_null() { "never" } @else { (layout::time_text(&s["last"])) } }
                            td { @if s["last_factor_event"].is_null() { "never" } @else { (layout::time_text(&s["last_factor_event"])) } }
                            td {
                                @for c in s["sources"].as_array().into_iter().flatten() {
                                    span.source {
                                        (c["name"].as_str().unwrap_or("")) " (every " (spaced(c["expected_interval"].as_str().unwrap_or("?"))) ")"
                                        @if c["silent"].as_bool() == Some(true) { strong { " silent" } }
                                    }
                                    br;
                                }
                            }
                            td { @for b in s["blind_spots"].as_array().into_iter().flatten() { (b.as_str().unwrap_or("")) br; } }
                        }
                    }
                }
            } }))
        } @else { (layout::empty("Detection is still starting.")) }
        h2 { "Learned egress" }
        p { "Networks many identities of one tenant sign in from over days (a VPN, a proxy, an office): treated as "
            code { "vpn_egress" } " for travel and new countries only ("
            code { "[networks.learned_egress]" } ")." }
        @match &learned {
            None => (layout::empty("Detection is still starting.")),
            Some(l) if l.is_empty() => (layout::empty("No shared egress learned yet.")),
            Some(l) => (layout::scroll(html! { table {
                thead { tr { th scope="col" { "Network" } th.num scope="col" { "Identities" } th scope="col" { "First" } th scope="col" { "Last" } th scope="col" { "Learned" } th scope="col" { "Why" } } }
                tbody {
                    @for n in l {
                        tr {
                            td { code { (n.network) } } td.num { (n.identities) }
                            td { (layout::time(n.first)) } td { (layout::time(n.last)) } td { (layout::time(n.learned_at)) }
                            td { (n.why) }
                        }
                    }
                }
            } })),
        }
        h2 { "Events by provider and category" }
        (layout::scroll(html! { table {
            thead { tr { th scope="col" { "Provider" } th scope="col" { "Tenant" } th scope="col" { "Category" } th.num scope="col" { "Events" } th scope="col" { "First" } th scope="col" { "Last" } th.num scope="col" { "Per day" } } }
            tbody {
                @for s in &stats {
                    tr {
                        td { (s.provider.as_str()) } td { (s.tenant) } td { (s.category) } td.num { (s.events) }
                        td { (layout::time(s.first)) } td { (layout::time(s.last)) } td.num { (per_day(s.events, s.last - s.first)) }
                    }
                }
            }
        } }))
    };
    secure(layout::page("Coverage", Nav::Coverage, Some(&user), body).into_response())
}

/// `3days` → `3 days`, `6h` → `6 h` (the interval as humantime writes it, easier to read).
fn spaced(interval: &str) -> String {
    let digits = interval.find(|c: char| !c.is_ascii_digit()).unwrap_or(interval.len());
    let (number, unit) = interval.split_at(digits);
    if number.is_empty() || unit.is_empty() { interval.to_string() } else { format!("{number} {unit}") }
}

/// Events per day between the first and the last, or a dash when they span too little time to
/// say (one event, or a burst within an hour).
fn per_day(events: u64, span: chrono::TimeDelta) -> String {
    let days = span.num_seconds() as f64 / 86_400.0;
    if events < 2 || span.num_seconds() < 3600 {
        return "—".into();
    }
    let rate = events as f64 / days;
    if rate >= 10.0 { format!("{rate:.0}") } else { format!("{rate:.1}") }
}

#[cfg(test)]
mod tests {
    use super::per_day;
    use chrono::TimeDelta;

    #[test]
    fn intervals_are_spaced() {
        assert_eq!(super::spaced("3days"), "3 days");
        assert_eq!(super::spaced("6h"), "6 h");
        assert_eq!(super::spaced("1day 12h"), "1 day 12h");
        assert_eq!(super::spaced("?"), "?");
    }

    #[test]
    fn rates_need_a_span() {
        assert_eq!(per_day(1, TimeDelta::zero()), "—");
        assert_eq!(per_day(5, TimeDelta::minutes(10)), "—");
        assert_eq!(per_day(3000, TimeDelta::days(30)), "100");
        assert_eq!(per_day(22, TimeDelta::days(27)), "0.8");
    }
}
