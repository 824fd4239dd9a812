//! `?evidence=raw` on an incident or a finding: each evidence event carries `raw`, the
//! provider's record kept at ingest (`null` when none was kept), as `hunt --evidence raw`
//! writes it.

use crate::error::ApiError;
use model::Finding;
use serde::Deserialize;
use serde_json::Value;
use store::{Store, StoreError};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceParams {
    /// `normalized` (the default) or `raw`.
    pub evidence: Option<String>,
}

impl EvidenceParams {
    /// Whether the raw records are wanted; anything but the two names is refused.
    pub fn raw(&self) -> Result<bool, ApiError> {
        match self.evidence.as_deref() {
            None | Some("normalized") => Ok(false),
            Some("raw") => Ok(true),
            Some(other) => {
                Err(ApiError::bad_request(format!("`evidence`: `{other}` is neither `normalized` nor `raw`")))
            }
        }
    }
}

/// `finding` as JSON, each evidence event with its `raw` record.
pub fn with_raw(store: &dyn Store, finding: &Finding) -> Result<Value, StoreError> {
    let mut value = serde_json::to_value(finding).map_err(StoreError::Encode)?;
    if let Some(list) = value.get_mut("evidence").and_then(Value::as_array_mut) {
        for (item, evidence) in list.iter_mut().zip(&finding.evidence) {
            let raw = store.raw_record(&finding.identity.tenant, evidence)?;
            if let Some(object) = item.as_object_mut() {
                object.insert("raw".into(), raw.map_or(Value::Null, |text| as_json(&text)));
            }
        }
    }
    Ok(value)
}

/// A kept record is JSON the service wrote; should one not parse, it is shown as text.
fn as_json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}
