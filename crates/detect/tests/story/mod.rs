//! Native log lines for the detector stories of FW-001 to FW-006: small builders per
//! provider, shaped like the normalizers' fixtures (crates/ingest/tests/fixtures).
#![allow(dead_code, clippy::too_many_arguments)]

use model::Finding;

/// `2026-05-{day}T{h}:{m}:00Z`.
pub fn t(day: u32, h: u32, m: u32) -> String {
    format!("2026-05-{day:02}T{h:02}:{m:02}:00Z")
}

/// The event ids of a finding's evidence, in order.
pub fn evidence_ids(f: &Finding) -> Vec<String> {
    f.evidence.iter().map(|e| e.event_id.to_string()).collect()
}

pub fn strs(v: &[model::Text]) -> Vec<String> {
    v.iter().map(|t| t.to_string()).collect()
}

/// Joins lines into one NDJSON text.
pub fn ndjson(lines: &[String]) -> String {
    lines.join("\n")
}

// ---------------------------------------------------------------- Okta System Log

pub const OKTA_TENANT: &str = "[tenants]\nokta = \"acme.okta.com\"\n";

/// Where a request came from: IP, country, lat, lon, ASN, device hash, Okta zone.
#[derive(Clone, Copy)]
pub struct Place {
    pub ip: &'static str,
    pub country: &'static str,
    pub city: &'static str,
    pub lat: f64,
    pub lon: f64,
    pub asn: u32,
    pub device: &'static str,
}

pub const HOME: Place = Place {
    ip: "198.51.100.10",
    country: "United States",
    city: "New York",
    lat: 40.71,
    lon: -74.0,
    asn: 64500,
    device: "dev-home",
};
/// The same city, another address of the same ISP, the same laptop.
pub const HOME_2: Place = Place { ip: "198.51.100.11", ..HOME };
pub const EVIL: Place = Place {
    ip: "203.0.113.66",
    country: "Russia",
    city: "Moscow",
    lat: 55.75,
    lon: 37.6,
    asn: 64666,
    device: "dev-evil",
};
pub const PARIS: Place =
    Place { ip: "192.0.2.80", country: "France", city: "Paris", lat: 48.85, lon: 2.35, asn: 64777, device: "dev-home" };
pub const HELPDESK_DESK: Place = Place {
    ip: "198.51.100.200",
    country: "United States",
    city: "New York",
    lat: 40.71,
    lon: -74.0,
    asn: 64500,
    device: "dev-helpdesk",
};

#[derive(Clone)]
pub struct Okta {
    time: String,
    uuid: String,
    ty: String,
    actor: (String, String, String),
    target: Option<(String, String)>,
    enrollment: Option<(String, String)>,
    place: Place,
    factor: Option<String>,
    result: String,
    reason: Option<String>,
    zone: Option<String>,
    extra_targets: String,
}

/// An Okta event by alice (`00u1alice`, alice@acme.com) from home.
pub fn okta(time: &str, ty: &str, uuid: &str) -> Okta {
    Okta {
        time: time.into(),
        uuid: uuid.into(),
        ty: ty.into(),
        actor: ("00u1alice".into(), "User".into(), "alice@acme.com".into()),
        target: None,
        enrollment: None,
        place: HOME,
        factor: None,
        result: "SUCCESS".into(),
        reason: None,
        zone: None,
        extra_targets: String::new(),
    }
}

