//! The queue: incidents by risk, with filters, keyboard navigation and live updates.

use crate::api::query::ListParams;
use crate::console::layout::{self, Nav};
use crate::console::session::User;
use crate::console::{secure, seg};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use store::{IncidentRecord, Page, Status};

const DETECTORS: [&str; 12] = [
    "FW-001", "FW-002", "FW-003", "FW-004", "FW-005", "FW-006", "FW-007", "FW-008", "FW-009", "FW-010", "FW-011",
    "FW-012",
];
const SEVERITIES: [&str; 5] = ["info", "low", "medium", "high", "critical"];

/// Empty form fields mean "any".
fn cleaned(mut p: ListParams) -> ListParams {
    let keep = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    p.severity = keep(p.severity);
    p.detector = keep(p.detector);
    p.identity = keep(p.identity);
    p.provider = keep(p.provider);
    p.tenant = keep(p.tenant);
    p.status = keep(p.status);
    p.assignee = keep(p.assignee);
    p.since = keep(p.since);
    p.until = keep(p.until);
    p.limit = p.limit.or(Some(200));
    p
}

async fn load(app: &AppState, params: &ListParams) -> Result<Page<IncidentRecord>, String> {
    let query = params.to_query().map_err(|e| e.message)?;
    app.db.run(move |s| s.query_incidents(&query)).await.map_err(|e| e.to_string())
}

pub async fn page(State(app): State<AppState>, user: User, Query(params): Query<ListParams>) -> Response {
    let params = cleaned(params);
    let (page, problem) = match load(&app, &params).await {
        Ok(page) => (page, None),
        Err(e) => (Page { items: Vec::new(), next_offset: None }, Some(e)),
    };
    let selected = |v: &Option<String>, o: &str| v.as_deref() == Some(o);
    let body = html! {
        h1 { "Incident queue" }
        (layout::notice(problem.as_deref()))
        form.filters method="get" action="/console" role="search" aria-label="Filter incidents" {
            div.field {
                label for="f-severity" { "Severity at least" }
                select id="f-severity" name="severity" {
                    option value="" { "any" }
                    @for s in SEVERITIES { option value=(s) selected[selected(&params.severity, s)] { (s) } }
                }
            }
            div.field {
                label for="f-detector" { "Detector" }
                select id="f-detector" name="detector" {
                    option value="" { "any" }
                    @for d in DETECTORS { option value=(d) selected[selected(&params.detector, d)] { (d) } }
                }
            }
            div.field {
                label for="f-provider" { "Provider" }
                select id="f-provider" name="provider" {
                    option value="" { "any" }
                    @for p in model::Provider::ALL { option value=(p.as_str()) selected[selected(&params.provider, p.as_str())] { (p.as_str()) } }
                }
            }
            div.field {
                label for="f-status" { "Status" }
                select id="f-status" name="status" {
                    option value="" { "any" }
                    @for s in Status::ALL { option value=(s.as_str()) selected[selected(&params.status, s.as_str())] { (s.as_str().replace('_', " ")) } }
                }
            }
            div.field {
                label for="f-assignee" { "Assignee" }
                input id="f-assignee" name="assignee" type="search" value=[params.assignee.as_deref()] placeholder="name, or none";
            }
            div.field {
                label for="f-identity" { "Identity" }
                input id="f-identity" name="identity" type="search" value=[params.identity.as_deref()] placeholder="id or login";
            }
            div.actions {
                button type="submit" { "Filter" }
                a href="/console" { "Clear" }
            }
        }
        p.kbd-help { kbd { "j" } " / " kbd { "k" } " move, " kbd { "Enter" } " opens, " kbd { "/" } " filters. " span #live .live aria-live="polite" { "" } }
        table.queue {
            caption.muted { (page.items.len()) " incidents, highest risk first" }
            thead { tr { th.num scope="col" { "Risk" } th scope="col" { "Severity" } th scope="col" { "Status" } th scope="col" { "Assignee" } th scope="col" { "Identity" } th scope="col" { "First" } th scope="col" { "Detectors" } th scope="col" { "Summary" } } }
            tbody { (rows_markup(&page.items)) }
        }
    };
    secure(layout::page("Queue", Nav::Queue, Some(&user), body).into_response())
}

/// The table body alone, for live updates.
pub async fn rows(State(app): State<AppState>, _user: User, Query(params): Query<ListParams>) -> Response {
    let params = cleaned(params);
    match load(&app, &params).await {
        Ok(page) => secure(rows_markup(&page.items).into_response()),
        Err(e) => secure((axum::http::StatusCode::BAD_REQUEST, e).into_response()),
    }
}

fn rows_markup(items: &[IncidentRecord]) -> Markup {
    html! {
        @if items.is_empty() {
            tr { td colspan="8" { (layout::empty("No incident matches.")) } }
        }
        @for r in items {
            @let i = &r.incident;
            tr.row data-id=(i.id) {
                td.num { (i.risk_score) }
                td { (layout::severity(i.severity)) }
                td { (layout::status(r.status)) }
                td.assignee { @match &r.assignee { Some(name) => (name), None => span.muted { "—" } } }
                td {
                    a href={ "/console/incidents/" (seg(&i.id)) } {
                        (i.identity.name.as_deref().unwrap_or(&i.identity.id))
                    }
                    span.muted { " · " (i.identity.provider.as_str()) " · tier " (i.identity.tier) }
                }
                td { (layout::time(i.first)) }
                td { (i.detectors.join(", ")) }
                td.summary { (layout::summary(&i.summary)) }
            }
        }
    }
}
