//! What a request's trace span records: its method, its path and the NAMES of its query
//! parameters. Never a query value (clients put tokens there, `?token=…`) and never a header
//! (Authorization, Cookie): a debug log must be safe to paste into a ticket.

use axum::http::Request;

/// The span each request is traced in (tower-http's `MakeSpan`).
pub(crate) fn request_span<B>(request: &Request<B>) -> tracing::Span {
    tracing::debug_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        query = %query_names(request.uri().query()),
    )
}

/// `limit=…&token=…` → `limit,token`. A parameter without `=`, or whose name does not look
/// like one (too long, or odd characters: a value pasted in its place), shows as `?`.
pub(crate) fn query_names(query: Option<&str>) -> String {
    let mut names = String::new();
    for part in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        if !names.is_empty() {
            names.push(',');
        }
        match part.split_once('=') {
            Some((name, _)) if looks_like_a_name(name) => names.push_str(name),
            _ => names.push('?'),
        }
    }
    names
}

fn looks_like_a_name(name: &str) -> bool {
    (1..=32).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'[' | b']'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_parameter_names_are_kept() {
        assert_eq!(query_names(Some("limit=5&token=SECRETVALUE")), "limit,token");
        assert_eq!(query_names(Some("status=open&status=closed&")), "status,status");
        assert_eq!(query_names(None), "");
    }

    #[test]
    fn a_value_in_a_name_s_place_is_not_shown() {
        assert_eq!(query_names(Some("SECRETVALUE")), "?");
        assert_eq!(query_names(Some("a=1&eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0=x")), "a,?");
        assert_eq!(query_names(Some("to%6Ben=x")), "?");
    }
}
