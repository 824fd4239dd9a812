//! Which connector operation performs a remediation step: one table, by provider and
//! action, that both the plan (is a step automated?) and its execution read.

use super::graph::MethodType;
use super::operation::Operation;
use model::{Provider, RemediationAction};

/// What a caller names for a step's operation, beyond the identity.
#[derive(Debug, Clone, Default)]
pub struct StepTarget {
    /// `remove_factor`: the provider's factor or method id. Absent: the factors are listed.
    pub factor: Option<String>,
    /// `remove_factor` on Graph: the method type.
    pub method_type: Option<MethodType>,
    /// `rotate_secret` on Graph: the application object id.
    pub application: Option<String>,
    /// `rotate_secret` on Graph: the credential's key id.
    pub key_id: Option<String>,
}

/// Why a step has no operation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StepError {
    /// The step's operation needs a value the caller did not name.
    #[error("`{action}` needs `{field}`")]
    Missing {
        /// The step's action.
        action: RemediationAction,
        /// The missing value's name.
        field: &'static str,
    },
    /// No connector call performs the step: it is done at the provider by hand.
    #[error("`{action}` at {provider} has no connector call: do it at the provider")]
    Manual {
        /// The step's action.
        action: RemediationAction,
        /// The identity's provider.
        provider: Provider,
    },
}

/// The calls connectors make for remediation steps.
#[derive(Debug, Clone, Copy)]
enum Call {
    OktaSessions,
    OktaFactor,
    GraphSessions,
    GraphMethod,
    GraphPassword,
}

/// The table: the call that performs `action` at `provider`, if a connector has one.
fn call(provider: Provider, action: RemediationAction) -> Option<Call> {
    use RemediationAction::{RemoveFactor, RevokeSessions, RotateSecret};
    match (provider, action) {
        (Provider::Okta, RevokeSessions) => Some(Call::OktaSessions),
        (Provider::Okta, RemoveFactor) => Some(Call::OktaFactor),
        (Provider::Entra | Provider::M365, RevokeSessions) => Some(Call::GraphSessions),
        (Provider::Entra | Provider::M365, RemoveFactor) => Some(Call::GraphMethod),
        (Provider::Entra | Provider::M365, RotateSecret) => Some(Call::GraphPassword),
        _ => None,
    }
}

/// Whether a connector can perform `action` at `provider` (else it is done by hand).
pub fn automated(provider: Provider, action: RemediationAction) -> bool {
    call(provider, action).is_some()
}

/// The operation that performs `action` on `user` at `provider`. Removing a factor without
/// naming one lists the factors instead.
pub fn step_operation(
    provider: Provider,
    action: RemediationAction,
    user: &str,
    target: &StepTarget,
) -> Result<Operation, StepError> {
    let user = user.to_string();
    let missing = |field: &'static str| StepError::Missing { action, field };
    let Some(call) = call(provider, action) else { return Err(StepError::Manual { action, provider }) };
    Ok(match call {
        Call::OktaSessions => Operation::ClearSessions { user },
        Call::OktaFactor => match &target.factor {
            Some(factor) => Operation::DeleteFactor { user, factor: factor.clone() },
            None => Operation::ListFactors { user },
        },
        Call::GraphSessions => Operation::RevokeSessions { user },
        Call::GraphMethod => match &target.factor {
            Some(method) => Operation::DeleteMethod {
                user,
                method_type: target.method_type.ok_or_else(|| missing("method_type"))?,
                method: method.clone(),
            },
            None => Operation::ListMethods { user },
        },
        Call::GraphPassword => Operation::RemovePassword {
            application: target.application.clone().ok_or_else(|| missing("application"))?,
            key_id: target.key_id.clone().ok_or_else(|| missing("key_id"))?,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn automated_steps_are_exactly_those_with_an_operation() {
        let target = StepTarget {
            factor: Some("f1".into()),
            method_type: Some(MethodType::Fido2),
            application: Some("app".into()),
            key_id: Some("key".into()),
        };
        for provider in Provider::ALL {
            for action in RemediationAction::ALL {
                let op = step_operation(provider, action, "u1", &target);
                assert_eq!(automated(provider, action), op.is_ok(), "{provider} {action}: {op:?}");
            }
        }
        assert!(automated(Provider::Okta, RemediationAction::RemoveFactor));
        assert!(!automated(Provider::Okta, RemediationAction::RotateSecret));
        assert!(automated(Provider::M365, RemediationAction::RotateSecret));
        assert!(!automated(Provider::Google, RemediationAction::RevokeSessions));
    }

    #[test]
    fn removing_a_factor_without_naming_one_lists_them() {
        let none = StepTarget::default();
        let okta = step_operation(Provider::Okta, RemediationAction::RemoveFactor, "u1", &none);
        assert_eq!(okta, Ok(Operation::ListFactors { user: "u1".into() }));
        let graph = step_operation(Provider::Entra, RemediationAction::RemoveFactor, "u1", &none);
        assert_eq!(graph, Ok(Operation::ListMethods { user: "u1".into() }));
    }

    #[test]
    fn a_graph_call_missing_its_values_says_which() {
        let named = StepTarget { factor: Some("m1".into()), ..StepTarget::default() };
        let err = step_operation(Provider::Entra, RemediationAction::RemoveFactor, "u1", &named).unwrap_err();
        assert_eq!(err.to_string(), "`remove_factor` needs `method_type`");
        let err = step_operation(Provider::Entra, RemediationAction::RotateSecret, "u1", &named).unwrap_err();
        assert_eq!(err.to_string(), "`rotate_secret` needs `application`");
        let err = step_operation(Provider::Okta, RemediationAction::ResetPassword, "u1", &named).unwrap_err();
        assert_eq!(err.to_string(), "`reset_password` at okta has no connector call: do it at the provider");
    }
}
