//! Native provider log lines for detector stories (FW-007 to FW-011), in the shapes of the
//! ingest fixtures (`crates/ingest/tests/fixtures/<provider>`): each builder returns a
//! `serde_json::Value` that a story adjusts (`v["client"]["zone"] = json!("VPN")`) before
//! joining the lines with [`ndjson`].

use serde_json::{Value, json};

/// A place a provider geolocates a client to.
#[derive(Debug, Clone, Copy)]
pub struct Place {
    pub country: &'static str,
    pub city: &'static str,
    pub lat: f64,
    pub lon: f64,
}

pub const NEW_YORK: Place = Place { country: "United States", city: "New York", lat: 40.7128, lon: -74.0060 };
/// About 9 km from New York: the same place as far as IP geolocation can tell.
pub const BROOKLYN: Place = Place { country: "United States", city: "Brooklyn", lat: 40.6782, lon: -73.9442 };
/// About 40 km from New York, in another state.
pub const NEWARK: Place = Place { country: "United States", city: "Newark", lat: 40.7357, lon: -74.1724 };
pub const LONDON: Place = Place { country: "United Kingdom", city: "London", lat: 51.5074, lon: -0.1278 };
pub const PARIS: Place = Place { country: "France", city: "Paris", lat: 48.8566, lon: 2.3522 };
pub const MOSCOW: Place = Place { country: "Russia", city: "Moscow", lat: 55.7558, lon: 37.6173 };
pub const SINGAPORE: Place = Place { country: "Singapore", city: "Singapore", lat: 1.3521, lon: 103.8198 };
pub const LISBON: Place = Place { country: "PT", city: "Lisbon", lat: 38.7223, lon: -9.1393 };
pub const SAO_PAULO: Place = Place { country: "BR", city: "Sao Paulo", lat: -23.5505, lon: -46.6333 };

/// Lines as NDJSON text.
pub fn ndjson(lines: &[Value]) -> String {
    lines.iter().map(Value::to_string).collect::<Vec<_>>().join("\n")
}

// ---------------------------------------------------------------------------------------
// Okta System Log (native LogEvent)

/// An Okta user: immutable id and login.
#[derive(Debug, Clone, Copy)]
pub struct OktaUser {
    pub id: &'static str,
    pub login: &'static str,
}

/// An Okta LogEvent by `who` from `ip` at `place`, outcome SUCCESS, no zone, no target.
pub fn okta(uuid: &str, time: &str, event_type: &str, who: OktaUser, ip: &str, place: Place) -> Value {
    json!({
        "uuid": uuid,
        "published": time,
        "eventType": event_type,
        "version": "0",
        "severity": "INFO",
        "displayMessage": event_type,
        "actor": {"id": who.id, "type": "User", "alternateId": who.login, "displayName": who.login},
        "client": {
            "userAgent": {"rawUserAgent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0", "os": "Windows 10", "browser": "CHROME"},
            "zone": "null",
            "device": "Computer",
            "ipAddress": ip,
            "geographicalContext": {
                "city": place.city,
                "country": place.country,
                "geolocation": {"lat": place.lat, "lon": place.lon}
            }
        },
        "authenticationContext": {"externalSessionId": format!("sess-{uuid}")},
        "outcome": {"result": "SUCCESS", "reason": null},
        "securityContext": {"asNumber": 7922, "asOrg": "comcast", "isp": "comcast cable", "isProxy": false},
        "debugContext": {"debugData": {"requestUri": "/idp/idx/authenticators/poll"}},
        "transaction": {"type": "WEB", "id": format!("tx-{uuid}"), "detail": {}},
        "target": [{"id": who.id, "type": "User", "alternateId": who.login, "displayName": who.login}]
    })
}

/// An Okta sign-in (`user.session.start`).
pub fn okta_signin(uuid: &str, time: &str, who: OktaUser, ip: &str, place: Place) -> Value {
    let mut v = okta(uuid, time, "user.session.start", who, ip, place);
    v["target"] = Value::Null;
    v
}

