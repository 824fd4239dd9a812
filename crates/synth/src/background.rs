//! The bulk of the tenant's logs: people signing in from home (or the VPN) on their own
//! devices in working hours, MFA pushes accepted, the odd failure, password changes,
//! routine help-desk resets, AWS console and API use, Google logins, GitHub work and Duo
//! authentications. Nothing here changes a factor: that is left to stories and look-alikes.

use crate::World;
use crate::clock::{DAY, MINUTE, SECOND, weekday};
use crate::event::{Act, Actor, AwsCall, Dev, Ev, GithubCall, OktaFactor, Source};
use crate::places::{Net, Site};
use crate::plan::{Plan, ev};
use crate::tenant::{MIN_USERS, User, cast};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Adds background lines until the plan holds `budget` lines.
pub fn generate(rng: &mut ChaCha8Rng, world: &World, plan: &mut Plan, budget: usize) {
    let users = &world.tenant.users;
    if users.is_empty() {
        return;
    }
    while plan.total() < budget {
        let Some(user) = users.get(rng.random_range(0..users.len())) else { continue };
        let day = rng.random_range(0..world.days);
        if day < user.start_day {
            continue;
        }
        let local_minute = 7 * 60 + 30 + rng.random_range(0..11 * 60);
        let t = world.start
            + i64::from(day) * DAY
            + (local_minute - user.tz() * 60) * MINUTE
            + rng.random_range(0..60) * SECOND
            + rng.random_range(0..1000);
        if t < world.start || t >= world.end || (weekday(t + user.tz() * 60 * MINUTE) >= 5 && rng.random_bool(0.85)) {
            continue;
        }
        if world.is_quiet(user.index, day) {
            continue;
        }
        activity(rng, world, plan, user, t);
    }
}

fn activity(rng: &mut ChaCha8Rng, world: &World, plan: &mut Plan, user: &User, t: i64) {
    let base = |rng: &mut ChaCha8Rng, act| {
        let mut e = ev(t, act, user);
        e.net = network(rng, user);
        e.dev = Dev::Own(rng.random_range(0..user.devices.len().max(1)) as u8);
        e.detail = rng.random();
        e
    };
    let roll = rng.random_range(0..1000);
    match roll {
        0..330 => {
            let mut start = base(rng, Act::OktaSessionStart);
            start.ok = rng.random_bool(0.97);
            plan.push(Source::Okta, start);
            if start.ok {
                plan.push(Source::Okta, Ev { t: t + 2 * SECOND, act: Act::OktaPushSent, ..start });
                let denied_first = rng.random_bool(0.02);
                let mut verify = Ev { t: t + 9 * SECOND, act: Act::OktaMfaVerify(OktaFactor::Push), ..start };
                if denied_first {
                    plan.push(Source::Okta, Ev { ok: false, ..verify });
                    verify.t += 40 * SECOND;
                }
                plan.push(Source::Okta, verify);
            }
        }
        330..430 => {
            plan.push(Source::Okta, base(rng, Act::OktaSso));
        }
        430..433 => {
            plan.push(Source::Okta, base(rng, Act::OktaPasswordUpdate));
        }
        433..436 if user.index >= MIN_USERS => {
            // Routine help-desk reset of someone with no recent factor change.
            let agent = cast::HELPDESK.get(rng.random_range(0..cast::HELPDESK.len())).copied().unwrap_or(3);
            let mut e = base(rng, Act::OktaPasswordReset);
            e.actor = Actor::User(agent);
            e.net = Net::at(Site::Helpdesk, rng.random());
            plan.push(Source::Okta, e);
        }
        436..445 => {
            let mut e = base(rng, Act::OktaImportNoise);
            e.actor = Actor::System;
            plan.push(Source::Okta, e);
        }
        445..600 => {
            let mut e = base(rng, Act::EntraSignin);
            e.ok = rng.random_bool(0.97);
            plan.push(Source::EntraSignin, e);
        }
        600..606 => {
            let act = if roll < 603 { Act::EntraUpdateDevice } else { Act::EntraChangePassword };
            plan.push(Source::EntraAudit, base(rng, act));
        }
        606..700 if user.aws.is_some() => {
            let act = if rng.random_bool(0.15) {
                Act::AwsConsoleLogin
            } else {
                Act::AwsApi(
                    AwsCall::ALL.get(rng.random_range(0..AwsCall::ALL.len())).copied().unwrap_or(AwsCall::ListBuckets),
                )
            };
            let mut e = base(rng, act);
            e.ok = rng.random_bool(0.98);
            plan.push(Source::Aws, e);
        }
        606..800 => {
            let act = if rng.random_bool(0.2) { Act::GoogleDriveView } else { Act::GoogleLogin };
            let mut e = base(rng, act);
            e.ok = rng.random_bool(0.985);
            plan.push(Source::Google, e);
        }
        800..803 => {
            plan.push(Source::Google, base(rng, Act::GooglePasswordEdit));
        }
        803..880 if t < world.github_cutoff => {
            let call = GithubCall::ALL.get(rng.random_range(0..GithubCall::ALL.len())).copied();
            plan.push(Source::Github, base(rng, Act::GithubRepo(call.unwrap_or(GithubCall::GitClone))));
        }
        _ => {
            let mut e = base(rng, Act::DuoAuth);
            e.ok = rng.random_bool(0.99);
            plan.push(Source::Duo, e);
        }
    }
}

/// Home, or for VPN users sometimes the VPN point of presence for their country.
fn network(rng: &mut ChaCha8Rng, user: &User) -> Net {
    if user.uses_vpn && rng.random_bool(0.35) { Net::at(Site::Vpn(vpn_pop(user)), rng.random()) } else { user.net }
}

/// The VPN point of presence nearest a user's home country.
pub fn vpn_pop(user: &User) -> u8 {
    match user.home_place().code {
        "US" | "CA" => 0,
        "GB" => 1,
        _ => 2,
    }
}
