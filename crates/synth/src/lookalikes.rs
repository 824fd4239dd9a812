//! Benign activity shaped like the attacks: each must leave the listed detectors silent.

use crate::clock::{HOUR, MINUTE};
use crate::event::{Act, Actor, Dev, Ev, OktaFactor, Source};
use crate::places::{Net, Site};
use crate::plan::ev;
use crate::stories::LookCtx;
use crate::tenant::cast;

pub fn embed_all(c: &mut LookCtx<'_, '_>) {
    new_hire(c);
    phone_replaced(c);
    traveller_on_vpn(c);
    microsoft_service_registration(c);
    self_service_reset(c);
    routine_helpdesk_resets(c);
}

/// An account created by an admin, its first factor bound 40 minutes later, before any sign-in.
fn new_hire(c: &mut LookCtx<'_, '_>) {
    let w = c.world();
    let nh = w.tenant.user(cast::NEW_HIRE);
    let t = w.local(nh, w.anchor - 5, 9, 0);
    let create = Ev {
        actor: Actor::User(cast::SUPER_ADMIN_2),
        net: w.tenant.user(cast::SUPER_ADMIN_2).net,
        ..ev(t, Act::OktaUserCreate, nh)
    };
    let first =
        Ev { factor: LookCtx::new_factor(0), ..ev(t + 40 * MINUTE, Act::OktaFactorActivate(OktaFactor::Push), nh) };
    c.push(Source::Okta, create);
    let first = c.push(Source::Okta, first);
    c.okta_signin(cast::NEW_HIRE, first.t + 5 * MINUTE);
    let x = c.expect(Source::Okta, &first, "factor_add", Some("self"));
    c.lookalike(
        "new-hire-first-enrollment",
        vec!["FW-002", "FW-004", "FW-008", "FW-010"],
        Source::Okta,
        cast::NEW_HIRE,
        &first,
        "user.lifecycle.create, then the first Okta Verify enrollment 40 minutes later, before any sign-in",
        vec![x],
    );
}

/// A normal sign-in, then a new phone's Okta Verify bound and the old one removed, from home.
fn phone_replaced(c: &mut LookCtx<'_, '_>) {
    let w = c.world();
    let p = cast::PHONE_SWAP;
    let t = w.local(w.tenant.user(p), w.anchor - 1, 10, 0);
    let signin = c.okta_signin(p, t);
    let add = Ev {
        t: t + 12 * MINUTE,
        act: Act::OktaFactorActivate(OktaFactor::Push),
        factor: LookCtx::new_factor(1),
        ..signin
    };
    let add = c.push(Source::Okta, add);
    let remove = Ev { t: add.t + MINUTE, act: Act::OktaFactorDeactivate(OktaFactor::Push), factor: 0, ..add };
    let remove = c.push(Source::Okta, remove);
    let evidence = vec![
        c.expect(Source::Okta, &add, "factor_add", Some("self")),
        c.expect(Source::Okta, &remove, "factor_remove", Some("self")),
    ];
    c.lookalike(
        "phone-replaced-at-home",
        vec!["FW-002", "FW-003", "FW-004", "FW-006", "FW-008"],
        Source::Okta,
        p,
        &add,
        "a new phone's Okta Verify replaces the old one, from the home network and known laptop",
        evidence,
    );
}

/// A home sign-in, then three hours later one through the corporate VPN from another country.
fn traveller_on_vpn(c: &mut LookCtx<'_, '_>) {
    let w = c.world();
    let tr = cast::TRAVELLER;
    let user = w.tenant.user(tr);
    let pop = if user.home_place().code == "GB" { 0 } else { 1 };
    let t = w.local(user, w.anchor, 8, 0);
    c.okta_signin(tr, t);
    let away =
        Ev { net: Net::at(Site::Vpn(pop), 40), dev: Dev::Own(0), ..ev(t + 3 * HOUR, Act::OktaSessionStart, user) };
    let away = c.push(Source::Okta, away);
    let x = c.expect(Source::Okta, &away, "signin_success", Some("self"));
    c.lookalike(
        "traveller-behind-vpn",
        vec!["FW-008", "FW-002"],
        Source::Okta,
        tr,
        &away,
        "the country changes three hours after a home sign-in, but the address is in vpn_egress",
        vec![x],
    );
}

/// Microsoft's own service records a registration ("Azure MFA StrongAuthenticationService").
fn microsoft_service_registration(c: &mut LookCtx<'_, '_>) {
    let w = c.world();
    let m = cast::MS_SERVICE;
    let t = w.local(w.tenant.user(m), w.anchor + 1, 3, 0);
    let e = Ev { actor: Actor::System, ..ev(t, Act::EntraServiceRegistered, w.tenant.user(m)) };
    let e = c.push(Source::EntraAudit, e);
    let x = c.expect(Source::EntraAudit, &e, "factor_add", Some("system"));
    c.lookalike("microsoft-service-registration", vec!["FW-002", "FW-004"], Source::EntraAudit, m, &e,
        "User registered security info initiated by the Azure MFA StrongAuthenticationService app (system; FW-001 at most info)", vec![x]);
}

/// A self-service password reset from the user's known device and home network.
fn self_service_reset(c: &mut LookCtx<'_, '_>) {
    let w = c.world();
    let s = cast::SELF_RESET;
    let user = w.tenant.user(s);
    let t = w.local(user, w.anchor + 2, 14, 0);
    c.push(Source::Okta, ev(t, Act::OktaResetEmailSent, user));
    let reset = c.push(Source::Okta, ev(t + 4 * MINUTE, Act::OktaPasswordReset, user));
    let x = c.expect(Source::Okta, &reset, "password_reset", Some("self"));
    c.lookalike(
        "self-service-reset-known-device",
        vec!["FW-003", "FW-004", "FW-009"],
        Source::Okta,
        s,
        &reset,
        "reset email, then the user resets the password from the known laptop at home",
        vec![x],
    );
}

/// Allowed help-desk agents reset passwords of people with no recent factor change.
fn routine_helpdesk_resets(c: &mut LookCtx<'_, '_>) {
    for (i, target) in cast::ROUTINE_RESETS.into_iter().enumerate() {
        let w = c.world();
        let agent = cast::HELPDESK.get(i + 1).copied().unwrap_or(cast::HELPDESK[0]);
        let day = w.anchor - 6 + 3 * i as u32;
        let t = w.local(w.tenant.user(target), day, 11, 0);
        let e = Ev {
            actor: Actor::User(agent),
            net: Net::at(Site::Helpdesk, 5 + i as u16),
            ..ev(t, Act::OktaPasswordReset, w.tenant.user(target))
        };
        let e = c.push(Source::Okta, e);
        let x = c.expect(Source::Okta, &e, "password_reset", Some("delegated"));
        c.lookalike(
            "routine-helpdesk-reset",
            vec!["FW-003", "FW-004"],
            Source::Okta,
            target,
            &e,
            "an allowed delegate resets the password from helpdesk_egress; no factor changed recently",
            vec![x],
        );
    }
}