/// A factor enrollment activated on `who` (self-service), with its enrollment target.
pub fn okta_factor_activate(uuid: &str, time: &str, who: OktaUser, ip: &str, factor_id: &str) -> Value {
    let mut v = okta(uuid, time, "user.mfa.factor.activate", who, ip, NEW_YORK);
    v["target"] = json!([
        {"id": who.id, "type": "User", "alternateId": who.login, "displayName": who.login},
        {"id": factor_id, "type": "AuthenticatorEnrollment", "alternateId": "unknown", "displayName": "Okta Verify"}
    ]);
    v["debugContext"]["debugData"]["factor"] = json!("OKTA_VERIFY_PUSH");
    v
}

/// Sets `debugData.factor`.
pub fn with_factor(mut v: Value, factor: &str) -> Value {
    v["debugContext"]["debugData"]["factor"] = json!(factor);
    v
}

/// Sets `outcome`.
pub fn with_outcome(mut v: Value, result: &str, reason: &str) -> Value {
    v["outcome"] = json!({"result": result, "reason": reason});
    v
}

// ---------------------------------------------------------------------------------------
// Microsoft Entra ID

pub const ENTRA_TENANT: &str = "6f1c2d3e-4b5a-4c6d-8e7f-90a1b2c3d4e5";

#[derive(Debug, Clone, Copy)]
pub struct EntraUser {
    pub id: &'static str,
    pub upn: &'static str,
}

/// A Graph `signIn` object: `errorCode` 0 is a success, 500121 an MFA denial.
pub fn entra_signin(id: &str, time: &str, who: EntraUser, code: i64, ip: &str, place: Place) -> Value {
    let details = match code {
        0 => Value::Null,
        500121 => json!("MFA denied; user declined the authentication"),
        _ => json!("Other."),
    };
    json!({
        "id": id,
        "createdDateTime": time,
        "tenantId": ENTRA_TENANT,
        "userDisplayName": who.upn,
        "userPrincipalName": who.upn,
        "userId": who.id,
        "appId": "c44b4083-3bb0-49c1-b47d-974e53cbdf3c",
        "appDisplayName": "Azure Portal",
        "ipAddress": ip,
        "clientAppUsed": "Browser",
        "correlationId": format!("corr-{id}"),
        "isInteractive": true,
        "riskLevelDuringSignIn": "none",
        "riskEventTypes_v2": [],
        "status": {"errorCode": code, "additionalDetails": details},
        "deviceDetail": {"deviceId": "", "operatingSystem": "Windows 10", "browser": "Edge 122.0"},
        "location": {
            "city": place.city,
            "countryOrRegion": place.country,
            "geoCoordinates": {"latitude": place.lat, "longitude": place.lon}
        },
        "autonomousSystemNumber": 3243,
        "userAgent": "Mozilla/5.0",
        "sessionId": format!("sess-{id}"),
        "authenticationDetails": [],
        "mfaDetail": {"authMethod": "Mobile app notification"}
    })
}

