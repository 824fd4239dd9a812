//! Okta System Log LogEvents (docs/events.md §1), one per line.

use super::{device, ip, people};
use crate::World;
use crate::clock::{HOUR, Style, write_time};
use crate::event::{Act, Dev, Ev, OktaFactor};
use crate::ids;
use crate::tenant::User;
use std::io::{self, Write};

fn message(act: Act) -> &'static str {
    match act {
        Act::OktaSessionStart => "User login to Okta",
        Act::OktaSso => "User single sign on to app",
        Act::OktaMfaVerify(_) => "Authentication of user via MFA",
        Act::OktaPushSent => "Push notification sent to user",
        Act::OktaFactorActivate(_) => "Activate factor or authenticator",
        Act::OktaFactorDeactivate(_) => "Deactivate factor or authenticator",
        Act::OktaPasswordUpdate => "User update password for Okta",
        Act::OktaPasswordReset => "Reset password for user",
        Act::OktaResetEmailSent => "Send user password reset email",
        Act::OktaUserCreate => "Create okta user",
        Act::OktaPolicyRuleDeactivate => "Deactivate policy rule",
        Act::OktaAdminConsole => "User accessing Okta admin app",
        _ => "Import user match",
    }
}

fn user_json(w: &mut impl Write, u: &User) -> io::Result<()> {
    write!(
        w,
        r#"{{"id":"{}","type":"User","alternateId":"{}","displayName":"{}","detailEntry":null}}"#,
        u.okta_id, u.email, u.display
    )
}

