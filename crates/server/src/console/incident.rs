//! One incident: the evidence as a timeline (each event expandable to its stored JSON), the
//! identity's factors before and after, sign-in locations, the blast radius drawn, framework
//! mappings, the remediation plan, and status changes, the assignee and comments.

use crate::auth::Need;
use crate::console::layout::{self, Nav};
use crate::console::session::User;
use crate::console::{bad_form, blast_svg, failed, form_allowed, not_found, secure, seg};
use crate::state::AppState;
use crate::triage::{self, Actor, MAX_ASSIGNEE, MAX_COMMENT};
use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use maud::{Markup, html};
use model::{Event, Finding};
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use store::{AuditEntry, Comment, IncidentRecord, Status};

/// Sign-ins shown beside an incident on each side of its start, in time order.
const SIGNINS_EACH_SIDE: usize = 5;

struct Loaded {
    record: IncidentRecord,
    findings: Vec<Finding>,
    comments: Vec<Comment>,
    audit: Vec<AuditEntry>,
    events: Vec<Event>,
    /// The providers' records kept for the evidence, by (time, provider event id).
    raw: RawByEvidence,
    signins: Vec<Event>,
}

/// Raw provider records by the (time, provider event id) the timeline keys evidence by.
type RawByEvidence = BTreeMap<(DateTime<Utc>, String), String>;

async fn load(app: &AppState, id: String) -> Result<Option<Loaded>, store::StoreError> {
    app.db
        .run(move |s| {
            let Some(record) = s.incident(&id)? else { return Ok(None) };
            let findings = s.findings_for(&id)?;
            let ident = &record.incident.identity;
            let mut wanted: BTreeMap<model::Provider, BTreeSet<String>> = BTreeMap::new();
            for f in &findings {
                for e in &f.evidence {
                    wanted.entry(e.provider).or_default().insert(e.event_id.to_string());
                }
            }
            let mut raw = RawByEvidence::new();
            for e in findings.iter().flat_map(|f| &f.evidence) {
                let key = (e.time, e.event_id.to_string());
                if !raw.contains_key(&key)
                    && let Some(record) = s.raw_record(&ident.tenant, e)?
                {
                    raw.insert(key, record);
                }
            }
            let mut events = Vec::new();
            for (provider, ids) in &wanted {
                let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
                events.extend(s.events_by_ids(*provider, &ids)?);
            }
            // Around the incident, not the identity's latest: what came before it began and after.
            let first = record.incident.first;
            let signins = s
                .identity_events_around(
                    ident.provider,
                    &ident.tenant,
                    &ident.id,
                    &["signin_success"],
                    first,
                    SIGNINS_EACH_SIDE,
                )?
                .into_iter()
                .map(|(_, e)| e)
                .collect();
            Ok(Some(Loaded {
                comments: s.comments(&id)?,
                audit: s.audit_log(Some(&id), 0, 100)?.items,
                record,
                findings,
                events,
                raw,
                signins,
            }))
        })
        .await
}

/// The identity as detection sees it now, as JSON (fields per `detect::IdentityView`).
fn identity_view(app: &AppState, provider: model::Provider, tenant: &str, id: &str) -> Option<Value> {
    let guard = app.stream.lock().ok()?;
    let view = guard.as_ref()?.engine().identity(provider, tenant, id)?;
    serde_json::to_value(view).ok()
}

