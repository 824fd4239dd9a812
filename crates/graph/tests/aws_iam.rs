//! AWS IAM inventory (`aws iam get-account-authorization-details`): who may reset passwords
//! and MFA, issue access keys, rewrite permissions, pass or assume roles, evaluated from the
//! policies with wildcards, NotAction and explicit Deny.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use graph::import::import;
use graph::{EdgeKind, Graph, NodeKind};
use model::Provider;
use serde_json::Value;

const ACCOUNT: &str = include_str!("fixtures/aws_iam/account.json");
const A: &str = "111122223333";

fn account() -> Graph {
    let mut g = Graph::new();
    let done = import(&mut g, "account.json", ACCOUNT).unwrap();
    assert_eq!(done.format, "aws iam get-account-authorization-details");
    g
}

fn who(g: &Graph, name: &str) -> u32 {
    g.find_identity(Some(Provider::Aws), Some(A), name).unwrap_or_else(|| panic!("{name} not imported"))
}

fn edges_from(g: &Graph, id: u32) -> Vec<(EdgeKind, String)> {
    let mut out: Vec<(EdgeKind, String)> =
        g.out_edges(id).map(|e| (e.kind, g.node(e.to).unwrap().name.to_string())).collect();
    out.sort();
    out
}

#[test]
fn a_user_allowed_iam_star_on_every_user_is_tier_0_over_every_identity() {
    let g = account();
    let ada = who(&g, "ada");
    assert_eq!(graph::tier_of(&g, ada), 0);
    let s = g.blast_summary(ada, 10);
    assert_eq!(s.identities, 8, "the account's 8 users");
    assert!(s.top.contains(&"ada → every identity".into()), "{:?}", s.top);
    // Only the default version (v2, `iam:*` on users) counts: v1's `*` on `*` would pass roles.
    let own = edges_from(&g, ada);
    assert!(!own.iter().any(|(k, _)| *k == EdgeKind::CanPassRole), "{own:?}");
    for kind in
        [EdgeKind::CanResetPassword, EdgeKind::CanResetFactors, EdgeKind::CanAddCredentials, EdgeKind::CanManageRoles]
    {
        assert!(own.contains(&(kind, "every identity".to_string())), "{kind:?} in {own:?}");
    }
    // The trust policy names ada (with an MFA condition): she can become OrgAdmin.
    assert!(own.contains(&(EdgeKind::CanAssume, "OrgAdmin".to_string())), "{own:?}");
}

#[test]
fn a_power_user_with_not_action_iam_is_not_tier_0_through_iam() {
    let g = account();
    let pat = who(&g, "pat");
    assert_eq!(graph::tier_of(&g, pat), 2);
    let own = edges_from(&g, pat);
    assert!(own.iter().all(|(k, _)| graph::edge_tier(*k).is_none()), "{own:?}");
    // `sts:*` is outside NotAction `iam:*`: the role trusting the account is within reach.
    assert!(own.contains(&(EdgeKind::CanAssume, "ReadOnlyAuditor".to_string())), "{own:?}");
    assert!(!own.iter().any(|(_, to)| to == "OrgAdmin" || to == "KeyRotator"), "{own:?}");
}

#[test]
fn a_role_assumable_by_a_user_that_can_create_access_keys_for_one_user_gives_that_path() {
    let g = account();
    let carol = who(&g, "carol");
    assert_eq!(graph::tier_of(&g, carol), 1);
    let s = g.blast_summary(carol, 10);
    assert!(s.top.contains(&"carol → KeyRotator → ci-deployer".into()), "{:?}", s.top);
    assert_eq!(s.nhi, 1, "ci-deployer only, not every user");
    assert_eq!(s.identities, 0);
    let rotator = g.nodes().find(|(_, n)| n.name == "KeyRotator").unwrap().0;
    assert_eq!(edges_from(&g, rotator), vec![(EdgeKind::CanAddCredentials, "ci-deployer".to_string())]);
    assert_eq!(g.node(rotator).unwrap().role_tier, Some(1));
}

#[test]
fn self_service_policies_on_aws_username_give_no_power_over_others() {
    let g = account();
    let carol = who(&g, "carol");
    let own = edges_from(&g, carol);
    assert_eq!(
        own,
        vec![(EdgeKind::MemberOf, "Developers".to_string()), (EdgeKind::CanAssume, "KeyRotator".to_string())],
        "managing her own MFA, password and keys is not a power"
    );
}

#[test]
fn an_unconditional_deny_removes_the_helpdesk_power_and_a_conditional_one_does_not() {
    let g = account();
    let hana = who(&g, "hana");
    assert_eq!(graph::tier_of(&g, hana), 0, "the MFA-conditioned Deny may not apply");
    let own = edges_from(&g, hana);
    assert!(own.contains(&(EdgeKind::CanResetPassword, "every identity".to_string())), "{own:?}");
    assert!(own.contains(&(EdgeKind::CanResetFactors, "every identity".to_string())), "{own:?}");
    let sam = who(&g, "sam");
    assert_eq!(graph::tier_of(&g, sam), 2, "Deny `iam:*LoginProfile`, `iam:*MFA*` on `*`");
    assert_eq!(edges_from(&g, sam), vec![(EdgeKind::MemberOf, "Helpdesk".to_string())]);
}

#[test]
fn a_permissions_boundary_caps_what_the_users_policies_allow() {
    let g = account();
    let intern = who(&g, "intern");
    assert_eq!(graph::tier_of(&g, intern), 2, "UserAdmin (`iam:*` on users) under a boundary allowing only reads");
    assert!(g.blast_radius(intern).is_empty());
}

