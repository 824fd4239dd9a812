//! Drops events that repeat one already emitted (docs/events.md §0 "De-duplication"): the
//! same provider event seen twice, and the documented cases where a provider writes one
//! change as several records. Memory is bounded: the oldest keys are forgotten first.

use model::{Category, Event, Provider};
use serde::Serialize;
use siphasher::sip::SipHasher13;
use std::collections::{HashMap, VecDeque};
use std::hash::Hasher;

/// How many keys are remembered. Duplicates arrive close together; this covers hours of a
/// busy tenant's identity events.
const DEFAULT_CAPACITY: usize = 1 << 18;

/// Serializable, so that a service can keep it in its detection snapshot: the keys it holds
/// are `KeyHasher` values, which mean the same thing in every build.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Collapser {
    last_seen: HashMap<u64, i64>,
    order: VecDeque<u64>,
    capacity: usize,
}

impl Default for Collapser {
    fn default() -> Collapser {
        Collapser::with_capacity(DEFAULT_CAPACITY)
    }
}

impl Collapser {
    /// A collapser that remembers at most `capacity` keys.
    pub fn with_capacity(capacity: usize) -> Collapser {
        Collapser { last_seen: HashMap::new(), order: VecDeque::new(), capacity: capacity.max(1) }
    }

    /// Whether `event` is new. Remembers it either way.
    pub fn admit(&mut self, event: &Event) -> bool {
        let time = event.time.timestamp_micros();
        let exact = self.check(exact_key(event), time, 0);
        let windowed = match window_rule(event) {
            Some((key, window_secs)) => self.check(key, time, window_secs * 1_000_000),
            None => true,
        };
        exact && windowed
    }

    /// True when `key` was not seen within `window` micros of `time`; records `time`.
    fn check(&mut self, key: u64, time: i64, window: i64) -> bool {
        match self.last_seen.insert(key, time) {
            Some(previous) => (previous - time).abs() > window,
            None => {
                self.order.push_back(key);
                if self.order.len() > self.capacity
                    && let Some(old) = self.order.pop_front()
                {
                    self.last_seen.remove(&old);
                }
                true
            }
        }
    }
}

/// De-duplication keys outlive the process (snapshots), so their hash is fixed: SipHash-1-3
/// with the keys (0, 0), over the compact JSON of each key part followed by a newline. Both
/// halves are specified (the SipHash paper; the JSON is the event format's own field
/// encoding), unlike std's `DefaultHasher`, whose algorithm may change in any Rust release.
struct KeyHasher(SipHasher13);

impl KeyHasher {
    fn new() -> KeyHasher {
        KeyHasher(SipHasher13::new_with_keys(0, 0))
    }

    /// Adds one part of the key. The parts are plain model values (strings, numbers, enums,
    /// lists): serializing them cannot fail, and writing into the hasher never does.
    fn add(&mut self, part: &impl Serialize) {
        let _ = serde_json::to_writer(&mut *self, part);
        self.0.write(b"\n");
    }

    fn finish(&self) -> u64 {
        self.0.finish()
    }
}

