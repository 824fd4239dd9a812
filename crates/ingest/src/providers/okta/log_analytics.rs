//! Okta System Log rows flattened by Log Analytics (`Okta_CL`, docs/events.md §1): the native
//! path joined by `_` plus a type suffix (`published_t`, `uuid_g`); `target` and
//! `request_ipChain` are JSON strings. Read into the shared Okta record; the mapping is
//! the native one.

use super::{Actor, Record, RiskFields, emit};
use crate::context::Ctx;
use crate::error::RecordError;
use crate::json::{View, decode_embedded};
use crate::providers::Result;
use crate::shape::la_column;
use crate::values::parse_time;
use model::Event;

const SHAPE: &str = "okta.la";

pub fn normalize(rec: View<'_, '_>, ctx: &Ctx<'_>, out: &mut Vec<Event>) -> Result {
    let col = |base: &str| la_column(rec, base);
    let Some(event_type) = col("eventType").str() else {
        return Err(RecordError::invalid(
            SHAPE,
            "eventType",
            format!("expected a string, found {}", col("eventType").type_name()),
        ));
    };
    // `TimeGenerated` is when Log Analytics ingested the row, up to 90 days later.
    let time = parse_time(col("published")).map_err(|e| RecordError::invalid(SHAPE, "published_t", e))?;
    let targets = embedded(col("target"));
    let ip = col("client_ipAddress").str();
    // The chain is decoded only when the client address is missing.
    let chain = if ip.is_none() { embedded(col("request_ipChain")) } else { None };
    let chain_ip = chain.as_ref().and_then(|c| View::new(c).items().find_map(|hop| hop.get("ip").str()));
    let record = Record {
        event_type,
        uuid: col("uuid").str(),
        time,
        actor: Actor {
            id: col("actor_id").str(),
            kind: col("actor_type").str(),
            alternate_id: col("actor_alternateId").str(),
            display_name: col("actor_displayName").str(),
        },
        targets: targets.as_ref().map_or_else(View::missing, View::new),
        result: col("outcome_result").str(),
        reason: col("outcome_reason").str(),
        ip: ip.or(chain_ip),
        country: col("client_geographicalContext_country").str(),
        region: col("client_geographicalContext_state").str(),
        city: col("client_geographicalContext_city").str(),
        // The ipChain's geolocation is PowerShell text (`@{lat=…; lon=…}`); these columns are numbers.
        lat: col("client_geographicalContext_geolocation_lat").f64(),
        lon: col("client_geographicalContext_geolocation_lon").f64(),
        asn: col("securityContext_asNumber").i64(),
        as_org: col("securityContext_asOrg").str(),
        proxy: col("securityContext_isProxy").bool(),
        user_agent: col("client_userAgent_rawUserAgent").str(),
        zone: col("client_zone").str(),
        device_id: col("debugContext_debugData_dtHash")
            .str()
            .or_else(|| col("debugContext_debugData_deviceFingerprint").str())
            .or_else(|| col("device_id").str()),
        session: col("authenticationContext_externalSessionId")
            .str()
            .or_else(|| col("authenticationContext_rootSessionId").str()),
        transaction: col("transaction_id").str(),
        api_token: col("transaction_detail_requestApiTokenId").str(),
        factor: col("debugContext_debugData_factor").str(),
        privilege: col("debugContext_debugData_privilegeGranted")
            .str()
            .or_else(|| col("debugContext_debugData_privilegeRevoked").str()),
        risk: RiskFields {
            behaviors: col("debugContext_debugData_behaviors").str(),
            risk: col("debugContext_debugData_risk").str(),
            threat_suspected: col("debugContext_debugData_threatSuspected").bool(),
            threat_detections: col("debugContext_debugData_threatDetections").str(),
        },
    };
    emit(&record, ctx, out)
}

/// A column holding JSON as text; an empty or malformed one is absent.
fn embedded(v: View<'_, '_>) -> Option<crate::json::Json<'static>> {
    v.str().and_then(decode_embedded)
}
