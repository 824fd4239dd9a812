//! Microsoft Entra ID diagnostic-setting records (docs/events.md §2): audit and sign-in logs.

use super::{device, ip, people};
use crate::World;
use crate::clock::{Style, write_time};
use crate::event::{Act, Ev};
use crate::ids;
use std::io::{self, Write};

const MFA_SERVICE: &str = r#"{"app":{"appId":"b5a60e17-278b-4c4a-9d6a-4f4e6d7a1c0b","displayName":"Azure MFA StrongAuthenticationService","servicePrincipalId":"f2a1c3e5-7b9d-4e1f-8a2c-6d4e8f0a2b4c","servicePrincipalName":null}}"#;

fn head(w: &mut impl Write, world: &World, e: &Ev, operation: &str, category: &str) -> io::Result<u64> {
    let t = &world.tenant.entra_tenant;
    w.write_all(br#"{"time":""#)?;
    write_time(w, e.t, Style::Ticks)?;
    write!(
        w,
        r#"","resourceId":"/tenants/{t}/providers/Microsoft.aadiam","operationName":"{operation}","operationVersion":"1.0","category":"{category}","tenantId":"{t}","resultSignature":"None","durationMs":0,"callerIpAddress":""#
    )?;
    ip(w, e)?;
    let correlation = ids::hash(&[world.seed, 0xC0, u64::from(e.seq)]);
    w.write_all(br#"","correlationId":""#)?;
    ids::uuid(w, correlation)?;
    Ok(correlation)
}

pub fn audit(w: &mut impl Write, world: &World, e: &Ev) -> io::Result<()> {
    let (subject, actor) = people(world, e);
    let op = e.act.action();
    let (category, service, op_type, reason) = match e.act {
        Act::EntraUserRegistered => {
            ("UserManagement", "Authentication Methods", "Add", "User registered Microsoft Authenticator App")
        }
        Act::EntraAdminRegistered => {
            ("UserManagement", "Authentication Methods", "Add", "Admin registered Mobile Phone SMS")
        }
        Act::EntraServiceRegistered => (
            "UserManagement",
            "Authentication Methods",
            "Add",
            "User registered Authenticator App with Notification and Code",
        ),
        Act::EntraAddSpCredentials => ("ApplicationManagement", "Core Directory", "Update", ""),
        Act::EntraChangePassword => ("UserManagement", "Self-service Password Management", "Update", ""),
        _ => ("Device", "Core Directory", "Update", ""),
    };
    let correlation = head(w, world, e, op, "AuditLogs")?;
    let who = actor.map(|a| a.display.as_str()).unwrap_or("Azure MFA StrongAuthenticationService");
    write!(w, r#"","identity":"{who}","Level":4,"properties":{{"id":"Directory_"#)?;
    ids::uuid(w, correlation)?;
    write!(w, r#"_{:05}","category":"{category}","correlationId":""#, e.seq % 100_000)?;
    ids::uuid(w, correlation)?;
    write!(w, r#"","result":"success","resultReason":"{reason}","activityDisplayName":"{op}","activityDateTime":""#)?;
    write_time(w, e.t, Style::TicksOffset)?;
    write!(w, r#"","loggedByService":"{service}","operationType":"{op_type}","initiatedBy":"#)?;
    match actor {
        Some(a) => {
            write!(
                w,
                r#"{{"user":{{"id":"{}","displayName":null,"userPrincipalName":"{}","ipAddress":""#,
                a.entra_id, a.email
            )?;
            ip(w, e)?;
            w.write_all(br#"","roles":[]}}"#)?;
        }
        None => w.write_all(MFA_SERVICE.as_bytes())?,
    }
    w.write_all(br#","targetResources":["#)?;
    match e.act {
        Act::EntraAddSpCredentials => {
            let sp = world.service_principal_id(subject);
            write!(
                w,
                r#"{{"id":"{sp}","displayName":"billing-sync","type":"ServicePrincipal","modifiedProperties":[{{"displayName":"KeyDescription","oldValue":"[]","newValue":"[\"[KeyIdentifier="#
            )?;
            ids::uuid(w, ids::hash(&[correlation, 0x4B]))?;
            w.write_all(br#",KeyType=Password,KeyUsage=Verify,DisplayName=ci-deploy]\"]"},{"displayName":"Included Updated Properties","oldValue":null,"newValue":"\"KeyDescription\""}],"administrativeUnits":[]}"#)?;
        }
        Act::EntraUpdateDevice => {
            let dev = device(world, e, subject);
            w.write_all(br#"{"id":""#)?;
            dev.entra_id(w)?;
            write!(
                w,
                r#"","displayName":"{}-{}","type":"Device","modifiedProperties":[],"administrativeUnits":[]}}"#,
                subject.login,
                dev.os.replace(' ', "")
            )?;
        }
        _ => write!(
            w,
            r#"{{"id":"{}","displayName":null,"type":"User","userPrincipalName":"{}","modifiedProperties":[],"administrativeUnits":[]}}"#,
            subject.entra_id, subject.email
        )?,
    }
    let ua = device(world, e, actor.unwrap_or(subject)).user_agent;
    write!(w, r#"],"additionalDetails":[{{"key":"User-Agent","value":"{ua}"}}]}}}}"#)
}

pub fn signin(w: &mut impl Write, world: &World, e: &Ev) -> io::Result<()> {
    let (subject, _) = people(world, e);
    let dev = device(world, e, subject);
    let place = e.net.place();
    let correlation = head(w, world, e, "Sign-in activity", "SignInLogs")?;
    let code = if e.ok { 0 } else { 50126 };
    write!(
        w,
        r#"","resultType":"{code}","identity":"{}","Level":4,"location":"{}","properties":{{"id":""#,
        subject.display, place.code
    )?;
    ids::uuid(w, ids::hash(&[world.seed, 0x51, u64::from(e.seq)]))?;
    w.write_all(br#"","createdDateTime":""#)?;
    write_time(w, e.t, Style::TicksOffset)?;
    write!(
        w,
        r#"","userDisplayName":"{}","userPrincipalName":"{}","userId":"{}","appId":"00000002-0000-0ff1-ce00-000000000000","appDisplayName":"Office 365 Exchange Online","ipAddress":""#,
        subject.display, subject.email, subject.entra_id
    )?;
    ip(w, e)?;
    w.write_all(br#"","clientAppUsed":"Browser","correlationId":""#)?;
    ids::uuid(w, correlation)?;
    w.write_all(br#"","conditionalAccessStatus":"success","isInteractive":true,"riskDetail":"none","riskLevelAggregated":"none","riskLevelDuringSignIn":"none","riskState":"none","riskEventTypes":[],"riskEventTypes_v2":[],"status":"#)?;
    if e.ok {
        w.write_all(br#"{"errorCode":0,"failureReason":"Other."}"#)?;
    } else {
        w.write_all(br#"{"errorCode":50126,"failureReason":"Error validating credentials due to invalid username or password."}"#)?;
    }
    w.write_all(br#","deviceDetail":{"deviceId":""#)?;
    dev.entra_id(w)?;
    write!(
        w,
        r#"","operatingSystem":"{}","browser":"{}","isManaged":true,"trustType":"Azure AD joined"}},"location":{{"city":"{}","state":"{}","countryOrRegion":"{}","geoCoordinates":{{"latitude":{},"longitude":{}}}}},"autonomousSystemNumber":{},"userAgent":"{}","authenticationDetails":[{{"authenticationStepDateTime":""#,
        dev.os, dev.browser, place.city, place.region, place.code, place.lat, place.lon, place.asn, dev.user_agent
    )?;
    write_time(w, e.t, Style::Seconds)?;
    write!(
        w,
        r#"","authenticationMethod":"Password","succeeded":{},"authenticationStepResultDetail":"{}","authenticationStepRequirement":"Primary authentication"}}"#,
        e.ok,
        if e.ok { "Correct password" } else { "Invalid username or password" }
    )?;
    if e.ok {
        w.write_all(br#",{"authenticationStepDateTime":""#)?;
        write_time(w, e.t, Style::Seconds)?;
        w.write_all(br#"","authenticationMethod":"Mobile app notification","succeeded":true,"authenticationStepResultDetail":"MFA successfully completed","authenticationStepRequirement":"Multifactor authentication"}"#)?;
    }
    w.write_all(br#"],"servicePrincipalId":""}}"#)
}
