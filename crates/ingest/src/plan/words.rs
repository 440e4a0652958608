//! A text's words with their search keys ([`vn::search_key`]: no diacritics, lower case,
//! `đ` as `d`), so that the wording of a plan is matched however it was typed, while each
//! word keeps where it stands in the original text for quoting the names it finds.

use crate::tokens::{TokKind, tokenize};
use binhdang_domain::vn;

/// A word, number or punctuation mark of a text.
#[derive(Debug, Clone)]
pub(super) struct Word {
    /// Byte range in the text.
    pub start: usize,
    pub end: usize,
    /// The search key of a word, a number as written, or the punctuation mark itself.
    pub key: String,
    /// A word written with a capital first letter.
    pub upper: bool,
    pub is_word: bool,
    /// A whole number as written (`05` is 5), for dates.
    pub num: Option<u32>,
    /// Written right after the previous token, without a space (`30/6`).
    pub joined: bool,
}

impl Word {
    pub fn is(&self, key: &str) -> bool {
        self.key == key
    }

    /// A four-digit year between 1900 and 2100.
    pub fn year(&self) -> Option<i32> {
        self.num
            .filter(|n| self.key.len() == 4 && (1900..=2100).contains(n))
            .map(|n| n as i32)
    }
}

/// The words of `text` (see [`crate::tokens::tokenize`], whose numbers and codes it keeps).
pub(super) fn words(text: &str) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    for t in tokenize(text) {
        let raw = &text[t.start..t.end];
        let joined = out.last().is_some_and(|p| p.end == t.start);
        let (key, is_word, num) = match &t.kind {
            TokKind::Word(_) => (vn::search_key(raw), true, None),
            TokKind::Num(n) => {
                let whole = n.is_integer() && !n.grouped && n.scale == 0;
                (raw.to_string(), false, whole.then(|| raw.parse::<u32>().ok()).flatten())
            }
            TokKind::Code | TokKind::Punct(_) => (raw.to_string(), false, None),
        };
        out.push(Word {
            start: t.start,
            end: t.end,
            upper: is_word && raw.chars().next().is_some_and(char::is_uppercase),
            key,
            is_word,
            num,
            joined,
        });
    }
    out
}

/// How many words `phrase` (search keys separated by spaces) covers from word `i`, if it
/// is written there.
pub(super) fn phrase_at(w: &[Word], i: usize, phrase: &str) -> Option<usize> {
    let mut n = 0;
    for part in phrase.split(' ') {
        if !w.get(i + n).is_some_and(|x| x.is(part)) {
            return None;
        }
        n += 1;
    }
    Some(n)
}

/// The longest of `phrases` written from word `i`, as a number of words.
pub(super) fn any_at(w: &[Word], i: usize, phrases: &[&str]) -> Option<usize> {
    phrases.iter().filter_map(|p| phrase_at(w, i, p)).max()
}

/// Whether `phrase` is written right before word `i`.
pub(super) fn ends_before(w: &[Word], i: usize, phrase: &str) -> bool {
    let n = phrase.split(' ').count();
    i >= n && phrase_at(w, i - n, phrase) == Some(n)
}

/// The original text of words `[a, b)`.
pub(super) fn span<'t>(text: &'t str, w: &[Word], a: usize, b: usize) -> &'t str {
    if a >= b {
        return "";
    }
    &text[w[a].start..w[b - 1].end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_marks_and_case_and_numbers_keep_their_value() {
        let w = words("Giao Sở Y tế chủ trì trước 05/6/2025.");
        let keys: Vec<&str> = w.iter().map(|x| x.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "giao", "so", "y", "te", "chu", "tri", "truoc", "05", "/", "6", "/", "2025", "."
            ]
        );
        assert!(w[1].upper && !w[4].upper);
        assert_eq!(w[7].num, Some(5));
        assert!(w[8].joined && !w[7].joined);
        assert_eq!(w[11].year(), Some(2025));
        assert_eq!(phrase_at(&w, 4, "chu tri"), Some(2));
        assert!(ends_before(&w, 4, "so y te"));
        assert_eq!(any_at(&w, 1, &["so", "so y te"]), Some(3));
        assert_eq!(span("Giao Sở Y tế chủ trì", &w, 1, 4), "Sở Y tế");
    }
}
