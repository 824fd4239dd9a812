//! The attacks embedded in the tenant, each built so that its normalized events make the
//! named detector fire under the rules of docs/detection-contract.md, and the benign look-alikes that must not.

use crate::World;
use crate::clock::{DAY, HOUR, MINUTE, SECOND};
use crate::decisions::{self, Allowed, Grant};
use crate::event::{Act, Actor, Dev, Ev, OktaFactor, Source};
use crate::places::{Net, Site};
use crate::plan::{Plan, ev};
use crate::tenant::{MIN_USERS, User, cast};
use crate::truth::{AllowedTruth, Expect, Gating, Lookalike, Story, expect, id_in, millis, provider};

/// Factor numbers of the factors stories bind (0 is everyone's own, bound before the period).
mod factor {
    pub const ATTACKER_TOTP: u32 = 1;
    pub const MASS: u32 = 10;
    pub const ADMIN_KEY: u32 = 20;
    pub const NEW_HIRE: u32 = 30;
    pub const NEW_PHONE: u32 = 31;
    pub const ADMIN_PHONE: u32 = 21;
    /// The unlisted administrator's own security key and phone, bound before the logs.
    pub const OWN_KEY: u32 = 40;
    pub const OWN_PHONE: u32 = 41;
}

pub struct Embedded {
    pub stories: Vec<Story>,
    pub lookalikes: Vec<Lookalike>,
    /// What enrollment gating must and must not report.
    pub gating: Gating,
    /// The bindings the ledger export allows (`decisions.ndjson`).
    pub allowed: Vec<Allowed>,
}

struct Ctx<'w> {
    world: &'w World,
    plan: &'w mut Plan,
    out: Embedded,
}

impl Ctx<'_> {
    fn user(&self, i: u32) -> &User {
        self.world.tenant.user(i)
    }

    fn push(&mut self, source: Source, e: Ev) -> Ev {
        let seq = self.plan.push(source, e);
        Ev { seq, ..e }
    }

    /// A home sign-in on Okta: session start, push sent, push accepted.
    fn okta_signin(&mut self, user: u32, t: i64) -> Ev {
        let u = self.user(user);
        let start = ev(t, Act::OktaSessionStart, u);
        let e = self.push(Source::Okta, start);
        self.push(Source::Okta, Ev { t: t + 3 * SECOND, act: Act::OktaPushSent, ..start });
        self.push(Source::Okta, Ev { t: t + 11 * SECOND, act: Act::OktaMfaVerify(OktaFactor::Push), ..start });
        e
    }

    fn expect(&self, source: Source, e: &Ev, category: &'static str, relation: Option<&'static str>) -> Expect {
        expect(self.world, source, e, category, relation)
    }

    #[allow(clippy::too_many_arguments)]
    fn story(
        &mut self,
        story: &'static str,
        detector: &'static str,
        source: Source,
        who: u32,
        e: &Ev,
        summary: &'static str,
        evidence: Vec<Expect>,
    ) {
        let identity = id_in(source, self.user(who));
        let provider = provider(source);
        self.out.stories.push(Story { story, detector, provider, identity, time: millis(e.t), summary, evidence });
    }

    /// A story that fires only when hunted with enrollment gating on.
    #[allow(clippy::too_many_arguments)]
    fn gated_story(
        &mut self,
        story: &'static str,
        detector: &'static str,
        source: Source,
        who: u32,
        e: &Ev,
        summary: &'static str,
        evidence: Vec<Expect>,
    ) {
        let identity = id_in(source, self.user(who));
        let provider = provider(source);
        let entry = Story { story, detector, provider, identity, time: millis(e.t), summary, evidence };
        self.out.gating.stories.push(entry);
    }

    /// A binding on a gated person that the ledger export allows.
    fn allowed(&mut self, enrollment: &'static str, allowed: Allowed, summary: &'static str, evidence: Vec<Expect>) {
        let (kind, _) = allowed.kind.names();
        self.out.gating.allowed.push(AllowedTruth {
            enrollment,
            must_not_fire: vec!["FW-012"],
            provider: provider(Source::Okta),
            identity: id_in(Source::Okta, self.user(allowed.ev.user)),
            time: millis(allowed.ev.t),
            factor_kind: kind,
            allowed_by: match allowed.grant {
                Grant::Allow => "decision",
                Grant::Approved => "approval",
            },
            grant: allowed.grant_id(self.world),
            summary,
            evidence,
        });
        self.out.allowed.push(allowed);
    }

    #[allow(clippy::too_many_arguments)]
    fn lookalike(
        &mut self,
        name: &'static str,
        must_not_fire: Vec<&'static str>,
        source: Source,
        who: u32,
        e: &Ev,
        summary: &'static str,
        evidence: Vec<Expect>,
    ) {
        let identity = id_in(source, self.user(who));
        let provider = provider(source);
        self.out.lookalikes.push(Lookalike {
            lookalike: name,
            must_not_fire,
            provider,
            identity,
            time: millis(e.t),
            summary,
            evidence,
        });
    }
}

