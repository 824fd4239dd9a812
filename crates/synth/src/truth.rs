//! Ground truth: who is who in every provider, and every story and look-alike embedded in
//! the logs with the normalized fields its key events must have.

use crate::World;
use crate::clock::{Style, write_time};
use crate::event::{Act, Actor, Ev, Source};
use crate::tenant::User;
use serde::Serialize;

#[derive(Serialize)]
pub struct Truth {
    pub tenant: &'static str,
    pub seed: u64,
    pub start: String,
    pub end: String,
    pub users: Vec<UserTruth>,
    pub stories: Vec<Story>,
    pub lookalikes: Vec<Lookalike>,
    pub gating: Gating,
}

/// What enrollment gating (FW-012) must find when the tenant is hunted with `--gating` and
/// the ledger export: without them, none of this fires.
#[derive(Serialize)]
pub struct Gating {
    /// The ledger export to give `hunt --decisions`.
    pub decisions: &'static str,
    /// Bindings on gated people that nothing in the ledger allowed.
    pub stories: Vec<Story>,
    /// Bindings on gated people that the ledger allowed: FW-012 must not fire on them.
    pub allowed: Vec<AllowedTruth>,
}

/// A legitimate binding on a gated person, and the decision or approval that allowed it.
#[derive(Serialize)]
pub struct AllowedTruth {
    pub enrollment: &'static str,
    pub must_not_fire: Vec<&'static str>,
    pub provider: &'static str,
    pub identity: String,
    pub time: String,
    pub factor_kind: &'static str,
    /// `decision` or `approval`.
    pub allowed_by: &'static str,
    /// The `dec_…` or `apr_…` id.
    pub grant: String,
    pub summary: &'static str,
    pub evidence: Vec<Expect>,
}

#[derive(Serialize)]
pub struct UserTruth {
    pub name: String,
    pub email: String,
    pub role: &'static str,
    pub tier: u8,
    pub home: Home,
    pub uses_vpn: bool,
    pub ids: Ids,
    pub devices: Vec<DeviceTruth>,
}

#[derive(Serialize)]
pub struct Home {
    pub city: &'static str,
    pub country: &'static str,
    pub lat: f64,
    pub lon: f64,
    pub ip: String,
}

#[derive(Serialize)]
pub struct Ids {
    pub okta: String,
    pub entra: String,
    pub google: String,
    pub github: String,
    pub github_login: String,
    pub duo: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aws: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aws_user: Option<String>,
}

#[derive(Serialize)]
pub struct DeviceTruth {
    pub name: &'static str,
    pub os: &'static str,
    pub user_agent: &'static str,
    pub okta_dt_hash: String,
    pub entra_device_id: String,
    pub duo_epkey: String,
}

/// An attack: the detector named must fire on `identity` at about `time`.
#[derive(Serialize)]
pub struct Story {
    pub story: &'static str,
    pub detector: &'static str,
    pub provider: &'static str,
    pub identity: String,
    pub time: String,
    pub summary: &'static str,
    pub evidence: Vec<Expect>,
}

/// Benign activity that looks like an attack: none of `must_not_fire` may fire on it.
#[derive(Serialize)]
pub struct Lookalike {
    pub lookalike: &'static str,
    pub must_not_fire: Vec<&'static str>,
    pub provider: &'static str,
    pub identity: String,
    pub time: String,
    pub summary: &'static str,
    pub evidence: Vec<Expect>,
}

/// A key line and what its normalized event must say. Absent fields are not checked.
#[derive(Serialize, Clone)]
pub struct Expect {
    pub file: &'static str,
    pub time: String,
    pub action: &'static str,
    pub category: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub factor_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relation: Option<&'static str>,
}

pub fn millis(ms: i64) -> String {
    let mut buf = Vec::with_capacity(24);
    let _ = write_time(&mut buf, ms, Style::Millis);
    String::from_utf8_lossy(&buf).into_owned()
}

pub fn provider(source: Source) -> &'static str {
    match source {
        Source::Okta => "okta",
        Source::EntraAudit | Source::EntraSignin => "entra",
        Source::Aws => "aws",
        Source::Google => "google",
        Source::Github => "github",
        Source::Duo => "duo",
    }
}

/// The id a provider logs for a person (the key normalized principals join on).
pub fn id_in(source: Source, user: &User) -> String {
    match source {
        Source::Okta => user.okta_id.clone(),
        Source::EntraAudit | Source::EntraSignin => user.entra_id.clone(),
        Source::Aws => user.aws.as_ref().map(|a| a.principal_id.clone()).unwrap_or_default(),
        Source::Google => user.google_id.clone(),
        Source::Github => user.github_id.to_string(),
        Source::Duo => user.duo_key.clone(),
    }
}

/// What the normalized event of a planned line must say.
pub fn expect(
    world: &World,
    source: Source,
    ev: &Ev,
    category: &'static str,
    relation: Option<&'static str>,
) -> Expect {
    let user = world.tenant.user(ev.user);
    let actor = match ev.actor {
        Actor::Subject => Some(user),
        Actor::User(i) => Some(world.tenant.user(i)),
        Actor::System => None,
    };
    let target = match (source, ev.act) {
        (Source::Okta, Act::OktaPolicyRuleDeactivate) | (Source::Aws | Source::Github, _) => None,
        (Source::EntraAudit, Act::EntraAddSpCredentials) => Some(world.service_principal_id(user)),
        (Source::Google, Act::GoogleAdminChangePassword) => Some(user.email.clone()),
        _ => Some(id_in(source, user)),
    };
    let factor_id = match (source, ev.act) {
        (Source::Okta, Act::OktaFactorActivate(_) | Act::OktaFactorDeactivate(_) | Act::OktaMfaVerify(_)) => {
            Some(world.okta_factor_id(user, ev.factor))
        }
        (Source::Duo, _) if ev.factor == 0 => Some(user.duo_phone_key.clone()),
        _ => None,
    };
    Expect {
        file: source.path(),
        time: millis(ev.t),
        action: ev.act.action(),
        category,
        actor: actor.map(|a| id_in(source, a)),
        target,
        factor_id,
        relation,
    }
}

pub fn users(world: &World) -> Vec<UserTruth> {
    world
        .tenant
        .users
        .iter()
        .map(|u| {
            let home = u.home_place();
            let [a, b, c, d] = u.net.ip;
            UserTruth {
                name: u.display.clone(),
                email: u.email.clone(),
                role: u.role.name(),
                tier: u.role.tier(),
                home: Home {
                    city: home.city,
                    country: home.country,
                    lat: home.lat,
                    lon: home.lon,
                    ip: format!("{a}.{b}.{c}.{d}"),
                },
                uses_vpn: u.uses_vpn,
                ids: Ids {
                    okta: u.okta_id.clone(),
                    entra: u.entra_id.clone(),
                    google: u.google_id.clone(),
                    github: u.github_id.to_string(),
                    github_login: u.github_login.clone(),
                    duo: u.duo_key.clone(),
                    aws: u.aws.as_ref().map(|a| a.principal_id.clone()),
                    aws_user: u.aws.as_ref().map(|a| a.name.clone()),
                },
                devices: u
                    .devices
                    .iter()
                    .map(|d| DeviceTruth {
                        name: d.name,
                        os: d.os,
                        user_agent: d.user_agent,
                        okta_dt_hash: d.dt_hash.clone(),
                        entra_device_id: d.entra_id.clone(),
                        duo_epkey: d.epkey.clone(),
                    })
                    .collect(),
            }
        })
        .collect()
}
