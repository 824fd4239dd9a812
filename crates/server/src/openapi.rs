//! The OpenAPI 3.1 document served at `/v1/openapi.json`, kept beside the code in
//! `openapi.json` and checked against the router and real answers by the tests.

pub const DOCUMENT: &str = include_str!("../openapi.json");
