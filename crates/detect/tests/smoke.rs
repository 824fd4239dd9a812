//! A first end-to-end story through normalizers and engine (Okta): a baseline at home, a
//! sign-in from the other side of the world, a factor bound right after, a help-desk
//! reset the next day, and the attacker's factor used afterwards.

#![allow(clippy::too_many_arguments)]

mod common;

fn okta(t: &str, ty: &str, uuid: &str, ip: &str, country: &str, lat: f64, lon: f64, extra: &str) -> String {
    format!(
        r#"{{"uuid":"{uuid}","published":"{t}","eventType":"{ty}","actor":{{"id":"00u1alice","type":"User","alternateId":"alice@acme.com"}},"client":{{"ipAddress":"{ip}","device":"Computer","geographicalContext":{{"country":"{country}","city":"X","geolocation":{{"lat":{lat},"lon":{lon}}}}},"userAgent":{{"rawUserAgent":"Mozilla/5.0"}}}},"outcome":{{"result":"SUCCESS"}},"securityContext":{{"asNumber":64500,"asOrg":"home isp"}},"debugContext":{{"debugData":{{"dtHash":"dev-home"}}}}{extra}}}"#
    )
}

#[test]
fn attacker_factor_bound_after_impossible_travel_survives_reset_and_is_used() {
    let mut lines = Vec::new();
    for day in 1..=6 {
        lines.push(okta(
            &format!("2026-05-0{day}T09:00:00Z"),
            "user.session.start",
            &format!("s{day}"),
            "198.51.100.10",
            "United States",
            40.7,
            -74.0,
            "",
        ));
    }
    lines.push(okta("2026-05-06T10:00:00Z", "user.session.start", "evil1", "203.0.113.66", "Russia", 55.75, 37.6, ""));
    let factor = r#","target":[{"id":"00u1alice","type":"User","alternateId":"alice@acme.com"},{"id":"mfa-evil","type":"AuthenticatorEnrollment","displayName":"Okta Verify"}]"#;
    lines.push(okta(
        "2026-05-06T10:20:00Z",
        "user.mfa.factor.activate",
        "evil2",
        "203.0.113.66",
        "Russia",
        55.75,
        37.6,
        factor,
    ));
    let reset = r#","target":[{"id":"00u1alice","type":"User","alternateId":"alice@acme.com"}]"#;
    let helpdesk = okta(
        "2026-05-07T09:00:00Z",
        "user.account.reset_password",
        "reset1",
        "198.51.100.20",
        "United States",
        40.7,
        -74.0,
        reset,
    )
    .replace(
        r#""id":"00u1alice","type":"User","alternateId":"alice@acme.com"},"client""#,
        r#""id":"00u9help","type":"User","alternateId":"help@acme.com"},"client""#,
    );
    lines.push(helpdesk);
    lines.push(
        okta(
            "2026-05-09T03:00:00Z",
            "user.authentication.auth_via_mfa",
            "use1",
            "203.0.113.66",
            "Russia",
            55.75,
            37.6,
            factor,
        )
        .replace(
            r#""debugData":{"dtHash":"dev-home"}"#,
            r#""debugData":{"dtHash":"dev-home","factor":"OKTA_VERIFY_PUSH"}"#,
        ),
    );
    let report = common::hunt("[tenants]\nokta = \"acme.okta.com\"\n", &[("okta.ndjson", &lines.join("\n"))]);
    let fired = common::fired(&report);
    eprintln!("{fired:#?}");
    for f in &report.findings {
        eprintln!("{} {}: {}", f.detector, f.severity, f.summary);
    }
    assert!(fired.contains(&"FW-008 medium alice@acme.com".to_string()));
    assert!(fired.contains(&"FW-002 high alice@acme.com".to_string()));
    assert!(fired.contains(&"FW-003 high alice@acme.com".to_string()));
    assert!(fired.contains(&"FW-003 critical alice@acme.com".to_string()));
}
