//! The synthetic organisation "acme": its people, their roles, devices and home networks,
//! and each person's immutable id in every provider they have an account in.

use crate::ids::{self, base62, hex, string, upper, uuid};
use crate::places::{HOME_COUNT, Net, PLACES, Site};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;

pub const OKTA_TENANT: &str = "acme.okta.com";
pub const DUO_TENANT: &str = "acme-duo";
pub const DOMAIN: &str = "acme.com";
pub const AWS_ACCOUNT: &str = "314159265358";
pub const GOOGLE_CUSTOMER: &str = "C03acme7x";
pub const GITHUB_ORG: &str = "acme";
pub const GITHUB_BUSINESS: &str = "acme-corp";

/// What a person may do; tiers per docs/detection-contract.md §3.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Role {
    /// Okta Super Admin, Google super admin, GitHub org owner, AWS administrator (tier 0).
    SuperAdmin,
    /// Entra Global Administrator (tier 0).
    GlobalAdmin,
    /// Help Desk Admin in Okta and Helpdesk Administrator in Entra, on the allowed-delegates list (tier 0).
    Helpdesk,
    /// A help-desk contractor with the same roles who is not on the allowed-delegates list (tier 0).
    HelpdeskContractor,
    /// Entra Application Administrator (tier 1).
    AppAdmin,
    Employee,
}

impl Role {
    pub fn tier(self) -> u8 {
        match self {
            Role::SuperAdmin | Role::GlobalAdmin | Role::Helpdesk | Role::HelpdeskContractor => 0,
            Role::AppAdmin => 1,
            Role::Employee => 2,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Role::SuperAdmin => "Okta Super Admin",
            Role::GlobalAdmin => "Entra Global Administrator",
            Role::Helpdesk => "Help Desk Administrator",
            Role::HelpdeskContractor => "Help Desk Administrator (contractor)",
            Role::AppAdmin => "Application Administrator",
            Role::Employee => "employee",
        }
    }
}

/// One of a person's computers or phones, with the ids each provider logs for it.
pub struct Device {
    pub name: &'static str,
    pub os: &'static str,
    pub browser: &'static str,
    pub user_agent: &'static str,
    /// Okta `debugData.dtHash`.
    pub dt_hash: String,
    /// Entra `deviceDetail.deviceId`.
    pub entra_id: String,
    /// Duo `access_device.epkey`.
    pub epkey: String,
}

pub struct User {
    pub index: u32,
    pub display: String,
    pub login: String,
    pub email: String,
    pub role: Role,
    pub home: u8,
    pub net: Net,
    pub devices: Vec<Device>,
    pub uses_vpn: bool,
    /// The first day (from the start of the period) the account exists.
    pub start_day: u32,
    pub okta_id: String,
    /// The Okta Verify enrollment bound before the period.
    pub okta_push_id: String,
    pub entra_id: String,
    pub google_id: String,
    pub github_login: String,
    pub github_id: u64,
    pub duo_key: String,
    /// Duo `auth_device`: the phone's key and name.
    pub duo_phone_key: String,
    pub duo_phone_name: String,
    /// The IAM user, for people with AWS console or API access.
    pub aws: Option<AwsUser>,
}

pub struct AwsUser {
    pub name: String,
    pub principal_id: String,
    pub access_key: String,
}

impl User {
    pub fn tz(&self) -> i64 {
        self.home_place().utc_offset
    }

    pub fn home_place(&self) -> &'static crate::places::Place {
        Site::Home(self.home).place()
    }

    pub fn device(&self, i: u8) -> &Device {
        let i = usize::from(i) % self.devices.len().max(1);
        // Every user has at least one device; the fallback keeps this total.
        self.devices.get(i).unwrap_or(&FALLBACK_DEVICE)
    }
}

static FALLBACK_DEVICE: Device = Device {
    name: "Laptop",
    os: "Windows 10",
    browser: "CHROME",
    user_agent: UAS[0].3,
    dt_hash: String::new(),
    entra_id: String::new(),
    epkey: String::new(),
};

