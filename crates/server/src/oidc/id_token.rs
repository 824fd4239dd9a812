//! The ID token checks of OpenID Connect Core §3.1.3.7: signed by one of the issuer's
//! published keys with an asymmetric algorithm, issued by the configured issuer, for this
//! client, not expired, and carrying the nonce this sign-in sent.

use jsonwebtoken::jwk::{Jwk, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header, errors::ErrorKind};
use serde_json::{Map, Value};
use subtle::ConstantTimeEq;

/// Algorithms accepted: public-key signatures only. HMAC would make the client secret a
/// signing key, and `none` is never accepted by the library.
const ALGORITHMS: [Algorithm; 8] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
];

/// Clock difference tolerated between the provider and this service, in seconds.
const LEEWAY_SECONDS: u64 = 60;

/// Why an ID token is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdTokenError {
    /// Not three base64url parts of JSON, or a key the library cannot read.
    #[error("the ID token is not a signed JWT ({0})")]
    Malformed(String),
    /// An algorithm outside the accepted ones, or not the one the key is published for.
    #[error("the ID token is signed with {0:?}; only RS*, PS* and ES256/ES384 are accepted")]
    Algorithm(Algorithm),
    /// No published key with the token's key id.
    #[error("the ID token names the key `{0}`, which is not among the issuer's published keys")]
    UnknownKey(String),
    /// The signature does not match.
    #[error("the ID token's signature does not verify with the issuer's key")]
    BadSignature,
    /// `iss` is not the configured issuer.
    #[error("the ID token was issued by another issuer")]
    WrongIssuer,
    /// `aud` does not name this client (or `azp` does not, with several audiences).
    #[error("the ID token is meant for another client (audience)")]
    WrongAudience,
    /// `exp` has passed (beyond the leeway).
    #[error("the ID token has expired")]
    Expired,
    /// A claim every ID token must carry is absent.
    #[error("the ID token lacks the `{0}` claim")]
    Missing(String),
    /// `nonce` is absent or not the one this sign-in sent.
    #[error("the ID token's nonce is not the one this sign-in sent")]
    BadNonce,
}

/// What the token must say.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    /// The configured issuer.
    pub issuer: &'a str,
    /// This client's id.
    pub client_id: &'a str,
    /// The nonce sent when the sign-in started.
    pub nonce: &'a str,
}

/// The issuer's signing keys from its JWKS document. Keys this library cannot read, or meant
/// for encryption, are left out rather than failing the whole set.
pub fn signing_keys(jwks: &Value) -> Vec<Jwk> {
    let keys = jwks.get("keys").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    keys.iter()
        .filter_map(|k| serde_json::from_value::<Jwk>(k.clone()).ok())
        .filter(|k| !matches!(k.common.public_key_use, Some(PublicKeyUse::Encryption)))
        .collect()
}

