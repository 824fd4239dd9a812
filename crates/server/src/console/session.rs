//! Console sessions: signing in with an API token or through the OpenID provider starts a
//! session kept in memory, named by a random id in an HttpOnly, SameSite=Strict cookie; every
//! form carries the session's CSRF token. A token's hash is kept so that revoking the token
//! ends its sessions at once.

use crate::auth::{self, Caller, Need};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use rand::{RngCore, TryRngCore};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq;

pub const COOKIE: &str = "fw_session";
/// A session ends this long after sign-in.
const LIFETIME: Duration = Duration::from_secs(8 * 3600);
/// Most sessions kept in all; the oldest go first. Each user is held to
/// `[server] max_sessions_per_user` well before this.
pub const MAX_SESSIONS: usize = 10_000;

#[derive(Debug, Clone)]
pub struct Session {
    pub caller: Caller,
    pub csrf: String,
    proof: Proof,
    started: Instant,
}

/// How the user proved who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proof {
    /// An API token, by its hash: checked again on every request, so revoking it signs out.
    Token { hash: String },
    /// A verified ID token from the configured provider, whose subject this is: the session
    /// lasts its lifetime, and the role is the one the groups gave at sign-in.
    Oidc { subject: String },
}

impl Proof {
    pub fn token(token: &str) -> Proof {
        Proof::Token { hash: auth::hash_token(token) }
    }

    /// Sessions with the same key belong to one user (for the per-user cap).
    fn user_key(&self) -> String {
        match self {
            Proof::Token { hash } => format!("token:{hash}"),
            Proof::Oidc { subject } => format!("oidc:{subject}"),
        }
    }
}

#[derive(Debug, Default)]
pub struct Sessions {
    map: Mutex<HashMap<String, Session>>,
}

fn random_hex(bytes: usize) -> String {
    let mut rng = rand::rngs::OsRng.unwrap_err();
    let mut buf = vec![0u8; bytes];
    rng.fill_bytes(&mut buf);
    hex::encode(buf)
}

impl Sessions {
    /// Starts a session for a verified user; returns its id. Past `per_user` sessions of the
    /// same user (token, or provider subject), that user's own oldest ends (another user's
    /// never does); past [`MAX_SESSIONS`] in all, the oldest of anyone's ends.
    pub fn start(&self, caller: Caller, proof: Proof, per_user: usize) -> String {
        let id = random_hex(32);
        let session = Session { caller, csrf: random_hex(32), proof, started: Instant::now() };
        let key = session.proof.user_key();
        if let Ok(mut map) = self.map.lock() {
            map.retain(|_, s| s.started.elapsed() < LIFETIME);
            let mut own: Vec<(Instant, String)> =
                map.iter().filter(|(_, s)| s.proof.user_key() == key).map(|(k, s)| (s.started, k.clone())).collect();
            own.sort();
            let excess = (own.len() + 1).saturating_sub(per_user.max(1));
            for (_, oldest) in own.into_iter().take(excess) {
                map.remove(&oldest);
            }
            if map.len() >= MAX_SESSIONS
                && let Some(oldest) = map.iter().min_by_key(|(_, s)| s.started).map(|(k, _)| k.clone())
            {
                map.remove(&oldest);
            }
            map.insert(id.clone(), session);
        }
        id
    }

    /// Sessions held now (expired ones included until the next sign-in sweeps them).
    pub fn count(&self) -> usize {
        self.map.lock().map(|m| m.len()).unwrap_or(0)
    }

    pub fn get(&self, id: &str) -> Option<Session> {
        let map = self.map.lock().ok()?;
        map.get(id).filter(|s| s.started.elapsed() < LIFETIME).cloned()
    }

    pub fn end(&self, id: &str) {
        if let Ok(mut map) = self.map.lock() {
            map.remove(id);
        }
    }
}

/// The cookie that names a new session.
pub fn cookie(id: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}", LIFETIME.as_secs())
}

/// The cookie that ends it.
pub fn cleared(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}")
}

pub fn session_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_string())
}

/// A signed-in console user, whose token still holds. Pages that need one redirect to the
/// sign-in page otherwise.
#[derive(Debug, Clone)]
pub struct User {
    pub session_id: String,
    pub session: Session,
}

impl User {
    pub fn caller(&self) -> &Caller {
        &self.session.caller
    }

    pub fn may(&self, need: Need) -> bool {
        need.allows(self.session.caller.role)
    }

    /// The form's CSRF token matches the session's.
    pub fn csrf_ok(&self, given: &str) -> bool {
        bool::from(given.as_bytes().ct_eq(self.session.csrf.as_bytes()))
    }
}

pub struct SignIn;

impl IntoResponse for SignIn {
    fn into_response(self) -> Response {
        Redirect::to("/console/login").into_response()
    }
}

impl FromRequestParts<AppState> for User {
    type Rejection = SignIn;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<User, SignIn> {
        let id = session_id(&parts.headers).ok_or(SignIn)?;
        let session = app.sessions.get(&id).ok_or(SignIn)?;
        if let Proof::Token { hash } = &session.proof {
            let hash = hash.clone();
            let record = app.db.run(move |s| s.token_by_hash(&hash)).await.map_err(|_| SignIn)?;
            if auth::check(record, Need::Read).is_err() {
                app.sessions.end(&id);
                return Err(SignIn);
            }
        }
        Ok(User { session_id: id, session })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use store::Role;

    fn caller(name: &str) -> Caller {
        Caller { token_id: format!("tok_{name}"), name: name.into(), role: Role::Viewer }
    }

    #[test]
    fn signing_in_past_the_cap_ends_only_the_same_users_oldest_session() {
        let sessions = Sessions::default();
        let victim = sessions.start(caller("victim"), Proof::token("fwt_victim"), 3);
        let first = sessions.start(caller("mallory"), Proof::token("fwt_mallory"), 3);
        let mut latest = Vec::new();
        for _ in 0..50 {
            latest.push(sessions.start(caller("mallory"), Proof::token("fwt_mallory"), 3));
        }
        assert!(sessions.get(&victim).is_some(), "another user's session was ended");
        assert!(sessions.get(&first).is_none(), "the abuser's oldest session survived");
        assert!(latest.iter().rev().take(3).all(|id| sessions.get(id).is_some()));
        assert_eq!(sessions.count(), 4);
    }

    #[test]
    fn provider_sign_ins_are_capped_per_subject_apart_from_tokens() {
        let sessions = Sessions::default();
        let oidc = |sub: &str| Proof::Oidc { subject: sub.into() };
        let token = sessions.start(caller("dana"), Proof::token("fwt_dana"), 2);
        let other = sessions.start(caller("erin"), oidc("erin"), 2);
        let first = sessions.start(caller("dana"), oidc("dana"), 2);
        let second = sessions.start(caller("dana"), oidc("dana"), 2);
        let third = sessions.start(caller("dana"), oidc("dana"), 2);
        assert!(sessions.get(&first).is_none(), "the subject's oldest session survived the cap");
        assert!([token, other, second, third].iter().all(|id| sessions.get(id).is_some()));
    }
}