/// Adds every story and look-alike to the plan and returns their ground truth.
pub fn embed(world: &World, plan: &mut Plan) -> Embedded {
    let gating = Gating { decisions: decisions::FILE, stories: Vec::new(), allowed: Vec::new() };
    let mut c =
        Ctx { world, plan, out: Embedded { stories: Vec::new(), lookalikes: Vec::new(), gating, allowed: Vec::new() } };
    baselines(&mut c);
    travel_then_enroll_then_reset(&mut c);
    mfa_fatigue(&mut c);
    contractor_registers_for_admin(&mut c);
    enroll_then_credentials(&mut c);
    mfa_weakened(&mut c);
    recovery_then_reset(&mut c);
    mass_enrollment(&mut c);
    blind_spot(&mut c);
    privileged_factor_change(&mut c);
    approved_admin_phone(&mut c);
    unlisted_admin_drops_their_key(&mut c);
    contractor_strips_an_admins_only_factor(&mut c);
    crate::lookalikes::embed_all(&mut LookCtx(&mut c));
    c.out
}

/// Six home sign-ins a day apart before the quiet window, for every story and look-alike
/// person, so their baselines hold enough sign-ins for "never seen" to count.
fn baselines(c: &mut Ctx<'_>) {
    let a = c.world.anchor;
    for user in cast::FIRST_EMPLOYEE..MIN_USERS {
        if user == cast::NEW_HIRE {
            continue;
        }
        for k in 2..8 {
            let t = c.world.local(c.user(user), a - k, 9, 20 + i64::from(user % 30));
            c.okta_signin(user, t);
        }
    }
}