/// (device name, OS, browser, user agent).
pub const UAS: &[(&str, &str, &str, &str)] = &[
    (
        "Laptop",
        "Windows 10",
        "CHROME",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/135.0.0.0 Safari/537.36",
    ),
    (
        "MacBook",
        "Mac OS X",
        "SAFARI",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.3 Safari/605.1.15",
    ),
    (
        "MacBook",
        "Mac OS X",
        "CHROME",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/135.0.0.0 Safari/537.36",
    ),
    (
        "Laptop",
        "Windows 10",
        "EDGE",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/135.0.0.0 Safari/537.36 Edg/135.0.0.0",
    ),
    ("Linux workstation", "Linux", "FIREFOX", "Mozilla/5.0 (X11; Linux x86_64; rv:137.0) Gecko/20100101 Firefox/137.0"),
    (
        "iPhone",
        "iOS",
        "SAFARI",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.3 Mobile/15E148 Safari/604.1",
    ),
];

const FIRST: &[&str] = &[
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia",
    "peggy", "rupert", "sybil", "trent", "victor", "walter", "yusuf", "zoe", "amara", "bruno", "chen", "dalia", "emil",
    "fatima", "goran", "hana", "ines", "jonas", "kenji", "lena", "mateo", "noor", "oskar", "priya", "quinn", "rosa",
    "sven", "tariq", "uma", "vera", "wen", "xavier", "yara", "zeno",
];
const LAST: &[&str] = &[
    "ng",
    "smith",
    "garcia",
    "muller",
    "martin",
    "brown",
    "tanaka",
    "kowalski",
    "rossi",
    "dubois",
    "okafor",
    "silva",
    "johansson",
    "novak",
    "patel",
    "kim",
    "larsen",
    "moreau",
    "schmidt",
    "walker",
    "fischer",
    "lee",
    "nguyen",
    "hughes",
    "bernard",
    "wright",
    "costa",
    "weber",
    "campbell",
    "ali",
];
const PHONES: &[&str] = &["iPhone 15", "iPhone 14", "Pixel 8", "Galaxy S24", "iPhone 13", "Pixel 7a"];

/// Fixed people the stories need, by index; everyone from [`FIRST_EMPLOYEE`] on is staff.
pub mod cast {
    pub const SUPER_ADMIN: u32 = 0;
    pub const SUPER_ADMIN_2: u32 = 1;
    pub const GLOBAL_ADMIN: u32 = 2;
    pub const HELPDESK: [u32; 5] = [3, 4, 5, 6, 7];
    pub const CONTRACTOR: u32 = 8;
    pub const GOOGLE_ADMIN: u32 = 9;
    pub const APP_ADMIN: u32 = 10;
    pub const FIRST_EMPLOYEE: u32 = 11;
    /// Okta: impossible travel, factor bound after it, survives a reset (stories 1, 2).
    pub const TRAVEL_VICTIM: u32 = 11;
    pub const FATIGUE_VICTIM: u32 = 12;
    pub const ENTRA_CRED: u32 = 13;
    pub const AWS_CRED: u32 = 14;
    pub const GOOGLE_2SV: u32 = 15;
    pub const GOOGLE_RECOVERY: u32 = 16;
    pub const MASS_VICTIMS: [u32; 3] = [17, 18, 19];
    pub const NEW_HIRE: u32 = 20;
    pub const PHONE_SWAP: u32 = 21;
    pub const TRAVELLER: u32 = 22;
    pub const MS_SERVICE: u32 = 23;
    pub const SELF_RESET: u32 = 24;
    pub const ROUTINE_RESETS: [u32; 4] = [25, 26, 27, 28];
    /// Okta: an administrator no list names, whose factors were bound before the logs begin
    /// (seen only in use); seen resetting others' passwords, then drops their security key.
    pub const UNLISTED_ADMIN: u32 = 29;
    /// Okta: a tier 0 administrator whose only factor (bound before the logs) the contractor
    /// removes before setting the password; nothing is enrolled again.
    pub const STRIPPED_ADMIN: u32 = 30;
}

/// The fewest users the stories fit in.
pub const MIN_USERS: u32 = 31;

pub struct Tenant {
    pub users: Vec<User>,
    /// Entra directory (tenant) id.
    pub entra_tenant: String,
}

impl Tenant {
    pub fn user(&self, i: u32) -> &User {
        // Story indices are below MIN_USERS, which `build` guarantees.
        self.users.get(i as usize).or(self.users.first()).unwrap_or_else(|| unreachable_user())
    }
}

fn unreachable_user() -> &'static User {
    // `build` never makes an empty tenant; this keeps `user` total without a panic path.
    static EMPTY: std::sync::OnceLock<User> = std::sync::OnceLock::new();
    EMPTY.get_or_init(|| {
        make_user(0, "nobody", "Nobody", Role::Employee, 0, 0, &mut rand::SeedableRng::seed_from_u64(0))
    })
}