/// Verifies `token` and returns its claims.
pub fn verify(token: &str, keys: &[Jwk], expected: Expected<'_>) -> Result<Map<String, Value>, IdTokenError> {
    let header = decode_header(token).map_err(|e| IdTokenError::Malformed(e.to_string()))?;
    if !ALGORITHMS.contains(&header.alg) {
        return Err(IdTokenError::Algorithm(header.alg));
    }
    let jwk = match &header.kid {
        Some(kid) => keys.iter().find(|k| k.common.key_id.as_deref() == Some(kid.as_str())),
        // Without a key id the issuer must publish a single key.
        None => match keys {
            [only] => Some(only),
            _ => None,
        },
    }
    .ok_or_else(|| IdTokenError::UnknownKey(header.kid.clone().unwrap_or_else(|| "(no kid)".into())))?;
    // A key published for one algorithm does not verify another.
    if let Some(alg) = jwk.common.key_algorithm
        && format!("{alg:?}") != format!("{:?}", header.alg)
    {
        return Err(IdTokenError::Algorithm(header.alg));
    }
    let key = DecodingKey::from_jwk(jwk).map_err(|e| IdTokenError::Malformed(format!("the issuer's key: {e}")))?;
    let mut validation = Validation::new(header.alg);
    validation.set_issuer(&[expected.issuer]);
    validation.set_audience(&[expected.client_id]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.leeway = LEEWAY_SECONDS;
    let claims = decode::<Map<String, Value>>(token, &key, &validation).map_err(classify)?.claims;
    // Several audiences: the token must name this client as the party it was issued to.
    if let Some(Value::Array(audiences)) = claims.get("aud")
        && audiences.len() > 1
        && claims.get("azp").and_then(Value::as_str) != Some(expected.client_id)
    {
        return Err(IdTokenError::WrongAudience);
    }
    let nonce = claims.get("nonce").and_then(Value::as_str).unwrap_or_default();
    if nonce.is_empty() || !bool::from(nonce.as_bytes().ct_eq(expected.nonce.as_bytes())) {
        return Err(IdTokenError::BadNonce);
    }
    Ok(claims)
}

fn classify(e: jsonwebtoken::errors::Error) -> IdTokenError {
    match e.into_kind() {
        ErrorKind::InvalidSignature | ErrorKind::Crypto(_) => IdTokenError::BadSignature,
        ErrorKind::InvalidIssuer => IdTokenError::WrongIssuer,
        ErrorKind::InvalidAudience => IdTokenError::WrongAudience,
        ErrorKind::ExpiredSignature => IdTokenError::Expired,
        ErrorKind::MissingRequiredClaim(claim) => IdTokenError::Missing(claim),
        other => IdTokenError::Malformed(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use jsonwebtoken::{EncodingKey, Header, encode};
    use serde_json::json;

    // Two RSA keys made for these tests only (PKCS#1 DER); the JWKS publishes the first as `test-a`.
    const KEY_A: &[u8] = include_bytes!("testdata/key-a.der");
    const KEY_B: &[u8] = include_bytes!("testdata/key-b.der");
    const JWKS_A: &str = include_str!("testdata/jwks-a.json");

    const ISSUER: &str = "https://idp.example.com";
    const CLIENT: &str = "factorwatch";
    const NONCE: &str = "n-0S6_WzA2Mj";

    fn expected() -> Expected<'static> {
        Expected { issuer: ISSUER, client_id: CLIENT, nonce: NONCE }
    }

    fn keys() -> Vec<Jwk> {
        signing_keys(&serde_json::from_str(JWKS_A).unwrap())
    }

    fn now() -> i64 {
        chrono::Utc::now().timestamp()
    }

    fn claims() -> Value {
        json!({
            "iss": ISSUER, "aud": CLIENT, "sub": "dana", "nonce": NONCE,
            "iat": now(), "exp": now() + 300, "groups": ["soc"],
        })
    }

    fn sign(claims: &Value, der: &[u8]) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some("test-a".into());
        encode(&header, claims, &EncodingKey::from_rsa_der(der)).unwrap()
    }

    fn with(field: &str, value: Value) -> Value {
        let mut c = claims();
        c[field] = value;
        c
    }

    #[test]
    fn a_token_signed_by_the_issuers_key_for_this_client_is_accepted() {
        let claims = verify(&sign(&claims(), KEY_A), &keys(), expected()).unwrap();
        assert_eq!(claims["sub"], "dana");
        assert_eq!(claims["groups"], json!(["soc"]));
    }

    #[test]
    fn a_bad_signature_is_refused() {
        // Signed with another key under the published key's id.
        assert_eq!(verify(&sign(&claims(), KEY_B), &keys(), expected()), Err(IdTokenError::BadSignature));
        // The issuer's signature over other claims.
        let genuine = sign(&claims(), KEY_A);
        let forged = sign(&with("sub", json!("mallory")), KEY_A);
        let mut parts: Vec<&str> = forged.split('.').collect();
        parts[2] = genuine.split('.').nth(2).unwrap();
        assert_eq!(verify(&parts.join("."), &keys(), expected()), Err(IdTokenError::BadSignature));
    }

    #[test]
    fn a_bad_nonce_is_refused() {
        let token = sign(&with("nonce", json!("another-sign-in")), KEY_A);
        assert_eq!(verify(&token, &keys(), expected()), Err(IdTokenError::BadNonce));
        let mut without = claims();
        without.as_object_mut().unwrap().remove("nonce");
        assert_eq!(verify(&sign(&without, KEY_A), &keys(), expected()), Err(IdTokenError::BadNonce));
    }

    #[test]
    fn a_token_for_another_audience_is_refused() {
        let token = sign(&with("aud", json!("another-app")), KEY_A);
        assert_eq!(verify(&token, &keys(), expected()), Err(IdTokenError::WrongAudience));
        // Several audiences and this client is not the authorized party.
        let token = sign(&with("aud", json!([CLIENT, "another-app"])), KEY_A);
        assert_eq!(verify(&token, &keys(), expected()), Err(IdTokenError::WrongAudience));
    }

    #[test]
    fn an_expired_token_is_refused() {
        let token = sign(&with("exp", json!(now() - 3600)), KEY_A);
        assert_eq!(verify(&token, &keys(), expected()), Err(IdTokenError::Expired));
    }

    #[test]
    fn a_token_from_another_issuer_is_refused() {
        let token = sign(&with("iss", json!("https://evil.example.com")), KEY_A);
        assert_eq!(verify(&token, &keys(), expected()), Err(IdTokenError::WrongIssuer));
    }

    #[test]
    fn an_unknown_key_and_an_hmac_token_are_refused() {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some("rotated-away".into());
        let token = encode(&header, &claims(), &EncodingKey::from_rsa_der(KEY_A)).unwrap();
        assert_eq!(verify(&token, &keys(), expected()), Err(IdTokenError::UnknownKey("rotated-away".into())));
        let hmac =
            encode(&Header::new(Algorithm::HS256), &claims(), &EncodingKey::from_secret(b"client secret")).unwrap();
        assert_eq!(verify(&hmac, &keys(), expected()), Err(IdTokenError::Algorithm(Algorithm::HS256)));
        assert!(matches!(verify("not.a.jwt", &keys(), expected()), Err(IdTokenError::Malformed(_))));
    }
}