/// Stories 1 and 2 (FW-008, FW-002, FW-003).
fn travel_then_enroll_then_reset(c: &mut Ctx<'_>) {
    let v = cast::TRAVEL_VICTIM;
    let a = c.world.anchor;
    let home_t = c.world.local(c.user(v), a, 10, 0);
    c.okta_signin(v, home_t);
    let attacker = Net::at(Site::Attacker(0), 0x0A4D);
    let u = c.user(v);
    let bad = Ev { net: attacker, dev: Dev::Foreign(1), ..ev(home_t + HOUR, Act::OktaSessionStart, u) };
    let bad = c.push(Source::Okta, bad);
    let enroll = Ev {
        t: bad.t + 25 * MINUTE,
        act: Act::OktaFactorActivate(OktaFactor::Totp),
        factor: factor::ATTACKER_TOTP,
        ..bad
    };
    let enroll = c.push(Source::Okta, enroll);
    let travel = c.expect(Source::Okta, &bad, "signin_success", Some("self"));
    c.story(
        "stolen-password-impossible-travel",
        "FW-008",
        Source::Okta,
        v,
        &bad,
        "sign-in from Lagos (AS37148, new device) one hour after a sign-in from home",
        vec![travel.clone()],
    );
    let bind = c.expect(Source::Okta, &enroll, "factor_add", Some("self"));
    c.story(
        "stolen-password-impossible-travel",
        "FW-002",
        Source::Okta,
        v,
        &enroll,
        "attacker binds a TOTP factor 25 minutes after the risky sign-in, from its IP and device",
        vec![travel, bind.clone()],
    );

    // Next day the help desk resets the password; the attacker's factor stays bound.
    let agent = cast::HELPDESK[0];
    let reset_t = c.world.local(c.user(v), a + 1, 11, 0);
    let reset = Ev {
        actor: Actor::User(agent),
        net: Net::at(Site::Helpdesk, 3),
        ..ev(reset_t, Act::OktaPasswordReset, c.user(v))
    };
    let reset = c.push(Source::Okta, reset);
    // Two days later: a sign-in from home, then the attacker signs in with the surviving factor.
    let back_t = reset.t + 2 * DAY;
    c.okta_signin(v, back_t - 2 * HOUR);
    let again = c.push(Source::Okta, Ev { t: back_t, seq: 0, ..bad });
    let used = Ev {
        t: back_t + 14 * SECOND,
        act: Act::OktaMfaVerify(OktaFactor::Totp),
        factor: factor::ATTACKER_TOTP,
        ..again
    };
    let used = c.push(Source::Okta, used);
    let ev_reset = c.expect(Source::Okta, &reset, "password_reset", Some("delegated"));
    let ev_used = c.expect(Source::Okta, &used, "mfa_challenge", Some("self"));
    c.story(
        "factor-survives-helpdesk-reset",
        "FW-003",
        Source::Okta,
        v,
        &reset,
        "help desk resets the password but the attacker's TOTP survives and is used two days later (critical)",
        vec![bind, ev_reset, ev_used],
    );
    let back = c.expect(Source::Okta, &again, "signin_success", Some("self"));
    c.story(
        "factor-survives-helpdesk-reset",
        "FW-008",
        Source::Okta,
        v,
        &again,
        "the attacker's return from Lagos two hours after a sign-in from home",
        vec![back],
    );
}

/// Story 3 (FW-007): six Duo push denials in eight minutes, then an accepted push.
fn mfa_fatigue(c: &mut Ctx<'_>) {
    let v = cast::FATIGUE_VICTIM;
    let t0 = c.world.local(c.user(v), c.world.anchor - 1, 2, 10);
    let net = Net::at(Site::Attacker(1), 0x1F07);
    let mut first = None;
    for i in 0..6 {
        let deny = Ev { net, dev: Dev::Foreign(2), ok: false, ..ev(t0 + i * 80 * SECOND, Act::DuoAuth, c.user(v)) };
        let deny = c.push(Source::Duo, deny);
        first.get_or_insert(deny);
    }
    let ok = Ev { net, dev: Dev::Foreign(2), ..ev(t0 + 6 * 80 * SECOND + 20 * MINUTE, Act::DuoAuth, c.user(v)) };
    let ok = c.push(Source::Duo, ok);
    let Some(first) = first else { return };
    let evidence =
        vec![c.expect(Source::Duo, &first, "mfa_deny", None), c.expect(Source::Duo, &ok, "mfa_challenge", None)];
    c.story(
        "push-bombing",
        "FW-007",
        Source::Duo,
        v,
        &first,
        "six pushes denied within eight minutes from Bucharest, then one accepted 20 minutes later (critical)",
        evidence,
    );
}

