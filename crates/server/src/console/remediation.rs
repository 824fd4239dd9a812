//! Running an incident's remediation steps from its page: a dry run, an execution with an
//! approved remediation approval, or a step recorded as done by hand. The same code path as
//! `POST /v1/incidents/{id}/remediation/steps/{step}`, so the same rules hold: executing a
//! change needs an approval that another person gave (four eyes), and every run is audited.

use crate::api::remediation::{Plan, StepRun, execute_step};
use crate::auth::Need;
use crate::console::layout::{self, Nav};
use crate::console::session::User;
use crate::console::{form_allowed, secure, seg};
use crate::state::AppState;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use model::RemediationStep;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct StepForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    /// `dry_run`, `execute` or `by_hand`.
    mode: String,
    #[serde(default)]
    approval: String,
    #[serde(default)]
    factor: String,
}

pub async fn run(
    State(app): State<AppState>,
    user: User,
    headers: HeaderMap,
    Path((id, number)): Path<(String, u32)>,
    Form(form): Form<StepForm>,
) -> Response {
    let lacking = "running remediation needs an analyst, approver or admin token.";
    if let Err(refused) = form_allowed(&user, &headers, &form.csrf, Need::Triage, lacking) {
        return refused;
    }
    let given = |text: &str| Some(text.trim().to_string()).filter(|t| !t.is_empty());
    let run = StepRun {
        execute: form.mode == "execute",
        done_by_hand: form.mode == "by_hand",
        approval: given(&form.approval),
        factor: given(&form.factor),
        ..StepRun::default()
    };
    let back = format!("/console/incidents/{}", seg(&id));
    match execute_step(&app, user.caller(), id, number, run).await {
        Ok(_) => Redirect::to(&format!("{back}#h-plan")).into_response(),
        Err(e) => {
            let body = html! {
                h1 { "Step " (number) " not run" }
                p role="alert" { (e.message) }
                p { a href={ (back) "#h-plan" } { "Back to the incident" } }
            };
            secure((e.status, layout::page("Step not run", Nav::None, Some(&user), body)).into_response())
        }
    }
}

/// The plan on the incident page: each step with its state and, for those who may, a form to
/// run it.
pub fn section(plan: Option<&Plan>, steps: &[RemediationStep], incident: &str, user: &User) -> Markup {
    let state = |n: u32| {
        plan.and_then(|p| p.steps.iter().find(|s| s.step.step == n))
            .map(|s| s.state.as_str())
            .filter(|s| *s != "todo")
            .unwrap_or("not started")
    };
    html! {
        section aria-labelledby="h-plan" {
            h2 #h-plan { "Remediation plan" }
            @if steps.is_empty() { (layout::empty("No steps.")) }
            @if let Some(p) = plan && !steps.is_empty() {
                p.muted {
                    @match p.connector {
                        Some(api) => { "Steps run through the " (api) " connector. " }
                        None => { "No connector is configured for this provider: record steps done at the provider by hand. " }
                    }
                    "Executing a change needs an approved remediation approval (another person approves; see Approvals)."
                }
            }
            ol.plan {
                @for step in steps {
                    li {
                        strong { (step.action) } " " span.muted { "(" code { (step.api) } ")" } br;
                        (step.detail) br;
                        span.muted.step-state { "state: " (state(step.step).replace('_', " ")) }
                        @if user.may(Need::Triage) { (form(step.step, incident, user)) }
                    }
                }
            }
        }
    }
}

fn form(n: u32, incident: &str, user: &User) -> Markup {
    html! {
        form.step method="post" action={ "/console/incidents/" (seg(incident)) "/remediation/" (n) } {
            input type="hidden" name="_csrf" value=(user.session.csrf);
            div.buttons {
                label for={ "mode-" (n) } { "Run step " (n) }
                select id={ "mode-" (n) } name="mode" {
                    option value="dry_run" { "dry run" }
                    option value="execute" { "execute" }
                    option value="by_hand" { "done by hand" }
                }
                label for={ "approval-" (n) } { "Approval" }
                input id={ "approval-" (n) } name="approval" placeholder="apr_…" size="14";
                label for={ "factor-" (n) } { "Factor id" }
                input id={ "factor-" (n) } name="factor" size="12";
                button type="submit" { "Run" }
            }
        }
    }
}
