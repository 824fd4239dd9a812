//! The optional MaxMind-format databases locate events that carry no geo of their own:
//! CloudTrail console sign-ins have only an IP, so impossible travel needs the lookup.

mod common;

fn console_login(id: &str, time: &str, ip: &str) -> String {
    format!(
        r#"{{"eventVersion":"1.08","userIdentity":{{"type":"IAMUser","principalId":"AIDAALICE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"}},"eventTime":"{time}","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"{ip}","userAgent":"Mozilla/5.0","requestParameters":null,"responseElements":{{"ConsoleLogin":"Success"}},"additionalEventData":{{"MFAUsed":"Yes"}},"eventID":"{id}","eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333"}}"#
    )
}

fn logs() -> String {
    [
        console_login("e1", "2026-05-01T09:00:00Z", "192.0.2.10"),
        console_login("e2", "2026-05-01T10:00:00Z", "198.51.100.10"),
    ]
    .join("\n")
}

fn data(file: &str) -> String {
    format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn cloudtrail_sign_ins_are_located_by_the_geoip_database_and_travel_is_checked() {
    let config = format!(
        "[geoip]\ncity_database = \"{}\"\nasn_database = \"{}\"\n",
        data("test-city.mmdb"),
        data("test-asn.mmdb")
    );
    let report = common::hunt(&config, &[("cloudtrail.ndjson", &logs())]);
    let travel = common::of(&report, "FW-008");
    assert_eq!(travel.len(), 1, "{:?}", common::fired(&report));
    assert!(travel[0].summary.contains("FR then JP"), "{}", travel[0].summary);
}

#[test]
fn without_a_geoip_database_ip_only_sign_ins_cannot_travel() {
    let report = common::hunt("", &[("cloudtrail.ndjson", &logs())]);
    assert!(common::of(&report, "FW-008").is_empty());
}

#[test]
fn a_missing_geoip_database_is_a_clear_config_error() {
    let config: detect::Config = toml::from_str("[geoip]\ncity_database = \"/nonexistent/city.mmdb\"\n").unwrap();
    let err = detect::Engine::new(&config).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("cannot open GeoIP database `/nonexistent/city.mmdb`"), "{err}");
}