/// Story 4 (FW-004, FW-001): a help-desk contractor not on the allowed list registers a
/// phone for the Global Administrator.
fn contractor_registers_for_admin(c: &mut Ctx<'_>) {
    let admin = cast::GLOBAL_ADMIN;
    let contractor = c.user(cast::CONTRACTOR);
    let t = c.world.local(c.user(admin), c.world.anchor + 1, 15, 20);
    let e = Ev {
        actor: Actor::User(cast::CONTRACTOR),
        net: contractor.net,
        ..ev(t, Act::EntraAdminRegistered, c.user(admin))
    };
    let e = c.push(Source::EntraAudit, e);
    let x = c.expect(Source::EntraAudit, &e, "factor_add", Some("delegated"));
    c.story(
        "contractor-binds-admin-phone",
        "FW-004",
        Source::EntraAudit,
        admin,
        &e,
        "a help-desk contractor outside allowed_delegates registers a phone for the Global Administrator (critical)",
        vec![x.clone()],
    );
    c.story(
        "contractor-binds-admin-phone",
        "FW-001",
        Source::EntraAudit,
        admin,
        &e,
        "factor change on a tier 0 identity",
        vec![x.clone()],
    );
    c.gated_story(
        "contractor-binds-admin-phone",
        "FW-012",
        Source::EntraAudit,
        admin,
        &e,
        "with gating on, no decision of the decision point allowed the binding (critical: tier 0)",
        vec![x],
    );
}

/// Story 5 (FW-005): a new method then a service principal secret in Entra; an MFA device
/// then an access key in AWS.
fn enroll_then_credentials(c: &mut Ctx<'_>) {
    let a = c.world.anchor;
    let e_user = cast::ENTRA_CRED;
    let t = c.world.local(c.user(e_user), a - 2, 13, 0);
    let reg = c.push(Source::EntraAudit, ev(t, Act::EntraUserRegistered, c.user(e_user)));
    let sp = c.push(Source::EntraAudit, Ev { t: t + 2 * HOUR + 40 * MINUTE, act: Act::EntraAddSpCredentials, ..reg });
    let evidence = vec![
        c.expect(Source::EntraAudit, &reg, "factor_add", Some("self")),
        c.expect(Source::EntraAudit, &sp, "secret_issue", None),
    ];
    c.story(
        "enroll-then-service-principal-secret",
        "FW-005",
        Source::EntraAudit,
        e_user,
        &sp,
        "a new authenticator, then 2 h 40 min later a new secret on the billing-sync service principal",
        evidence,
    );

    let w_user = cast::AWS_CRED;
    let t = c.world.local(c.user(w_user), a - 2, 15, 0);
    let mfa = c.push(Source::Aws, ev(t, Act::AwsEnableMfa, c.user(w_user)));
    let key = c.push(Source::Aws, Ev { t: t + 2 * HOUR + 30 * MINUTE, act: Act::AwsCreateAccessKey, ..mfa });
    let evidence = vec![
        c.expect(Source::Aws, &mfa, "factor_add", Some("self")),
        c.expect(Source::Aws, &key, "secret_issue", None),
    ];
    c.story(
        "enroll-then-access-key",
        "FW-005",
        Source::Aws,
        w_user,
        &key,
        "EnableMFADevice, then CreateAccessKey two and a half hours later by the same IAM user",
        evidence,
    );
}

/// Story 6 (FW-006): an Okta MFA rule deactivated; a Google user turns off 2-step verification.
fn mfa_weakened(c: &mut Ctx<'_>) {
    let a = c.world.anchor;
    let admin = cast::SUPER_ADMIN_2;
    let t = c.world.local(c.user(admin), a + 2, 9, 30);
    let rule = c.push(Source::Okta, ev(t, Act::OktaPolicyRuleDeactivate, c.user(admin)));
    let x = c.expect(Source::Okta, &rule, "policy_weaken", None);
    c.story(
        "mfa-rule-deactivated",
        "FW-006",
        Source::Okta,
        admin,
        &rule,
        "the Require MFA rule of the sign-on policy is deactivated (org-wide)",
        vec![x],
    );

    let g = cast::GOOGLE_2SV;
    let t = c.world.local(c.user(g), a + 2, 10, 15);
    let off = c.push(Source::Google, ev(t, Act::Google2svDisable, c.user(g)));
    let x = c.expect(Source::Google, &off, "factor_reset", Some("self"));
    c.story(
        "2sv-turned-off",
        "FW-006",
        Source::Google,
        g,
        &off,
        "a user turns off 2-step verification and never re-enrolls",
        vec![x],
    );
}

