//! The console's coverage page lists the shared egress detection learned from what the
//! service ingested (a generated tenant, sent without its config), as `config show --learned`
//! does for a hunt.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use reqwest::header::{COOKIE, SET_COOKIE};
use reqwest::{StatusCode, redirect};
use store::Role;
use support::{Backend, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_coverage_page_lists_learned_egress_with_its_identities_and_why() {
    let dir = tempfile::tempdir().unwrap();
    synth::generate(&synth::Config { seed: 3, events: 8_000, ..synth::Config::default() }, dir.path()).unwrap();
    let server = TestServer::start(Backend::Sqlite, "").await;
    for (folder, provider) in [("okta", "okta"), ("entra", "entra"), ("google", "google"), ("duo", "duo")] {
        for entry in std::fs::read_dir(dir.path().join(folder)).unwrap() {
            let (status, report) =
                server.ingest(provider, std::fs::read_to_string(entry.unwrap().path()).unwrap()).await;
            assert_eq!(status, 200, "{provider}: {report}");
        }
    }
    server.drain().await;

    let http = reqwest::Client::builder().redirect(redirect::Policy::none()).build().unwrap();
    let r =
        http.post(server.url("/console/login")).form(&[("token", server.token(Role::Viewer))]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let session = r.headers()[SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string();
    let r = http.get(server.url("/console/coverage")).header(COOKIE, &session).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    let section = &page[page.find("Learned egress").expect("a learned egress section")..];
    assert!(section.contains("<code>203.0.113.0/24</code>"), "{section}");
    assert!(
        section.contains("identities of one provider&#39;s tenant signed in from it over")
            || section.contains("identities of one provider's tenant signed in from it over"),
        "{section}"
    );
}