impl std::io::Write for KeyHasher {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.write(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The same provider event: provider, tenant, id, action and time (docs/events.md §0), and
/// what was normalized from it. Sample and test data reuse ids for different records, so
/// two records with one id are one event only when they also say the same thing.
fn exact_key(e: &Event) -> u64 {
    let mut h = KeyHasher::new();
    h.add(&(e.provider, &e.tenant, &e.id, &e.action, e.time.timestamp_micros(), e.category, e.outcome));
    content(e, &mut h);
    h.finish()
}

/// The fields that tell two events with one id apart.
fn content(e: &Event, h: &mut KeyHasher) {
    h.add(&e.actor.as_ref().and_then(|a| a.key()));
    h.add(&e.target.as_ref().and_then(|t| t.key()));
    h.add(&e.factor.as_ref().map(|f| (&f.id, &f.kind, f.class)));
    h.add(&(e.client.ip, &e.client.user_agent, &e.client.device_id));
    h.add(&(&e.object, &e.reason, &e.session, &e.risk.markers, &e.tags));
}

/// One change written as several records, by provider (docs/events.md §2, §5, §7).
fn window_rule(e: &Event) -> Option<(u64, i64)> {
    let target = e.target.as_ref().and_then(|t| t.key());
    let mut h = KeyHasher::new();
    let window = match (e.provider, e.category) {
        // Entra writes some admin registrations twice with one correlation id.
        (Provider::Entra, c) if c.is_factor_change() => {
            let factor = e.factor.as_ref().map(|f| (&f.kind, &f.id));
            h.add(&(1u8, &e.tenant, e.correlation.as_ref()?, target, c, &e.action, e.outcome, factor));
            5
        }
        // A self-service reset is logged by SSPR and by Core Directory.
        (Provider::Entra, Category::PasswordReset) => {
            h.add(&(2u8, &e.tenant, e.correlation.as_ref()?, target));
            600
        }
        // Duo: creating a phone and associating it with a user within a minute is one binding.
        (Provider::Duo, Category::FactorAdd) => {
            let factor = e.factor.as_ref().and_then(|f| f.id.as_ref().or(f.name.as_ref()))?;
            h.add(&(3u8, &e.tenant, target, factor));
            60
        }
        // Google logs one account event under both `login` and `user_accounts`.
        (Provider::Google, c) if c != Category::Other => {
            h.add(&(4u8, &e.tenant, &e.action, c, e.outcome));
            content(e, &mut h);
            1
        }
        _ => return None,
    };
    Some((h.finish(), window))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(id: &str, device: &str) -> Event {
        let value = json!({
            "provider": "okta", "tenant": "acme.okta.com", "id": id, "time": "2026-05-04T10:31:12Z",
            "category": "factor_add", "action": "user.mfa.factor.activate", "outcome": "success",
            "actor": {"id": "00u1", "name": "alice@acme.com", "kind": "human"},
            "target": {"id": "00u1", "name": "alice@acme.com", "kind": "human"}, "relation": "self",
            "factor": {"kind": "OKTA_VERIFY_PUSH", "class": "app", "id": "opf1"},
            "client": {"ip": "203.0.113.9", "device_id": device}, "source": "okta.ndjson:7"
        });
        serde_json::from_value(value).unwrap_or_else(|e| panic!("test event does not load: {e}"))
    }

    #[test]
    fn exact_keys_are_pinned_so_saved_snapshots_keep_their_meaning() {
        // Changing the hash or the key encoding must be a deliberate, visible change: every
        // key saved in a service snapshot would silently stop matching.
        assert_eq!(exact_key(&event("e1", "dev-1")), PINNED_EXACT_KEY);
    }

    #[test]
    fn keys_depend_on_the_event_and_not_on_where_it_was_read() {
        let mut elsewhere = event("e1", "dev-1");
        elsewhere.source = model::SourceRef::new("other.ndjson".into(), 99);
        assert_eq!(exact_key(&elsewhere), exact_key(&event("e1", "dev-1")));
        assert_ne!(exact_key(&event("e2", "dev-1")), exact_key(&event("e1", "dev-1")));
        assert_ne!(exact_key(&event("e1", "dev-2")), exact_key(&event("e1", "dev-1")));
    }

    #[test]
    fn a_repeat_is_dropped_and_a_different_event_with_the_same_id_is_kept() {
        let mut collapser = Collapser::default();
        assert!(collapser.admit(&event("e1", "dev-1")));
        assert!(!collapser.admit(&event("e1", "dev-1")));
        assert!(collapser.admit(&event("e1", "dev-2")));
    }

    #[test]
    fn keys_survive_a_snapshot_round_trip() {
        let mut collapser = Collapser::default();
        collapser.admit(&event("e1", "dev-1"));
        let saved = serde_json::to_string(&collapser).unwrap_or_default();
        let mut restored: Collapser =
            serde_json::from_str(&saved).unwrap_or_else(|e| panic!("snapshot does not load: {e}"));
        assert!(!restored.admit(&event("e1", "dev-1")));
    }

    /// SipHash-1-3, keys (0, 0), over these bytes (checked with an independent
    /// implementation of the algorithm):
    /// `["okta","acme.okta.com","e1","user.mfa.factor.activate",1777890672000000,"factor_add","success"]\n`
    /// `"00u1"\n"00u1"\n["opf1","OKTA_VERIFY_PUSH","app"]\n["203.0.113.9",null,"dev-1"]\n`
    /// `[null,null,null,[],[]]\n`
    const PINNED_EXACT_KEY: u64 = 7_322_590_371_034_587_901;
}