/// Story 7 (FW-009): a recovery phone edited, then an admin resets the password 13 h later.
fn recovery_then_reset(c: &mut Ctx<'_>) {
    let v = cast::GOOGLE_RECOVERY;
    let t = c.world.local(c.user(v), c.world.anchor - 3, 19, 0);
    let edit = c.push(Source::Google, ev(t, Act::GoogleRecoveryPhoneEdit, c.user(v)));
    let admin_net = c.user(cast::GOOGLE_ADMIN).net;
    let reset = Ev {
        t: t + 13 * HOUR,
        act: Act::GoogleAdminChangePassword,
        actor: Actor::User(cast::GOOGLE_ADMIN),
        net: admin_net,
        ..edit
    };
    let reset = c.push(Source::Google, reset);
    let evidence = vec![
        c.expect(Source::Google, &edit, "recovery_change", Some("self")),
        c.expect(Source::Google, &reset, "password_reset", Some("delegated")),
    ];
    c.story(
        "recovery-phone-then-admin-reset",
        "FW-009",
        Source::Google,
        v,
        &reset,
        "the recovery phone is changed, then an admin resets the password 13 hours later",
        evidence,
    );
}

/// Story 8 (FW-010): one address binds SMS factors to three people within 40 minutes.
fn mass_enrollment(c: &mut Ctx<'_>) {
    let net = Net::at(Site::Attacker(2), 0x0909);
    let t0 = c.world.start + i64::from(c.world.anchor + 2) * DAY + HOUR;
    for (i, v) in cast::MASS_VICTIMS.into_iter().enumerate() {
        let off = [0, 15, 38].get(i).copied().unwrap_or(0);
        let add = Ev {
            net,
            dev: Dev::Foreign(3),
            factor: factor::MASS + i as u32,
            ..ev(t0 + off * MINUTE, Act::OktaFactorActivate(OktaFactor::Sms), c.user(v))
        };
        let add = c.push(Source::Okta, add);
        let x = c.expect(Source::Okta, &add, "factor_add", Some("self"));
        c.story(
            "mass-sms-enrollment",
            "FW-010",
            Source::Okta,
            v,
            &add,
            "one Sao Paulo address binds SMS factors to three people within 40 minutes (critical)",
            vec![x],
        );
    }
}

/// Story 9 (FW-011): GitHub's audit stream is destroyed and the source goes silent three
/// days before the end of the period.
fn blind_spot(c: &mut Ctx<'_>) {
    let owner = cast::SUPER_ADMIN;
    let t = c.world.github_cutoff + 30 * MINUTE;
    let e = c.push(Source::Github, ev(t, Act::GithubStreamDestroy, c.user(owner)));
    let x = c.expect(Source::Github, &e, "other", None);
    c.story(
        "github-stream-destroyed",
        "FW-011",
        Source::Github,
        owner,
        &e,
        "audit_log_streaming.destroy, then no GitHub events for the last three days",
        vec![x],
    );
}

/// Story 10 (FW-001): the Super Admin adds a security key from home: legitimate, privileged.
fn privileged_factor_change(c: &mut Ctx<'_>) {
    let admin = cast::SUPER_ADMIN;
    let t = c.world.local(c.user(admin), c.world.anchor - 4, 10, 0);
    let signin = c.okta_signin(admin, t);
    let add = Ev {
        t: t + 5 * MINUTE,
        act: Act::OktaFactorActivate(OktaFactor::Webauthn),
        factor: factor::ADMIN_KEY,
        ..signin
    };
    let add = c.push(Source::Okta, add);
    let x = c.expect(Source::Okta, &add, "factor_add", Some("self"));
    c.story(
        "super-admin-adds-security-key",
        "FW-001",
        Source::Okta,
        admin,
        &add,
        "a tier 0 Super Admin binds a security key from home (high: legitimate but privileged)",
        vec![x.clone()],
    );
    let allowed = Allowed { grant: Grant::Allow, ev: add, kind: OktaFactor::Webauthn, reviewer: admin };
    c.allowed(
        "super-admin-adds-security-key",
        allowed,
        "an allow decision three minutes before the binding, in force for 15 minutes",
        vec![x],
    );
}

