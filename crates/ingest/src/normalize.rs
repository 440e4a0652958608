//! Vietnamese text normalisation: NFC, exotic spaces, HTML fragments and markdown
//! remnants, and a *folded* form for matching words whatever their typing.
//!
//! Vietnamese can be typed with precomposed letters (`ạ`, NFC) or with a base letter and
//! combining marks (`a` + U+0323, NFD); both are brought to NFC. The tone mark may sit on
//! either vowel of some pairs (`hoà` / `hòa`, `thuỷ` / `thủy`), and `i` / `y` alternate after
//! a consonant (`sĩ` / `sỹ`, `kĩ` / `kỹ`): [`fold`] drops tone marks, lowercases and writes
//! `y` as `i` there, so keywords match every variant. Folding maps one character to one
//! character, so a position in the folded text is a position in the original.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::{compose, decompose_canonical};

/// Brings text to NFC and replaces the characters that only get in the way of reading
/// numbers: exotic spaces become a plain space, zero-width characters and soft hyphens
/// go, full-width digits, `%` and `/` become ASCII, `\r\n` and `\r` become `\n`, and
/// form feeds (page breaks in extracted PDF text) become newlines.
pub fn clean(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let mut out = String::with_capacity(text.len());
    for c in text.nfc() {
        match c {
            '\r' | '\u{c}' | '\u{2028}' | '\u{2029}' | '\u{85}' => out.push('\n'),
            '\u{a0}' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}' => out.push(' '),
            '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}' => {}
            '\u{ff10}'..='\u{ff19}' => out.push(char::from(b'0' + (c as u32 - 0xff10) as u8)),
            '\u{ff05}' => out.push('%'),
            '\u{ff0c}' => out.push(','),
            '\u{ff0e}' => out.push('.'),
            '\u{ff0f}' | '\u{2215}' => out.push('/'),
            '\u{2212}' => out.push('-'),
            c if c.is_control() && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// True for the combining marks that carry a Vietnamese tone.
fn is_tone_mark(c: char) -> bool {
    matches!(
        c,
        '\u{300}' | '\u{301}' | '\u{303}' | '\u{309}' | '\u{323}' | '\u{340}' | '\u{341}'
    )
}

/// One character folded: lowercase, tone dropped (vowel quality such as `ơ`, `â`, `ă`
/// and the letter `đ` kept). Always exactly one character.
pub fn fold_char(c: char) -> char {
    let lower = {
        let mut l = c.to_lowercase();
        match (l.next(), l.next()) {
            (Some(x), None) => x,
            _ => c,
        }
    };
    if lower.is_ascii() {
        return lower;
    }
    let mut base: Option<char> = None;
    let mut marks: Vec<char> = Vec::new();
    decompose_canonical(lower, |d| {
        if base.is_none() {
            base = Some(d);
        } else if !is_tone_mark(d) {
            marks.push(d);
        }
    });
    let Some(mut out) = base else { return lower };
    if is_tone_mark(out) {
        // A lone combining tone mark: keep it so that lengths still match.
        return lower;
    }
    for m in marks {
        match compose(out, m) {
            Some(x) => out = x,
            None => return lower,
        }
    }
    out
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'ă' | 'â' | 'e' | 'ê' | 'i' | 'o' | 'ô' | 'ơ' | 'u' | 'ư' | 'y')
}

/// The folded form of a text: same number of characters, see the module docs.
pub fn fold(text: &str) -> String {
    let chars: Vec<char> = text.chars().map(fold_char).collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        // `y` ending a word right after a consonant is written `i` (sỹ → si, kỹ → ki),
        // but not after a vowel (quý, tuy, mây keep their y).
        if c == 'y' {
            let prev = if i > 0 { chars[i - 1] } else { ' ' };
            let next = chars.get(i + 1).copied().unwrap_or(' ');
            if prev.is_alphabetic() && !is_vowel(prev) && !next.is_alphabetic() {
                out.push('i');
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// Removes HTML tags and decodes the common entities in one line of text. A line that
/// holds tab-separated cells keeps its tabs: block tags become spaces there, so that a
/// cell written `<p>…</p>` stays one cell; elsewhere a closing block tag ends the line.
pub fn strip_html_line(line: &str) -> String {
    if !line.contains('<') && !line.contains('&') {
        return line.to_string();
    }
    let in_row = line.contains('\t');
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(pos) = rest.find(['<', '&']) {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        if let Some(after_lt) = tail.strip_prefix('<') {
            if let Some((name, closing, len)) = html_tag(tail) {
                let block = matches!(
                    name.as_str(),
                    "p" | "br" | "div" | "li" | "tr" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "ul" | "ol" | "table"
                );
                if name == "td" || name == "th" {
                    if closing {
                        out.push('\t');
                    }
                } else if in_row {
                    if block || name == "br" {
                        out.push(' ');
                    }
                } else if block && (closing || name == "br") {
                    out.push('\n');
                }
                rest = &tail[len..];
                continue;
            }
            out.push('<');
            rest = after_lt;
        } else {
            let (decoded, len) = html_entity(tail);
            match decoded {
                Some(c) => out.push(c),
                None => out.push('&'),
            }
            rest = &tail[len.max(1)..];
        }
    }
    out.push_str(rest);
    out
}

/// `<p>`, `</td>`, `<br/>`, `<span class="x">`: the lowercase tag name, whether it closes,
/// and its length in bytes. `None` when the text is not a tag (`< 5`, `<=`).
fn html_tag(s: &str) -> Option<(String, bool, usize)> {
    let body = &s[1..];
    let (closing, body) = match body.strip_prefix('/') {
        Some(b) => (true, b),
        None => (false, body),
    };
    let name: String = body
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let end = s.char_indices().take(400).find(|&(_, c)| c == '>').map(|(i, _)| i)?;
    if s[1..end].contains('<') {
        return None;
    }
    Some((name, closing, end + 1))
}

fn html_entity(s: &str) -> (Option<char>, usize) {
    let Some(end) = s.char_indices().take(12).find(|&(_, c)| c == ';').map(|(i, _)| i) else {
        return (None, 1);
    };
    let name = &s[1..end];
    let c = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        "ndash" => Some('–'),
        "mdash" => Some('—'),
        "hellip" => Some('…'),
        _ => {
            if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
            } else if let Some(dec) = name.strip_prefix('#') {
                dec.parse::<u32>().ok().and_then(char::from_u32)
            } else {
                None
            }
        }
    };
    match c {
        Some(c) => (Some(c), end + 1),
        None => (None, 1),
    }
}

/// Removes markdown remnants that converters leave in text: heading marks (`## `),
/// bold and italic stars, and backslash escapes (`\.`).
pub fn strip_markdown_line(line: &str) -> String {
    let trimmed = line.trim_start();
    let mut s = if trimmed.starts_with('#') {
        let hashes = trimmed.chars().take_while(|&c| c == '#').count();
        let after = &trimmed[hashes..];
        if hashes <= 6 && (after.is_empty() || after.starts_with(' ')) {
            after.trim_start().to_string()
        } else {
            line.to_string()
        }
    } else {
        line.to_string()
    };
    if s.contains('*') {
        let leading_bullet = s.trim_start().starts_with("* ");
        s = s.replace('*', "");
        if leading_bullet {
            s = format!("-{}", s.trim_start());
        }
    }
    if s.contains('\\') {
        let mut out = String::with_capacity(s.len());
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\\' && chars.peek().is_some_and(|n| n.is_ascii_punctuation()) {
                continue;
            }
            out.push(c);
        }
        s = out;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfc_and_spaces() {
        let decomposed = "Nu\u{31b}\u{303} 65"; // "Nữ" typed as u + horn + tilde
        assert_eq!(clean(decomposed), "Nữ 65");
        assert_eq!(clean("1\u{a0}260\u{200b}"), "1 260");
        assert_eq!(clean("a\r\nb\rc"), "a\nb\nc");
        assert_eq!(clean("６３，６％"), "63,6%");
    }

    #[test]
    fn fold_variants() {
        assert_eq!(fold("Hoà"), fold("Hòa"));
        assert_eq!(fold("thạc sỹ"), "thac si");
        assert_eq!(fold("thạc sĩ"), "thac si");
        assert_eq!(fold("quý"), "quy");
        assert_eq!(fold("ĐẠT"), "đat");
        assert_eq!(fold("Nữ"), "nư");
        assert_eq!(fold("năm"), "năm");
        for s in ["Hoà bình", "Tỷ lệ nữ", "x\u{301}"] {
            assert_eq!(fold(s).chars().count(), s.chars().count(), "{s}");
        }
    }

    #[test]
    fn html_is_stripped() {
        assert_eq!(strip_html_line("<p>a &amp; b</p>\t<p>c</p>"), " a & b \t c ");
        assert_eq!(strip_html_line("<p>x</p><p>y</p>"), "x\ny\n");
        assert_eq!(strip_html_line("tỷ lệ < 5% và <=3"), "tỷ lệ < 5% và <=3");
        assert_eq!(
            strip_html_line("<table><tr><td>Nam</td><td>42</td></tr></table>"),
            "Nam\t42\t\n\n"
        );
    }

    #[test]
    fn markdown_is_stripped() {
        assert_eq!(strip_markdown_line("## **2. Yêu cầu**"), "2. Yêu cầu");
        assert_eq!(strip_markdown_line("(*phòng Nội vụ*)"), "(phòng Nội vụ)");
        assert_eq!(strip_markdown_line("1\\. Mục"), "1. Mục");
        assert_eq!(strip_markdown_line("#hashtag"), "#hashtag");
    }
}
