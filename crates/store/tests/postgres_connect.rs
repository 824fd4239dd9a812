//! Connecting to a PostgreSQL that is not there is an error naming the URL, without its
//! password.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use store::{Postgres, StoreError};

#[test]
fn an_unreachable_server_is_an_error_naming_the_url() {
    match Postgres::connect("postgres://fw:s3cret@127.0.0.1:1/fw") {
        Err(e @ StoreError::Open { .. }) => {
            let text = e.to_string();
            assert!(text.contains("postgres://fw:***@127.0.0.1:1/fw"), "{text}");
            assert!(!text.contains("s3cret"), "{text}");
            assert!(text.contains("refused"), "the cause is shown: {text}");
        }
        other => panic!("expected an open error, got {:?}", other.map(|_| ())),
    }
}