/// Story 11 (FW-001; gating): the second Super Admin binds a new phone's Okta Verify after
/// the SOC approved it: legitimate, privileged, and covered by the approval (single use).
fn approved_admin_phone(c: &mut Ctx<'_>) {
    let admin = cast::SUPER_ADMIN_2;
    let t = c.world.local(c.user(admin), c.world.anchor + 3, 10, 30);
    let signin = c.okta_signin(admin, t);
    let add =
        Ev { t: t + 4 * MINUTE, act: Act::OktaFactorActivate(OktaFactor::Push), factor: factor::ADMIN_PHONE, ..signin };
    let add = c.push(Source::Okta, add);
    let x = c.expect(Source::Okta, &add, "factor_add", Some("self"));
    c.story(
        "super-admin-phone-approved",
        "FW-001",
        Source::Okta,
        admin,
        &add,
        "a tier 0 Super Admin binds a new phone's Okta Verify from home after SOC approval (high: legitimate but privileged)",
        vec![x.clone()],
    );
    let allowed = Allowed { grant: Grant::Approved, ev: add, kind: OktaFactor::Push, reviewer: cast::SUPER_ADMIN };
    c.allowed(
        "super-admin-phone-approved",
        allowed,
        "a require_approval decision 20 minutes before the binding, approved by the SOC 12 minutes before",
        vec![x],
    );
}

/// Story 12 (FW-006, FW-001; state that predates the logs): an administrator no list or
/// inventory names, whose security key and phone were bound before the first log line, signs
/// in with them for a week, opens the Admin Console and resets two people's passwords (tier 0
/// from then on, as observed), then removes the key, leaving the phone and the push.
fn unlisted_admin_drops_their_key(c: &mut Ctx<'_>) {
    let x = cast::UNLISTED_ADMIN;
    let a = c.world.anchor;
    for (k, f) in
        [(7, OktaFactor::Webauthn), (6, OktaFactor::Sms), (5, OktaFactor::Webauthn), (3, OktaFactor::Webauthn)]
    {
        let t = c.world.local(c.user(x), a - k, 8, 40);
        let start = c.push(Source::Okta, ev(t, Act::OktaSessionStart, c.user(x)));
        let number = if f == OktaFactor::Sms { factor::OWN_PHONE } else { factor::OWN_KEY };
        c.push(Source::Okta, Ev { t: t + 15 * SECOND, act: Act::OktaMfaVerify(f), factor: number, ..start });
    }
    let t = c.world.local(c.user(x), a + 1, 9, 0);
    let signin = c.okta_signin(x, t);
    let console = c.push(Source::Okta, Ev { t: t + 2 * MINUTE, act: Act::OktaAdminConsole, ..signin });
    let mut resets = Vec::new();
    for (i, target) in [cast::ROUTINE_RESETS[2], cast::ROUTINE_RESETS[3]].into_iter().enumerate() {
        let reset = Ev {
            actor: Actor::User(x),
            ..ev(console.t + (5 + 3 * i as i64) * MINUTE, Act::OktaPasswordReset, c.user(target))
        };
        let reset = Ev { net: signin.net, dev: signin.dev, ..reset };
        resets.push(c.push(Source::Okta, reset));
    }
    let drop =
        Ev { t: t + HOUR, act: Act::OktaFactorDeactivate(OktaFactor::Webauthn), factor: factor::OWN_KEY, ..signin };
    let drop = c.push(Source::Okta, drop);
    let removed = c.expect(Source::Okta, &drop, "factor_remove", Some("self"));
    c.story(
        "unlisted-admin-drops-security-key",
        "FW-006",
        Source::Okta,
        x,
        &drop,
        "a security key bound before the logs (seen in use) is removed, leaving weaker factors; nothing as strong bound within the grace",
        vec![removed.clone()],
    );
    let mut evidence = vec![c.expect(Source::Okta, &console, "other", Some("self"))];
    for r in &resets {
        evidence.push(c.expect(Source::Okta, r, "password_reset", Some("delegated")));
    }
    evidence.push(removed);
    c.story(
        "unlisted-admin-drops-security-key",
        "FW-001",
        Source::Okta,
        x,
        &drop,
        "the factor change is on an identity no inventory names, tier 0 as observed: it opened the Admin Console and reset two people's passwords",
        evidence,
    );
}

