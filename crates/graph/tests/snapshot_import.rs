//! Factor snapshots (what teams can export from the providers' APIs today) are recognised by
//! shape like every other import, and give each identity the factors the provider listed,
//! classified by the same kind → class tables as the logs, dated by the snapshot's time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Utc};
use graph::import::{ImportOptions, import_with};
use graph::{Graph, ListedFactor};
use model::{FactorClass, Provider};

fn at(t: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc)
}

const TAKEN: &str = "2026-05-02T12:00:00Z";

fn load(g: &mut Graph, path: &str) -> graph::import::Imported {
    let text = std::fs::read_to_string(format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let options = ImportOptions { snapshot_time: None, file_time: Some(at(TAKEN)) };
    import_with(g, path, &text, &options).unwrap()
}

fn factors<'g>(g: &'g Graph, provider: Provider, who: &str) -> &'g [ListedFactor] {
    let node = g.find_identity(Some(provider), None, who).unwrap_or_else(|| panic!("{who} not in the graph"));
    &g.node(node).unwrap().factors
}

/// (kind, class, id) of each listed factor, sorted.
fn summary(list: &[ListedFactor]) -> Vec<(String, FactorClass, String)> {
    let mut out: Vec<_> = list
        .iter()
        .map(|f| (f.kind.as_deref().unwrap_or("").to_string(), f.class, f.id.as_deref().unwrap_or("").to_string()))
        .collect();
    out.sort();
    out
}

#[test]
fn an_okta_factor_list_names_its_user_in_its_links_and_lists_only_active_factors() {
    let mut g = Graph::new();
    assert_eq!(load(&mut g, "okta/factors-hana.json").format, "okta factors");
    let list = factors(&g, Provider::Okta, "00u2hana0helpdesk07");
    assert_eq!(
        summary(list),
        vec![
            ("FIDO_WEBAUTHN".into(), FactorClass::PhishingResistant, "fwf1hana0yubikey0001".into()),
            ("OKTA_VERIFY_PUSH".into(), FactorClass::App, "opf1hana0verify00001".into()),
            ("SMS_FACTOR".into(), FactorClass::PossessionWeak, "mbl1hana0sms00000001".into()),
        ],
        "the pending TOTP factor is not bound"
    );
    let key = list.iter().find(|f| f.class == FactorClass::PhishingResistant).unwrap();
    assert_eq!(key.enrolled, Some(at("2024-02-01T09:00:00Z")));
    assert_eq!(key.name.as_deref(), Some("YubiKey 5 NFC"));
    assert_eq!(key.listed, at(TAKEN), "no time in the document: the file's time");
}

#[test]
fn an_okta_factor_list_without_links_takes_its_user_from_the_file_name() {
    let mut g = Graph::new();
    load(&mut g, "okta/00u5priya0plain0007.factors.json");
    let list = factors(&g, Provider::Okta, "00u5priya0plain0007");
    assert_eq!(
        summary(list),
        vec![
            ("EMAIL_FACTOR".into(), FactorClass::PossessionWeak, "emf1priya0email00001".into()),
            ("SECURITY_QUESTION".into(), FactorClass::Knowledge, "ufq1priya0question01".into()),
        ]
    );
}

#[test]
fn an_okta_factor_list_naming_no_user_is_refused_with_how_to_name_one() {
    let mut g = Graph::new();
    let text = r#"[{"id": "sms1", "factorType": "sms", "provider": "OKTA", "status": "ACTIVE"}]"#;
    let err = import_with(&mut g, "factors.json", text, &ImportOptions::default()).unwrap_err().to_string();
    assert!(err.contains("names no user"), "{err}");
    assert!(g.is_empty());
}

#[test]
fn a_wrapped_okta_factor_list_states_its_time_and_its_admin_role_makes_the_user_tier_0() {
    let mut g = Graph::new();
    load(&mut g, "okta/factors-wrapped.json");
    let list = factors(&g, Provider::Okta, "ola.berg@acme.com");
    assert_eq!(
        summary(list),
        vec![
            ("CALL_FACTOR".into(), FactorClass::PossessionWeak, "clf1ola0call00000001".into()),
            ("SIGNED_NONCE".into(), FactorClass::PhishingResistant, "pfd1ola0fastpass0001".into()),
        ]
    );
    assert!(list.iter().all(|f| f.listed == at("2026-05-01T06:00:00Z")), "the document's own time wins");
    let ola = g.find_identity(Some(Provider::Okta), None, "ola.berg@acme.com").unwrap();
    assert_eq!(graph::tier_of(&g, ola), 0);
}

