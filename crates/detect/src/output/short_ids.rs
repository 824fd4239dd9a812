//! Long machine ids in summaries (device fingerprints, factor and object ids, hashes) cut to
//! their first [`KEEP`] characters and `…` for the table, where they crowd out the words.
//! JSON, OCSF and CSV keep them whole.

/// Characters kept of a long id.
pub const KEEP: usize = 8;
/// An id-like word at least this long is shortened.
const LONG: usize = 20;

/// `text` with every long id-like word shortened.
pub fn shorten(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    for c in text.chars() {
        if is_id_char(c) {
            word.push(c);
        } else {
            out.push_str(&short(&word));
            word.clear();
            out.push(c);
        }
    }
    out.push_str(&short(&word));
    out
}

/// Letters, digits and the separators ids and base64 use; `.` and `@` end a word, so names,
/// emails and addresses are never taken for ids.
fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '/' | '=')
}

fn short(word: &str) -> String {
    let digits = word.chars().filter(char::is_ascii_digit).count();
    let letters = word.chars().filter(char::is_ascii_alphabetic).count();
    // An id mixes digits and letters; a long word of letters only is a word.
    if word.chars().count() >= LONG && digits >= 2 && letters >= 1 {
        let mut cut: String = word.chars().take(KEEP).collect();
        cut.push('…');
        cut
    } else {
        word.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::shorten;

    #[test]
    fn fingerprints_and_guids_keep_their_first_eight_characters() {
        assert_eq!(
            shorten("push factor bound on device `a3f9c2e17b5d4e0f9a8b7c6d5e4f3a2b` from 203.0.113.9"),
            "push factor bound on device `a3f9c2e1…` from 203.0.113.9"
        );
        assert_eq!(shorten("object 6f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b changed"), "object 6f1e2d3c… changed");
    }

    #[test]
    fn words_names_emails_and_short_ids_are_left_alone() {
        let text = "alice.tanaka@acme.com bound FIDO_WEBAUTHN (phishing_resistant) via 00u1abcd2345 at 2026-05-18";
        assert_eq!(shorten(text), text);
        assert_eq!(shorten("administrator_of_everything_in_the_tenant"), "administrator_of_everything_in_the_tenant");
    }
}
