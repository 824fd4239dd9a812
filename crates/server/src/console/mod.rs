//! The web console: server-rendered pages over the same store and detection state as the API,
//! with assets embedded in the binary and a little script for keyboard use and live updates.

pub mod approvals;
pub mod blast_svg;
pub mod coverage;
pub mod identity;
pub mod incident;
pub mod layout;
pub mod oidc;
pub mod queue;
pub mod remediation;
pub mod revalidation;
pub mod session;

use crate::auth::{self, Need};
use crate::state::AppState;
use axum::Form;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use layout::Nav;
use maud::html;
use serde::Deserialize;
use session::User;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/console") }))
        .route("/console/login", get(login_page).post(login))
        .route("/console/logout", post(logout))
        .route("/console/oidc/start", get(oidc::start))
        .route("/console/oidc/callback", get(oidc::callback))
        .route("/console", get(queue::page))
        .route("/console/queue/rows", get(queue::rows))
        .route("/console/incidents/{id}", get(incident::page))
        .route("/console/incidents/{id}/status", post(incident::set_status))
        .route("/console/incidents/{id}/assignee", post(incident::set_assignee))
        .route("/console/incidents/{id}/comments", post(incident::comment))
        .route("/console/incidents/{id}/remediation/{step}", post(remediation::run))
        .route("/console/identities", get(identity::lookup))
        .route("/console/identities/{provider}/{tenant}/{id}", get(identity::page))
        .route("/console/coverage", get(coverage::page))
        .route("/console/approvals", get(approvals::page))
        .route("/console/approvals/request", post(approvals::request))
        .route("/console/approvals/{id}", post(approvals::review))
        .route("/console/revalidation", get(revalidation::page))
        .route("/console/assets/{file}", get(asset))
        // Forms hold a token, a status or a comment: nothing near the API's body limit.
        .layer(axum::extract::DefaultBodyLimit::max(FORM_LIMIT))
}

/// The largest console form accepted, in bytes.
const FORM_LIMIT: usize = 64 * 1024;

async fn asset(Path(file): Path<String>) -> Response {
    let (body, kind) = match file.as_str() {
        "console.css" => (include_str!("assets/console.css"), "text/css; charset=utf-8"),
        "console.js" => (include_str!("assets/console.js"), "text/javascript; charset=utf-8"),
        "favicon.svg" => (include_str!("assets/favicon.svg"), "image/svg+xml"),
        _ => return (StatusCode::NOT_FOUND, "no such asset").into_response(),
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    response
}

/// Headers every console page carries: no framing, no sniffing, scripts and styles only from
/// the console itself.
pub fn secure(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
        ),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn cookie_secure(app: &AppState) -> bool {
    app.config.server.console_url.as_deref().is_some_and(|u| u.starts_with("https://"))
}

fn login_form(app: &AppState, message: Option<&str>) -> Response {
    let provider = app.oidc.as_ref().map(|client| client.settings.label.as_str());
    let body = html! {
        div.login.stack {
            h1 { "Sign in" }
            (layout::notice(message))
            @if let Some(label) = provider {
                p { a.button href="/console/oidc/start" { "Sign in with " (label) } }
                p.muted { "Or with an API token:" }
            }
            form method="post" action="/console/login" class="stack" {
                div {
                    label for="token" { "API token" }
                    input id="token" name="token" type="password" autocomplete="current-password" required autofocus;
                }
                p.muted { "A viewer, analyst, approver or admin token from " code { "factorwatch token create" } "." }
                button type="submit" { "Sign in" }
            }
        }
    };
    let status = if message.is_some() { StatusCode::UNAUTHORIZED } else { StatusCode::OK };
    secure((status, layout::page("Sign in", Nav::None, None, body)).into_response())
}

async fn login_page(State(app): State<AppState>) -> Response {
    login_form(&app, None)
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    token: String,
}

async fn login(State(app): State<AppState>, Form(form): Form<LoginForm>) -> Response {
    let token = form.token.trim().to_string();
    let hash = auth::hash_token(&token);
    let record = match app.db.run(move |s| s.token_by_hash(&hash)).await {
        Ok(record) => record,
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    match auth::check(record, Need::Read) {
        Ok(caller) => {
            tracing::info!(who = %caller.name, "console sign-in");
            let proof = session::Proof::token(&token);
            let id = app.sessions.start(caller, proof, app.config.server.max_sessions_per_user);
            let mut response = Redirect::to("/console").into_response();
            if let Ok(value) = HeaderValue::from_str(&session::cookie(&id, cookie_secure(&app))) {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            secure(response)
        }
        Err(e) => {
            app.metrics.refuse("console_sign_in");
            login_form(&app, Some(&format!("Not signed in: {}.", e.message)))
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(rename = "_csrf")]
    csrf: String,
}

async fn logout(State(app): State<AppState>, user: User, Form(form): Form<CsrfForm>) -> Response {
    if !user.csrf_ok(&form.csrf) {
        return csrf_refused();
    }
    app.sessions.end(&user.session_id);
    let mut response = Redirect::to("/console/login").into_response();
    if let Ok(value) = HeaderValue::from_str(&session::cleared(cookie_secure(&app))) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    secure(response)
}

/// A form without the session's CSRF token: refused, and said so.
pub fn csrf_refused() -> Response {
    let body = html! {
        h1 { "Refused" }
        p { "The form did not carry this session's security token. Go back, reload the page and try again." }
    };
    secure((StatusCode::FORBIDDEN, layout::page("Refused", Nav::None, None, body)).into_response())
}

/// Whether a form post may act: it carries this session's CSRF token, comes from this
/// console, and the signed-in role reaches `need` (`what` says what the role lacks). Else
/// the refusal to answer with.
pub fn form_allowed(user: &User, headers: &HeaderMap, csrf: &str, need: Need, what: &str) -> Result<(), Response> {
    if !user.csrf_ok(csrf) || !same_origin(headers) {
        return Err(csrf_refused());
    }
    if !user.may(need) {
        return Err(forbidden(user, what));
    }
    Ok(())
}

/// A page for a role that does not reach.
pub fn forbidden(user: &User, what: &str) -> Response {
    let body = html! {
        h1 { "Not allowed" }
        p { "Your token has the role " strong { (user.caller().role.as_str()) } "; " (what) }
    };
    secure((StatusCode::FORBIDDEN, layout::page("Not allowed", Nav::None, Some(user), body)).into_response())
}

pub fn not_found(user: &User, what: &str) -> Response {
    let body = html! { h1 { "Not found" } p { (what) } p { a href="/console" { "Back to the queue" } } };
    secure((StatusCode::NOT_FOUND, layout::page("Not found", Nav::None, Some(user), body)).into_response())
}

/// A form whose fields cannot be used: the reason, and the way back.
pub fn bad_form(user: &User, what: &str, back: &str) -> Response {
    let body = html! { h1 { "Not done" } p { (what) } p { a href=(back) { "Back" } } };
    secure((StatusCode::BAD_REQUEST, layout::page("Not done", Nav::None, Some(user), body)).into_response())
}

pub fn failed(e: impl std::fmt::Display) -> Response {
    let body = html! { h1 { "Something failed" } p { (e.to_string()) } };
    secure((StatusCode::SERVICE_UNAVAILABLE, layout::page("Failed", Nav::None, None, body)).into_response())
}

/// Percent-encodes a path segment.
pub use model::percent::path_segment as seg;

/// The headers a form post came with are from this console (SameSite=Strict already keeps the
/// cookie off cross-site requests; this refuses a forged Origin too).
pub fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return true };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    origin.split("://").nth(1).is_some_and(|o| o == host)
}