pub async fn page(State(app): State<AppState>, user: User, Path(id): Path<String>) -> Response {
    let loaded = match load(&app, id.clone()).await {
        Ok(Some(l)) => l,
        Ok(None) => return not_found(&user, &format!("No incident `{id}`.")),
        Err(e) => return failed(e),
    };
    let inc = &loaded.record.incident;
    let ident = &inc.identity;
    let view = {
        let app = app.clone();
        let (p, t, i) = (ident.provider, ident.tenant.to_string(), ident.id.to_string());
        tokio::task::spawn_blocking(move || identity_view(&app, p, &t, &i)).await.ok().flatten()
    };
    let who = ident.name.as_deref().unwrap_or(&ident.id).to_string();
    // Without the steps' states the plan still shows, as not started.
    let plan = crate::api::remediation::plan_of(&app, inc.id.to_string()).await.ok();
    let body = html! {
        p { a href="/console" { "← Queue" } }
        h1 { "Incident on " (who) }
        dl.facts {
            dt { "Risk" } dd { (inc.risk_score) " · " (layout::severity(inc.severity)) }
            dt { "Status" } dd { (layout::status(loaded.record.status)) " since " (layout::time(loaded.record.status_changed)) }
            dt { "Assignee" } dd #assignee { @match &loaded.record.assignee { Some(name) => (name), None => span.muted { "no one" } } }
            dt { "Identity" } dd {
                a href={ "/console/identities/" (ident.provider.as_str()) "/" (seg(&ident.tenant)) "/" (seg(&ident.id)) } { (who) }
                " · " (ident.provider.as_str()) " · " (ident.tenant) " · tier " (ident.tier)
                @if let Some(why) = &ident.tier_basis { span.muted { " (" (why) ")" } }
            }
            dt { "Window" } dd { (layout::time(inc.first)) " – " (layout::time(inc.last)) }
            dt { "Detectors" } dd { (inc.detectors.join(", ")) }
            dt { "Summary" } dd { (layout::summary(&inc.summary)) }
        }
        (timeline(&loaded.findings, &loaded.events, &loaded.raw))
        section aria-labelledby="h-factors" { h2 #h-factors { "Factors before and after" } (factors(view.as_ref(), inc.first)) }
        section aria-labelledby="h-signins" {
            h2 #h-signins { "Sign-in locations" }
            p.muted { "Up to " (SIGNINS_EACH_SIDE) " sign-ins before the incident began and " (SIGNINS_EACH_SIDE) " from then on, oldest first." }
            (signins(&loaded.signins))
        }
        section.blast aria-labelledby="h-blast" {
            h2 #h-blast { "Blast radius" }
            (blast(&loaded.findings))
        }
        section aria-labelledby="h-map" { h2 #h-map { "Framework mappings" } (mappings(&loaded.findings)) }
        (super::remediation::section(plan.as_ref(), &inc.remediation, &inc.id, &user))
        section aria-labelledby="h-triage" {
            h2 #h-triage { "Status, assignee and comments" }
            @if user.may(Need::Triage) {
                div.grid {
                    form method="post" action={ "/console/incidents/" (seg(&inc.id)) "/status" } class="stack" {
                        input type="hidden" name="_csrf" value=(user.session.csrf);
                        div {
                            label for="status" { "Status" }
                            select id="status" name="status" {
                                @for s in Status::ALL { option value=(s.as_str()) selected[s == loaded.record.status] { (s.as_str().replace('_', " ")) } }
                            }
                        }
                        div {
                            label for="status-comment" { "Comment (optional)" }
                            textarea id="status-comment" name="comment" rows="2" cols="40" {}
                        }
                        button type="submit" { "Change status" }
                    }
                    (assignee_form(&inc.id, &user))
                    form method="post" action={ "/console/incidents/" (seg(&inc.id)) "/comments" } class="stack" {
                        input type="hidden" name="_csrf" value=(user.session.csrf);
                        div {
                            label for="comment" { "Comment" }
                            textarea id="comment" name="text" rows="3" cols="40" required {}
                        }
                        button type="submit" { "Add comment" }
                    }
                }
            } @else {
                p.muted { "Viewers read; analysts change status, assign and comment." }
            }
            @if loaded.comments.is_empty() { (layout::empty("No comments yet.")) }
            ul.comments {
                @for c in &loaded.comments {
                    li { strong { (c.author) } " · " (layout::time(c.time)) br; (c.text) }
                }
            }
            details.audit {
                summary { "Audit trail (" (loaded.audit.len()) ")" }
                (layout::scroll(html! { table {
                    thead { tr { th scope="col" { "When" } th scope="col" { "Who" } th scope="col" { "What" } th scope="col" { "Detail" } } }
                    tbody {
                        @for a in &loaded.audit {
                            tr { td { (layout::time(a.time)) } td { (a.actor) } td { (a.action) } td { code { (a.detail.to_string()) } } }
                        }
                    }
                } }))
            }
        }
    };
    secure(layout::page(&format!("Incident {}", inc.id), Nav::Queue, Some(&user), body).into_response())
}

/// Assign to the signed-in user, to a name typed in, or to no one: one form, the button
/// pressed says which.
fn assignee_form(incident: &str, user: &User) -> Markup {
    html! {
        form method="post" action={ "/console/incidents/" (seg(incident)) "/assignee" } class="stack" {
            input type="hidden" name="_csrf" value=(user.session.csrf);
            div {
                label for="assignee-name" { "Assign to" }
                input id="assignee-name" name="name" type="text" maxlength=(MAX_ASSIGNEE) placeholder="a name";
            }
            div.actions {
                button type="submit" name="to" value="name" { "Assign" }
                button type="submit" name="to" value="me" { "Assign to me (" (user.caller().name) ")" }
                button type="submit" name="to" value="clear" { "Clear" }
            }
        }
    }
}

/// One piece of evidence and the detectors whose findings cite it.
type Cited<'a> = (&'a model::Evidence, Vec<&'a str>);

fn timeline(findings: &[Finding], events: &[Event], raw: &RawByEvidence) -> Markup {
    let by_id: BTreeMap<&str, &Event> = events.iter().map(|e| (e.id.as_str(), e)).collect();
    // One entry per event, in time order, naming every detector whose finding cites it (two
    // findings of one incident often rest on the same event).
    let mut items: BTreeMap<(DateTime<Utc>, &str), Cited> = BTreeMap::new();
    for f in findings {
        for e in &f.evidence {
            let (_, detectors) = items.entry((e.time, e.event_id.as_str())).or_insert((e, Vec::new()));
            if !detectors.contains(&f.detector.as_str()) {
                detectors.push(f.detector.as_str());
            }
        }
    }
    html! {
        section aria-labelledby="h-timeline" {
            h2 #h-timeline { "Timeline of the evidence" }
            ul.findings {
                @for f in findings {
                    li { (layout::severity(f.severity)) " " strong { (f.detector) " " (f.name) } ": " (layout::summary(&f.summary)) }
                }
            }
            @if items.is_empty() { (layout::empty("The findings rest on no event (a blind spot).")) }
            @for ((time, _), (e, detectors)) in &items {
                details.event {
                    summary {
                        (layout::time(*time)) " · " (e.category.as_str()) " · " code { (e.action) } " · " span.muted { (detectors.join(", ")) " · " (e.source) }
                    }
                    div.evidence-pair {
                        div {
                            h3 { "Normalized event" }
                            @match by_id.get(e.event_id.as_str()) {
                                Some(event) => (layout::json(event)),
                                None => p.muted { "The stored event " code { (e.event_id) } " is not in this store (the finding came from a hunt)." },
                            }
                        }
                        div.raw-record {
                            h3 { "Provider record" }
                            @match raw.get(&(*time, e.event_id.to_string())) {
                                Some(record) => (raw_record(record)),
                                None => p.muted { "No provider record was kept for this event (stored before raw records were kept, with " code { "keep_raw_records = false" } ", or the finding came from a hunt)." },
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A kept record pretty-printed; one that is not JSON (never written so) is shown as text.
fn raw_record(record: &str) -> Markup {
    match serde_json::from_str::<Value>(record) {
        Ok(value) => layout::json(&value),
        Err(_) => html! { pre.json { code { (record) } } },
    }
}

fn text(v: &Value, key: &str) -> String {
    match &v[key] {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn factors(view: Option<&Value>, first: DateTime<Utc>) -> Markup {
    let Some(list) = view.and_then(|v| v["factors"].as_array()) else {
        return layout::empty("Detection holds no state for this identity yet.");
    };
    let bound_before = |f: &&Value| {
        f["bound_at"].as_str().and_then(|t| DateTime::parse_from_rfc3339(t).ok()).is_some_and(|t| t < first)
            && f["removed_at"].as_str().and_then(|t| DateTime::parse_from_rfc3339(t).ok()).is_none_or(|t| t >= first)
    };
    let before: Vec<&Value> = list.iter().filter(bound_before).collect();
    let after: Vec<&Value> = list.iter().filter(|f| f["removed_at"].is_null()).collect();
    html! {
        h3 { "Before the incident" }
        (factor_table(&before))
        h3 { "Now" }
        (factor_table(&after))
    }
}

fn factor_table(list: &[&Value]) -> Markup {
    html! {
        @if list.is_empty() { (layout::empty("None.")) } @else {
            (layout::scroll(html! { table {
                thead { tr { th scope="col" { "Factor" } th scope="col" { "Bound" } th scope="col" { "Where" } th scope="col" { "By" } th scope="col" { "Flags" } } }
                tbody {
                    @for f in list {
                        tr {
                            td { (text(f, "kind")) " " span.muted { "(" (text(f, "class")) ")" } }
                            td { (layout::time_text(&f["bound_at"])) }
                            td { (text(f, "ip")) " " (text(f, "country")) }
                            td { (f["actor"]["name"].as_str().or(f["actor"]["id"].as_str()).unwrap_or("self")) " " span.muted { (text(f, "relation")) } }
                            td {
                                @if f["unfamiliar"].as_bool() == Some(true) { "unfamiliar " }
                                @if let Some(flags) = f["flagged_by"].as_array() { @for d in flags { (d.as_str().unwrap_or_default()) " " } }
                                @if !f["removed_at"].is_null() { "removed " (layout::time_text(&f["removed_at"])) }
                            }
                        }
                    }
                }
            } }))
        }
    }
}

fn signins(events: &[Event]) -> Markup {
    html! {
        @if events.is_empty() { (layout::empty("No sign-in stored.")) } @else {
            (layout::scroll(html! { table {
                thead { tr { th scope="col" { "When" } th scope="col" { "IP" } th scope="col" { "Place" } th scope="col" { "Network" } } }
                tbody {
                    @for e in events {
                        tr {
                            td { (layout::time(e.time)) }
                            td { (e.client.ip.map(|ip| ip.to_string()).unwrap_or_default()) }
                            td {
                                @if let Some(g) = &e.client.geo {
                                    (g.city.as_deref().unwrap_or("")) " " (g.country.as_deref().unwrap_or(""))
                                }
                            }
                            td { (e.client.as_org.as_deref().unwrap_or("")) @if let Some(asn) = e.client.asn { " AS" (asn) } }
                        }
                    }
                }
            } }))
        }
    }
}

fn blast(findings: &[Finding]) -> Markup {
    let Some(worst) = findings.iter().max_by_key(|f| (f.blast_radius.identities + f.blast_radius.nhi, f.severity))
    else {
        return layout::empty("No finding.");
    };
    let b = &worst.blast_radius;
    let root = worst.identity.name.as_deref().unwrap_or(&worst.identity.id);
    html! {
        p { (b.identities) " identities, " (b.roles) " roles, " (b.nhi) " non-human identities, " (b.secrets) " secrets reachable." }
        @if b.top.is_empty() { (layout::empty("The identity graph gives this identity no power over others.")) } @else {
            (blast_svg::draw(root, &b.top))
            ul { @for path in &b.top { li { (path) } } }
        }
    }
}

fn mappings(findings: &[Finding]) -> Markup {
    let mut attack = BTreeSet::new();
    let mut nhi = BTreeSet::new();
    let mut csf = BTreeSet::new();
    let mut agentic = BTreeSet::new();
    for f in findings {
        attack.extend(f.mappings.attack.iter().map(|t| t.to_string()));
        nhi.extend(f.mappings.owasp_nhi.iter().map(|t| t.to_string()));
        csf.extend(f.mappings.csf.iter().map(|t| t.to_string()));
        agentic.extend(f.mappings.owasp_agentic.iter().map(|t| t.to_string()));
    }
    let join = |s: &BTreeSet<String>| {
        if s.is_empty() { "—".to_string() } else { s.iter().cloned().collect::<Vec<_>>().join(", ") }
    };
    html! {
        dl.facts {
            dt { "MITRE ATT&CK" } dd { (join(&attack)) }
            dt { "OWASP NHI Top 10" } dd { (join(&nhi)) }
            dt { "NIST CSF 2.0" } dd { (join(&csf)) }
            @if !agentic.is_empty() { dt { "OWASP Agentic" } dd { (join(&agentic)) } }
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct StatusForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    status: String,
    #[serde(default)]
    comment: String,
}

pub async fn set_status(
    State(app): State<AppState>,
    user: User,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<StatusForm>,
) -> Response {
    if let Err(refused) = form_allowed(
        &user,
        &headers,
        &form.csrf,
        Need::Triage,
        "changing status needs an analyst, approver or admin token.",
    ) {
        return refused;
    }
    let Some(status) = Status::parse(&form.status) else {
        return not_found(&user, &format!("`{}` is not a status.", form.status));
    };
    let comment = Some(form.comment.trim().to_string()).filter(|c| !c.is_empty());
    match triage::set_status(&app, &console_actor(&user), &id, status, comment).await {
        Ok(Some(_)) => Redirect::to(&format!("/console/incidents/{}", seg(&id))).into_response(),
        Ok(None) => not_found(&user, &format!("No incident `{id}`.")),
        Err(e) => failed(e),
    }
}

#[derive(Debug, Deserialize)]
pub struct AssigneeForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    /// `me`, `name` (the `name` field) or `clear`.
    to: String,
    #[serde(default)]
    name: String,
}

pub async fn set_assignee(
    State(app): State<AppState>,
    user: User,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<AssigneeForm>,
) -> Response {
    if let Err(refused) = form_allowed(
        &user,
        &headers,
        &form.csrf,
        Need::Triage,
        "assigning incidents needs an analyst, approver or admin token.",
    ) {
        return refused;
    }
    let back = format!("/console/incidents/{}", seg(&id));
    let assignee = match form.to.as_str() {
        "clear" => None,
        "me" => Some(user.caller().name.as_str()),
        "name" => Some(form.name.as_str()),
        other => return bad_form(&user, &format!("`{other}` is not a way to assign."), &back),
    };
    let assignee = match assignee.map(triage::assignee_name).transpose() {
        Ok(name) => name,
        Err(why) => return bad_form(&user, &format!("Not assigned: {why}."), &back),
    };
    match triage::set_assignee(&app, &console_actor(&user), &id, assignee).await {
        Ok(Some(_)) => Redirect::to(&format!("/console/incidents/{}#h-triage", seg(&id))).into_response(),
        Ok(None) => not_found(&user, &format!("No incident `{id}`.")),
        Err(e) => failed(e),
    }
}

fn console_actor(user: &User) -> Actor {
    Actor { caller: user.caller().clone(), via: Some("console") }
}

#[derive(Debug, Deserialize)]
pub struct CommentForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    text: String,
}

pub async fn comment(
    State(app): State<AppState>,
    user: User,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<CommentForm>,
) -> Response {
    if let Err(refused) =
        form_allowed(&user, &headers, &form.csrf, Need::Triage, "commenting needs an analyst, approver or admin token.")
    {
        return refused;
    }
    let text = form.text.trim().to_string();
    if text.is_empty() || text.len() > MAX_COMMENT {
        return Redirect::to(&format!("/console/incidents/{}", seg(&id))).into_response();
    }
    match triage::comment(&app, &console_actor(&user), &id, text).await {
        Ok(Some(_)) => Redirect::to(&format!("/console/incidents/{}#h-triage", seg(&id))).into_response(),
        Ok(None) => not_found(&user, &format!("No incident `{id}`.")),
        Err(e) => failed(e),
    }
}
