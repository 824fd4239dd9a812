//! The engine: routes each event to the detectors that care about its category, keeps
//! identity state, runs timers (checks that wait, like "still bound an hour after the
//! reset"), and collects findings.

use crate::config::{Config, ConfigError, Lists};
use crate::detector::{Detector, Draft};
use crate::detectors::{self as d, Scope};
use crate::finding;
use crate::gate::EnrollmentGate;
use crate::geo::GeoLookup;
use crate::risk::RiskCause;
use crate::state::{self, BoundFactor, IdentityKey, IdentityState};
use chrono::{DateTime, Duration, Utc};
use model::{Category, Event, Evidence, Finding, FindingIdentity, Outcome, PrincipalKind, Text};
use std::borrow::Cow;
use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::hash_map::Entry;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::sync::Arc;

/// The identity id used for findings about a whole tenant (a tenant-wide policy).
pub const TENANT_IDENTITY: &str = "tenant";

#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) enum Check {
    /// FW-003: are these factors still bound after the grace period?
    SurvivedReset { reset: Evidence, suspects: Vec<Text> },
    /// FW-006: was anything enrolled again after a reset of all factors (or the removal of
    /// the last one)?
    Reenrolled { reset: Evidence },
    /// FW-006: is a removal that left only weaker factors still unanswered after the swap
    /// grace?
    WeakenedRemoval { pending: d::mfa_weakened::PendingRemoval },
    /// FW-008: is a network of this travel pair egress by now?
    HeldTravel { held: d::impossible_travel::Held },
}

/// The detectors over every identity's state: events in, findings out.
pub struct Engine {
    pub(crate) config: Config,
    pub(crate) lists: Lists,
    pub(crate) geo: GeoLookup,
    pub(crate) identities: HashMap<IdentityKey, IdentityState>,
    pub(crate) timers: BinaryHeap<Reverse<(DateTime<Utc>, u64)>>,
    pub(crate) checks: HashMap<u64, (IdentityKey, Check)>,
    pub(crate) next_check: u64,
    pub(crate) mass: d::mass_enrollment::MassEnrollment,
    pub(crate) sources: d::blind_spot::Sources,
    pub(crate) findings: Vec<Finding>,
    /// (provider, tenant, lower-case login) → immutable id, for events that name an
    /// identity by login only (Google admin events name the user by `USER_EMAIL`).
    pub(crate) aliases: HashMap<(model::Provider, Text, Text), Text>,
    /// The ids after the first seen with a login, for the rare login of several accounts.
    pub(crate) alias_others: HashMap<(model::Provider, Text, Text), Vec<Text>>,
    /// Who can control what; grows with role grants and issued credentials seen in events.
    pub(crate) graph: graph::Graph,
    /// Tiers from the graph, per identity (none: not in the graph), until the graph changes.
    graph_tiers: RefCell<HashMap<(model::Provider, Text, Text), Option<u8>>>,
    /// Privileged work seen done by each identity: tiers the logs reveal.
    pub(crate) observed: crate::observed_tier::ObservedTiers,
    /// Networks seen in successful sign-ins, and those learned as shared egress.
    pub(crate) egress: crate::egress::Egress,
    pub(crate) finding_ids: HashSet<String>,
    /// The decision point's ledger, for FW-012; not part of the saved state.
    gate: Option<Arc<dyn EnrollmentGate>>,
    pub(crate) events: u64,
    pub(crate) first: Option<DateTime<Utc>>,
    pub(crate) last: Option<DateTime<Utc>>,
}

fn duration(d: std::time::Duration) -> Duration {
    Duration::from_std(d).unwrap_or(Duration::MAX)
}

impl Engine {
    /// An engine with the settings `config` and an empty identity graph.
    pub fn new(config: &Config) -> Result<Engine, ConfigError> {
        Engine::with_graph(config, graph::Graph::new())
    }

