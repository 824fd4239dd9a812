//! One identity: tier, factors with their binding context, recovery methods, sign-in
//! baseline, blast radius, and its history of incidents and sign-ins.

use crate::api::names::{Candidate, candidates};
use crate::console::layout::{self, Nav};
use crate::console::session::User;
use crate::console::{blast_svg, failed, not_found, secure, seg};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

pub async fn page(
    State(app): State<AppState>,
    user: User,
    Path((provider, tenant, id)): Path<(String, String, String)>,
) -> Response {
    let Some(provider) = model::Provider::parse(&provider) else {
        return not_found(&user, &format!("`{provider}` is not a provider."));
    };
    // `{id}` may be a login: the account it names, or the list when it names several.
    let id = match candidates(&app, Some(provider), Some(tenant.clone()), id.clone()).await {
        Ok(found) => match found.as_slice() {
            [one] => one.id.clone(),
            [] => id,
            several => return choose(&user, &id, several),
        },
        Err(e) => return failed(e.message),
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
    let list = |key: &str| -> Vec<String> {
        view["baseline"][key]
            .as_array()
            .map(|a| a.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string)).collect())
            .unwrap_or_default()
    };
    let (countries, asns, devices) = (list("countries"), list("asns"), list("devices"));
    let blast = &view["blast_radius"];
    let body = html! {
        p { a href="/console" { "← Queue" } }
        h1 { (name) }
        dl.facts {
            dt { "Provider" } dd { (provider.as_str()) " · " (tenant) }
            dt { "Id" } dd { code { (id) } }
            dt { "Kind" } dd { (view["kind"].as_str().unwrap_or("unknown")) }
            dt { "Tier" } dd {
                (view["tier"])
                @if let Some(why) = view["tier_basis"].as_str() { span.muted { " (" (why) ")" } }
            }
            dt { "Seen" } dd { (layout::time_text(&view["first_seen"])) " – " (layout::time_text(&view["last_seen"])) }
            dt { "Sign-ins seen" } dd { (view["signins"]) }
            @if let Some(last) = view["last_signin"].as_object() {
                dt { "Last sign-in" } dd {
                    (layout::time_text(&last["time"])) " · " (last["ip"].as_str().unwrap_or("")) " " (last["country"].as_str().unwrap_or(""))
                    @if last["trusted"].as_bool() == Some(true) { span.muted { " (trusted network)" } }
                }
            }
        }
        h2 { "Factors" }
        @let factors = view["factors"].as_array().unwrap_or(&empty);
        @if factors.is_empty() { (layout::empty("No factor seen.")) } @else {
            (layout::scroll(html! { table {
                thead { tr { th scope="col" { "Factor" } th scope="col" { "Bound" } th scope="col" { "From" } th scope="col" { "By" } th scope="col" { "State" } } }
                tbody {
                    @for f in factors {
                        tr {
                            td { (f["kind"].as_str().unwrap_or("factor")) " " span.muted { "(" (f["class"].as_str().unwrap_or("")) ")" } }
                            td { (layout::time_text(&f["bound_at"])) }
                            td { (f["ip"].as_str().unwrap_or("")) " " (f["country"].as_str().unwrap_or("")) }
                            td { (f["actor"]["name"].as_str().or(f["actor"]["id"].as_str()).unwrap_or("self")) }
                            td { @if f["removed_at"].is_null() { "bound" } @else { "removed " (layout::time_text(&f["removed_at"])) } }
                        }
                    }
                }
            } }))
        }
        h2 { "Recovery methods and changes" }
        (evidence_table(view["recovery_changes"].as_array().unwrap_or(&empty), "No change to recovery methods seen."))
        h2 { "Sign-in baseline" }
        dl.facts {
            dt { "Countries" } dd { @if countries.is_empty() { "none yet" } @else { (countries.join(", ")) } }
            dt { "Networks" } dd { @if asns.is_empty() { "none yet" } @else { @for (i, a) in asns.iter().enumerate() { @if i > 0 { ", " } "AS" (a) } } }
            dt { "Devices" } dd { @if devices.is_empty() { "none yet" } @else { @for (i, d) in devices.iter().enumerate() { @if i > 0 { ", " } code { (d) } } } }
        }
        @if let Some(risk) = view["risk"].as_array().filter(|r| !r.is_empty()) {
            h2 { "Risk signals" }
            ul { @for r in risk { li { (layout::time_text(&r["time"])) " · " (r["reason"].as_str().unwrap_or("")) } } }
        }
        @if let Some(secrets) = view["secrets_issued"].as_array().filter(|s| !s.is_empty()) {
            h2 { "Secrets issued" }
            (evidence_table(secrets, ""))
        }
        section.blast {
            h2 { "Blast radius" }
            p { (blast["identities"]) " identities, " (blast["roles"]) " roles, " (blast["nhi"]) " non-human identities, " (blast["secrets"]) " secrets reachable." }
            @if paths.is_empty() { (layout::empty("No power over other identities is known.")) } @else {
                (blast_svg::draw(&name, &paths))
                ul { @for path in &paths { li { (path) } } }
            }
        }
        h2 { "Incidents" }
        @if incidents.is_empty() { (layout::empty("None.")) } @else {
            (layout::scroll(html! { table.incidents {
                thead { tr { th.num scope="col" { "Risk" } th scope="col" { "Severity" } th scope="col" { "Status" } th scope="col" { "First" } th scope="col" { "Detectors" } th scope="col" { "Summary" } } }
                tbody {
                    @for r in &incidents {
                        @let i = &r.incident;
                        tr {
                            td.num { (i.risk_score) }
                            td { (layout::severity(i.severity)) }
                            td { (layout::status(r.status)) }
                            td { (layout::time(i.first)) }
                            td { (i.detectors.join(", ")) }
                            td.summary { a href={ "/console/incidents/" (seg(&i.id)) } { (i.summary) } }
                        }
                    }
                }
            } }))
        }
        h2 { "History" }
        @if events.is_empty() { (layout::empty("No stored event.")) } @else {
            (layout::scroll(html! { table {
                thead { tr { th scope="col" { "When" } th scope="col" { "Category" } th scope="col" { "Action" } th scope="col" { "IP" } } }
                tbody {
                    @for (_, e) in &events {
                        tr { td { (layout::time(e.time)) } td { (e.category.as_str()) } td { code { (e.action) } } td { (e.client.ip.map(|i| i.to_string()).unwrap_or_default()) } }
                    }
                }
            } }))
        }
    };
    secure(layout::page(&name, Nav::Queue, Some(&user), body).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LookupParams {
    login: String,
    #[serde(default)]
    provider: String,
}

/// `GET /console/identities?login=&provider=`: the page of the one account a login (or id)
/// names, else the accounts to choose from; never one picked silently.
pub async fn lookup(State(app): State<AppState>, user: User, Query(params): Query<LookupParams>) -> Response {
    let provider = match params.provider.trim() {
        "" => None,
        p => match model::Provider::parse(p) {
            Some(p) => Some(p),
            None => return not_found(&user, &format!("`{p}` is not a provider.")),
        },
    };
    let who = params.login.trim().to_string();
    match candidates(&app, provider, None, who.clone()).await {
        Ok(found) => match found.as_slice() {
            [one] => Redirect::to(&page_url(one)).into_response(),
            [] => not_found(&user, &format!("No identity has the id or login `{who}`.")),
            several => choose(&user, &who, several),
        },
        Err(e) => failed(e.message),
    }
}

fn page_url(c: &Candidate) -> String {
    format!("/console/identities/{}/{}/{}", c.provider.as_str(), seg(&c.tenant), seg(&c.id))
}

/// The accounts a login names, each a link to its page (answered `409`: the request named no one).
fn choose(user: &User, who: &str, several: &[Candidate]) -> Response {
    let body = html! {
        p { a href="/console" { "← Queue" } }
        h1 { "Which " code { (who) } "?" }
        p { code { (who) } " is the login of " (several.len()) " accounts. Pick one; the provider and tenant tell them apart." }
        (layout::scroll(html! { table.candidates {
            thead { tr { th scope="col" { "Login" } th scope="col" { "Provider" } th scope="col" { "Tenant" } th scope="col" { "Id" } } }
            tbody {
                @for c in several {
                    tr {
                        td { a href=(page_url(c)) { (c.login.as_deref().unwrap_or(&c.id)) } }
                        td { (c.provider.as_str()) }
                        td { (c.tenant) }
                        td { code { (c.id) } }
                    }
                }
            }
        } }))
    };
    secure((StatusCode::CONFLICT, layout::page(who, Nav::Queue, Some(user), body)).into_response())
}

/// Evidence (as JSON) in a table: when, what, and where it was read from.
fn evidence_table(list: &[serde_json::Value], none: &str) -> Markup {
    html! {
        @if list.is_empty() { (layout::empty(none)) } @else {
            (layout::scroll(html! { table {
                thead { tr { th scope="col" { "When" } th scope="col" { "Category" } th scope="col" { "Action" } th scope="col" { "Source" } } }
                tbody {
                    @for e in list {
                        tr {
                            td { (layout::time_text(&e["time"])) }
                            td { (e["category"].as_str().unwrap_or("")) }
                            td { code { (e["action"].as_str().unwrap_or("")) } }
                            td.muted { (e["source"].as_str().unwrap_or("")) }
                        }
                    }
                }
            } }))
        }
    }
}
