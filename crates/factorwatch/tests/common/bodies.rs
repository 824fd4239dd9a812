//! Bodies a hostile tester sends, shared by the HTTP tests (hostile_input.rs) and the file
//! tests (hostile_files_cli.rs), which must try the same inputs.

use std::io::Write;

/// One valid Okta sign-in record, as one line.
pub fn okta(uuid: &str, published: &str) -> String {
    format!(
        r#"{{"uuid":"{uuid}","published":"{published}","eventType":"user.session.start","actor":{{"id":"00u1","type":"User","alternateId":"a@acme.com"}},"outcome":{{"result":"SUCCESS"}},"client":{{"ipAddress":"198.51.100.1"}}}}"#
    )
}

/// `bytes`, gzipped.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// `mib` MiB of spaces, gzipped a MiB at a time (the test need not hold them).
pub fn gzip_of_spaces(mib: usize) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..mib {
        enc.write_all(&spaces).unwrap();
    }
    enc.finish().unwrap()
}

/// `n` nested JSON arrays: valid JSON that overflows a parser without a depth limit.
pub fn deep(n: usize) -> String {
    format!("{}{}", "[".repeat(n), "]".repeat(n))
}