impl Okta {
    /// The actor: `(id, login)`.
    pub fn by(mut self, id: &str, login: &str) -> Okta {
        self.actor = (id.into(), "User".into(), login.into());
        self
    }
    pub fn by_system(mut self) -> Okta {
        self.actor = ("0oa1system".into(), "SystemPrincipal".into(), "system@okta.com".into());
        self
    }
    /// The user the event is about.
    pub fn on(mut self, id: &str, login: &str) -> Okta {
        self.target = Some((id.into(), login.into()));
        self
    }
    /// A factor enrollment target: `(enrollment id, display name)`.
    pub fn enrollment(mut self, id: &str, name: &str) -> Okta {
        self.enrollment = Some((id.into(), name.into()));
        self
    }
    pub fn from(mut self, place: Place) -> Okta {
        self.place = place;
        self
    }
    /// `debugData.factor`.
    pub fn factor(mut self, kind: &str) -> Okta {
        self.factor = Some(kind.into());
        self
    }
    pub fn failed(mut self) -> Okta {
        self.result = "FAILURE".into();
        self
    }
    pub fn reason(mut self, reason: &str) -> Okta {
        self.reason = Some(reason.into());
        self
    }
    /// An Okta network zone (a trusted network).
    pub fn zone(mut self, zone: &str) -> Okta {
        self.zone = Some(zone.into());
        self
    }
    /// Another raw target object (JSON), e.g. a token.
    pub fn target_json(mut self, json: &str) -> Okta {
        self.extra_targets.push(',');
        self.extra_targets.push_str(json);
        self
    }

