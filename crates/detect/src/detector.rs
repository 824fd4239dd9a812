//! The detectors' ids and names (docs/detection-contract.md §5), and the draft each one hands the engine.

use model::{Evidence, FindingActor, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Detector {
    PrivilegedFactorChange,
    EnrollAfterRiskySignin,
    FactorSurvivesReset,
    DelegatedFactorChange,
    EnrollThenCredentialIssue,
    MfaWeakened,
    MfaFatigue,
    ImpossibleTravel,
    RecoveryThenReset,
    MassEnrollment,
    BlindSpot,
    UnapprovedEnrollment,
}

impl Detector {
    pub const ALL: [Detector; 12] = [
        Detector::PrivilegedFactorChange,
        Detector::EnrollAfterRiskySignin,
        Detector::FactorSurvivesReset,
        Detector::DelegatedFactorChange,
        Detector::EnrollThenCredentialIssue,
        Detector::MfaWeakened,
        Detector::MfaFatigue,
        Detector::ImpossibleTravel,
        Detector::RecoveryThenReset,
        Detector::MassEnrollment,
        Detector::BlindSpot,
        Detector::UnapprovedEnrollment,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Detector::PrivilegedFactorChange => "FW-001",
            Detector::EnrollAfterRiskySignin => "FW-002",
            Detector::FactorSurvivesReset => "FW-003",
            Detector::DelegatedFactorChange => "FW-004",
            Detector::EnrollThenCredentialIssue => "FW-005",
            Detector::MfaWeakened => "FW-006",
            Detector::MfaFatigue => "FW-007",
            Detector::ImpossibleTravel => "FW-008",
            Detector::RecoveryThenReset => "FW-009",
            Detector::MassEnrollment => "FW-010",
            Detector::BlindSpot => "FW-011",
            Detector::UnapprovedEnrollment => "FW-012",
        }
    }

    /// The detector with this id (`FW-003`).
    pub fn from_id(id: &str) -> Option<Detector> {
        Detector::ALL.into_iter().find(|d| d.id() == id)
    }

    pub fn name(self) -> &'static str {
        match self {
            Detector::PrivilegedFactorChange => "privileged-factor-change",
            Detector::EnrollAfterRiskySignin => "enroll-after-risky-signin",
            Detector::FactorSurvivesReset => "factor-survives-reset",
            Detector::DelegatedFactorChange => "delegated-factor-change",
            Detector::EnrollThenCredentialIssue => "enroll-then-credential-issue",
            Detector::MfaWeakened => "mfa-weakened",
            Detector::MfaFatigue => "mfa-fatigue",
            Detector::ImpossibleTravel => "impossible-travel",
            Detector::RecoveryThenReset => "recovery-then-reset",
            Detector::MassEnrollment => "mass-enrollment",
            Detector::BlindSpot => "blind-spot",
            Detector::UnapprovedEnrollment => "unapproved-enrollment",
        }
    }
}

/// Written as its id (`FW-003`), in snapshots and views.
impl serde::Serialize for Detector {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl<'de> serde::Deserialize<'de> for Detector {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Detector, D::Error> {
        let id = std::borrow::Cow::<str>::deserialize(d)?;
        Detector::from_id(&id).ok_or_else(|| serde::de::Error::custom(format!("unknown detector `{id}`")))
    }
}

/// Conditions that add framework ids to a finding's mappings (docs/standards.md §6).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Conditions {
    pub blast_radius_has_nhi: bool,
    pub ai_agent: bool,
    pub external_actor: bool,
    pub role_granted: bool,
    pub policy_weakened: bool,
    pub federation_added: bool,
    pub session_reused: bool,
    pub recovery_by_phone_or_email: bool,
}

/// A finding as a detector reports it; the engine adds identity, ids, incident and plan.
#[derive(Debug, Clone)]
pub struct Draft {
    pub detector: Detector,
    pub severity: Severity,
    pub summary: String,
    pub evidence: Vec<Evidence>,
    pub actor: Option<FindingActor>,
    pub conditions: Conditions,
}

impl Draft {
    pub fn new(detector: Detector, severity: Severity, summary: String, evidence: Vec<Evidence>) -> Draft {
        Draft { detector, severity, summary, evidence, actor: None, conditions: Conditions::default() }
    }
}
