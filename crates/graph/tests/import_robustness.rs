//! Importers never panic: every field of every fixture of the Graph, AzureHound, Okta,
//! Google, GitHub and factor snapshot formats swapped for a value of another type still imports or fails
//! with a reason.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use graph::Graph;
use serde_json::Value;

const FIXTURES: &[&str] = &[
    "msgraph/bundle.json",
    "msgraph/users-page.json",
    "msgraph/role-assignments-page.json",
    "msgraph/service-principals-page.json",
    "msgraph/directory-roles-page.json",
    "azurehound/output.json",
    "azurehound/legacy-azusers.json",
    "okta/bundle.json",
    "okta/users.json",
    "okta/api-tokens.json",
    "google/users.json",
    "google/roles.json",
    "google/role-assignments.json",
    "github/memberships.json",
    "github/bundle.json",
    "github/members-2fa.json",
    "okta/factors-hana.json",
    "okta/factors-wrapped.json",
    "msgraph/methods-page.json",
    "msgraph/methods-wrapped.json",
    "aws_iam/mfa-devices.json",
    "aws_iam/virtual-mfa-devices.json",
    "duo/users.json",
    "duo/admins.json",
];

fn fixture(path: &str) -> Value {
    let text = std::fs::read_to_string(format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// JSON pointers to every value in the document.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                pointers(child, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                pointers(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

#[test]
fn every_field_of_every_fixture_swapped_for_another_type_never_panics() {
    let swaps = [Value::Null, Value::from(7), Value::from("x"), Value::Array(vec![]), serde_json::json!({"id": 1})];
    let mut runs = 0;
    for path in FIXTURES {
        let doc = fixture(path);
        let mut at = Vec::new();
        pointers(&doc, String::new(), &mut at);
        for pointer in at.iter().filter(|p| !p.is_empty()) {
            for swap in &swaps {
                let mut changed = doc.clone();
                *changed.pointer_mut(pointer).unwrap() = swap.clone();
                let mut g = Graph::new();
                let _ = graph::import::import(&mut g, path, &changed.to_string());
                runs += 1;
            }
        }
    }
    assert!(runs > 1000, "{runs}");
}

#[test]
fn a_list_that_is_not_an_array_is_an_error_naming_the_key() {
    let mut g = Graph::new();
    let doc = r#"{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users", "value": {"id": "u1"}}"#;
    // `value` that is not an array is not a Graph page; nothing claims it.
    assert!(graph::import::import(&mut g, "page.json", doc).is_err());
    let bundle = r#"{"tenantId": "t", "roleAssignments": [], "servicePrincipals": {"id": "sp"}}"#;
    let err = graph::import::import(&mut g, "bundle.json", bundle).unwrap_err().to_string();
    assert!(err.contains("`servicePrincipals` is not an array"), "{err}");
    let okta = r#"{"users": [], "roles": {}, "api_tokens": 5}"#;
    let err = graph::import::import(&mut g, "okta.json", okta).unwrap_err().to_string();
    assert!(err.contains("`api_tokens` is not an array"), "{err}");
}