    pub fn line(&self) -> String {
        let (aid, atype, alogin) = &self.actor;
        let mut targets = Vec::new();
        let (tid, tlogin) = self.target.clone().unwrap_or_else(|| (aid.clone(), alogin.clone()));
        if atype == "User" || self.target.is_some() {
            targets
                .push(format!(r#"{{"id":"{tid}","type":"User","alternateId":"{tlogin}","displayName":"{tlogin}"}}"#));
        }
        if let Some((eid, name)) = &self.enrollment {
            targets.push(format!(
                r#"{{"id":"{eid}","type":"AuthenticatorEnrollment","alternateId":"unknown","displayName":"{name}"}}"#
            ));
        }
        let mut targets = targets.join(",");
        if !self.extra_targets.is_empty() {
            if targets.is_empty() {
                targets.push_str(&self.extra_targets[1..]);
            } else {
                targets.push_str(&self.extra_targets);
            }
        }
        let p = self.place;
        let factor = self.factor.as_ref().map(|f| format!(r#","factor":"{f}""#)).unwrap_or_default();
        let reason = self.reason.as_ref().map_or("null".to_string(), |r| format!("\"{r}\""));
        let zone = self.zone.as_ref().map_or("\"null\"".to_string(), |z| format!("\"{z}\""));
        format!(
            r#"{{"uuid":"{uuid}","published":"{time}","eventType":"{ty}","version":"0","severity":"INFO","displayMessage":"x","actor":{{"id":"{aid}","type":"{atype}","alternateId":"{alogin}","displayName":"{alogin}"}},"client":{{"userAgent":{{"rawUserAgent":"Mozilla/5.0"}},"zone":{zone},"device":"Computer","ipAddress":"{ip}","geographicalContext":{{"city":"{city}","country":"{country}","geolocation":{{"lat":{lat},"lon":{lon}}}}}}},"authenticationContext":{{"externalSessionId":"sess-{uuid}"}},"outcome":{{"result":"{result}","reason":{reason}}},"securityContext":{{"asNumber":{asn},"asOrg":"isp","isProxy":false}},"debugContext":{{"debugData":{{"dtHash":"{device}"{factor}}}}},"transaction":{{"type":"WEB","id":"tx-{uuid}"}},"target":[{targets}]}}"#,
            uuid = self.uuid,
            time = self.time,
            ty = self.ty,
            ip = p.ip,
            city = p.city,
            country = p.country,
            lat = p.lat,
            lon = p.lon,
            asn = p.asn,
            device = p.device,
            result = self.result,
        )
    }
}

/// Six daily sign-ins of alice from home (May 1-6, 09:00): a baseline.
pub fn okta_baseline(days: std::ops::RangeInclusive<u32>) -> Vec<String> {
    days.map(|d| okta(&t(d, 9, 0), "user.session.start", &format!("base{d}")).line()).collect()
}

// ---------------------------------------------------------------- Microsoft Entra ID

pub const ENTRA_TENANT: &str = "6f1c2d3e-4b5a-4c6d-8e7f-90a1b2c3d4e5";
pub const BOB_ID: &str = "8d3b1e44-0c7a-4f59-a2d6-5b9e3c1f7082";
pub const BOB: &str = "bob@contoso.com";
pub const HELPDESK_ID: &str = "c41a7e95-3d2b-4e8f-b610-7a5d9c2e1f33";
pub const HELPDESK: &str = "helpdesk@contoso.com";
pub const MALLORY_ID: &str = "e0e0e0e0-1111-4222-8333-944445555666";
pub const MALLORY: &str = "mallory@contoso.com";

#[derive(Clone)]
pub struct EntraAudit {
    time: String,
    id: String,
    activity: String,
    reason: String,
    initiated_by: String,
    target: (String, String),
    props: String,
}

/// An Entra audit record about bob, made by bob from 198.51.100.30.
pub fn entra_audit(time: &str, id: &str, activity: &str) -> EntraAudit {
    EntraAudit {
        time: time.into(),
        id: id.into(),
        activity: activity.into(),
        reason: String::new(),
        initiated_by: user_initiator(BOB_ID, BOB, "198.51.100.30"),
        target: (BOB_ID.into(), BOB.into()),
        props: "[]".into(),
    }
}

fn user_initiator(id: &str, upn: &str, ip: &str) -> String {
    format!(
        r#"{{"user":{{"id":"{id}","displayName":null,"userPrincipalName":"{upn}","ipAddress":"{ip}","roles":[]}}}}"#
    )
}

impl EntraAudit {
    pub fn reason(mut self, reason: &str) -> EntraAudit {
        self.reason = reason.into();
        self
    }
    pub fn by(mut self, id: &str, upn: &str, ip: &str) -> EntraAudit {
        self.initiated_by = user_initiator(id, upn, ip);
        self
    }
    /// Microsoft's own MFA service (a first-party app).
    pub fn by_mfa_service(mut self) -> EntraAudit {
        self.initiated_by = r#"{"app":{"appId":"b5a60e17-278b-4c4a-9d6a-4f4e6d7a1c0b","displayName":"Azure MFA StrongAuthenticationService","servicePrincipalId":"f2a1c3e5-7b9d-4e1f-8a2c-6d4e8f0a2b4c","servicePrincipalName":null}}"#.into();
        self
    }
    pub fn on(mut self, id: &str, upn: &str) -> EntraAudit {
        self.target = (id.into(), upn.into());
        self
    }
    /// One modified property; old and new values are JSON text written as strings.
    pub fn prop(mut self, name: &str, old: &str, new: &str) -> EntraAudit {
        let q = |s: &str| serde_json::to_string(s).unwrap();
        let p = format!(r#"{{"displayName":"{name}","oldValue":{},"newValue":{}}}"#, q(old), q(new));
        if self.props == "[]" {
            self.props = format!("[{p}]");
        } else {
            self.props.insert_str(self.props.len() - 1, &format!(",{p}"));
        }
        self
    }

    pub fn line(&self) -> String {
        let (tid, tupn) = &self.target;
        format!(
            r#"{{"time":"{time}","resourceId":"/tenants/{ten}/providers/Microsoft.aadiam","operationName":"{act}","operationVersion":"1.0","category":"AuditLogs","tenantId":"{ten}","resultSignature":"None","durationMs":0,"callerIpAddress":null,"correlationId":"corr-{id}","identity":"x","Level":4,"properties":{{"id":"{id}","category":"UserManagement","correlationId":"corr-{id}","result":"success","resultReason":"{reason}","activityDisplayName":"{act}","activityDateTime":"{time}","loggedByService":"Authentication Methods","operationType":"Add","initiatedBy":{by},"targetResources":[{{"id":"{tid}","displayName":null,"type":"User","userPrincipalName":"{tupn}","modifiedProperties":{props},"administrativeUnits":[]}}],"additionalDetails":[{{"key":"User-Agent","value":"Mozilla/5.0"}}]}}}}"#,
            time = self.time,
            ten = ENTRA_TENANT,
            act = self.activity,
            id = self.id,
            reason = self.reason,
            by = self.initiated_by,
            props = self.props,
        )
    }
}

/// An Entra place: like an Okta one, with the country as a code.
pub type EntraPlace = Place;

pub const SEATTLE: EntraPlace = EntraPlace {
    ip: "198.51.100.30",
    country: "US",
    city: "Seattle",
    lat: 47.61,
    lon: -122.33,
    asn: 7922,
    device: "dev-bob-laptop",
};
pub const MOSCOW: EntraPlace =
    EntraPlace { ip: "203.0.113.99", country: "RU", city: "Moscow", lat: 55.76, lon: 37.62, asn: 9009, device: "" };

#[derive(Clone)]
pub struct EntraSignin {
    time: String,
    id: String,
    user: (String, String),
    place: EntraPlace,
    code: u32,
    risk: String,
    steps: Vec<String>,
    mfa: Option<String>,
    trusted: bool,
}

/// A successful password-only Entra sign-in of bob from Seattle.
pub fn entra_signin(time: &str, id: &str) -> EntraSignin {
    EntraSignin {
        time: time.into(),
        id: id.into(),
        user: (BOB_ID.into(), BOB.into()),
        place: SEATTLE,
        code: 0,
        risk: "none".into(),
        steps: vec!["Password".into()],
        mfa: None,
        trusted: false,
    }
}

impl EntraSignin {
    pub fn from(mut self, place: EntraPlace) -> EntraSignin {
        self.place = place;
        self
    }
    pub fn risk(mut self, level: &str) -> EntraSignin {
        self.risk = level.into();
        self
    }
    /// Second factor: an `authenticationDetails` step and `mfaDetail.authMethod`.
    pub fn mfa(mut self, method: &str) -> EntraSignin {
        self.steps.push(method.into());
        self.mfa = Some(method.into());
        self
    }
    pub fn user(mut self, id: &str, upn: &str) -> EntraSignin {
        self.user = (id.into(), upn.into());
        self
    }
    pub fn trusted(mut self) -> EntraSignin {
        self.trusted = true;
        self
    }

    pub fn line(&self) -> String {
        let p = self.place;
        let steps: Vec<String> = self
            .steps
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let detail = if i == 0 { "Correct password" } else { "MFA successfully completed" };
                format!(
                    r#"{{"authenticationStepDateTime":"{}","authenticationMethod":"{m}","succeeded":true,"authenticationStepResultDetail":"{detail}"}}"#,
                    self.time
                )
            })
            .collect();
        let mfa = self
            .mfa
            .as_ref()
            .map(|m| format!(r#","mfaDetail":{{"authMethod":"{m}","authDetail":null}}"#))
            .unwrap_or_default();
        let networks =
            if self.trusted { r#"[{"networkType":"trustedNamedLocation","networkNames":["HQ"]}]"# } else { "[]" };
        let (uid, upn) = &self.user;
        format!(
            r#"{{"time":"{time}","resourceId":"/tenants/{ten}/providers/Microsoft.aadiam","operationName":"Sign-in activity","operationVersion":"1.0","category":"SignInLogs","tenantId":"{ten}","resultType":"{code}","resultSignature":"None","durationMs":0,"callerIpAddress":"{ip}","correlationId":"corr-{id}","identity":"x","Level":4,"location":"{cc}","properties":{{"id":"{id}","createdDateTime":"{time}","userDisplayName":"x","userPrincipalName":"{upn}","userId":"{uid}","appId":"00000002-0000-0ff1-ce00-000000000000","appDisplayName":"Office 365 Exchange Online","ipAddress":"{ip}","clientAppUsed":"Browser","correlationId":"corr-{id}","isInteractive":true,"riskDetail":"none","riskLevelAggregated":"{risk}","riskLevelDuringSignIn":"{risk}","riskState":"none","riskEventTypes_v2":[],"status":{{"errorCode":{code}}},"deviceDetail":{{"deviceId":"{dev}","operatingSystem":"Windows 10","browser":"Edge 122.0"}},"location":{{"city":"{city}","countryOrRegion":"{cc}","geoCoordinates":{{"latitude":{lat},"longitude":{lon}}}}},"networkLocationDetails":{networks},"autonomousSystemNumber":{asn},"userAgent":"Mozilla/5.0","authenticationDetails":[{steps}]{mfa},"servicePrincipalId":""}}}}"#,
            time = self.time,
            ten = ENTRA_TENANT,
            code = self.code,
            ip = p.ip,
            id = self.id,
            cc = p.country,
            city = p.city,
            lat = p.lat,
            lon = p.lon,
            asn = p.asn,
            dev = p.device,
            risk = self.risk,
            steps = steps.join(","),
        )
    }
}

/// Six daily sign-ins of bob from Seattle (May 1-6, 08:00).
pub fn entra_baseline() -> Vec<String> {
    (1..=6).map(|d| entra_signin(&t(d, 8, 0), &format!("base-{d}")).line()).collect()
}

// ---------------------------------------------------------------- AWS CloudTrail

pub const AWS_ACCOUNT: &str = "111122223333";

/// A CloudTrail record: `caller` is `(principalId, userName)`.
pub fn aws(
    time: &str,
    id: &str,
    source: &str,
    name: &str,
    caller: (&str, &str),
    params: &str,
    response: &str,
) -> String {
    let (pid, user) = caller;
    format!(
        r#"{{"eventVersion":"1.09","userIdentity":{{"type":"IAMUser","principalId":"{pid}","arn":"arn:aws:iam::{AWS_ACCOUNT}:user/{user}","accountId":"{AWS_ACCOUNT}","accessKeyId":"ASIAEXAMPLE{id}","userName":"{user}","sessionContext":{{"attributes":{{"creationDate":"{time}","mfaAuthenticated":"true"}}}}}},"eventTime":"{time}","eventSource":"{source}","eventName":"{name}","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.23","userAgent":"aws-cli/2.15.30","requestParameters":{params},"responseElements":{response},"requestID":"req-{id}","eventID":"{id}","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"{AWS_ACCOUNT}","eventCategory":"Management"}}"#
    )
}

pub const AWS_ALICE: (&str, &str) = ("AIDAALICEEXAMPLE00001", "alice");
pub const AWS_ADMIN: (&str, &str) = ("AIDAOPSADMINEXAMPLE01", "ops-admin");

// ---------------------------------------------------------------- Google Workspace

/// A Reports API activity: `actor` is `(email, profileId)`; `params` a JSON array.
pub fn gws(time: &str, uq: &str, app: &str, actor: (&str, &str), name: &str, params: &str) -> String {
    let (email, pid) = actor;
    format!(
        r#"{{"kind":"admin#reports#activity","id":{{"time":"{time}","uniqueQualifier":"{uq}","applicationName":"{app}","customerId":"C03az79cb"}},"actor":{{"callerType":"USER","email":"{email}","profileId":"{pid}"}},"ownerDomain":"example.org","ipAddress":"198.51.100.40","events":[{{"type":"x","name":"{name}","parameters":{params}}}]}}"#
    )
}

pub const GWS_BOB: (&str, &str) = ("bob@example.org", "104857600000000000002");
pub const GWS_ADMIN: (&str, &str) = ("it-admin@example.org", "104857600000000000001");

/// Alice's baseline; a sign-in from Moscow on May 7 and Okta Verify bound from there 20
/// minutes later; the help desk resets her password two days later, May 9; the factor bound
/// from Moscow is used three days after the reset, May 12. (Incident linking, in `hunt` and
/// in `serve`.)
pub fn okta_risky_binding_then_reset_then_use() -> Vec<String> {
    let mut lines = okta_baseline(1..=6);
    lines.push(okta(&t(7, 10, 0), "user.session.start", "risky-in").from(EVIL).line());
    lines.push(
        okta(&t(7, 10, 20), "user.mfa.factor.activate", "bind-evil")
            .enrollment("mfa-evil", "Okta Verify")
            .from(EVIL)
            .line(),
    );
    lines.push(
        okta(&t(9, 9, 0), "user.account.reset_password", "reset1")
            .by("00u9help", "help@acme.com")
            .on("00u1alice", "alice@acme.com")
            .from(HELPDESK_DESK)
            .line(),
    );
    lines.push(
        okta(&t(12, 9, 0), "user.authentication.auth_via_mfa", "use-evil")
            .enrollment("mfa-evil", "Okta Verify")
            .factor("OKTA_VERIFY_PUSH")
            .from(EVIL)
            .line(),
    );
    lines
}