    /// An engine that knows the identity graph (inventory imports): tiers and blast radius
    /// come from it, and edges learned from events are added to it.
    pub fn with_graph(config: &Config, graph: graph::Graph) -> Result<Engine, ConfigError> {
        config.validate()?;
        let geo = GeoLookup::open(&config.geoip).map_err(ConfigError::Invalid)?;
        Ok(Engine {
            config: config.clone(),
            lists: Lists::new(config),
            geo,
            identities: HashMap::new(),
            timers: BinaryHeap::new(),
            checks: HashMap::new(),
            next_check: 0,
            mass: Default::default(),
            sources: Default::default(),
            findings: Vec::new(),
            aliases: HashMap::new(),
            alias_others: HashMap::new(),
            graph,
            graph_tiers: RefCell::new(HashMap::new()),
            observed: Default::default(),
            egress: Default::default(),
            finding_ids: HashSet::new(),
            gate: None,
            events: 0,
            first: None,
            last: None,
        })
    }

    /// The engine, asking `gate` whether each factor bound to a gated identity was allowed
    /// (FW-012, when `[gating] enabled`).
    pub fn with_gate(mut self, gate: Arc<dyn EnrollmentGate>) -> Engine {
        self.gate = Some(gate);
        self
    }

    /// Sets or clears the enrollment gate (FW-012).
    pub fn set_gate(&mut self, gate: Option<Arc<dyn EnrollmentGate>>) {
        self.gate = gate;
    }

    /// Feeds one event. Events must come in event-time order.
    pub fn process(&mut self, event: &Event) {
        self.events += 1;
        self.first = Some(self.first.map_or(event.time, |t| t.min(event.time)));
        self.last = Some(self.last.map_or(event.time, |t| t.max(event.time)));
        self.run_checks(event.time);
        let event: Cow<Event> = if self.geo.is_empty() || event.client.ip.is_none() {
            Cow::Borrowed(event)
        } else {
            let mut owned = event.clone();
            self.geo.enrich(&mut owned);
            Cow::Owned(owned)
        };
        self.sources.observe(&event);
        self.handle(&event);
        // After the event's own detection: a grant makes later changes privileged.
        if graph::learn(&mut self.graph, &event) {
            self.graph_tiers.borrow_mut().clear();
        }
        self.observe_tier_work(&event);
    }

    /// Events processed so far.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// The earliest and latest event time processed so far.
    pub fn span(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        self.first.zip(self.last)
    }

    /// The settings the engine runs with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The identity graph, with the edges learned from events so far.
    pub fn graph(&self) -> &graph::Graph {
        &self.graph
    }

    /// Runs every check still waiting, as at the end of the data.
    pub(crate) fn run_all_checks(&mut self) {
        self.run_checks(DateTime::<Utc>::MAX_UTC);
    }

    fn schedule(&mut self, due: DateTime<Utc>, key: IdentityKey, check: Check) {
        let id = self.next_check;
        self.next_check += 1;
        self.timers.push(Reverse((due, id)));
        self.checks.insert(id, (key, check));
    }

    /// Runs the checks due at or before `now`, an event time: a finding is dated at its
    /// check's due time, or at the latest event when the data ends before it.
    fn run_checks(&mut self, now: DateTime<Utc>) {
        self.run_checks_dated(now, None);
    }

    /// Runs the checks due at or before `now`, a wall-clock time (stream mode, the input
    /// quiet): time has reached their due time even though no event has, so a finding is
    /// dated as a hunt with events past that time would date it.
    pub(crate) fn run_checks_by_clock(&mut self, now: DateTime<Utc>) {
        self.run_checks_dated(now, Some(now));
    }

