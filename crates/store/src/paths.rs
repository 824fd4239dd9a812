//! Where the embedded database lives by default.

use std::ffi::OsString;
use std::path::PathBuf;

/// The database's file name inside the data directory.
pub const DB_FILE: &str = "factorwatch.db";

/// `$FACTORWATCH_DATA_DIR`, else `$XDG_DATA_HOME/factorwatch`, else
/// `$HOME/.local/share/factorwatch`; `None` when none is set.
pub fn default_data_dir() -> Option<PathBuf> {
    data_dir_from(std::env::var_os("FACTORWATCH_DATA_DIR"), std::env::var_os("XDG_DATA_HOME"), std::env::var_os("HOME"))
}

/// [`default_data_dir`] from the three variables' values; empty values count as unset.
pub(crate) fn data_dir_from(
    data_dir: Option<OsString>,
    xdg_data_home: Option<OsString>,
    home: Option<OsString>,
) -> Option<PathBuf> {
    let set = |v: Option<OsString>| v.filter(|v| !v.is_empty()).map(PathBuf::from);
    set(data_dir)
        .or_else(|| set(xdg_data_home).map(|d| d.join("factorwatch")))
        .or_else(|| set(home).map(|h| h.join(".local").join("share").join("factorwatch")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_dir_prefers_factorwatch_then_xdg_then_home() {
        let s = |t: &str| Some(OsString::from(t));
        assert_eq!(data_dir_from(s("/fw"), s("/xdg"), s("/home/a")), Some(PathBuf::from("/fw")));
        assert_eq!(data_dir_from(None, s("/xdg"), s("/home/a")), Some(PathBuf::from("/xdg/factorwatch")));
        assert_eq!(data_dir_from(s(""), None, s("/home/a")), Some(PathBuf::from("/home/a/.local/share/factorwatch")));
        assert_eq!(data_dir_from(None, None, None), None);
    }
}