fn role_of(i: u32) -> Role {
    use cast::*;
    match i {
        SUPER_ADMIN | SUPER_ADMIN_2 | GOOGLE_ADMIN => Role::SuperAdmin,
        GLOBAL_ADMIN | STRIPPED_ADMIN => Role::GlobalAdmin,
        CONTRACTOR => Role::HelpdeskContractor,
        APP_ADMIN => Role::AppAdmin,
        i if HELPDESK.contains(&i) => Role::Helpdesk,
        _ => Role::Employee,
    }
}

pub fn build(rng: &mut ChaCha8Rng, count: u32) -> Tenant {
    let entra_tenant = string(|w| uuid(w, rng.random()));
    let mut taken = HashSet::new();
    let mut users = Vec::with_capacity(count as usize);
    for i in 0..count.max(MIN_USERS) {
        let first = FIRST.get(rng.random_range(0..FIRST.len())).copied().unwrap_or("user");
        let last = LAST.get(rng.random_range(0..LAST.len())).copied().unwrap_or("acme");
        let mut login = format!("{first}.{last}");
        let mut n = 2;
        while !taken.insert(login.clone()) {
            login = format!("{first}.{last}{n}");
            n += 1;
        }
        let display = format!("{} {}", capital(first), capital(last));
        let home = rng.random_range(0..HOME_COUNT as u8);
        let host = rng.random();
        users.push(make_user(i, &login, &display, role_of(i), home, host, rng));
    }
    Tenant { users, entra_tenant }
}

fn make_user(i: u32, login: &str, display: &str, role: Role, home: u8, host: u16, rng: &mut ChaCha8Rng) -> User {
    let seed: u64 = rng.random();
    let h = |salt: u64| ids::hash(&[seed, salt]);
    let device_count = if rng.random_bool(0.4) { 2 } else { 1 };
    let devices = (0..device_count)
        .map(|d| {
            let (name, os, browser, user_agent) = UAS.get(rng.random_range(0..UAS.len())).copied().unwrap_or(UAS[0]);
            Device {
                name,
                os,
                browser,
                user_agent,
                dt_hash: string(|w| hex(w, h(10 + d), 64)),
                entra_id: string(|w| uuid(w, h(20 + d))),
                epkey: string(|w| {
                    w.extend_from_slice(b"EP");
                    upper(w, h(30 + d), 18)
                }),
            }
        })
        .collect();
    let engineer = rng.random_bool(0.3) || matches!(role, Role::SuperAdmin | Role::AppAdmin) || i == cast::AWS_CRED;
    let aws = engineer.then(|| AwsUser {
        name: login.replace('.', "-"),
        principal_id: string(|w| {
            w.extend_from_slice(b"AIDA");
            upper(w, h(40), 17)
        }),
        access_key: string(|w| {
            w.extend_from_slice(b"AKIA");
            upper(w, h(41), 16)
        }),
    });
    let phone = PHONES.get(rng.random_range(0..PHONES.len())).copied().unwrap_or("iPhone");
    let uses_vpn = rng.random_bool(0.25) || i == cast::TRAVELLER;
    let home = if PLACES.get(usize::from(home)).is_some() { home } else { 0 };
    User {
        index: i,
        display: display.to_string(),
        login: login.to_string(),
        email: format!("{login}@{DOMAIN}"),
        role,
        home,
        net: Net::at(Site::Home(home), host),
        devices,
        uses_vpn,
        start_day: 0,
        okta_id: string(|w| {
            w.extend_from_slice(b"00u");
            base62(w, h(1), 17)
        }),
        okta_push_id: string(|w| {
            w.extend_from_slice(b"pfd");
            base62(w, h(2), 17)
        }),
        entra_id: string(|w| uuid(w, h(3))),
        google_id: format!("1{:019}", h(4) % 10_000_000_000_000_000_000),
        github_login: format!("{}-acme", login.replace('.', "-")),
        github_id: 1_000_000 + h(5) % 90_000_000,
        duo_key: string(|w| {
            w.extend_from_slice(b"DU");
            upper(w, h(6), 18)
        }),
        duo_phone_key: string(|w| {
            w.extend_from_slice(b"DP");
            upper(w, h(7), 18)
        }),
        duo_phone_name: format!("{phone} (+1 555-01{:02})", h(8) % 100),
        aws,
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
}
