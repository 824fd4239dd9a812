//! Where sign-ins come from: the tenant's home cities (real coordinates), the corporate VPN
//! points of presence, and the networks attackers use. Each place has the ISP network its
//! users' addresses come from.

/// A city and the network behind it.
pub struct Place {
    pub city: &'static str,
    pub region: &'static str,
    pub country: &'static str,
    /// ISO 3166 alpha-2 code (GitHub writes codes).
    pub code: &'static str,
    pub lat: f64,
    pub lon: f64,
    /// Standard-time offset from UTC in hours (no daylight saving: synthetic working days).
    pub utc_offset: i64,
    /// The first two octets of the addresses handed out there.
    pub prefix: [u8; 2],
    pub asn: u32,
    pub as_org: &'static str,
}

#[allow(clippy::too_many_arguments)]
const fn place(
    city: &'static str,
    region: &'static str,
    country: &'static str,
    code: &'static str,
    (lat, lon): (f64, f64),
    utc_offset: i64,
    prefix: [u8; 2],
    (asn, as_org): (u32, &'static str),
) -> Place {
    Place { city, region, country, code, lat, lon, utc_offset, prefix, asn, as_org }
}

/// Home cities of the tenant's people: indices below [`HOME_COUNT`].
pub const PLACES: &[Place] = &[
    place("New York", "New York", "United States", "US", (40.7128, -74.0060), -5, [73, 12], (7922, "comcast")),
    place("Chicago", "Illinois", "United States", "US", (41.8781, -87.6298), -6, [73, 44], (7922, "comcast")),
    place("Austin", "Texas", "United States", "US", (30.2672, -97.7431), -6, [70, 112], (7018, "at&t")),
    place("Seattle", "Washington", "United States", "US", (47.6062, -122.3321), -8, [73, 97], (7922, "comcast")),
    place("San Francisco", "California", "United States", "US", (37.7749, -122.4194), -8, [76, 21], (7018, "at&t")),
    place("Denver", "Colorado", "United States", "US", (39.7392, -104.9903), -7, [71, 33], (209, "lumen")),
    place("Boston", "Massachusetts", "United States", "US", (42.3601, -71.0589), -5, [96, 230], (701, "verizon")),
    place("Atlanta", "Georgia", "United States", "US", (33.7490, -84.3880), -5, [99, 96], (7018, "at&t")),
    place("Toronto", "Ontario", "Canada", "CA", (43.6532, -79.3832), -5, [99, 230], (812, "rogers")),
    place("Montreal", "Quebec", "Canada", "CA", (45.5017, -73.5673), -5, [70, 80], (577, "bell canada")),
    place("Vancouver", "British Columbia", "Canada", "CA", (49.2827, -123.1207), -8, [24, 80], (6327, "shaw")),
    place("London", "England", "United Kingdom", "GB", (51.5074, -0.1278), 0, [86, 128], (2856, "british telecom")),
    place("Manchester", "England", "United Kingdom", "GB", (53.4808, -2.2426), 0, [81, 96], (5089, "virgin media")),
    place("Edinburgh", "Scotland", "United Kingdom", "GB", (55.9533, -3.1883), 0, [82, 12], (2856, "british telecom")),
    place("Berlin", "Berlin", "Germany", "DE", (52.5200, 13.4050), 1, [91, 64], (3320, "deutsche telekom")),
    place("Munich", "Bavaria", "Germany", "DE", (48.1351, 11.5820), 1, [93, 104], (3320, "deutsche telekom")),
    place("Hamburg", "Hamburg", "Germany", "DE", (53.5511, 9.9937), 1, [95, 90], (3209, "vodafone")),
    place("Paris", "Ile-de-France", "France", "FR", (48.8566, 2.3522), 1, [90, 24], (3215, "orange")),
    place("Lyon", "Auvergne-Rhone-Alpes", "France", "FR", (45.7640, 4.8357), 1, [88, 160], (12322, "free sas")),
    place("Sydney", "New South Wales", "Australia", "AU", (-33.8688, 151.2093), 10, [101, 160], (1221, "telstra")),
];

/// How many of [`PLACES`] are home cities.
pub const HOME_COUNT: usize = 20;

/// The corporate VPN's points of presence; addresses in `vpn_egress` (203.0.113.0/24).
pub const VPN_POPS: &[Place] = &[
    place("Ashburn", "Virginia", "United States", "US", (39.0438, -77.4874), -5, [203, 0], (64500, "acme corp vpn")),
    place("London", "England", "United Kingdom", "GB", (51.5074, -0.1278), 0, [203, 0], (64500, "acme corp vpn")),
    place("Frankfurt am Main", "Hesse", "Germany", "DE", (50.1109, 8.6821), 1, [203, 0], (64500, "acme corp vpn")),
];

/// Where the help desk works from; addresses in `helpdesk_egress` (198.51.100.0/28).
pub const HELPDESK: Place =
    place("Toronto", "Ontario", "Canada", "CA", (43.6532, -79.3832), -5, [198, 51], (64501, "acme corp helpdesk"));

/// Networks attackers come from: hosting and residential-proxy ranges in countries where
/// the tenant has nobody.
pub const ATTACKERS: &[Place] = &[
    place("Lagos", "Lagos", "Nigeria", "NG", (6.5244, 3.3792), 1, [102, 89], (37148, "globacom")),
    place("Bucharest", "Bucuresti", "Romania", "RO", (44.4268, 26.1025), 2, [185, 220], (9009, "m247 europe srl")),
    place("Sao Paulo", "Sao Paulo", "Brazil", "BR", (-23.5505, -46.6333), -3, [177, 54], (28573, "claro nxt")),
    place("Jakarta", "Jakarta", "Indonesia", "ID", (-6.2088, 106.8456), 7, [36, 72], (7713, "telkomnet")),
];

/// Which table a network belongs to, and its row.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Site {
    Home(u8),
    Vpn(u8),
    Helpdesk,
    Attacker(u8),
}

impl Site {
    pub fn place(self) -> &'static Place {
        let pick = |table: &'static [Place], i: u8| table.get(usize::from(i)).or(table.first());
        match self {
            Site::Home(i) => pick(PLACES, i),
            Site::Vpn(i) => pick(VPN_POPS, i),
            Site::Attacker(i) => pick(ATTACKERS, i),
            Site::Helpdesk => None,
        }
        .unwrap_or(&HELPDESK)
    }
}

/// A network position: the address and the place the provider geolocates it to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Net {
    pub ip: [u8; 4],
    pub site: Site,
}

impl Net {
    /// An address in a place's range; `host` picks the last two octets.
    pub fn at(site: Site, host: u16) -> Net {
        let [a, b] = site.place().prefix;
        let ip = match site {
            // 203.0.113.0/24 and 198.51.100.0/28: documentation ranges the config allow-lists.
            Site::Vpn(_) => [203, 0, 113, 1 + (host % 250) as u8],
            Site::Helpdesk => [198, 51, 100, 1 + (host % 14) as u8],
            _ => [a, b, (host >> 8) as u8, 1 + (host & 0xFF) as u8 % 254],
        };
        Net { ip, site }
    }

    pub fn place(&self) -> &'static Place {
        self.site.place()
    }
}
