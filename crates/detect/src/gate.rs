//! Enrollment gating (FW-012): the engine asks the decision point's ledger whether a factor
//! binding was allowed. The ledger lives in crate `policy` (Cedar and all); this trait keeps
//! detection free of it, and `policy::LedgerGate` implements it.

/// What allowed enrollments under gating (the decision point's ledger).
///
/// The engine calls [`EnrollmentGate::admit`] once per successful `factor_add` on a gated
/// identity, in event-time order, with:
///
/// - `identity`: the id detection keys the subject's state by, the same id its findings carry
///   in `identity.id`: the provider's immutable id of the subject (Okta `00u…`, Entra object
///   id, AWS principal id); for events that name the subject by login only, the immutable id
///   seen earlier with that login; else the login itself. A decision point should file its
///   decisions under that id (the API caller's `identity`).
/// - `factor_kind`: the normalized event's factor kind as the provider logs it (Okta
///   `FIDO_WEBAUTHN`, `token:software:totp`; Entra's method name), or `unknown` when the
///   event names none. Matching is the gate's business (the ledger ignores ASCII case).
/// - `at`: the event's time.
///
/// An implementation must be idempotent for the same enrollment: after a crash, stream mode
/// processes events again, and an approval used up by an enrollment must still admit that
/// same enrollment (at the same time) when it is asked again.
pub trait EnrollmentGate: Send + Sync {
    /// The id of the decision or approval that allowed binding `factor_kind` to the identity at `at`,
    /// using up a single-use approval; `None` when nothing did.
    fn admit(
        &self,
        provider: model::Provider,
        tenant: &str,
        identity: &str,
        factor_kind: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Option<String>;
}

/// The factor kind the gate is asked about when the event names none.
pub const UNKNOWN_FACTOR_KIND: &str = "unknown";
