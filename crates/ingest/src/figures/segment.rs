//! Segments: paragraphs and table cells, tokenized and cut into sentences, and quoting.

use super::Position;
use crate::document::{BlockKind, SourceDocument};
use crate::normalize::fold;
use crate::tokens::{Tok, TokKind, tokenize};

/// A paragraph or a table cell, tokenized.
#[derive(Debug, Clone)]
pub struct Segment {
    pub block: usize,
    /// 0-based cell index for a table cell.
    pub cell: Option<usize>,
    pub text: String,
    pub toks: Vec<Tok>,
    /// Sentence number of each token.
    pub sentence: Vec<usize>,
    /// First and last token of each sentence.
    pub bounds: Vec<(usize, usize)>,
    pub line: usize,
    pub section: usize,
}

impl Segment {
    pub fn new(block: usize, cell: Option<usize>, text: String, line: usize, section: usize) -> Segment {
        let toks = tokenize(&text);
        let sentence = sentences(&text, &toks);
        let mut bounds: Vec<(usize, usize)> = Vec::new();
        for (i, &s) in sentence.iter().enumerate() {
            if s == bounds.len() {
                bounds.push((i, i));
            } else {
                bounds[s].1 = i;
            }
        }
        Segment {
            block,
            cell,
            text,
            toks,
            sentence,
            bounds,
            line,
            section,
        }
    }

    /// Byte range of the sentence that token `i` is in.
    pub fn sentence_span(&self, i: usize) -> (usize, usize) {
        let (first, last) = self.bounds[self.sentence[i]];
        let start = if first == 0 { 0 } else { self.toks[first].start };
        let end = if last + 1 >= self.toks.len() {
            self.text.len()
        } else {
            self.toks[last].end
        };
        (start, end)
    }

    /// The quoted sentence around a byte range, at most about 300 characters.
    pub fn quote(&self, tok: usize, span: (usize, usize)) -> String {
        let (s, e) = if self.toks.is_empty() {
            (0, self.text.len())
        } else {
            self.sentence_span(tok.min(self.toks.len() - 1))
        };
        quote_window(&self.text, (s, e), span)
    }

    /// Folded words between tokens `a` (exclusive) and `b` (exclusive), numbers as `#`.
    pub fn words_between(&self, a: usize, b: usize) -> String {
        let mut out = String::new();
        for t in self.toks.iter().take(b).skip(a + 1) {
            let piece = match &t.kind {
                TokKind::Word(w) => w.as_str(),
                TokKind::Num(_) | TokKind::Code => "#",
                TokKind::Punct(c) => {
                    out.push(*c);
                    continue;
                }
            };
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(piece);
        }
        out
    }

    /// The folded text of the sentence of token `i`.
    pub fn sentence_folded(&self, i: usize) -> String {
        let (s, e) = self.sentence_span(i);
        fold(&self.text[s..e])
    }

    fn char_column(&self, byte: usize) -> usize {
        self.text[..byte.min(self.text.len())].chars().count()
    }

    pub fn position(&self, byte: usize) -> Position {
        Position {
            line: self.line,
            cell: self.cell.map(|c| c + 1),
            column: self.char_column(byte),
        }
    }
}

/// Cuts `text[sentence]` to about 300 characters around `focus`, marking cuts with `…`.
pub fn quote_window(text: &str, sentence: (usize, usize), focus: (usize, usize)) -> String {
    const MAX: usize = 300;
    let (mut s, mut e) = sentence;
    let whole = &text[s..e];
    if whole.chars().count() > MAX {
        let centre = (focus.0 + focus.1) / 2;
        let half = MAX / 2 * 2; // bytes, generous for multi-byte letters
        let mut ns = centre.saturating_sub(half).max(s);
        let mut ne = (centre + half).min(e);
        while !text.is_char_boundary(ns) {
            ns += 1;
        }
        while !text.is_char_boundary(ne) {
            ne -= 1;
        }
        let prefix = if ns > s { "…" } else { "" };
        let suffix = if ne < e { "…" } else { "" };
        s = ns;
        e = ne;
        return format!("{prefix}{}{suffix}", text[s..e].trim());
    }
    whole.trim().to_string()
}

/// Sentence numbers: a new sentence starts after `.`, `!` or `?` followed by a space
/// and a capital letter, a digit, or a list mark.
fn sentences(text: &str, toks: &[Tok]) -> Vec<usize> {
    let mut out = Vec::with_capacity(toks.len());
    let mut s = 0;
    for (i, t) in toks.iter().enumerate() {
        out.push(s);
        if matches!(t.kind, TokKind::Punct('.') | TokKind::Punct('!') | TokKind::Punct('?'))
            && let Some(next) = toks.get(i + 1)
            && next.start > t.end
        {
            let c = text[next.start..].chars().next().unwrap_or(' ');
            // "TP. Bắc Kạn": a short capitalised abbreviation before the dot does not end a sentence.
            let before_abbrev = i > 0
                && toks[i - 1].end == t.start
                && matches!(
                    toks[i - 1].word(),
                    Some("tp" | "tt" | "ths" | "ts" | "pgs" | "gs" | "bs" | "ks" | "v/v")
                );
            if !before_abbrev && (c.is_uppercase() || c.is_ascii_digit() || matches!(c, '-' | '+' | '•' | '(')) {
                s += 1;
            }
        }
    }
    out
}

/// Makes the segments of a document: each paragraph, each non-empty table cell.
pub fn segments(doc: &SourceDocument) -> Vec<Segment> {
    let mut out = Vec::new();
    for (i, b) in doc.blocks.iter().enumerate() {
        match &b.kind {
            BlockKind::Paragraph { text } => out.push(Segment::new(i, None, text.clone(), b.line, b.section)),
            BlockKind::Row { cells } => {
                for (c, text) in cells.iter().enumerate() {
                    // A cell that is only a number is read with its column (see tables).
                    if !text.trim().is_empty() && !crate::document::is_numeric_cell(text) {
                        out.push(Segment::new(i, Some(c), text.clone(), b.line, b.section));
                    }
                }
            }
        }
    }
    out
}