    fn run_checks_dated(&mut self, now: DateTime<Utc>, clock: Option<DateTime<Utc>>) {
        while let Some(Reverse((due, id))) = self.timers.peek().copied() {
            if due > now {
                break;
            }
            self.timers.pop();
            let Some((key, check)) = self.checks.remove(&id) else { continue };
            let Some(state) = self.identities.get_mut(&key) else { continue };
            let who = state.name.clone().unwrap_or_else(|| key.id.clone());
            // A held travel finding is dated at its second sign-in, not when the hold ends.
            let mut dated = None;
            let draft = match check {
                Check::SurvivedReset { reset, suspects } => {
                    d::factor_survives_reset::on_check(&reset, &suspects, state, &who)
                }
                Check::Reenrolled { reset } => {
                    let hours = duration(self.config.detectors.mfa_weakened.reenroll_window).num_hours();
                    d::mfa_weakened::on_reset_unanswered(&reset, state, &who, hours)
                }
                Check::WeakenedRemoval { pending } => d::mfa_weakened::on_grace_over(pending, state),
                Check::HeldTravel { held } => {
                    let draft =
                        d::impossible_travel::on_hold_over(held, &self.egress, &self.config.networks.learned_egress);
                    dated = draft.as_ref().and_then(|dr| dr.evidence.last()).map(|e| e.time);
                    draft
                }
            };
            if let Some(draft) = draft {
                let end = self.last.max(clock).unwrap_or(due);
                let time = dated.unwrap_or_else(|| draft.evidence.first().map_or(due, |e| e.time).max(due.min(end)));
                self.emit(&key, draft, time);
            }
        }
    }

    /// The tier from the config lists and from the graph, whichever is more privileged.
    pub(crate) fn tier_of(&self, provider: model::Provider, tenant: &str, who: &model::Principal) -> u8 {
        self.tier_with_basis(provider, tenant, who).0
    }

    /// The tier from the config lists and the graph, whichever is more privileged; where
    /// neither knows the identity, the tier the logs reveal, with why (observed_tier.rs).
    pub(crate) fn tier_with_basis(
        &self,
        provider: model::Provider,
        tenant: &str,
        who: &model::Principal,
    ) -> (u8, Option<Text>) {
        // A record that names the identity by login only (Duo's administrator log, Google's
        // admin events) is about the same identity its immutable id is listed under.
        let who = &*self.with_known_id(provider, tenant, who);
        let listed = self.lists.tier(provider, tenant, who);
        if listed == 0 {
            return (0, None);
        }
        if let Some(tier) = self.graph_tier(provider, tenant, who) {
            return (listed.min(tier), None);
        }
        if listed < 2 {
            return (listed, None);
        }
        self.observed_tier(provider, tenant, who).map_or((2, None), |(tier, why)| (tier, Some(why)))
    }

