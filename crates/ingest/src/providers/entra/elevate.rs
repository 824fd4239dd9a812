//! Azure activity log records of `Microsoft.Authorization/elevateAccess/action` (docs/events.md
//! §2): a Global Administrator made itself User Access Administrator at the root scope.
//! Diagnostic exports write them beside Entra records (`category` `Administrative`); the
//! caller is in `identity.claims`, or `caller` in API copies.

use super::audit::{Actor, Audit, map_audit};
use crate::context::{Ctx, Relevance};
use crate::error::RecordError;
use crate::json::View;
use crate::providers::Result;
use crate::values::{clean_name, parse_time};
use model::{Event, Provider, Text};

const OPERATION: &str = "Microsoft.Authorization/elevateAccess/action";
const CLAIM_UPN: &str = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn";
const CLAIM_NAME: &str = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name";
const CLAIM_OID: &str = "http://schemas.microsoft.com/identity/claims/objectidentifier";
const CLAIM_TENANT: &str = "http://schemas.microsoft.com/identity/claims/tenantid";

/// The operation as diagnostic records (`operationName`) or API copies
/// (`operationName.value`) write it, in any case.
pub(crate) fn operation<'v>(rec: View<'v, '_>) -> Option<&'v str> {
    let op = rec.get("operationName");
    op.str().or_else(|| op.get("value").str())
}

pub(crate) fn is_activity_operation(operation: &str) -> bool {
    operation.trim().eq_ignore_ascii_case(OPERATION)
}

pub(crate) fn activity_log(rec: View<'_, '_>, ctx: &Ctx<'_>, out: &mut Vec<Event>) -> Result {
    let status = rec.get("resultType").str().or_else(|| rec.path("status.value").str()).unwrap_or("");
    // Each operation logs `Start`, then `Success` or `Failure`: the outcome is the one event.
    if !(status.eq_ignore_ascii_case("Success") || status.eq_ignore_ascii_case("Failure")) {
        return Ok(Relevance::NotRelevant(Text::from(OPERATION)));
    }
    let time_field = rec.get_any(&["time", "eventTimestamp"]);
    let time = parse_time(time_field).map_err(|reason| RecordError::invalid("entra.diag", "time", reason))?;
    let claims = rec.path("identity.claims");
    let caller = rec.get("caller").str();
    let upn = claims.get(CLAIM_UPN).str().or(claims.get(CLAIM_NAME).str()).or(caller);
    let audit = Audit {
        provider: Provider::Entra,
        tenant: rec.get("tenantId").str().or(claims.get(CLAIM_TENANT).str()),
        id: rec.get("eventDataId").str(),
        time,
        activity: clean_name(OPERATION),
        correlation: rec.get("correlationId").str(),
        result: Some(status),
        reason: None,
        actor: Actor { user_id: claims.get(CLAIM_OID).str(), upn, ..Actor::default() },
        targets: Vec::new(),
        ip: rec.get("callerIpAddress").str(),
        user_agent: None,
    };
    map_audit(&audit, ctx, out)
}
