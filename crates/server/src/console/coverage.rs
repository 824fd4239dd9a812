//! Coverage: which sources send, when they last did, how fast, and where detection is blind.

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
    let sources = {
        let app = app.clone();
        tokio::task::spawn_blocking(move || {
            let guard = app.stream.lock().ok()?;
            serde_json::to_value(guard.as_ref()?.engine().coverage()).ok()
        })
        .await
        .ok()
        .flatten()
    };
    let body = html! {
        h1 { "Coverage" }
        h2 { "Blind spots" }
        @if blind.is_empty() { (layout::empty("No blind spot: every expected source is sending.")) }
        ul { @for f in &blind { li { (layout::severity(f.severity)) " " (f.summary) } } }
        h2 { "Sources" }
        @if let Some(sources) = sources.as_ref().and_then(|v| v.as_array()) {
            table {
                thead { tr { th scope="col" { "Provider" } th scope="col" { "Tenant" } th scope="col" { "Last event" } th scope="col" { "Last factor event" } th scope="col" { "Configured sources" } th scope="col" { "Blind spots" } } }
                tbody {
                    @for s in sources {
                        tr {
                            td { (s["provider"].as_str().unwrap_or("")) }
                            td { (s["tenant"].as_str().unwrap_or("—")) }
                            td { (s["last"].as_str().unwrap_or("never")) }
                            td { (s["last_factor_event"].as_str().unwrap_or("never")) }
                            td {
                                @for c in s["sources"].as_array().into_iter().flatten() {
                                    (c["name"].as_str().unwrap_or("")) " (every " (c["expected_interval"].as_str().unwrap_or("?")) ")"
                                    @if c["silent"].as_bool() == Some(true) { strong { " silent" } }
                                    br;
                                }
                            }
                            td { @for b in s["blind_spots"].as_array().into_iter().flatten() { (b.as_str().unwrap_or("")) br; } }
                        }
                    }
                }
            }
        } @else { (layout::empty("Detection is still starting.")) }
        h2 { "Events by provider and category" }
        table {
            thead { tr { th scope="col" { "Provider" } th scope="col" { "Tenant" } th scope="col" { "Category" } th.num scope="col" { "Events" } th scope="col" { "First" } th scope="col" { "Last" } th.num scope="col" { "Per hour" } } }
            tbody {
                @for s in &stats {
                    @let hours = ((s.last - s.first).num_seconds() as f64 / 3600.0).max(1.0);
                    tr {
                        td { (s.provider.as_str()) } td { (s.tenant) } td { (s.category) } td.num { (s.events) }
                        td { (layout::time(s.first)) } td { (layout::time(s.last)) } td.num { (format!("{:.1}", s.events as f64 / hours)) }
                    }
                }
            }
        }
    };
    secure(layout::page("Coverage", Nav::Coverage, Some(&user), body).into_response())
}