    /// `who` with the immutable id already seen with its login, when it names only a login.
    fn with_known_id<'p>(
        &self,
        provider: model::Provider,
        tenant: &str,
        who: &'p model::Principal,
    ) -> Cow<'p, model::Principal> {
        if who.id.is_none()
            && let Some(name) = &who.name
            && let Some(id) = self.aliases.get(&(provider, Text::from(tenant), name.to_ascii_lowercase()))
        {
            return Cow::Owned(model::Principal { id: Some(id.clone()), ..who.clone() });
        }
        Cow::Borrowed(who)
    }

    /// The graph's tier for `who`, none when the graph does not hold it.
    fn graph_tier(&self, provider: model::Provider, tenant: &str, who: &model::Principal) -> Option<u8> {
        if self.graph.is_empty() {
            return None;
        }
        let key = who.key()?;
        let cache_key = (provider, Text::from(tenant), Text::from(key));
        if let Some(&tier) = self.graph_tiers.borrow().get(&cache_key) {
            return tier;
        }
        let tier = self.graph_node(provider, tenant, who).map(|node| graph::tier_of(&self.graph, node));
        self.graph_tiers.borrow_mut().insert(cache_key, tier);
        tier
    }

    pub(crate) fn graph_node(
        &self,
        provider: model::Provider,
        tenant: &str,
        who: &model::Principal,
    ) -> Option<graph::NodeId> {
        [who.id.as_deref(), who.name.as_deref()]
            .into_iter()
            .flatten()
            .find_map(|k| self.graph.find_identity(Some(provider), Some(tenant), k))
    }

    /// Remembers the immutable id behind each login the event names with both.
    fn learn_aliases(&mut self, event: &Event) {
        for p in [event.subject(), event.actor.as_ref()].into_iter().flatten() {
            if let (Some(id), Some(name)) = (&p.id, &p.name) {
                let login = (event.provider, event.tenant.clone(), name.to_ascii_lowercase());
                match self.aliases.entry(login) {
                    Entry::Vacant(first) => {
                        first.insert(id.clone());
                    }
                    // A second account under the same login (deleted and created again, a
                    // guest and a member): remembered, so that a lookup by login says so.
                    Entry::Occupied(first) if first.get() != id => {
                        let others = self.alias_others.entry(first.key().clone()).or_default();
                        if !others.contains(id) {
                            others.push(id.clone());
                        }
                    }
                    Entry::Occupied(_) => {}
                }
            }
        }
    }

    /// The state key of a principal: its immutable id, else the id already seen with its
    /// login, else the login.
    fn key_of(&self, event: &Event, who: &model::Principal) -> Option<IdentityKey> {
        self.key_in(event.provider, &event.tenant, who)
    }

    fn subject_key(&self, event: &Event) -> IdentityKey {
        event.subject().and_then(|p| self.key_of(event, p)).unwrap_or_else(|| IdentityKey {
            provider: event.provider,
            tenant: event.tenant.clone(),
            id: Text::from(TENANT_IDENTITY),
        })
    }

    fn handle(&mut self, e: &Event) {
        let evidence = state::evidence(e);
        let ok = e.outcome != Outcome::Failure;
        self.learn_aliases(e);
        let key = self.subject_key(e);
        let (tier, tier_basis) = e.subject().map_or((2, None), |p| self.tier_with_basis(e.provider, &e.tenant, p));
        let mut drafts: Vec<(IdentityKey, Draft)> = Vec::new();

        // The actor's own state, read before the subject's is borrowed for writing.
        let actor_key = e.actor.as_ref().and_then(|a| self.key_of(e, a));
        let risky_actor_window = duration(self.config.detectors.delegated_factor_change.risky_actor_window);
        let actor_risky = actor_key
            .as_ref()
            .filter(|k| **k != key)
            .and_then(|k| self.identities.get(k))
            .is_some_and(|s| s.risky_within(e.time, risky_actor_window).is_some());

        // The sign-in counts toward its network's sharing before its own travel is judged.
        if ok && e.category == Category::SigninSuccess && key.id != TENANT_IDENTITY {
            self.egress.observe(&self.config.networks.learned_egress, e.time, &e.client, &key);
        }

        let Engine { config, lists, egress, identities, mass, gate, graph, .. } = self;
        let scope =
            Scope { config, lists, egress, event: e, tier, tier_basis: tier_basis.as_deref(), evidence: &evidence };
        let subject = e.subject().cloned().unwrap_or_default();
        let state = identities.entry(key.clone()).or_insert_with(|| crate::prior::seeded(graph, e, &subject));
        if state.name.is_none() {
            state.name = subject.name.clone();
        }
        state.last_seen = state.last_seen.max(e.time);
        let mut schedule: Vec<(DateTime<Utc>, Check)> = Vec::new();

        match e.category {
            Category::SigninSuccess | Category::MfaChallenge if ok => {
                drafts.extend(d::factor_survives_reset::on_use(&scope, state).map(|dr| (key.clone(), dr)));
                if key.id != TENANT_IDENTITY {
                    crate::seen_in_use::learn(&scope, state);
                }
                if let Some(dr) = d::mfa_fatigue::on_followup(&scope, state) {
                    state.fatigue = None;
                    drafts.push((key.clone(), dr));
                }
                if e.category == Category::SigninSuccess {
                    on_signin(&scope, state, &mut drafts, &mut schedule, &key);
                }
            }
            Category::MfaDeny => {
                if let Some(dr) = d::mfa_fatigue::on_deny(&scope, state) {
                    state.fatigue = Some((e.time, dr.evidence.clone()));
                    state.mark_risky(vec![RiskCause::MfaFatigue], evidence.clone());
                    drafts.push((key.clone(), dr));
                }
                if d::mfa_fatigue::is_push_denial(e) {
                    state.push_denials.push(evidence.clone());
                }
            }
            Category::RiskSignal => {
                let signal = if e.risk.markers.is_empty() { e.action.to_string() } else { e.risk.markers.join(", ") };
                state.mark_risky(vec![RiskCause::ProviderRisk { signal }], evidence.clone());
            }
            c if ok && (c.is_factor_change() || c == Category::RecoveryChange) => {
                let onboarding = c == Category::FactorAdd
                    && !state.ever_bound
                    && state.signins == 0
                    && e.time - state.first_seen <= duration(config.baseline.onboarding_window);
                drafts.extend(d::privileged_factor_change::on_change(&scope).map(|dr| (key.clone(), dr)));
                if matches!(c, Category::FactorAdd | Category::FactorUpdate | Category::RecoveryChange) && !onboarding {
                    drafts.extend(d::enroll_after_risky_signin::on_binding(&scope, state).map(|dr| (key.clone(), dr)));
                }
                drafts.extend(d::delegated_factor_change::on_change(&scope, actor_risky).map(|dr| (key.clone(), dr)));
                if let Some(dr) = d::mfa_fatigue::on_followup(&scope, state) {
                    state.fatigue = None;
                    drafts.push((key.clone(), dr));
                }
                if c == Category::FactorRemove
                    && let Some(pending) = d::mfa_weakened::on_remove(&scope, state)
                {
                    let grace = duration(config.detectors.mfa_weakened.swap_grace);
                    schedule.push((e.time + grace, Check::WeakenedRemoval { pending }));
                }
                if c == Category::FactorReset {
                    drafts.extend(d::recovery_then_reset::on_reset(&scope, state).map(|dr| (key.clone(), dr)));
                }
                if c == Category::FactorAdd {
                    drafts.extend(mass.on_binding(&scope, &key));
                    drafts.extend(
                        d::unapproved_enrollment::on_add(&scope, gate.as_deref(), &key.id).map(|dr| (key.clone(), dr)),
                    );
                }
                let flagged: Vec<Detector> = drafts.iter().map(|(_, dr)| dr.detector).collect();
                update_factors(&scope, state, onboarding, flagged, &mut schedule);
            }
            Category::PasswordReset | Category::SessionRevoke if ok => {
                if e.category == Category::PasswordReset {
                    drafts.extend(d::recovery_then_reset::on_reset(&scope, state).map(|dr| (key.clone(), dr)));
                }
                let suspects = d::factor_survives_reset::suspects(&scope, state);
                if !suspects.is_empty() {
                    let grace = duration(config.detectors.factor_survives_reset.grace);
                    schedule.push((e.time + grace, Check::SurvivedReset { reset: evidence.clone(), suspects }));
                }
            }
            Category::PolicyWeaken if ok => {
                drafts.extend(d::mfa_weakened::on_policy(&scope).map(|dr| (key.clone(), dr)));
            }
            Category::Other => {
                drafts.extend(d::blind_spot::on_log_stream_change(e, &evidence).map(|dr| (key.clone(), dr)));
            }
            _ => {}
        }

        // Credentials are issued by the actor: FW-005 reads the actor's state.
        if ok
            && matches!(e.category, Category::SecretIssue | Category::SecretRotate | Category::RoleGrant)
            && let Some(actor) = e.actor.as_ref()
            && let Some(actor_key) = actor_key
        {
            let actor_state =
                identities.entry(actor_key.clone()).or_insert_with(|| crate::prior::seeded(graph, e, actor));
            actor_state.last_seen = actor_state.last_seen.max(e.time);
            if let Some(dr) = d::enroll_then_credential_issue::on_issue(&scope, actor_state) {
                drafts.push((actor_key.clone(), dr));
            }
            if e.category != Category::RoleGrant {
                actor_state.secrets_issued.push(evidence.clone());
            }
        }

        for (due, check) in schedule {
            self.schedule(due, key.clone(), check);
        }
        for (who, draft) in drafts {
            self.emit(&who, draft, e.time);
        }
    }

    fn emit(&mut self, key: &IdentityKey, draft: Draft, time: DateTime<Utc>) {
        let finding = self.finding(key, draft, time);
        if self.finding_ids.insert(finding.id.clone()) {
            self.findings.push(finding);
        }
    }

    /// The finding a draft becomes: identity, tier and blast radius as they stand now.
    fn finding(&self, key: &IdentityKey, mut draft: Draft, time: DateTime<Utc>) -> Finding {
        let state = self.identities.get(key);
        let who = model::Principal {
            id: Some(key.id.clone()),
            name: state.and_then(|s| s.name.clone()),
            kind: state.map_or(PrincipalKind::Unknown, |s| s.kind),
        };
        let (tier, tier_basis) = self.tier_with_basis(key.provider, &key.tenant, &who);
        let identity = FindingIdentity {
            provider: key.provider,
            tenant: key.tenant.clone(),
            id: key.id.clone(),
            name: who.name.clone(),
            kind: who.kind,
            tier,
            tier_basis,
        };
        let blast = self
            .graph_node(key.provider, &key.tenant, &who)
            .map(|node| self.graph.blast_summary(node, 5))
            .unwrap_or_default();
        draft.conditions.blast_radius_has_nhi = blast.nhi > 0;
        let mut finding = finding::build(draft, identity, key, time);
        finding.blast_radius = blast;
        finding
    }

    /// Findings about sources rather than identities, as they stand at the latest event,
    /// without remembering them: a later reading may differ.
    pub(crate) fn blind_spot_findings(&self) -> Vec<Finding> {
        let Some(end) = self.last else { return Vec::new() };
        let mut out = Vec::new();
        for (provider, source, draft) in self.sources.at_end(&self.config, end) {
            let tenant = self.sources.seen(provider).map_or_else(|| Text::from("-"), |s| s.tenant.clone());
            let key = IdentityKey { provider, tenant, id: Text::from(format!("source:{source}")) };
            out.push(self.finding(&key, draft, end));
        }
        out
    }

    /// Findings about sources rather than identities, at the end of the data.
    pub(crate) fn blind_spots(&mut self) {
        for finding in self.blind_spot_findings() {
            if self.finding_ids.insert(finding.id.clone()) {
                self.findings.push(finding);
            }
        }
    }
}