#[test]
fn workload_users_are_nhis_with_owner_and_keys() {
    let g = account();
    let deployer = who(&g, "ci-deployer");
    let exporter = who(&g, "metrics-exporter");
    assert_eq!(g.node(deployer).unwrap().kind, NodeKind::Nhi, "path /service/");
    assert_eq!(g.node(exporter).unwrap().kind, NodeKind::Nhi, "an active key and no login profile");
    assert_eq!(g.node(who(&g, "ada")).unwrap().kind, NodeKind::Human);
    assert_eq!(g.node(who(&g, "pat")).unwrap().kind, NodeKind::Human);
    // ci-deployer may pass lambda-exec: tier 1.
    assert_eq!(graph::tier_of(&g, deployer), 1);
    assert!(edges_from(&g, deployer).contains(&(EdgeKind::CanPassRole, "lambda-exec".to_string())));
    // The owner tag names ada.
    assert!(edges_from(&g, who(&g, "ada")).contains(&(EdgeKind::Owns, "ci-deployer".to_string())));
    let s = g.blast_summary(exporter, 5);
    assert_eq!(s.secrets, 1);
    assert_eq!(s.top[0], "metrics-exporter → metrics-exporter access key AKIAMETRICSEXAMPLE01");
    assert_eq!(graph::tier_of(&g, exporter), 2);
}

#[test]
fn identities_use_the_ids_cloudtrail_names_them_by() {
    let g = account();
    let ada = g.find_identity(Some(Provider::Aws), Some(A), "AIDAADAEXAMPLE0000001").unwrap();
    assert_eq!(g.node(ada).unwrap().name, "ada");
    assert_eq!(g.node(ada).unwrap().tenant, A);
}

#[test]
fn wrong_shapes_are_errors_or_skipped_never_panics() {
    let doc: Value = serde_json::from_str(ACCOUNT).unwrap();
    let cases: Vec<Value> = vec![
        serde_json::json!({"UserDetailList": []}),
        serde_json::json!({"UserDetailList": [1, "x"]}),
        serde_json::json!({"UserDetailList": [{"UserName": "x", "Arn": "not-an-arn"}]}),
        serde_json::json!({"RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::1:role/r", "AssumeRolePolicyDocument": 5}]}),
        serde_json::json!({"RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::1:role/r", "AssumeRolePolicyDocument": "%7B%7Bbroken"}]}),
        serde_json::json!({"GroupDetailList": [], "Policies": [{"Arn": "arn:aws:iam::1:policy/p", "PolicyVersionList": [{"IsDefaultVersion": true, "Document": "%FF%FE"}]}]}),
        serde_json::json!({"UserDetailList": [{"UserName": "u", "Arn": "arn:aws:iam::1:user/u", "UserPolicyList": [{"PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": 7, "Resource": {"x": 1}}, "junk", {"Effect": "Maybe"}]}}], "GroupList": [3], "Tags": "none"}]}),
    ];
    for case in cases {
        let mut g = Graph::new();
        let _ = import(&mut g, "case.json", &case.to_string());
    }
    let mut g = Graph::new();
    let err = import(&mut g, "empty.json", r#"{"UserDetailList": []}"#).unwrap_err();
    assert!(err.to_string().contains("no users, groups or roles"), "{err}");
    let mut bad = doc.clone();
    bad["Policies"][0]["PolicyVersionList"][0]["Document"] = Value::from("%7B%22Statement%22%3A");
    let err = import(&mut g, "bad.json", &bad.to_string()).unwrap_err();
    assert!(
        err.to_string()
            .contains("policy `arn:aws:iam::111122223333:policy/UserAdmin`: the policy document is not JSON"),
        "{err}"
    );
}

/// Every value of `doc`, in turn, replaced by each of a few values of other types.
fn each_mutation(doc: &Value, mut visit: impl FnMut(Value)) {
    fn paths(v: &Value, at: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
        out.push(at.clone());
        match v {
            Value::Object(m) => m.iter().for_each(|(k, v)| {
                at.push(Value::from(k.as_str()));
                paths(v, at, out);
                at.pop();
            }),
            Value::Array(a) => a.iter().enumerate().for_each(|(i, v)| {
                at.push(Value::from(i));
                paths(v, at, out);
                at.pop();
            }),
            _ => {}
        }
    }
    let mut all = Vec::new();
    paths(doc, &mut Vec::new(), &mut all);
    for path in all.iter().filter(|p| !p.is_empty()) {
        for replacement in
            [Value::Null, Value::from(7), Value::from("*"), serde_json::json!([{}]), serde_json::json!({})]
        {
            let mut copy = doc.clone();
            let mut at = &mut copy;
            for step in path {
                at = match step {
                    Value::String(k) => &mut at[k.as_str()],
                    _ => &mut at[step.as_u64().unwrap() as usize],
                };
            }
            *at = replacement;
            visit(copy);
        }
    }
}

#[test]
fn any_value_of_the_fixture_replaced_by_another_type_never_panics() {
    let doc: Value = serde_json::from_str(ACCOUNT).unwrap();
    let inventory: Value = serde_json::from_str(include_str!("fixtures/inventory/acme.json")).unwrap();
    let mut runs = 0;
    for d in [&doc, &inventory] {
        each_mutation(d, |mutated| {
            let mut g = Graph::new();
            let _ = import(&mut g, "mutated.json", &mutated.to_string());
            for (id, _) in g.nodes() {
                let _ = graph::tier_of(&g, id);
            }
            runs += 1;
        });
    }
    assert!(runs > 1000, "{runs}");
}