/// A diagnostic-setting audit record (`category` `AuditLogs`): `actor` acting on `target`.
pub fn entra_audit(
    id: &str,
    time: &str,
    activity: &str,
    reason: &str,
    actor: EntraUser,
    target: EntraUser,
    ip: &str,
) -> Value {
    json!({
        "time": time,
        "resourceId": format!("/tenants/{ENTRA_TENANT}/providers/Microsoft.aadiam"),
        "operationName": activity,
        "operationVersion": "1.0",
        "category": "AuditLogs",
        "tenantId": ENTRA_TENANT,
        "resultSignature": "None",
        "durationMs": 0,
        "callerIpAddress": null,
        "correlationId": format!("corr-{id}"),
        "Level": 4,
        "properties": {
            "id": id,
            "category": "UserManagement",
            "correlationId": format!("corr-{id}"),
            "result": "success",
            "resultReason": reason,
            "activityDisplayName": activity,
            "activityDateTime": time,
            "loggedByService": "Authentication Methods",
            "initiatedBy": {"user": {"id": actor.id, "displayName": null, "userPrincipalName": actor.upn, "ipAddress": ip, "roles": []}},
            "targetResources": [{"id": target.id, "displayName": null, "type": "User", "userPrincipalName": target.upn, "modifiedProperties": [], "administrativeUnits": []}],
            "additionalDetails": [{"key": "User-Agent", "value": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/122.0"}]
        }
    })
}

// ---------------------------------------------------------------------------------------
// Cisco Duo authentication log v2

#[derive(Debug, Clone, Copy)]
pub struct DuoUser {
    pub key: &'static str,
    pub name: &'static str,
}

/// A Duo auth log record: `event_type` `authentication` or `enrollment`, `result`
/// `success`, `denied` or `fraud`. Time is epoch seconds.
#[allow(clippy::too_many_arguments)]
pub fn duo_auth(
    txid: &str,
    epoch: i64,
    who: DuoUser,
    event_type: &str,
    result: &str,
    reason: &str,
    factor: &str,
    ip: &str,
) -> Value {
    let iso = chrono::DateTime::from_timestamp(epoch, 0).map(|t| t.to_rfc3339()).unwrap_or_default();
    json!({
        "access_device": {"browser": "Chrome", "epkey": "EPQ8W3N2XK5Z7T1R4Y6U", "hostname": null, "ip": ip,
            "location": {"city": "Austin", "country": "United States", "state": "Texas"}, "os": "Windows", "os_version": "11"},
        "alias": "",
        "application": {"key": "DIW7CQ1N5K9D2Z6X3V8B", "name": "Okta SSO"},
        "auth_device": {"ip": "198.51.100.62", "key": "DPB4L7N0Q3T6W9Z2C5F8",
            "location": {"city": "Austin", "country": "United States", "state": "Texas"}, "name": "iPhone 15 (512-555-0142)"},
        "email": format!("{}@example.com", who.name),
        "event_type": event_type,
        "factor": factor,
        "isotimestamp": iso,
        "reason": reason,
        "result": result,
        "timestamp": epoch,
        "trusted_endpoint_status": "not trusted",
        "txid": txid,
        "user": {"groups": ["Staff"], "key": who.key, "name": who.name}
    })
}

// ---------------------------------------------------------------------------------------
// Google Workspace Reports API

pub const GOOGLE_CUSTOMER: &str = "C03az79cb";

#[derive(Debug, Clone, Copy)]
pub struct GoogleUser {
    pub profile_id: &'static str,
    pub email: &'static str,
}

/// An activity by `who` (self-service account settings, logins): `application` is
/// `user_accounts` or `login`.
pub fn google_user(qualifier: &str, time: &str, application: &str, name: &str, who: GoogleUser, ip: &str) -> Value {
    json!({
        "kind": "admin#reports#activity",
        "id": {"time": time, "uniqueQualifier": qualifier, "applicationName": application, "customerId": GOOGLE_CUSTOMER},
        "etag": "\"JDMC8884sebSctZ17CIssbQ/EXAMPLE\"",
        "actor": {"callerType": "USER", "email": who.email, "profileId": who.profile_id},
        "ownerDomain": "example.org",
        "ipAddress": ip,
        "events": [{"type": "account_change", "name": name, "parameters": []}]
    })
}

/// An admin console activity by `admin` on the user `user_email`.
pub fn google_admin(qualifier: &str, time: &str, name: &str, admin: GoogleUser, user_email: &str, ip: &str) -> Value {
    json!({
        "kind": "admin#reports#activity",
        "id": {"time": time, "uniqueQualifier": qualifier, "applicationName": "admin", "customerId": GOOGLE_CUSTOMER},
        "etag": "\"JDMC8884sebSctZ17CIssbQ/EXAMPLE\"",
        "actor": {"callerType": "USER", "email": admin.email, "profileId": admin.profile_id},
        "ownerDomain": "example.org",
        "ipAddress": ip,
        "events": [{"type": "USER_SETTINGS", "name": name, "parameters": [{"name": "USER_EMAIL", "value": user_email}]}]
    })
}

// ---------------------------------------------------------------------------------------
// GitHub audit log (streamed records, user security log)

#[derive(Debug, Clone, Copy)]
pub struct GitHubUser {
    pub id: i64,
    pub login: &'static str,
}

/// A GitHub audit record by `who` about itself; `epoch_ms` is `@timestamp`.
pub fn github(doc_id: &str, epoch_ms: i64, action: &str, who: GitHubUser, ip: &str) -> Value {
    json!({
        "@timestamp": epoch_ms,
        "_document_id": doc_id,
        "action": action,
        "actor": who.login,
        "actor_id": who.id,
        "actor_is_bot": false,
        "actor_ip": ip,
        "actor_location": {"country_code": "DE"},
        "created_at": epoch_ms,
        "operation_type": "modify",
        "user": who.login,
        "user_id": who.id,
        "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/124.0.0.0",
        "actor_session": 99887766
    })
}
