//! Approvals: pending enrollment and remediation approvals with their context, approve or deny
//! with a justification, and the four-eyes rule in plain sight; and a form to ask the decision
//! point about an enrollment as the signed-in person.

use crate::api::approvals::{ApprovalView, decide_review, list_page, reviewer};
use crate::api::blocking;
use crate::api::decisions::decide;
use crate::auth::Need;
use crate::console::layout::{self, Nav};
use crate::console::session::User;
use crate::console::{form_allowed, secure};
use crate::state::AppState;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use maud::{Markup, html};
use policy::{ApprovalState, EnrollmentRequest, FactorSpec, GeoSpec, Purpose, RequestContext, Verdict};
use serde::Deserialize;

const PROVIDERS: [&str; 3] = ["okta", "entra", "google"];
const CLASSES: [(&str, &str); 4] = [
    ("app", "app (push, TOTP)"),
    ("phishing_resistant", "phishing-resistant (passkey, security key)"),
    ("possession_weak", "weak possession (SMS, voice, email)"),
    ("knowledge", "knowledge (question, recovery code)"),
];

pub async fn page(State(app): State<AppState>, user: User) -> Response {
    render(&app, &user, StatusCode::OK, None).await
}

async fn render(app: &AppState, user: &User, status: StatusCode, notice: Option<String>) -> Response {
    let pending = list_page(app, Some("pending".into()), 0, 200).await;
    let recent = list_page(app, None, 0, 30).await;
    let (pending, recent, problem) = match (pending, recent) {
        (Ok(p), Ok(r)) => (p.items, r.items, None),
        (Err(e), _) | (_, Err(e)) => (Vec::new(), Vec::new(), Some(e.message)),
    };
    let decided: Vec<&ApprovalView> = recent.iter().filter(|a| a.state_now != ApprovalState::Pending).collect();
    let me = &user.caller().name;
    let body = html! {
        h1 { "Approvals" }
        (layout::notice(notice.as_deref().or(problem.as_deref())))
        p.muted {
            "Four eyes: an approval is never given by the person who asked for the change, nor by the identity it is about. "
            "Approver and admin tokens act for the SOC; a manager named in the settings approves by name. "
            "Every step is in the audit log."
        }
        @if user.may(Need::Approve) {
            p { a href="/console/revalidation" { "Revalidation: privileged factors waiting to be attested" } }
        }
        section aria-labelledby="h-pending" {
            h2 #h-pending { "Pending (" (pending.len()) ")" }
            @if pending.is_empty() {
                (layout::empty("Nothing waits for a decision."))
            }
            @for a in &pending {
                (pending_card(a, user, me))
            }
        }
        @if user.may(Need::Decide) {
            section aria-labelledby="h-request" {
                h2 #h-request { "Ask about an enrollment" }
                p.muted { "The decision point answers for the identity as factorwatch knows it; you are recorded as the one making the change (" strong { (me) } ")." }
                (request_form(user))
            }
        }
        section aria-labelledby="h-decided" {
            h2 #h-decided { "Recently decided" }
            @if decided.is_empty() {
                (layout::empty("No decided approvals yet."))
            } @else {
                (layout::scroll(html! {
                    table {
                        thead { tr { th { "Identity" } th { "For" } th { "State" } th { "Reviewer" } th { "Justification" } th { "When" } } }
                        tbody {
                            @for a in decided {
                                tr {
                                    td { (identity_cell(a)) }
                                    td { (purpose(&a.approval.purpose)) }
                                    td { span class={ "status status-" (a.state_now.to_string()) } { (a.state_now.to_string()) } }
                                    td { @if let Some(r) = &a.approval.reviewer { (r.id) } @else { "—" } }
                                    td { (a.approval.justification.as_deref().unwrap_or("—")) }
                                    td { @if let Some(t) = a.approval.decided_at { (layout::time(t)) } @else { (layout::time(a.approval.expires_at)) } }
                                }
                            }
                        }
                    }
                }))
            }
        }
    };
    secure((status, layout::page("Approvals", Nav::Approvals, Some(user), body)).into_response())
}

fn purpose(p: &Purpose) -> String {
    match p {
        Purpose::Enrollment { factor_kind, .. } => format!("enrolling {factor_kind}"),
        Purpose::Remediation { what } => what.clone(),
    }
}

/// The identity by its login, its id beside it for whoever needs to look it up.
fn identity_cell(a: &ApprovalView) -> Markup {
    html! {
        (a.identity_shown())
        @if a.identity_name.is_some() { " " span.muted { "(" code { (a.approval.key.identity) } ")" } }
    }
}

fn pending_card(a: &ApprovalView, user: &User, me: &str) -> Markup {
    let ap = &a.approval;
    let own = ap.requester == me || ap.key.identity == me || a.identity_name.as_deref() == Some(me);
    let field = format!("j-{}", ap.id);
    html! {
        article.card.approval id=(ap.id) aria-labelledby={ "t-" (ap.id) } {
            h3 id={ "t-" (ap.id) } { (a.identity_shown()) " — " (purpose(&ap.purpose)) }
            dl.facts {
                dt { "Identity" } dd { (identity_cell(a)) }
                dt { "Provider" } dd { (ap.key.provider.as_str()) " · " (ap.key.tenant) }
                dt { "Asked by" } dd {
                    (a.requester_shown())
                    @if a.requester_name.is_some() { " " span.muted { "(" code { (ap.requester) } ")" } }
                }
                dt { "Who may approve" } dd { (ap.eligible.iter().map(|e| e.to_string()).collect::<Vec<_>>().join(", ")) }
                dt { "Assurance needed" } dd { "AAL" (ap.required_aal) }
                dt { "Expires" } dd { (layout::time(ap.expires_at)) }
            }
            ul.reasons { @for r in &ap.reasons { li { (r) } } }
            @if own {
                p.fourEyes role="note" { "You asked for this change or it is about you: another approver must decide (four eyes)." }
            }
            @if user.may(Need::Approve) {
                form method="post" action={ "/console/approvals/" (ap.id) } class="stack" {
                    input type="hidden" name="_csrf" value=(user.session.csrf);
                    div {
                        label for=(field) { "Justification" }
                        textarea id=(field) name="justification" rows="2" required {}
                    }
                    div.buttons {
                        button type="submit" name="verdict" value="approve" { "Approve" }
                        button.secondary type="submit" name="verdict" value="deny" { "Deny" }
                    }
                }
            } @else {
                p.muted { "Approving needs an approver or admin token." }
            }
        }
    }
}

