use crate::Text;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// Where a request came from, as the provider saw it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Client {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<IpAddr>,
    /// A service name logged where an IP would be (`signin.amazonaws.com`, `AWS Internal`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_service: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub geo: Option<Geo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asn: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_org: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<Text>,
    /// A device id or fingerprint, never a form factor such as `Computer`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_id: Option<Text>,
    /// The provider flagged the network as an anonymizing proxy or Tor.
    #[serde(skip_serializing_if = "is_false", default)]
    pub proxy: bool,
    /// The provider placed the request in a network it trusts (an Okta network zone, an
    /// Entra trusted named location).
    #[serde(skip_serializing_if = "is_false", default)]
    pub trusted_network: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Client {
    pub fn is_empty(&self) -> bool {
        *self == Client::default()
    }
}

/// A location. Country is as the provider wrote it (name or ISO code).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Geo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
}

impl Geo {
    pub fn is_empty(&self) -> bool {
        *self == Geo::default()
    }
}
