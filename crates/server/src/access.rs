//! Who may call a route, decided from the request's headers before any body byte is read:
//! the bearer token is looked up and its role checked against the route's need, and the
//! [`Caller`] handed to the handler in the request's extensions. A caller without the right
//! token is answered at once, whatever body it announced or is still sending.

use crate::auth::{Caller, Need};
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Middleware for one route: `from_fn_with_state((state, need), require)`.
pub async fn require(State((app, need)): State<(AppState, Need)>, mut request: Request, next: Next) -> Response {
    match app.authorize(request.headers(), need).await {
        Ok(caller) => {
            request.extensions_mut().insert::<Caller>(caller);
            next.run(request).await
        }
        Err(refused) => refused.into_response(),
    }
}