#[test]
fn a_given_snapshot_time_wins_over_the_documents_own() {
    let mut g = Graph::new();
    let text =
        std::fs::read_to_string(format!("{}/tests/fixtures/okta/factors-wrapped.json", env!("CARGO_MANIFEST_DIR")))
            .unwrap();
    let options = ImportOptions { snapshot_time: Some(at("2026-05-03T00:00:00Z")), file_time: Some(at(TAKEN)) };
    import_with(&mut g, "w.json", &text, &options).unwrap();
    let list = factors(&g, Provider::Okta, "ola.berg@acme.com");
    assert!(list.iter().all(|f| f.listed == at("2026-05-03T00:00:00Z")));
    let node = g.find_identity(Some(Provider::Okta), None, "ola.berg@acme.com").unwrap();
    assert_eq!(g.node(node).unwrap().factors_listed, Some(at("2026-05-03T00:00:00Z")));
}

#[test]
fn okta_factors_in_the_okta_bundle_join_its_users() {
    let mut g = Graph::new();
    let doc = r#"{"users": [{"id": "00u1a", "status": "ACTIVE", "profile": {"login": "a@acme.com"}}],
                  "factors": {"00u1a": [{"id": "mbl1", "factorType": "sms", "provider": "OKTA", "status": "ACTIVE"}]}}"#;
    let imported = import_with(&mut g, "bundle.json", doc, &ImportOptions::default()).unwrap();
    assert_eq!(imported.format, "okta");
    assert_eq!(
        summary(factors(&g, Provider::Okta, "a@acme.com")),
        vec![("SMS_FACTOR".into(), FactorClass::PossessionWeak, "mbl1".into())]
    );
}

#[test]
fn a_graph_methods_page_names_its_user_in_its_context_and_passwords_are_not_factors() {
    let mut g = Graph::new();
    assert_eq!(load(&mut g, "msgraph/methods-page.json").format, "msgraph authentication methods");
    let list = factors(&g, Provider::Entra, "0a1b2c3d-0003-4000-8000-000000000003");
    let classes: Vec<(String, FactorClass)> = summary(list).into_iter().map(|(kind, class, _)| (kind, class)).collect();
    assert_eq!(
        classes,
        vec![
            ("Email".into(), FactorClass::PossessionWeak),
            ("FIDO2 security key".into(), FactorClass::PhishingResistant),
            ("Microsoft Authenticator".into(), FactorClass::App),
            ("Mobile phone".into(), FactorClass::PossessionWeak),
        ]
    );
}

#[test]
fn wrapped_graph_methods_pages_list_each_user_even_one_with_only_a_password() {
    let mut g = Graph::new();
    load(&mut g, "msgraph/methods-wrapped.json");
    let list = factors(&g, Provider::Entra, "pradeep.gupta@contoso.com");
    let classes: Vec<(String, FactorClass)> = summary(list).into_iter().map(|(kind, class, _)| (kind, class)).collect();
    assert_eq!(
        classes,
        vec![
            ("OATH verification code".into(), FactorClass::App),
            ("Temporary Access Pass".into(), FactorClass::PossessionWeak),
            ("Windows Hello for Business".into(), FactorClass::PhishingResistant),
        ]
    );
    let newbie = g.find_identity(Some(Provider::Entra), None, "new.hire@contoso.com").unwrap();
    let node = g.node(newbie).unwrap();
    assert!(node.factors.is_empty());
    assert_eq!(node.factors_listed, Some(at(TAKEN)), "listed with no factor: known to have none");
}