fn request_form(user: &User) -> Markup {
    html! {
        form method="post" action="/console/approvals/request" class="grid-form" {
            input type="hidden" name="_csrf" value=(user.session.csrf);
            div.field {
                label for="r-provider" { "Provider" }
                select id="r-provider" name="provider" { @for p in PROVIDERS { option value=(p) { (p) } } }
            }
            div.field { label for="r-tenant" { "Tenant" } input id="r-tenant" name="tenant" required placeholder="acme.okta.com"; }
            div.field { label for="r-identity" { "Identity (id or login)" } input id="r-identity" name="identity" required; }
            div.field { label for="r-kind" { "Factor kind" } input id="r-kind" name="kind" required placeholder="OKTA_VERIFY_PUSH"; }
            div.field {
                label for="r-class" { "Factor class" }
                select id="r-class" name="class" { @for (v, text) in CLASSES { option value=(v) { (text) } } }
            }
            div.field {
                label for="r-aal" { "Session assurance" }
                select id="r-aal" name="session_aal" {
                    option value="1" { "AAL1 (password)" }
                    option value="2" selected { "AAL2 (MFA)" }
                    option value="3" { "AAL3 (hardware key)" }
                }
            }
            div.field { label for="r-device" { "Device id (optional)" } input id="r-device" name="device_id"; }
            div.field { label for="r-country" { "Country (optional)" } input id="r-country" name="country" maxlength="2" placeholder="DE"; }
            div.buttons { button type="submit" { "Ask the decision point" } }
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct RequestForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    provider: String,
    tenant: String,
    identity: String,
    kind: String,
    class: String,
    session_aal: u8,
    #[serde(default)]
    device_id: String,
    #[serde(default)]
    country: String,
}

pub async fn request(
    State(app): State<AppState>,
    user: User,
    headers: HeaderMap,
    Form(form): Form<RequestForm>,
) -> Response {
    let lacking = "asking for decisions needs an analyst, approver or admin token.";
    if let Err(refused) = form_allowed(&user, &headers, &form.csrf, Need::Decide, lacking) {
        return refused;
    }
    let parsed = (
        model::Provider::parse(&form.provider),
        serde_json::from_value::<model::FactorClass>(serde_json::Value::String(form.class.clone())),
    );
    let (Some(provider), Ok(class)) = parsed else {
        return render(&app, &user, StatusCode::BAD_REQUEST, Some("Unknown provider or factor class.".into())).await;
    };
    let optional = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let req = EnrollmentRequest {
        provider,
        tenant: form.tenant.trim().to_string(),
        identity: form.identity.trim().to_string(),
        actor: Some(user.caller().name.clone()),
        factor: FactorSpec { kind: form.kind.trim().to_string(), class, device_bound: false, recovery: false },
        context: RequestContext {
            device_id: optional(&form.device_id),
            geo: optional(&form.country).map(|c| GeoSpec { country: Some(c.to_ascii_uppercase()), city: None }),
            session_aal: form.session_aal,
            ..RequestContext::default()
        },
    };
    let worker = app.clone();
    let (status, notice) = match blocking(move || decide(&worker, &req, Utc::now())).await {
        Ok(answer) => {
            let d = &answer.decision;
            let rules: Vec<&str> = d.reasons.iter().map(|r| r.rule.as_str()).collect();
            let mut text = format!("Decision {}: {} ({}).", d.id, d.outcome, rules.join(", "));
            if let Some(a) = &answer.approval {
                text.push_str(&format!(" Approval {} is pending below.", a.id));
            }
            (StatusCode::OK, text)
        }
        Err(e) => (e.status, format!("Refused: {}", e.message)),
    };
    render(&app, &user, status, Some(notice)).await
}

#[derive(Debug, Deserialize)]
pub struct VerdictForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    verdict: String,
    #[serde(default)]
    justification: String,
}

pub async fn review(
    State(app): State<AppState>,
    user: User,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<VerdictForm>,
) -> Response {
    let lacking = "approving needs an approver or admin token.";
    if let Err(refused) = form_allowed(&user, &headers, &form.csrf, Need::Approve, lacking) {
        return refused;
    }
    let verdict = match form.verdict.as_str() {
        "approve" => Verdict::Approve,
        "deny" => Verdict::Deny,
        other => {
            return render(&app, &user, StatusCode::BAD_REQUEST, Some(format!("Unknown verdict `{other}`."))).await;
        }
    };
    let who = reviewer(user.caller());
    let worker = app.clone();
    let justification = form.justification;
    let done = blocking(move || decide_review(&worker, &id, &who, verdict, &justification, Utc::now())).await;
    let (status, notice) = match done {
        Ok(v) => (StatusCode::OK, format!("Approval {} {}.", v.approval.id, v.state_now)),
        Err(e) => (e.status, format!("Refused: {}", e.message)),
    };
    render(&app, &user, status, Some(notice)).await
}
