//! Framework ids per detector, with their conditions (docs/standards.md §6), in table order.

use crate::detector::{Conditions, Detector};
use model::{Mappings, Text};

fn ids(list: &[(&'static str, bool)]) -> Vec<Text> {
    list.iter().filter(|(_, on)| *on).map(|(id, _)| Text::from(*id)).collect()
}

/// Ids with whether each applies.
type Ids = Vec<(&'static str, bool)>;

pub fn mappings(detector: Detector, c: Conditions) -> Mappings {
    let (attack, nhi, agentic, csf): (Ids, Ids, Ids, Ids) = match detector {
        Detector::PrivilegedFactorChange => (
            vec![("T1098.005", true), ("T1556.006", true)],
            vec![("NHI10:2025", c.blast_radius_has_nhi)],
            vec![("ASI03", c.ai_agent)],
            vec![("PR.AA-01", true), ("DE.CM-03", true)],
        ),
        Detector::EnrollAfterRiskySignin => (
            vec![("T1098.005", true), ("T1556.006", true), ("T1078.004", true)],
            vec![],
            vec![],
            vec![("PR.AA-02", true), ("DE.CM-03", true), ("DE.AE-02", true)],
        ),
        Detector::FactorSurvivesReset => (
            vec![("T1098.005", true), ("T1556.006", true)],
            vec![("NHI10:2025", c.blast_radius_has_nhi)],
            vec![],
            vec![("PR.AA-01", true), ("DE.CM-03", true)],
        ),
        Detector::DelegatedFactorChange => (
            vec![("T1098.005", true), ("T1556.006", true), ("T1199", c.external_actor)],
            vec![],
            vec![("ASI03", c.ai_agent)],
            vec![("PR.AA-05", true), ("DE.CM-03", true), ("DE.CM-06", c.external_actor)],
        ),
        Detector::EnrollThenCredentialIssue => (
            vec![("T1556.006", true), ("T1098.001", true), ("T1098.003", c.role_granted)],
            vec![("NHI7:2025", true), ("NHI10:2025", true)],
            vec![("ASI03", c.ai_agent)],
            vec![("PR.AA-01", true), ("PR.AA-05", true), ("DE.AE-02", true), ("DE.AE-04", true)],
        ),
        Detector::MfaWeakened => (
            vec![("T1556.006", true), ("T1556.009", c.policy_weakened), ("T1484.002", c.federation_added)],
            vec![],
            vec![],
            vec![("PR.AA-03", true), ("DE.CM-03", true)],
        ),
        Detector::MfaFatigue => (vec![("T1621", true)], vec![], vec![], vec![("PR.AA-03", true), ("DE.CM-09", true)]),
        Detector::ImpossibleTravel => (
            vec![("T1078.004", true), ("T1550.004", c.session_reused)],
            vec![],
            vec![],
            vec![("DE.CM-03", true), ("DE.AE-02", true)],
        ),
        Detector::RecoveryThenReset => (
            vec![("T1098", true), ("T1111", c.recovery_by_phone_or_email)],
            vec![],
            vec![],
            vec![("PR.AA-01", true), ("PR.AA-02", true), ("DE.AE-02", true)],
        ),
        Detector::MassEnrollment => (
            vec![("T1098.005", true), ("T1556.006", true)],
            vec![],
            vec![],
            vec![("DE.CM-03", true), ("DE.AE-03", true)],
        ),
        Detector::BlindSpot => (vec![], vec![], vec![], vec![("PR.PS-04", true)]),
        Detector::UnapprovedEnrollment => (
            vec![("T1098.005", true), ("T1556.006", true)],
            vec![],
            vec![("ASI03", c.ai_agent)],
            vec![("PR.AA-02", true), ("DE.CM-03", true)],
        ),
    };
    Mappings { attack: ids(&attack), owasp_nhi: ids(&nhi), owasp_agentic: ids(&agentic), csf: ids(&csf) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditional_ids_appear_only_when_their_condition_holds() {
        let plain = mappings(Detector::DelegatedFactorChange, Conditions::default());
        assert_eq!(plain.attack, ["T1098.005", "T1556.006"]);
        assert_eq!(plain.csf, ["PR.AA-05", "DE.CM-03"]);
        let external =
            mappings(Detector::DelegatedFactorChange, Conditions { external_actor: true, ..Conditions::default() });
        assert_eq!(external.attack, ["T1098.005", "T1556.006", "T1199"]);
        assert_eq!(external.csf, ["PR.AA-05", "DE.CM-03", "DE.CM-06"]);
    }

    #[test]
    fn unapproved_enrollment_maps_as_standards_section_6_lists_it() {
        let plain = mappings(Detector::UnapprovedEnrollment, Conditions::default());
        assert_eq!(plain.attack, ["T1098.005", "T1556.006"]);
        assert!(plain.owasp_nhi.is_empty() && plain.owasp_agentic.is_empty());
        assert_eq!(plain.csf, ["PR.AA-02", "DE.CM-03"]);
        let agent = mappings(Detector::UnapprovedEnrollment, Conditions { ai_agent: true, ..Conditions::default() });
        assert_eq!(agent.owasp_agentic, ["ASI03"]);
    }

    #[test]
    fn every_detector_maps_to_csf() {
        for d in Detector::ALL {
            assert!(!mappings(d, Conditions::default()).csf.is_empty(), "{}", d.id());
        }
    }
}