#[test]
fn aws_mfa_devices_are_ranked_by_serial_and_join_the_iam_users_already_imported() {
    let mut g = Graph::new();
    load(&mut g, "aws_iam/account.json");
    let before = g.len();
    assert_eq!(load(&mut g, "aws_iam/mfa-devices.json").format, "aws iam list-mfa-devices");
    assert_eq!(g.len(), before, "the devices' users are the IAM users of the account");
    assert_eq!(
        summary(factors(&g, Provider::Aws, "ada")),
        vec![
            (
                "U2F MFA".into(),
                FactorClass::PhishingResistant,
                "arn:aws:iam::111122223333:u2f/user/ada/adakey1-7XNL7NFNLZ4Q2EXAMPLEKEY".into()
            ),
            ("Virtual MFA".into(), FactorClass::App, "arn:aws:iam::111122223333:mfa/ada".into()),
        ]
    );
    assert_eq!(
        summary(factors(&g, Provider::Aws, "hana")),
        vec![("Hardware MFA".into(), FactorClass::PossessionWeak, "GAHT87654321".into())]
    );
}

#[test]
fn aws_virtual_mfa_devices_list_assigned_devices_only() {
    let mut g = Graph::new();
    load(&mut g, "aws_iam/virtual-mfa-devices.json");
    assert_eq!(
        summary(factors(&g, Provider::Aws, "carol")),
        vec![("Virtual MFA".into(), FactorClass::App, "arn:aws:iam::111122223333:mfa/carol-phone".into())]
    );
    assert!(g.find_identity(Some(Provider::Aws), None, "unassigned-spare").is_none());
}

#[test]
fn google_directory_users_say_who_has_2_step_verification() {
    let mut g = Graph::new();
    assert_eq!(load(&mut g, "google/users.json").format, "google");
    let root = factors(&g, Provider::Google, "root@example.org");
    assert_eq!(root.len(), 1);
    assert_eq!((root[0].kind.as_deref(), root[0].class), (Some("2-Step Verification"), FactorClass::Unknown));
    let intern = g.find_identity(Some(Provider::Google), None, "intern@example.org").unwrap();
    let intern = g.node(intern).unwrap();
    assert!(intern.factors.is_empty());
    assert_eq!(intern.factors_listed, Some(at(TAKEN)));
    let r = g.find_identity(Some(Provider::Google), None, "root@example.org").unwrap();
    assert_eq!(graph::tier_of(&g, r), 0, "isAdmin is super admin");
}

#[test]
fn github_members_with_2fa_status_list_a_factor_for_every_member_not_filtered_out() {
    let mut g = Graph::new();
    assert_eq!(load(&mut g, "github/members-2fa.json").format, "github");
    let mona = factors(&g, Provider::Github, "mona");
    assert_eq!((mona.len(), mona[0].kind.as_deref()), (1, Some("two-factor authentication")));
    let hubot = factors(&g, Provider::Github, "hubot");
    assert_eq!((hubot[0].kind.as_deref(), hubot[0].class), (Some("sms"), FactorClass::PossessionWeak));
    assert!(factors(&g, Provider::Github, "jdoe").is_empty(), "listed by filter=2fa_disabled");
    let mona = g.find_identity(Some(Provider::Github), None, "mona").unwrap();
    assert!(graph::tier_of(&g, mona) < 2, "an owner");
}

#[test]
fn a_github_members_bundle_without_2fa_status_lists_no_factors() {
    let mut g = Graph::new();
    load(&mut g, "github/bundle.json");
    let mona = g.find_identity(Some(Provider::Github), None, "mona").unwrap();
    assert_eq!(g.node(mona).unwrap().factors_listed, None);
}

#[test]
fn duo_users_list_phones_tokens_and_webauthn_and_push_makes_a_phone_an_app() {
    let mut g = Graph::new();
    assert_eq!(load(&mut g, "duo/users.json").format, "duo admin users");
    let list = factors(&g, Provider::Duo, "jsmith");
    assert_eq!(
        summary(list),
        vec![
            ("hardware_token".into(), FactorClass::PossessionWeak, "0".into()),
            ("phone".into(), FactorClass::PossessionWeak, "+15555550199".into()),
            ("phone".into(), FactorClass::App, "+15555550100".into()),
            ("webauthn".into(), FactorClass::PhishingResistant, "WABFEOE007ZMV1QAZTRB".into()),
        ]
    );
    let touch = list.iter().find(|f| f.kind.as_deref() == Some("webauthn")).unwrap();
    assert_eq!(touch.enrolled, DateTime::from_timestamp(1_550_674_764, 0));
    assert!(factors(&g, Provider::Duo, "newbie").is_empty());
}

