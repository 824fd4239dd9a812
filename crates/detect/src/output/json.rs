//! `--format json`: one finding per line, the output contract of docs/detection-contract.md §6, validated
//! by `schemas/finding.schema.json`.

use model::Finding;
use std::io::{self, Write};

/// Writes each finding as one JSON line.
pub fn write(findings: &[Finding], out: &mut dyn Write) -> io::Result<()> {
    for finding in findings {
        serde_json::to_writer(&mut *out, finding).map_err(io::Error::from)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