/// A successful sign-in: travel (reported now, or held while a shared network may still be
/// learned as egress), what makes it risky, and the baseline.
fn on_signin(
    s: &Scope<'_>,
    state: &mut IdentityState,
    drafts: &mut Vec<(IdentityKey, Draft)>,
    schedule: &mut Vec<(DateTime<Utc>, Check)>,
    key: &IdentityKey,
) {
    let e = s.event;
    let since = e.time - duration(s.config.baseline.window);
    let trusted = s.trusted_network();
    let mut reasons: Vec<RiskCause> = Vec::new();
    if let Some(here) = d::impossible_travel::point(s) {
        if let Some(dr) = d::impossible_travel::on_signin(s, state, &here) {
            // Risky now either way: other detectors do not wait for the hold.
            reasons.push(RiskCause::ImpossibleTravel);
            match d::impossible_travel::hold(s, state, &here, &dr) {
                Some(held) => {
                    // Twice the span: a network first seen now has a whole span after it can
                    // first be learned.
                    let hold = duration(s.config.networks.learned_egress.min_span.saturating_mul(2));
                    schedule.push((here.time + hold, Check::HeldTravel { held }));
                }
                None => drafts.push((key.clone(), dr)),
            }
        }
        state.last_signin = Some(here);
    }
    // A new employee is not an attacker: novelty counts once there is a baseline.
    if state.signins >= s.config.baseline.min_signins
        && !trusted
        && let Some(why) = state.unfamiliar(e, since)
    {
        reasons.push(why);
    }
    if e.client.proxy {
        reasons.push(RiskCause::AnonymizingProxy);
    }
    if e.risk.level.is_some_and(|l| l >= model::RiskLevel::Medium) {
        reasons.push(RiskCause::ProviderRiskLevel);
    }
    if !reasons.is_empty() {
        state.mark_risky(reasons, s.evidence.clone());
    }
    state.signins = state.signins.saturating_add(1);
    state.learn_client(e);
}