pub fn line(w: &mut impl Write, world: &World, e: &Ev) -> io::Result<()> {
    let (subject, actor) = people(world, e);
    let person = actor.unwrap_or(subject);
    let dev = device(world, e, person);
    let place = e.net.place();
    w.write_all(br#"{"uuid":""#)?;
    ids::uuid(w, ids::hash(&[world.seed, 0x0C7A, u64::from(e.seq)]))?;
    w.write_all(br#"","published":""#)?;
    write_time(w, e.t, Style::Millis)?;
    write!(
        w,
        r#"","eventType":"{}","version":"0","severity":"INFO","legacyEventType":null,"displayMessage":"{}","actor":"#,
        e.act.action(),
        message(e.act)
    )?;
    match actor {
        Some(a) => user_json(w, a)?,
        None => w.write_all(br#"{"id":"0oa1system0kta0000","type":"SystemPrincipal","alternateId":"system@okta.com","displayName":"Okta System","detailEntry":null}"#)?,
    }
    write!(
        w,
        r#","client":{{"userAgent":{{"rawUserAgent":"{}","os":"{}","browser":"{}"}},"zone":"null","device":"Computer","id":null,"ipAddress":""#,
        dev.user_agent, dev.os, dev.browser
    )?;
    ip(w, e)?;
    write!(
        w,
        r#"","geographicalContext":{{"city":"{}","state":"{}","country":"{}","postalCode":null,"geolocation":{{"lat":{},"lon":{}}}}}}},"device":null,"authenticationContext":{{"authenticationProvider":null,"credentialProvider":null,"credentialType":null,"issuer":null,"interface":null,"authenticationStep":0,"externalSessionId":"102"#,
        place.city, place.region, place.country, place.lat, place.lon
    )?;
    ids::base62(w, ids::hash(&[world.seed, 0x5E55, u64::from(person.index), (e.t / HOUR) as u64]), 22)?;
    let (result, reason) = match (e.ok, e.act) {
        (true, _) => ("SUCCESS", "null"),
        (false, Act::OktaMfaVerify(_)) => ("FAILURE", "\"INVALID_CREDENTIALS\""),
        (false, _) => ("FAILURE", "\"VERIFICATION_ERROR\""),
    };
    write!(
        w,
        r#""}},"outcome":{{"result":"{result}","reason":{reason}}},"securityContext":{{"asNumber":{},"asOrg":"{}","isp":"{}","domain":null,"isProxy":false}},"debugContext":{{"debugData":{{"requestId":""#,
        place.asn, place.as_org, place.as_org
    )?;
    let request = ids::hash(&[world.seed, 0x7E0, u64::from(e.seq)]);
    ids::base62(w, request, 24)?;
    w.write_all(br#"","requestUri":"/idp/idx/identify","url":"/idp/idx/identify","dtHash":""#)?;
    dev.dt_hash(w)?;
    w.write_all(b"\"")?;
    let factor = match e.act {
        Act::OktaMfaVerify(f) | Act::OktaFactorActivate(f) | Act::OktaFactorDeactivate(f) => Some(f),
        Act::OktaPushSent => Some(OktaFactor::Push),
        _ => None,
    };
    if let Some(f) = factor {
        write!(w, r#","factor":"{}""#, f.names().0)?;
    }
    if matches!(e.act, Act::OktaSessionStart) {
        let seen = if matches!(e.dev, Dev::Foreign(_)) { "POSITIVE" } else { "NEGATIVE" };
        write!(
            w,
            r#","behaviors":"{{New Geo-Location={seen}, New Device={seen}, New IP={seen}, New State={seen}, New Country={seen}, Velocity={seen}, New City={seen}}}""#
        )?;
    }
    w.write_all(br#"}},"transaction":{"type":"WEB","id":""#)?;
    ids::base62(w, request, 24)?;
    w.write_all(br#"","detail":{}},"request":{"ipChain":[{"ip":""#)?;
    ip(w, e)?;
    write!(
        w,
        r#"","geographicalContext":{{"city":"{}","country":"{}"}},"version":"V4","source":null}}]}},"target":["#,
        place.city, place.country
    )?;
    targets(w, world, e, subject, factor)?;
    w.write_all(b"]}")
}

fn targets(w: &mut impl Write, world: &World, e: &Ev, subject: &User, factor: Option<OktaFactor>) -> io::Result<()> {
    match e.act {
        Act::OktaSessionStart => return Ok(()),
        Act::OktaSso => {
            user_json(w, subject)?;
            return w.write_all(br#",{"id":"0oa5lack0app0000","type":"AppInstance","alternateId":"Slack","displayName":"Slack","detailEntry":{"signOnModeType":"SAML_2_0"}}"#);
        }
        Act::OktaAdminConsole => {
            user_json(w, subject)?;
            return w.write_all(br#",{"id":"0oa1admin0console00","type":"AppInstance","alternateId":"Okta Admin Console","displayName":"Okta Admin Console","detailEntry":null}"#);
        }
        Act::OktaPolicyRuleDeactivate => {
            return w.write_all(br#"{"id":"0pr1requireMfa0000","type":"PolicyRule","alternateId":"00p1signOnP0licy00","displayName":"Require MFA","detailEntry":null},{"id":"00p1signOnP0licy00","type":"PolicyEntity","alternateId":"unknown","displayName":"Default sign-on policy","detailEntry":{"policyType":"OktaSignOn"}}"#);
        }
        _ => user_json(w, subject)?,
    }
    if let Some(f) = factor {
        let (_, display) = f.names();
        w.write_all(br#",{"id":""#)?;
        world.write_okta_factor_id(w, subject, e.factor)?;
        write!(
            w,
            r#"","type":"AuthenticatorEnrollment","alternateId":"unknown","displayName":"{display}","detailEntry":null}}"#
        )?;
        if f == OktaFactor::Sms {
            let n = ids::hash(&[world.seed, 0x9B, u64::from(e.factor)]) % 10_000;
            write!(w, r#",{{"id":"mbl"#)?;
            ids::base62(w, ids::hash(&[world.seed, 0x9C, u64::from(e.factor)]), 17)?;
            write!(
                w,
                r#"","type":"MobilePhone","alternateId":"+55119876{n:04}","displayName":"+55119876{n:04}","detailEntry":null}}"#
            )?;
        }
    }
    Ok(())
}
