//! Okta System Log (docs/events.md §1). This module reads native LogEvents; `log_analytics` reads
//! the same events flattened by Log Analytics. Both fill one [`Record`] and share the rest.

mod log_analytics;
mod mapping;
mod record;
mod risk;

pub(super) use log_analytics::normalize as log_analytics;
use record::{Actor, Record, emit};
use risk::RiskFields;

use super::Result;
use crate::context::Ctx;
use crate::error::RecordError;
use crate::json::View;
use crate::values::parse_time;
use model::Event;

const SHAPE: &str = "okta.native";

pub fn normalize(rec: View<'_, '_>, ctx: &Ctx<'_>, out: &mut Vec<Event>) -> Result {
    let Some(event_type) = rec.get("eventType").str() else {
        return Err(RecordError::invalid(
            SHAPE,
            "eventType",
            format!("expected a string, found {}", rec.get("eventType").type_name()),
        ));
    };
    let time = parse_time(rec.get("published")).map_err(|e| RecordError::invalid(SHAPE, "published", e))?;
    let actor = rec.get("actor");
    let client = rec.get("client");
    let geo = client.get("geographicalContext");
    let security = rec.get("securityContext");
    let debug = rec.path("debugContext.debugData");
    let auth = rec.get("authenticationContext");
    let record = Record {
        event_type,
        uuid: rec.get("uuid").str(),
        time,
        actor: Actor {
            id: actor.get("id").str(),
            kind: actor.get("type").str(),
            alternate_id: actor.get("alternateId").str(),
            display_name: actor.get("displayName").str(),
        },
        targets: rec.get("target"),
        result: rec.path("outcome.result").str(),
        reason: rec.path("outcome.reason").str(),
        ip: client.get("ipAddress").str().or_else(|| first_chain_ip(rec.path("request.ipChain"))),
        country: geo.get("country").str(),
        region: geo.get("state").str(),
        city: geo.get("city").str(),
        lat: geo.path("geolocation.lat").f64(),
        lon: geo.path("geolocation.lon").f64(),
        asn: security.get("asNumber").i64(),
        as_org: security.get("asOrg").str(),
        proxy: security.get("isProxy").bool(),
        user_agent: client.path("userAgent.rawUserAgent").str(),
        zone: client.get("zone").str(),
        device_id: debug.get_any(&["dtHash", "deviceFingerprint"]).str().or_else(|| rec.path("device.id").str()),
        session: auth.get_any(&["externalSessionId", "rootSessionId"]).str(),
        transaction: rec.path("transaction.id").str(),
        api_token: rec.path("transaction.detail.requestApiTokenId").str(),
        factor: debug.get("factor").str(),
        privilege: debug.get_any(&["privilegeGranted", "privilegeRevoked"]).str(),
        risk: RiskFields {
            behaviors: debug.get("behaviors").str(),
            risk: debug.get("risk").str(),
            threat_suspected: debug.get("threatSuspected").bool(),
            threat_detections: debug.get("threatDetections").str(),
        },
    };
    emit(&record, ctx, out)
}

fn first_chain_ip<'v>(chain: View<'v, '_>) -> Option<&'v str> {
    chain.items().find_map(|hop| hop.get("ip").str())
}