/// Applies a successful factor or recovery change to the identity's state.
fn update_factors(
    s: &Scope<'_>,
    state: &mut IdentityState,
    onboarding: bool,
    flagged_by: Vec<Detector>,
    schedule: &mut Vec<(DateTime<Utc>, Check)>,
) {
    let e = s.event;
    let key = state::factor_key(e);
    let kind = e.factor.as_ref().and_then(|f| f.kind.clone());
    match e.category {
        Category::FactorAdd | Category::FactorUpdate => {
            if e.category == Category::FactorUpdate {
                state.remove_factor(Some(&key), None, e.time);
            }
            // Its enrollment is now known: it replaces what its use alone had shown.
            state.factors.retain(|f| !(f.is_bound() && f.origin == state::FactorOrigin::SeenInUse && f.key == key));
            let since = e.time - duration(s.config.baseline.window);
            let trusted = s.trusted_network();
            let unfamiliar = !onboarding
                && !trusted
                && state.signins >= s.config.baseline.min_signins
                && (state.unfamiliar(e, since).is_some()
                    || e.client.ip.is_some_and(|ip| !state.ips.contains(&ip, since)));
            state.add_factor(BoundFactor {
                key,
                kind,
                class: e.factor.as_ref().map(|f| f.class).unwrap_or_default(),
                bound_at: e.time,
                ip: e.client.ip,
                device: e.client.device_id.clone(),
                asn: e.client.asn,
                country: e.client.geo.as_ref().and_then(|g| g.country.clone()),
                actor: e.actor.clone(),
                relation: e.relation,
                unfamiliar,
                flagged_by: flagged_by
                    .into_iter()
                    .filter(|d| {
                        matches!(
                            d,
                            Detector::EnrollAfterRiskySignin | Detector::DelegatedFactorChange | Detector::MfaFatigue
                        )
                    })
                    .collect(),
                removed_at: None,
                evidence: s.evidence.clone(),
                origin: state::FactorOrigin::Enrolled,
                name: e.factor.as_ref().and_then(|f| f.name.clone()),
            });
            state.factor_changes.push(s.evidence.clone());
        }
        Category::FactorRemove => {
            let hits = crate::seen_in_use::removal_hits(state, e);
            for &i in &hits {
                if let Some(f) = state.factors.get_mut(i) {
                    f.removed_at = Some(e.time);
                }
            }
            // The last factor gone: the same question as after a reset of all of them.
            if !hits.is_empty() && state.bound_factors().next().is_none() {
                let window = duration(s.config.detectors.mfa_weakened.reenroll_window);
                schedule.push((e.time + window, Check::Reenrolled { reset: s.evidence.clone() }));
            }
        }
        Category::FactorReset => {
            state.remove_all_factors(e.time);
            let window = duration(s.config.detectors.mfa_weakened.reenroll_window);
            schedule.push((e.time + window, Check::Reenrolled { reset: s.evidence.clone() }));
        }
        Category::RecoveryChange => {
            state.recovery_changes.push(s.evidence.clone());
            state.factor_changes.push(s.evidence.clone());
        }
        _ => {}
    }
}
