//! One identity: tier, factors with their binding context, recovery methods, sign-in
//! baseline, blast radius, and its history of incidents and sign-ins.

use crate::console::layout::{self, Nav};
use crate::console::session::User;
use crate::console::{blast_svg, failed, not_found, secure, seg};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::html;

pub async fn page(
    State(app): State<AppState>,
    user: User,
    Path((provider, tenant, id)): Path<(String, String, String)>,
) -> Response {
    let Some(provider) = model::Provider::parse(&provider) else {
        return not_found(&user, &format!("`{provider}` is not a provider."));
    };
    let view = {
        let (app, t, i) = (app.clone(), tenant.clone(), id.clone());
        tokio::task::spawn_blocking(move || {
            let guard = app.stream.lock().ok()?;
            let view = guard.as_ref()?.engine().identity(provider, &t, &i)?;
            serde_json::to_value(view).ok()
        })
        .await
        .ok()
        .flatten()
    };
    let Some(view) = view else { return not_found(&user, &format!("No identity `{id}` in {provider} `{tenant}`.")) };
    let history = {
        let (t, i) = (tenant.clone(), id.clone());
        app.db
            .run(move |s| {
                let query = store::Query {
                    identity: Some(i.clone()),
                    provider: Some(provider),
                    tenant: Some(t.clone()),
                    limit: 100,
                    ..store::Query::default()
                };
                let incidents = s.query_incidents(&query)?.items;
                let events = s.identity_events(provider, &t, &i, &[], 50)?;
                Ok((incidents, events))
            })
            .await
    };
    let (incidents, events) = match history {
        Ok(h) => h,
        Err(e) => return failed(e),
    };
    let name = view["name"].as_str().unwrap_or(&id).to_string();
    let paths: Vec<String> = view["blast_radius"]["top"]
        .as_array()
        .map(|a| a.iter().filter_map(|p| p.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    let empty = Vec::new();
    let body = html! {
        p { a href="/console" { "← Queue" } }
        h1 { (name) }
        dl.facts {
            dt { "Provider" } dd { (provider.as_str()) " · " (tenant) }
            dt { "Id" } dd { code { (id) } }
            dt { "Kind" } dd { (view["kind"].as_str().unwrap_or("unknown")) }
            dt { "Tier" } dd { (view["tier"]) }
            dt { "Sign-ins seen" } dd { (view["signins"]) }
        }
        h2 { "Factors" }
        table {
            thead { tr { th scope="col" { "Factor" } th scope="col" { "Bound" } th scope="col" { "From" } th scope="col" { "By" } th scope="col" { "State" } } }
            tbody {
                @for f in view["factors"].as_array().unwrap_or(&empty) {
                    tr {
                        td { (f["kind"].as_str().unwrap_or("factor")) " " span.muted { "(" (f["class"].as_str().unwrap_or("")) ")" } }
                        td { (f["bound_at"].as_str().unwrap_or("")) }
                        td { (f["ip"].as_str().unwrap_or("")) " " (f["country"].as_str().unwrap_or("")) }
                        td { (f["actor"]["name"].as_str().unwrap_or("self")) }
                        td { @if f["removed_at"].is_null() { "bound" } @else { "removed " (f["removed_at"].as_str().unwrap_or("")) } }
                    }
                }
            }
        }
        h2 { "Recovery methods and changes" }
        (layout::json(&view["recovery_changes"]))
        h2 { "Sign-in baseline" }
        (layout::json(&view["baseline"]))
        section.blast {
            h2 { "Blast radius" }
            @if paths.is_empty() { (layout::empty("No power over other identities is known.")) } @else { (blast_svg::draw(&name, &paths)) }
        }
        h2 { "Incidents" }
        @if incidents.is_empty() { (layout::empty("None.")) }
        ul { @for r in &incidents { li { a href={ "/console/incidents/" (seg(&r.incident.id)) } { (r.incident.summary) } " · " (layout::status(r.status)) } } }
        h2 { "History" }
        table {
            thead { tr { th scope="col" { "When" } th scope="col" { "Category" } th scope="col" { "Action" } th scope="col" { "IP" } } }
            tbody {
                @for (_, e) in &events {
                    tr { td { (layout::time(e.time)) } td { (e.category.as_str()) } td { code { (e.action) } } td { (e.client.ip.map(|i| i.to_string()).unwrap_or_default()) } }
                }
            }
        }
    };
    secure(layout::page(&name, Nav::None, Some(&user), body).into_response())
}