#[test]
fn duo_owners_and_help_desk_admins_are_tier_0_and_read_only_ones_are_not() {
    let mut g = Graph::new();
    assert_eq!(load(&mut g, "duo/admins.json").format, "duo admin users");
    let tier = |who: &str| graph::tier_of(&g, g.find_identity(Some(Provider::Duo), None, who).unwrap());
    assert_eq!((tier("ops-owner@example.com"), tier("desk@example.com"), tier("auditor@example.com")), (0, 0, 2));
}

#[test]
fn a_later_snapshot_of_the_same_export_replaces_the_earlier_one() {
    let mut g = Graph::new();
    let first = r#"{"user": "00u1", "factors": [{"id": "sms1", "factorType": "sms", "status": "ACTIVE"},
                                             {"id": "key1", "factorType": "webauthn", "status": "ACTIVE"}]}"#;
    let later = r#"{"user": "00u1", "factors": [{"id": "sms1", "factorType": "sms", "status": "ACTIVE"}]}"#;
    let opts = |t: &str| ImportOptions { snapshot_time: Some(at(t)), file_time: None };
    import_with(&mut g, "a.json", first, &opts("2026-05-01T00:00:00Z")).unwrap();
    import_with(&mut g, "b.json", later, &opts("2026-05-02T00:00:00Z")).unwrap();
    // An older export read last changes nothing.
    import_with(&mut g, "a.json", first, &opts("2026-04-01T00:00:00Z")).unwrap();
    let ids: Vec<&str> = factors(&g, Provider::Okta, "00u1").iter().filter_map(|f| f.id.as_deref()).collect();
    assert_eq!(ids, vec!["sms1"]);
}

#[test]
fn listed_factors_survive_a_save_and_load_and_old_saved_graphs_still_load() {
    let mut g = Graph::new();
    load(&mut g, "okta/factors-hana.json");
    let back: Graph = serde_json::from_str(&serde_json::to_string(&g).unwrap()).unwrap();
    assert_eq!(back.nodes().collect::<Vec<_>>(), g.nodes().collect::<Vec<_>>());
    let old = r#"{"nodes": [{"key": "okta:acme:identity:00u1", "kind": "human", "provider": "okta", "tenant": "acme",
                  "id": "00u1", "name": "a@acme.com"}], "edges": [], "names": []}"#;
    let old: Graph = serde_json::from_str(old).unwrap();
    let node = old.node(0).unwrap();
    assert!(node.factors.is_empty() && node.factors_listed.is_none());
}

/// An Okta factor activation naming `kind` as the System Log does.
fn okta_activation(kind: &str) -> String {
    format!(
        r#"{{"uuid":"u-{kind}","published":"2026-05-07T10:00:00Z","eventType":"user.mfa.factor.activate","actor":{{"id":"00u1","type":"User","alternateId":"a@acme.com"}},"target":[{{"id":"00u1","type":"User","alternateId":"a@acme.com"}}],"client":{{"ipAddress":"198.51.100.7"}},"debugContext":{{"debugData":{{"factor":"{kind}"}}}},"outcome":{{"result":"SUCCESS"}}}}"#
    )
}

#[test]
fn an_okta_factor_listed_by_a_snapshot_ranks_as_the_system_log_ranks_the_same_kind() {
    let mut g = Graph::new();
    load(&mut g, "okta/factors-hana.json");
    load(&mut g, "okta/factors-wrapped.json");
    load(&mut g, "okta/00u5priya0plain0007.factors.json");
    let listed: Vec<&ListedFactor> = g.nodes().flat_map(|(_, n)| n.factors.iter()).collect();
    assert!(listed.len() >= 7);
    for f in listed {
        let kind = f.kind.as_deref().unwrap();
        let (events, _) = ingest::normalize_text("okta.ndjson", &okta_activation(kind), &ingest::Options::default());
        let logged = events.iter().find_map(|e| e.factor.as_ref()).unwrap_or_else(|| panic!("{kind}: no factor"));
        assert_eq!(logged.class, f.class, "{kind}");
    }
}
