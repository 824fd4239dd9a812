use crate::Text;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// Where a request came from, as the provider saw it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Client {
    /// The client's IP address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<IpAddr>,
    /// A service name logged where an IP would be (`signin.amazonaws.com`, `AWS Internal`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_service: Option<Text>,
    /// Where the client was, by the provider's geolocation or the GeoIP database.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub geo: Option<Geo>,
    /// The autonomous system number of the client's network.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asn: Option<u32>,
    /// The organisation that holds that autonomous system.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_org: Option<Text>,
    /// The user agent, as logged.
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
    /// Whether the provider said nothing about the client.
    pub fn is_empty(&self) -> bool {
        *self == Client::default()
    }
}

/// A location. Country is as the provider wrote it (name or ISO code).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Geo {
    /// Country name or ISO code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<Text>,
    /// State or region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<Text>,
    /// City.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<Text>,
    /// Latitude in degrees.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    /// Longitude in degrees.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
}

impl Geo {
    /// Whether no part of the location is known.
    pub fn is_empty(&self) -> bool {
        *self == Geo::default()
    }
}
