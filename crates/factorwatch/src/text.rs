//! Text tables for terminals: columns padded by the width a terminal gives each character
//! (two cells for CJK ideographs and most emoji, none for combining marks), so that long or
//! non-Latin names keep the columns aligned where `{:<n}` (which counts characters) does not.

use unicode_width::UnicodeWidthStr;

/// The cells `text` takes on a terminal.
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// `text` followed by spaces up to `cells` cells; longer text is left as it is.
pub fn pad(text: &str, cells: usize) -> String {
    let mut out = text.to_string();
    out.extend(std::iter::repeat_n(' ', cells.saturating_sub(width(text))));
    out
}

/// `text` in at most `cells` cells, ending in `…` when cut.
pub fn clip(text: &str, cells: usize) -> String {
    if width(text) <= cells {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > cells {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `rows` under `header`, each column as wide as its widest cell and two spaces from the next;
/// the last column is not padded. One line per row, each ending in a newline.
pub fn table<const N: usize>(header: &[&str; N], rows: &[[String; N]]) -> String {
    let mut widths = header.map(width);
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    let line = |cells: [&str; N]| {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == N {
                out.push_str(cell);
            } else {
                out.push_str(&pad(cell, widths[i]));
                out.push_str("  ");
            }
        }
        out.trim_end().to_string() + "\n"
    };
    let mut out = line(*header);
    for row in rows {
        out.push_str(&line(row.each_ref().map(String::as_str)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_and_combining_characters_are_padded_by_their_cells() {
        assert_eq!(width("田中太郎"), 8);
        assert_eq!(width("José"), 4);
        assert_eq!(width("Jose\u{301}"), 4, "a combining accent takes no cell");
        assert_eq!(pad("田中", 6), "田中  ");
        assert_eq!(pad("a-very-long-name", 4), "a-very-long-name");
    }

    #[test]
    fn columns_start_at_the_same_cell_on_every_line() {
        let rows = [
            ["田中太郎@例え.jp".to_string(), "okta".to_string(), "00u1".to_string()],
            ["ana@acme.com".to_string(), "entra".to_string(), "b7e1".to_string()],
            ["Zoë Ångström-Fitzgerald-Oyelaran@acme.com".to_string(), "google".to_string(), "1090".to_string()],
        ];
        let text = table(&["LOGIN", "PROVIDER", "ID"], &rows);
        let lines: Vec<&str> = text.lines().collect();
        // The last occurrence: `ID` is also inside `PROVIDER`.
        let cell_of = |line: &str, cell: &str| line.rfind(cell).map(|at| width(&line[..at]));
        let providers = ["PROVIDER", "okta", "entra", "google"];
        let ids = ["ID", "00u1", "b7e1", "1090"];
        let provider_at: Vec<_> = lines.iter().zip(providers).map(|(l, c)| cell_of(l, c)).collect();
        let id_at: Vec<_> = lines.iter().zip(ids).map(|(l, c)| cell_of(l, c)).collect();
        assert!(provider_at.iter().all(|a| a.is_some() && *a == provider_at[0]), "{text}");
        assert!(id_at.iter().all(|a| a.is_some() && *a == id_at[0]), "{text}");
        assert_eq!(text.lines().count(), 4);
    }

    #[test]
    fn clipping_counts_cells_and_marks_the_cut() {
        assert_eq!(clip("田中太郎", 5), "田中…");
        assert_eq!(clip("alice", 5), "alice");
        assert!(width(&clip("田中太郎@例え.jp", 9)) <= 9);
    }
}
