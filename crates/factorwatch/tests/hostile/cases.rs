//! The hostile tester's HTTP cases: each request with the status and the error it must get.

use crate::common::bodies::{deep, gzip, gzip_of_spaces, okta};
use crate::{MAX_BODY, OKTA_HOOK_SECRET};

/// Who the request claims to be.
#[derive(Clone)]
pub enum Auth {
    None,
    Bearer(String),
    Header(&'static str, String),
    /// The webhook's signature header, computed over the body as sent.
    Signed,
    /// A signature that does not match the body.
    BadSignature,
}

pub struct Case {
    pub name: String,
    pub method: &'static str,
    pub path: String,
    pub auth: Auth,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
    pub status: u16,
    /// A substring of the answer's body (its error code or message).
    pub expect: String,
}

pub fn case(name: impl Into<String>, method: &'static str, path: &str, auth: Auth, body: impl Into<Vec<u8>>) -> Case {
    Case {
        name: name.into(),
        method,
        path: path.into(),
        auth,
        headers: Vec::new(),
        body: body.into(),
        status: 0,
        expect: String::new(),
    }
}

impl Case {
    pub fn expect(mut self, status: u16, expect: &str) -> Case {
        self.status = status;
        self.expect = expect.into();
        self
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Case {
        self.headers.push((name, value.into()));
        self
    }
}

pub struct Tokens {
    pub ingest: String,
    pub viewer: String,
    pub analyst: String,
    pub admin: String,
}

/// The four ingest routes, each with the credentials that admit it.
pub fn ingest_routes(t: &Tokens) -> Vec<(&'static str, Auth)> {
    vec![
        ("/v1/ingest/okta", Auth::Bearer(t.ingest.clone())),
        ("/v1/hooks/okta", Auth::Header("authorization", OKTA_HOOK_SECRET.into())),
        ("/v1/hooks/entra", Auth::Bearer(t.ingest.clone())),
        ("/v1/webhooks/signed", Auth::Signed),
    ]
}

pub fn cases(t: &Tokens) -> Vec<Case> {
    let bad = Auth::Bearer("fwt_0000000000000000000000000000000000000000000000000000000000000000".into());
    let mut cases = Vec::new();

    // Authentication on every kind of route, before any body byte is read.
    let valid = okta("auth-1", "2026-05-01T09:00:00.000Z");
    for (path, _) in ingest_routes(t) {
        if path == "/v1/webhooks/signed" {
            cases.push(
                case("webhook without signature", "POST", path, Auth::None, valid.clone())
                    .expect(401, "signature header is missing"),
            );
            cases.push(
                case("webhook with a wrong signature", "POST", path, Auth::BadSignature, valid.clone())
                    .expect(401, "does not match"),
            );
            continue;
        }
        cases.push(
            case(format!("{path} without credentials"), "POST", path, Auth::None, valid.clone())
                .expect(401, "unauthorized"),
        );
        cases.push(
            case(format!("{path} with a bad token"), "POST", path, bad.clone(), valid.clone())
                .expect(401, "unauthorized"),
        );
        if path != "/v1/hooks/okta" {
            cases.push(
                case(
                    format!("{path} with a viewer token"),
                    "POST",
                    path,
                    Auth::Bearer(t.viewer.clone()),
                    valid.clone(),
                )
                .expect(403, "forbidden"),
            );
        }
    }
    cases.push(
        case("unknown webhook name", "POST", "/v1/webhooks/nope", Auth::Signed, valid.clone())
            .expect(404, "no webhook named `nope`"),
    );
    let over = vec![b'{'; MAX_BODY + 1024];
    cases.push(
        case(
            "an unauthenticated body over the limit is refused for its token, unread",
            "POST",
            "/v1/ingest/okta",
            Auth::None,
            over.clone(),
        )
        .expect(401, "unauthorized"),
    );
    cases.push(
        case(
            "a viewer's body over the limit is refused for its role, unread",
            "POST",
            "/v1/ingest/okta",
            Auth::Bearer(t.viewer.clone()),
            over.clone(),
        )
        .expect(403, "forbidden"),
    );
    let status = r#"{"status":"acknowledged"}"#;
    for (path, need_token) in [
        ("/v1/incidents/inc_x/status", t.viewer.clone()),
        ("/v1/incidents/inc_x/comments", t.viewer.clone()),
        ("/v1/tokens", t.analyst.clone()),
        ("/v1/decisions/enrollment", t.viewer.clone()),
        ("/v1/approvals/apr_x/approve", t.analyst.clone()),
        ("/v1/revalidation/campaigns/c/items/i/attest", t.analyst.clone()),
        ("/v1/incidents/inc_x/remediation/steps/1", t.viewer.clone()),
    ] {
        cases.push(
            case(format!("{path} without a token"), "POST", path, Auth::None, status).expect(401, "unauthorized"),
        );
        cases.push(
            case(format!("{path} with the wrong role"), "POST", path, Auth::Bearer(need_token), status)
                .expect(403, "forbidden"),
        );
    }
    cases.push(
        case("a JSON post over the limit without a token", "POST", "/v1/incidents/inc_x/comments", Auth::None, over)
            .expect(401, "unauthorized"),
    );
    cases.push(case("list without a token", "GET", "/v1/incidents", Auth::None, "").expect(401, "unauthorized"));
    cases.push(case("list with a bad token", "GET", "/v1/findings", bad.clone(), "").expect(401, "unauthorized"));
    cases.push(
        case("admin list with a viewer token", "GET", "/v1/audit", Auth::Bearer(t.viewer.clone()), "")
            .expect(403, "forbidden"),
    );
    cases.push(
        case(
            "console form without a session goes to sign-in, unread",
            "POST",
            "/console/incidents/inc_x/status",
            Auth::None,
            "_csrf=x&status=resolved",
        )
        .expect(303, ""),
    );

    // Hostile bodies on every ingest route.
    let huge_string = okta("huge-1", "2026-05-01T09:00:00.000Z")
        .replace(r#""outcome":"#, &format!(r#""junk":"{}","outcome":"#, "A".repeat(4 << 20)));
    let in_a_field = valid.replace(r#""outcome":"#, &format!(r#""junk":{},"outcome":"#, deep(9_000)));
    let in_a_string = valid.replace(r#""outcome":"#, &format!(r#""junk":"{}","outcome":"#, deep(9_000)));
    let bodies: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        ("not JSON", b"hello, world".to_vec(), 400, "not JSON"),
        (
            "truncated JSON",
            br#"{"uuid":"t","published":"2026-05-01T09:00:00.000Z","eventType":"#.to_vec(),
            400,
            "truncated JSON",
        ),
        ("wrong types", br#"{"uuid":7,"published":[1],"eventType":{"a":1},"actor":"x"}"#.to_vec(), 400, "error"),
        ("invalid UTF-8", b"{\"uuid\":\"\xff\xfe\"}".to_vec(), 400, "invalid UTF-8"),
        ("NUL bytes", b"{\"uuid\":\"a\0b\"}".to_vec(), 400, "NUL byte"),
        (
            "huge number",
            br#"{"uuid":"n","published":1e999999999,"eventType":"user.session.start"}"#.to_vec(),
            400,
            "error",
        ),
        ("deep nesting, whole body", deep(9_000).into_bytes(), 400, "nested more than 128 levels"),
        ("deep nesting in a field", in_a_field.into_bytes(), 400, "nested more than 128 levels"),
        // A string is not parsed as JSON unless the provider's format says it holds JSON.
        ("deep brackets in a plain string", in_a_string.into_bytes(), 200, "\"events\":1"),
        ("a 4 MiB string", huge_string.into_bytes(), 200, "\"stored\""),
    ];
    for (path, auth) in ingest_routes(t) {
        for (what, body, status, expect) in &bodies {
            // An Okta record on the Entra hook is refused as another provider's.
            let (status, expect) =
                if path == "/v1/hooks/entra" && *status == 200 { (400, "wrong_provider") } else { (*status, *expect) };
            cases
                .push(case(format!("{path}: {what}"), "POST", path, auth.clone(), body.clone()).expect(status, expect));
        }
    }
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend_from_slice(okta("bom-1", "2026-05-01T09:00:00.000Z").as_bytes());
    cases.push(
        case("a byte-order mark before the record", "POST", "/v1/ingest/okta", Auth::Bearer(t.ingest.clone()), bom)
            .expect(400, "not JSON"),
    );

    let ingest = Auth::Bearer(t.ingest.clone());
    // Compression.
    let bomb = gzip_of_spaces(256);
    cases.push(
        case("gzip bomb (256 MiB of spaces)", "POST", "/v1/ingest/okta", ingest.clone(), bomb.clone())
            .header("content-encoding", "gzip")
            .expect(413, "max_decompressed_bytes"),
    );
    cases.push(
        case("gzip bomb without the header", "POST", "/v1/ingest/okta", ingest.clone(), bomb)
            .expect(413, "max_decompressed_bytes"),
    );
    let mut corrupt = gzip(okta("gz-1", "2026-05-01T09:00:00.000Z").repeat(50).as_bytes());
    let half = corrupt.len() / 2;
    corrupt.truncate(half);
    cases.push(
        case("corrupt gzip", "POST", "/v1/ingest/okta", ingest.clone(), corrupt).expect(400, "gzip body is corrupt"),
    );
    cases.push(
        case(
            "gzip header on a plain body",
            "POST",
            "/v1/ingest/okta",
            ingest.clone(),
            okta("gzh-1", "2026-05-01T09:00:00.000Z"),
        )
        .header("content-encoding", "gzip")
        .expect(400, "gzip body is corrupt"),
    );
    let good_gzip = gzip(okta("gz-ok-1", "2026-05-01T09:00:00.000Z").as_bytes());
    cases.push(
        case("valid gzip", "POST", "/v1/ingest/okta", ingest.clone(), good_gzip)
            .header("content-encoding", "gzip")
            .expect(200, "\"stored\":1"),
    );

    // Millions of bad lines: counted in full, listed in part.
    let lines = (MAX_BODY - 16) / 3;
    cases.push(
        case("16 MiB of `{}` lines", "POST", "/v1/ingest/okta", ingest.clone(), "{}\n".repeat(lines)).expect(
            400,
            &format!("no event could be read ({lines} errors: unknown_shape {lines}; the first 20 listed)"),
        ),
    );
    let many_bad = format!("{}\n{}", "{}\n".repeat(5000), okta("after-bad-1", "2026-05-01T09:00:00.000Z"));
    cases.push(
        case("5,000 bad lines beside a good one", "POST", "/v1/ingest/okta", ingest.clone(), many_bad)
            .expect(200, "\"error_count\":5000,\"errors_not_listed\":4980"),
    );

    // Times.
    cases.push(
        case(
            "an event in the year 9999",
            "POST",
            "/v1/ingest/okta",
            ingest.clone(),
            okta("y9999", "9999-01-01T00:00:00.000Z"),
        )
        .expect(400, "dated 9999-01-01T00:00:00Z, after the latest accepted time"),
    );
    cases.push(
        case(
            "an event next year beside a good one",
            "POST",
            "/v1/ingest/okta",
            ingest.clone(),
            format!("{}\n{}", okta("next-year", &next_year()), okta("now-1", "2026-05-01T09:00:00.000Z")),
        )
        .expect(200, "\"future_time\":1"),
    );
    cases.push(
        case("an event in 1970", "POST", "/v1/ingest/okta", ingest.clone(), okta("y1970", "1970-01-01T00:00:00.000Z"))
            .expect(400, "ancient_time"),
    );

    // Sizes, providers, content types.
    cases.push(
        case("a body over max_body_bytes", "POST", "/v1/ingest/okta", ingest.clone(), vec![b' '; MAX_BODY + 1])
            .expect(413, "max_body_bytes"),
    );
    cases.push(
        case("unknown provider", "POST", "/v1/ingest/myspace", ingest.clone(), valid.clone())
            .expect(404, "unknown provider `myspace`"),
    );
    cases.push(
        case(
            "another provider's record",
            "POST",
            "/v1/ingest/entra",
            ingest.clone(),
            okta("wrong-1", "2026-05-01T09:00:00.000Z"),
        )
        .expect(400, "wrong_provider 1"),
    );
    cases.push(
        case(
            "ingest with a text/plain content type",
            "POST",
            "/v1/ingest/okta",
            ingest.clone(),
            okta("ct-1", "2026-05-01T09:00:00.000Z"),
        )
        .header("content-type", "text/plain")
        .expect(200, "\"stored\":1"),
    );
    cases.push(
        case(
            "a JSON post with a text/plain content type",
            "POST",
            "/v1/incidents/inc_x/comments",
            Auth::Bearer(t.analyst.clone()),
            r#"{"text":"x"}"#,
        )
        .header("content-type", "text/plain")
        .expect(415, "unsupported_media_type"),
    );
    cases.push(
        case(
            "a JSON post that is not JSON",
            "POST",
            "/v1/incidents/inc_x/comments",
            Auth::Bearer(t.analyst.clone()),
            "{nope",
        )
        .header("content-type", "application/json")
        .expect(400, "bad_request"),
    );
    cases.push(
        case(
            "a JSON post with wrong types",
            "POST",
            "/v1/decisions/enrollment",
            Auth::Bearer(t.analyst.clone()),
            r#"{"subject":7}"#,
        )
        .header("content-type", "application/json")
        .expect(422, "bad_request"),
    );
    cases.push(
        case(
            "a JSON post nested deep",
            "POST",
            "/v1/incidents/inc_x/comments",
            Auth::Bearer(t.analyst.clone()),
            format!(r#"{{"text":{}}}"#, deep(9_000)),
        )
        .header("content-type", "application/json")
        // The wrong type is seen at the first bracket: nothing descends 9,000 levels.
        .expect(422, "bad_request"),
    );

    // Query parameters and ids.
    let viewer = Auth::Bearer(t.viewer.clone());
    for query in ["limit=-1", "limit=99999999999999999999999", "limit=abc", "offset=-5", "since=yesterday"] {
        cases.push(
            case(format!("/v1/incidents?{query}"), "GET", &format!("/v1/incidents?{query}"), viewer.clone(), "")
                .expect(400, "bad_request"),
        );
    }
    cases.push(
        case("/v1/findings?limit=-1", "GET", "/v1/findings?limit=-1", viewer.clone(), "").expect(400, "bad_request"),
    );
    cases.push(
        case("a traversal-ish incident id", "GET", "/v1/incidents/..%2F..%2Fetc%2Fpasswd", viewer.clone(), "")
            .expect(404, "not_found"),
    );
    cases.push(
        case("a traversal-ish identity path", "GET", "/v1/identities/okta/..%2F..%2F/%00", viewer.clone(), "")
            .expect(404, "not_found"),
    );
    cases.push(
        case("a traversal-ish provider", "POST", "/v1/ingest/..%2Fokta", ingest.clone(), valid.clone())
            .expect(404, "unknown provider"),
    );
    cases.push(
        case("a traversal-ish asset", "GET", "/console/assets/..%2F..%2FCargo.toml", Auth::None, "").expect(404, ""),
    );
    cases.push(
        case("a traversal-ish webhook", "POST", "/v1/webhooks/..%2Fsigned", Auth::Signed, valid.clone())
            .expect(404, "no webhook named"),
    );
    cases.push(
        case("an overlong header", "GET", "/v1/incidents", viewer.clone(), "")
            .header("x-padding", "a".repeat(500_000))
            .expect(431, ""),
    );
    cases
}

pub fn next_year() -> String {
    let next = chrono_like_now_plus_days(300);
    format!("{next}T00:00:00.000Z")
}

/// The civil date `days` from now (UTC), without a date crate in the tests.
pub fn chrono_like_now_plus_days(days: i64) -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let z = (secs / 86_400) + days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}
