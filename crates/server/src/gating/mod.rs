//! Enrollment gating in the service: the decision point with its policies, the approval
//! workflow and revalidation campaigns over the store's ledger, and the provider
//! connectors that execute remediation steps. Built once at start-up.

pub mod ledger;

use crate::config::{ConnectorSetting, ServiceConfig};
use crate::db::Db;
use crate::secrets;
use anyhow::Context;
use ledger::StoreLedger;
use policy::connectors::{Connector, Executor};
use policy::{Approvals, DecisionPoint, Policies};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// The decision point and what acts on its answers.
pub struct Gating {
    pub point: DecisionPoint,
    pub approvals: Approvals,
    pub executor: Executor,
    pub ledger: StoreLedger,
    pub okta: Option<Connector>,
    pub graph: Option<Connector>,
    pub managers: BTreeMap<String, String>,
    pub revalidation_period: Duration,
}

impl std::fmt::Debug for Gating {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gating")
            .field("policies", &self.point.policies().files())
            .field("okta", &self.okta.is_some())
            .field("graph", &self.graph.is_some())
            .finish_non_exhaustive()
    }
}

impl Gating {
    /// Loads and validates the policies (defaults, overlaid by the configured folder),
    /// reads connector credentials, and opens the ledger on `db`.
    pub fn new(config: &ServiceConfig, db: Db) -> anyhow::Result<Gating> {
        let settings = &config.policy;
        let policies = match &settings.directory {
            Some(dir) => Policies::from_dir(dir).with_context(|| format!("policies in `{}`", dir.display()))?,
            None => Policies::defaults().context("the shipped policies")?,
        };
        let point = DecisionPoint::new(policies, settings.decision_config()).context("the decision point")?;
        let ledger = StoreLedger::new(db);
        let approvals = Approvals::new(Arc::new(ledger.clone()), settings.approval_ttl);
        Ok(Gating {
            point,
            executor: Executor::new(approvals.clone()),
            approvals,
            ledger,
            okta: connector("okta", config.connectors.okta.as_ref(), Connector::okta)?,
            graph: connector("graph", config.connectors.graph.as_ref(), Connector::graph)?,
            managers: settings.managers.clone(),
            revalidation_period: settings.revalidation_period,
        })
    }

    /// The connector that acts on identities of `provider`.
    pub fn connector_for(&self, provider: model::Provider) -> Option<&Connector> {
        match provider {
            model::Provider::Okta => self.okta.as_ref(),
            model::Provider::Entra | model::Provider::M365 => self.graph.as_ref(),
            _ => None,
        }
    }
}

fn connector(
    name: &str,
    setting: Option<&ConnectorSetting>,
    make: fn(&str, &str) -> Result<Connector, policy::connectors::ConnectorError>,
) -> anyhow::Result<Option<Connector>> {
    let Some(setting) = setting else { return Ok(None) };
    let token = secrets::read(setting.token_env.as_deref(), setting.token_file.as_deref())?
        .with_context(|| format!("[connectors.{name}] has no token"))?;
    Ok(Some(make(&setting.base_url, &token).with_context(|| format!("[connectors.{name}]"))?))
}
