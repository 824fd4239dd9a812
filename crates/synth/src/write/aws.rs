//! AWS CloudTrail records (docs/events.md §4), one per line as a log shipper writes them.

use super::{device, ip, people};
use crate::World;
use crate::clock::{Style, write_time};
use crate::event::{Act, AwsCall, Ev};
use crate::ids;
use crate::tenant::AWS_ACCOUNT;
use std::io::{self, Write};

const CLI: &str = "aws-cli/2.15.30 Python/3.11.8 Linux/6.8.0 exe/x86_64.ubuntu.24 command/";

pub fn line(w: &mut impl Write, world: &World, e: &Ev) -> io::Result<()> {
    let (subject, _) = people(world, e);
    let Some(aws) = subject.aws.as_ref() else { return Ok(()) };
    let name = aws.name.as_str();
    let console = matches!(e.act, Act::AwsConsoleLogin);
    write!(
        w,
        r#"{{"eventVersion":"1.09","userIdentity":{{"type":"IAMUser","principalId":"{}","arn":"arn:aws:iam::{AWS_ACCOUNT}:user/{name}","accountId":"{AWS_ACCOUNT}","accessKeyId":""#,
        aws.principal_id
    )?;
    if !console {
        w.write_all(b"ASIA")?;
        ids::upper(w, ids::hash(&[world.seed, 0xA5, u64::from(subject.index), (e.t / crate::clock::HOUR) as u64]), 16)?;
    }
    write!(w, r#"","userName":"{name}"}},"eventTime":""#)?;
    write_time(w, e.t, Style::Seconds)?;
    let (source, event, read_only) = match e.act {
        Act::AwsApi(call) => call.names(),
        Act::AwsConsoleLogin => ("signin.amazonaws.com", "ConsoleLogin", false),
        Act::AwsEnableMfa => ("iam.amazonaws.com", "EnableMFADevice", false),
        _ => ("iam.amazonaws.com", "CreateAccessKey", false),
    };
    write!(w, r#"","eventSource":"{source}","eventName":"{event}","awsRegion":"us-east-1","sourceIPAddress":""#)?;
    ip(w, e)?;
    let ua = if console { device(world, e, subject).user_agent } else { CLI };
    write!(w, r#"","userAgent":"{ua}{}","requestParameters":"#, if console { "" } else { event })?;
    match e.act {
        Act::AwsApi(AwsCall::GetObject | AwsCall::PutObject) => {
            write!(w, r#"{{"bucketName":"acme-data-{}","key":"reports/{}.csv"}}"#, subject.index % 7, e.seq)?
        }
        Act::AwsApi(AwsCall::DescribeInstances) => w.write_all(br#"{"instancesSet":{},"filterSet":{}}"#)?,
        Act::AwsApi(AwsCall::DescribeLogGroups) => w.write_all(br#"{"limit":50}"#)?,
        Act::AwsEnableMfa => write!(w, r#"{{"serialNumber":"arn:aws:iam::{AWS_ACCOUNT}:mfa/{name}-phone2"}}"#)?,
        Act::AwsCreateAccessKey => write!(w, r#"{{"userName":"{name}"}}"#)?,
        _ => w.write_all(b"null")?,
    }
    w.write_all(br#","responseElements":"#)?;
    match e.act {
        Act::AwsConsoleLogin => write!(w, r#"{{"ConsoleLogin":"{}"}}"#, if e.ok { "Success" } else { "Failure" })?,
        Act::AwsCreateAccessKey => {
            w.write_all(br#"{"accessKey":{"accessKeyId":""#)?;
            w.write_all(aws.access_key.as_bytes())?;
            write!(w, r#"","status":"Active","userName":"{name}","createDate":""#)?;
            write_time(w, e.t, Style::Seconds)?;
            w.write_all(br#""}}"#)?;
        }
        _ => w.write_all(b"null")?,
    }
    let id = ids::hash(&[world.seed, 0xC7, u64::from(e.seq)]);
    w.write_all(br#","requestID":""#)?;
    ids::uuid(w, id ^ 1)?;
    w.write_all(br#"","eventID":""#)?;
    ids::uuid(w, id)?;
    let kind = if console { "AwsConsoleSignIn" } else { "AwsApiCall" };
    write!(
        w,
        r#"","readOnly":{read_only},"eventType":"{kind}","managementEvent":true,"recipientAccountId":"{AWS_ACCOUNT}","eventCategory":"Management""#
    )?;
    if console {
        write!(
            w,
            r#","additionalEventData":{{"LoginTo":"https://console.aws.amazon.com/console/home","MobileVersion":"No","MFAIdentifier":"arn:aws:iam::{AWS_ACCOUNT}:mfa/{name}-phone","MFAUsed":"Yes"}}"#
        )?;
    }
    if !e.ok {
        if console {
            w.write_all(br#","errorMessage":"Failed authentication""#)?;
        } else {
            write!(
                w,
                r#","errorCode":"AccessDenied","errorMessage":"User: arn:aws:iam::{AWS_ACCOUNT}:user/{name} is not authorized to perform this operation""#
            )?;
        }
    }
    w.write_all(b"}")
}
