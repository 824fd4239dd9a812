//! Distances between sign-in locations, and the optional MaxMind lookup for events that
//! carry no location of their own.

use crate::config::GeoIp;
use model::{Event, Geo, Text};
use std::net::IpAddr;

const EARTH_RADIUS_KM: f64 = 6371.0;

/// Great-circle distance in kilometres (haversine).
pub fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lon1) = (a.0.to_radians(), a.1.to_radians());
    let (lat2, lon2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// MaxMind-format databases, opened once at start-up.
#[derive(Default)]
pub struct GeoLookup {
    city: Option<maxminddb::Reader<Vec<u8>>>,
    asn: Option<maxminddb::Reader<Vec<u8>>>,
}

impl GeoLookup {
    pub fn open(settings: &GeoIp) -> Result<GeoLookup, String> {
        let open = |path: &std::path::Path| {
            maxminddb::Reader::open_readfile(path)
                .map_err(|e| format!("cannot open GeoIP database `{}`: {e}", path.display()))
        };
        Ok(GeoLookup {
            city: settings.city_database.as_deref().map(open).transpose()?,
            asn: settings.asn_database.as_deref().map(open).transpose()?,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.city.is_none() && self.asn.is_none()
    }

    /// Fills location and ASN where the provider gave none.
    pub fn enrich(&self, event: &mut Event) {
        let Some(ip) = event.client.ip else { return };
        if event.client.geo.as_ref().is_none_or(|g| g.lat.is_none())
            && let Some(geo) = self.city(ip)
        {
            event.client.geo = Some(geo);
        }
        if event.client.asn.is_none()
            && let Some((asn, org)) = self.asn(ip)
        {
            event.client.asn = Some(asn);
            if event.client.as_org.is_none() {
                event.client.as_org = org;
            }
        }
    }

    fn city(&self, ip: IpAddr) -> Option<Geo> {
        let city: maxminddb::geoip2::City = self.city.as_ref()?.lookup(ip).ok()??;
        let location = city.location.as_ref();
        let name = |names: Option<&std::collections::BTreeMap<&str, &str>>| {
            names.and_then(|n| n.get("en")).map(|s| Text::from(*s))
        };
        Some(Geo {
            country: city.country.as_ref().and_then(|c| c.iso_code).map(Text::from),
            region: None,
            city: name(city.city.as_ref().and_then(|c| c.names.as_ref())),
            lat: location.and_then(|l| l.latitude),
            lon: location.and_then(|l| l.longitude),
        })
    }

    fn asn(&self, ip: IpAddr) -> Option<(u32, Option<Text>)> {
        let asn: maxminddb::geoip2::Asn = self.asn.as_ref()?.lookup(ip).ok()??;
        Some((asn.autonomous_system_number?, asn.autonomous_system_organization.map(Text::from)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_match_known_city_pairs() {
        let paris = (48.8566, 2.3522);
        let new_york = (40.7128, -74.0060);
        let d = distance_km(paris, new_york);
        assert!((d - 5837.0).abs() < 20.0, "{d}");
        assert!(distance_km(paris, paris) < 0.001);
    }
}
