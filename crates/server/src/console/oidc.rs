//! Signing in through the team's OpenID provider: `/console/oidc/start` sends the browser to
//! the provider with a new state, nonce and PKCE challenge; `/console/oidc/callback` takes the
//! code back, checks the state against the browser's cookie, has the ID token verified, and
//! starts a session with the role the user's groups map to. Groups that map to no role are
//! refused with a page that says so; no session is started.

use super::layout::{self, Nav};
use super::session::{self, Proof};
use super::{cookie_secure, secure};
use crate::auth::Caller;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use subtle::ConstantTimeEq;

/// Binds a sign-in to the browser that started it. SameSite=Lax: the provider's redirect
/// back is a cross-site navigation, which a Strict cookie would not accompany.
const STATE_COOKIE: &str = "fw_oidc_state";

fn state_cookie(value: &str, max_age: u64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{STATE_COOKIE}={value}; Path=/console/oidc; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

fn state_from_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == STATE_COOKIE)
        .map(|(_, value)| value.to_string())
}

pub async fn start(State(app): State<AppState>) -> Response {
    let Some(client) = app.oidc.clone() else {
        return refused(
            StatusCode::NOT_FOUND,
            "Sign-in through an identity provider is not set up ([server.oidc]).",
            &[],
        );
    };
    match client.begin().await {
        Ok(begun) => {
            let mut response = Redirect::to(&begun.url).into_response();
            if let Ok(value) = HeaderValue::from_str(&state_cookie(&begun.state, 600, cookie_secure(&app))) {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            secure(response)
        }
        Err(e) => {
            tracing::warn!(error = %e, "console sign-in through the provider could not start");
            refused(StatusCode::BAD_GATEWAY, &format!("Sign-in could not start: {e}."), &[])
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

pub async fn callback(State(app): State<AppState>, headers: HeaderMap, Query(back): Query<Callback>) -> Response {
    let Some(client) = app.oidc.clone() else {
        return refused(
            StatusCode::NOT_FOUND,
            "Sign-in through an identity provider is not set up ([server.oidc]).",
            &[],
        );
    };
    let state = back.state.unwrap_or_default();
    let bound = state_from_cookie(&headers)
        .is_some_and(|c| !state.is_empty() && bool::from(c.as_bytes().ct_eq(state.as_bytes())));
    if !bound {
        app.metrics.refuse("console_sign_in");
        return refused(
            StatusCode::BAD_REQUEST,
            "This sign-in was not started in this browser, or it expired. Start again.",
            &[],
        );
    }
    if let Some(error) = back.error {
        let detail = back.error_description.unwrap_or_default();
        return refused(
            StatusCode::UNAUTHORIZED,
            &format!("The identity provider did not sign you in: {error} {detail}"),
            &[],
        );
    }
    let Some(code) = back.code.filter(|c| !c.is_empty()) else {
        return refused(StatusCode::BAD_REQUEST, "The identity provider sent no authorization code.", &[]);
    };
    let who = match client.finish(&state, &code).await {
        Ok(who) => who,
        Err(e) => {
            app.metrics.refuse("console_sign_in");
            tracing::warn!(error = %e, "console sign-in through the provider refused");
            return refused(StatusCode::UNAUTHORIZED, &format!("Sign-in failed: {e}."), &[]);
        }
    };
    let Some(role) = client.settings.role_for(&who.groups) else {
        app.metrics.refuse("console_sign_in");
        tracing::warn!(who = %who.name, groups = ?who.groups, "console sign-in refused: no group maps to a role");
        let message = format!(
            "{} is known to the identity provider, but none of their groups gives a console role. \
             Ask a factorwatch administrator to map one of them in [server.oidc.roles].",
            who.name
        );
        return refused(StatusCode::FORBIDDEN, &message, &who.groups);
    };
    tracing::info!(who = %who.name, role = role.as_str(), "console sign-in through the provider");
    let caller = Caller { token_id: format!("oidc:{}", who.subject), name: who.name, role };
    let id = app.sessions.start(caller, Proof::Oidc { subject: who.subject }, app.config.server.max_sessions_per_user);
    signed_in(&app, &id)
}

/// The session cookie, and a page that moves on to the queue by itself. A redirect would
/// not do: the browser arrived from the provider's site, and a SameSite=Strict cookie is not
/// sent along a redirect chain that began on another site.
fn signed_in(app: &AppState, id: &str) -> Response {
    let body = html! {
        meta http-equiv="refresh" content="0; url=/console";
        h1 { "Signed in" }
        p { a href="/console" { "Go to the queue" } }
    };
    let mut response = (StatusCode::OK, layout::page("Signed in", Nav::None, None, body)).into_response();
    let headers = response.headers_mut();
    let secure_cookie = cookie_secure(app);
    for cookie in [session::cookie(id, secure_cookie), state_cookie("", 0, secure_cookie)] {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            headers.append(header::SET_COOKIE, value);
        }
    }
    secure(response)
}

/// A page saying why nobody was signed in, with the groups the provider named if any.
fn refused(status: StatusCode, message: &str, groups: &[String]) -> Response {
    let body = html! {
        div.login.stack {
            h1 { "Not signed in" }
            p role="alert" { (message) }
            @if !groups.is_empty() {
                p { "Groups the identity provider named: " (groups.join(", ")) "." }
            }
            p { a href="/console/login" { "Back to sign-in" } }
        }
    };
    secure((status, layout::page("Not signed in", Nav::None, None, body)).into_response())
}