/// Story 13 (FW-004, FW-006, FW-001; state that predates the logs): the help-desk contractor
/// removes a tier 0 administrator's only factor (its Okta Verify, bound before the logs and
/// seen only in use) and sets the password; nothing is enrolled again within a day.
fn contractor_strips_an_admins_only_factor(c: &mut Ctx<'_>) {
    let v = cast::STRIPPED_ADMIN;
    let contractor = c.user(cast::CONTRACTOR);
    let t = c.world.local(c.user(v), c.world.anchor + 2, 14, 0);
    let strip = Ev {
        actor: Actor::User(cast::CONTRACTOR),
        net: contractor.net,
        ..ev(t, Act::OktaFactorDeactivate(OktaFactor::Push), c.user(v))
    };
    let strip = c.push(Source::Okta, strip);
    let reset = c.push(Source::Okta, Ev { t: t + 3 * MINUTE, act: Act::OktaPasswordReset, ..strip });
    let removed = c.expect(Source::Okta, &strip, "factor_remove", Some("delegated"));
    c.story(
        "contractor-strips-admin-mfa",
        "FW-004",
        Source::Okta,
        v,
        &strip,
        "a help-desk contractor outside allowed_delegates removes a tier 0 administrator's only factor (critical)",
        vec![removed.clone()],
    );
    c.story(
        "contractor-strips-admin-mfa",
        "FW-001",
        Source::Okta,
        v,
        &strip,
        "factor change on a tier 0 identity",
        vec![removed.clone()],
    );
    let set = c.expect(Source::Okta, &reset, "password_reset", Some("delegated"));
    c.story(
        "contractor-strips-admin-mfa",
        "FW-006",
        Source::Okta,
        v,
        &strip,
        "the only factor, known from its use, is removed and the password set; nothing is enrolled again within 24 h",
        vec![removed, set],
    );
}

/// What the look-alikes module may use.
pub struct LookCtx<'a, 'w>(&'a mut Ctx<'w>);

impl<'w> LookCtx<'_, 'w> {
    pub fn world(&self) -> &'w World {
        self.0.world
    }
    pub fn push(&mut self, source: Source, e: Ev) -> Ev {
        self.0.push(source, e)
    }
    pub fn okta_signin(&mut self, user: u32, t: i64) -> Ev {
        self.0.okta_signin(user, t)
    }
    pub fn expect(&self, source: Source, e: &Ev, category: &'static str, relation: Option<&'static str>) -> Expect {
        self.0.expect(source, e, category, relation)
    }
    #[allow(clippy::too_many_arguments)]
    pub fn lookalike(
        &mut self,
        name: &'static str,
        must_not_fire: Vec<&'static str>,
        source: Source,
        who: u32,
        e: &Ev,
        summary: &'static str,
        evidence: Vec<Expect>,
    ) {
        self.0.lookalike(name, must_not_fire, source, who, e, summary, evidence)
    }
    pub fn new_factor(n: u32) -> u32 {
        match n {
            0 => factor::NEW_HIRE,
            _ => factor::NEW_PHONE,
        }
    }
}
