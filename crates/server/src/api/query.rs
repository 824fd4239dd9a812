//! Query-string filters shared by the incident and finding lists.

use crate::error::ApiError;
use chrono::{DateTime, Utc};
use model::{Provider, Severity};
use serde::Deserialize;
use store::{AssigneeFilter, Query, Status};

/// Most rows on one page.
pub const MAX_LIMIT: usize = 500;
pub const DEFAULT_LIMIT: usize = 50;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    pub severity: Option<String>,
    pub detector: Option<String>,
    pub identity: Option<String>,
    pub provider: Option<String>,
    pub tenant: Option<String>,
    pub status: Option<String>,
    pub assignee: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

fn time(name: &str, text: &str) -> Result<DateTime<Utc>, ApiError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| ApiError::bad_request(format!("`{name}`: `{text}` is not an RFC 3339 time ({e})")))
}

impl ListParams {
    pub fn to_query(&self) -> Result<Query, ApiError> {
        let severity = match &self.severity {
            None => None,
            Some(s) => Some(Severity::parse(s).ok_or_else(|| {
                ApiError::bad_request(format!("`severity`: `{s}` is not one of info, low, medium, high, critical"))
            })?),
        };
        let provider = match &self.provider {
            None => None,
            Some(p) => Some(
                Provider::parse(p)
                    .ok_or_else(|| ApiError::bad_request(format!("`provider`: unknown provider `{p}`")))?,
            ),
        };
        let status = match &self.status {
            None => None,
            Some(s) => Some(Status::parse(s).ok_or_else(|| {
                ApiError::bad_request(format!(
                    "`status`: `{s}` is not one of open, acknowledged, resolved, false_positive"
                ))
            })?),
        };
        let assignee = self.assignee.as_deref().map(|name| {
            let name = name.trim();
            if name.eq_ignore_ascii_case(crate::triage::UNASSIGNED) {
                AssigneeFilter::Unassigned
            } else {
                AssigneeFilter::Named(name.to_string())
            }
        });
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if limit == 0 || limit > MAX_LIMIT {
            return Err(ApiError::bad_request(format!("`limit` must be between 1 and {MAX_LIMIT}")));
        }
        Ok(Query {
            severity,
            detector: self.detector.clone(),
            identity: self.identity.clone(),
            provider,
            tenant: self.tenant.clone(),
            status,
            assignee,
            since: self.since.as_deref().map(|t| time("since", t)).transpose()?,
            until: self.until.as_deref().map(|t| time("until", t)).transpose()?,
            offset: self.offset.unwrap_or(0),
            limit,
        })
    }
}
