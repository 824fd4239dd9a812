//! `--format json`: one finding per line, the output contract of docs/detection-contract.md §6, validated
//! by `schemas/finding.schema.json`.

use model::Finding;
use serde_json::Value;
use std::collections::HashMap;
use std::io::{self, Write};

/// Writes each finding as one JSON line.
pub fn write(findings: &[Finding], out: &mut dyn Write) -> io::Result<()> {
    for finding in findings {
        serde_json::to_writer(&mut *out, finding).map_err(io::Error::from)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// [`write`], each evidence event carrying `raw`: the provider's record found at its
/// `source` in `raw` (`null` when it could not be read back).
pub fn write_with_raw(findings: &[Finding], raw: &HashMap<String, Value>, out: &mut dyn Write) -> io::Result<()> {
    for finding in findings {
        let mut value = serde_json::to_value(finding).map_err(io::Error::from)?;
        if let Some(evidence) = value.get_mut("evidence").and_then(Value::as_array_mut) {
            for event in evidence.iter_mut().filter_map(Value::as_object_mut) {
                let record = event.get("source").and_then(Value::as_str).and_then(|s| raw.get(s)).cloned();
                event.insert("raw".into(), record.unwrap_or(Value::Null));
            }
        }
        serde_json::to_writer(&mut *out, &value).map_err(io::Error::from)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
