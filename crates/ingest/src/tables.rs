//! Tables: their header rows and column roles (total, male, female, percentage, year,
//! assessment, result), the numbers of their rows, and the checks a table allows:
//! total = male + female in each row; a total column = the sum of the year columns; a
//! percentage column = part ÷ total; a total row = the sum of the rows it closes (with
//! sub-items such as `1.1` or `a` counted once); an assessment of "Đạt" against the
//! national target.

use crate::check::{CheckFinding, CheckFindingKind, Place, Severity, claim_finding};
use crate::document::{Block, SourceDocument, row_text};
use crate::figures::{FigureKind, LabelledValue, Position, StatedFigure, quote_window};
use crate::indicators::{contains_words, identify};
use crate::normalize::fold;
use crate::tokens::{TokKind, tokenize};
use binhdang_domain::Indicator;
use binhdang_domain::vn::format_number;
use rust_decimal::Decimal;

#[derive(Debug, Clone, Copy, PartialEq)]
struct CellNum {
    value: Decimal,
    percent: bool,
    year_like: bool,
}

/// A cell holding exactly one number (with `%` or a unit word at most), or a dash.
fn cell_number(text: &str) -> Option<CellNum> {
    let toks = tokenize(text);
    let nums: Vec<_> = toks.iter().filter_map(|t| t.num()).collect();
    if nums.len() != 1 || toks.iter().any(|t| matches!(t.kind, TokKind::Code)) {
        return None;
    }
    let n = nums[0];
    let first_is_num = toks.first().is_some_and(|t| t.num().is_some());
    let others_ok = toks.iter().all(|t| match &t.kind {
        TokKind::Num(_) => true,
        TokKind::Punct(c) => matches!(c, '%' | '(' | ')'),
        TokKind::Word(w) => matches!(w.as_str(), "ngươi" | "lươt" | "đ" | "đông" | "vu" | "ca"),
        TokKind::Code => false,
    });
    if !first_is_num || !others_ok {
        return None;
    }
    Some(CellNum {
        value: n.value,
        percent: toks.iter().any(|t| t.is_punct('%')),
        year_like: n.is_year_like(),
    })
}

fn is_empty_cell(text: &str) -> bool {
    matches!(text.trim(), "" | "-" | "–" | "—" | "0")
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    Total,
    Male,
    Female,
    Percent,
    Year,
    Assessment,
    Result,
    Order,
    Other,
}

fn role_of(label: &str) -> Role {
    let f = fold(label.trim());
    let f = f.trim_matches(|c: char| !c.is_alphanumeric() && c != '%');
    let words: Vec<&str> = f.split_whitespace().collect();
    if f.is_empty() {
        return Role::Other;
    }
    if matches!(f, "stt" | "tt" | "sô tt" | "sô thư tư") {
        return Role::Order;
    }
    if words.len() == 1 && words[0].len() == 4 && words[0].parse::<u32>().is_ok_and(|y| (1900..=2100).contains(&y)) {
        return Role::Year;
    }
    if contains_words(f, "đanh gia") || contains_words(f, "tư đanh gia") {
        return Role::Assessment;
    }
    if contains_words(f, "ti lê") || f.contains('%') {
        return Role::Percent;
    }
    if words.len() <= 3 && (words.first() == Some(&"nam") || words.last() == Some(&"nam")) && !f.contains("viêt nam") {
        return Role::Male;
    }
    if words.len() <= 3 && (words.first() == Some(&"nư") || words.last() == Some(&"nư")) {
        return Role::Female;
    }
    // "Tổng", "Tổng số", "Số người tham gia Tổng" (a heading merged with the one above).
    if words.first() == Some(&"tông")
        || words.last() == Some(&"tông")
        || f.ends_with("tông sô")
        || f == "công"
        || f == "tông công"
        || (words.len() <= 3 && contains_words(f, "tông"))
    {
        return Role::Total;
    }
    if contains_words(f, "kêt qua") {
        return Role::Result;
    }
    Role::Other
}

fn is_total_label(text: &str) -> bool {
    let f = fold(text.trim());
    let f = f.trim_matches(|c: char| !c.is_alphanumeric());
    // Only a row that is nothing but a total: "Tổng số cán bộ" is a quantity, not a sum.
    matches!(
        f,
        "tông" | "tông công" | "công" | "tông sô" | "tông chung" | "công chung" | "toan bô"
    ) || (f.starts_with("toan ") && f.split_whitespace().count() <= 4)
}

/// Words that make a row or column a rate or an average, whose parts do not add up.
fn is_rate_text(text: &str) -> bool {
    let f = fold(text);
    f.contains('%')
        || ["ti lê", "ti suât", "ti sô", "binh quân", "trung binh", "ti trong"]
            .iter()
            .any(|w| contains_words(&f, w))
}

/// How deep a row is in a list, from its order cell: `1`, `I` → 0; `1.1`, `a`, `-` → 1;
/// `1.1.1`, `+` → 2. `None` when the row has no order cell.
fn order_depth(cell: &str) -> Option<usize> {
    let c = cell.trim().trim_end_matches(['.', ')']);
    if c.is_empty() {
        return None;
    }
    if c.chars().all(|ch| ch.is_ascii_digit()) {
        return Some(0);
    }
    if c.chars().all(|ch| matches!(ch, 'I' | 'V' | 'X' | 'L')) {
        return Some(0);
    }
    if c.split('.')
        .all(|p| !p.is_empty() && p.chars().all(|ch| ch.is_ascii_digit()))
    {
        return Some(c.split('.').count() - 1);
    }
    if c.chars().count() == 1 && c.chars().all(|ch| ch.is_alphabetic() && ch.is_lowercase()) {
        return Some(1);
    }
    match c {
        "-" | "–" => Some(1),
        "+" => Some(2),
        _ => None,
    }
}

struct Table<'a> {
    rows: Vec<(usize, &'a Block)>,
}

/// Checks every table of the document; returns the table-row figures and the findings.
pub fn check_tables(
    doc: &SourceDocument,
    indicators: &[Indicator],
    year: i32,
) -> (Vec<StatedFigure>, Vec<CheckFinding>) {
    let mut tables: Vec<Table> = Vec::new();
    let mut last_table = None;
    for (i, b) in doc.blocks.iter().enumerate() {
        if b.cells().is_none() {
            continue;
        }
        if b.table.is_some() && b.table == last_table {
            tables.last_mut().unwrap().rows.push((i, b));
        } else {
            tables.push(Table { rows: vec![(i, b)] });
            last_table = b.table;
        }
    }
    let mut figures = Vec::new();
    let mut findings = Vec::new();
    for t in &tables {
        check_table(doc, t, indicators, year, &mut figures, &mut findings);
    }
    (figures, findings)
}

fn check_table(
    doc: &SourceDocument,
    t: &Table,
    indicators: &[Indicator],
    year: i32,
    figures: &mut Vec<StatedFigure>,
    findings: &mut Vec<CheckFinding>,
) {
    let Some(g) = Grid::new(doc, t) else { return };
    g.row_figures(figures);
    g.check_rows(findings);
    g.check_total_rows(findings);
    g.check_assessments(indicators, year, findings);
}

/// A table read for checking: its rows' cells padded to one width, their numbers, and the
/// label and role of each column.
struct Grid<'a> {
    doc: &'a SourceDocument,
    t: &'a Table<'a>,
    width: usize,
    nums: Vec<Vec<Option<CellNum>>>,
    order_col: bool,
    labels: Vec<String>,
    roles: Vec<Role>,
    label_col: usize,
    /// The rows after the header rows.
    data: Vec<usize>,
}

/// The cells of row `r`, padded to `width`.
fn padded_cells(t: &Table, width: usize, r: usize) -> Vec<String> {
    let mut c = t.rows[r].1.cells().unwrap().to_vec();
    c.resize(width, String::new());
    c
}

/// A column's label: its deepest non-empty heading; the role comes from that one, with
/// the group headings above it kept for display.
fn column_labels(header: &[Vec<String>], width: usize) -> Vec<String> {
    (0..width)
        .map(|c| {
            header
                .iter()
                .map(|h| h[c].trim())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" / ")
        })
        .collect()
}

fn column_roles(header: &[Vec<String>], labels: &[String], width: usize, order_col: bool) -> Vec<Role> {
    let roles: Vec<Role> = (0..width)
        .map(|c| {
            let deepest = header
                .iter()
                .rev()
                .map(|h| h[c].trim())
                .find(|s| !s.is_empty())
                .unwrap_or("");
            if order_col && c == 0 {
                Role::Order
            } else {
                role_of(deepest)
            }
        })
        .collect();
    // "Số người | Nam | Nữ": with sex columns and no total, a "số …" column right before
    // the male and female ones is their total.
    let mut roles = roles;
    if !roles.contains(&Role::Total)
        && let (Some(m), Some(f)) = (
            roles.iter().position(|r| *r == Role::Male),
            roles.iter().position(|r| *r == Role::Female),
        )
        && let Some(c) = m.min(f).checked_sub(1)
        && roles[c] == Role::Other
        && fold(labels[c].rsplit(" / ").next().unwrap_or("")).starts_with("sô ")
    {
        roles[c] = Role::Total;
    }
    roles
}

impl<'a> Grid<'a> {
    /// Reads the header rows and the columns; `None` for a table without cells or without
    /// a data row.
    fn new(doc: &'a SourceDocument, t: &'a Table<'a>) -> Option<Grid<'a>> {
        let width = t.rows.iter().map(|(_, b)| b.cells().unwrap().len()).max().unwrap_or(0);
        if width == 0 {
            return None;
        }
        let cells = |r: usize| padded_cells(t, width, r);
        let nums: Vec<Vec<Option<CellNum>>> = (0..t.rows.len())
            .map(|r| cells(r).iter().map(|c| cell_number(c)).collect())
            .collect();
        // Order column: a first column of small integers, Roman numerals or sub-item marks.
        let order_col = {
            let col: Vec<String> = (0..t.rows.len()).map(|r| cells(r)[0].clone()).collect();
            let marked = col.iter().filter(|c| order_depth(c).is_some()).count();
            let label = role_of(&col[0]) == Role::Order;
            (label || marked * 2 > col.len()) && col.iter().all(|c| c.chars().count() <= 6)
        };
        // Header rows: before the first row with a number outside the order column that is
        // not a year heading.
        let data_row = |r: usize| -> bool {
            let row = &nums[r];
            let numeric: Vec<&CellNum> = row
                .iter()
                .enumerate()
                .filter(|(c, _)| !(order_col && *c == 0))
                .filter_map(|(_, n)| n.as_ref())
                .collect();
            !(numeric.is_empty() || (numeric.len() >= 2 && numeric.iter().all(|n| n.year_like)))
        };
        let first_data = (0..t.rows.len()).find(|&r| data_row(r));
        let first_data = first_data?;
        let header: Vec<Vec<String>> = (0..first_data).map(&cells).collect();
        let labels = column_labels(&header, width);
        let roles = column_roles(&header, &labels, width, order_col);
        let label_col = (0..width).find(|&c| !(order_col && c == 0)).unwrap_or(0);

        let data: Vec<usize> = (first_data..t.rows.len()).collect();
        Some(Grid {
            doc,
            t,
            width,
            nums,
            order_col,
            labels,
            roles,
            label_col,
            data,
        })
    }

    fn cells(&self, r: usize) -> Vec<String> {
        padded_cells(self.t, self.width, r)
    }

    fn row_label(&self, r: usize) -> String {
        let c = self.cells(r);
        c.iter()
            .enumerate()
            .filter(|(i, _)| !(self.order_col && *i == 0))
            .map(|(_, s)| s.trim())
            .find(|s| !s.is_empty() && cell_number(s).is_none())
            .unwrap_or("")
            .to_string()
    }

    fn position(&self, r: usize, col: Option<usize>) -> Position {
        Position {
            line: self.t.rows[r].1.line,
            cell: col.map(|c| c + 1),
            column: 0,
        }
    }

    fn section(&self, r: usize) -> String {
        self.doc.sections[self.t.rows[r].1.section].label()
    }

    fn quote(&self, r: usize) -> String {
        let text = row_text(&self.cells(r));
        quote_window(&text, (0, text.len()), (0, text.len().min(250)))
    }

    /// Figures: each row with numbers.
    fn row_figures(&self, figures: &mut Vec<StatedFigure>) {
        let (nums, labels) = (&self.nums, &self.labels);
        for &r in &self.data {
            let values: Vec<LabelledValue> = nums[r]
                .iter()
                .enumerate()
                .filter(|(c, _)| !(self.order_col && *c == 0))
                .filter_map(|(c, n)| {
                    n.map(|n| LabelledValue {
                        label: if labels[c].is_empty() {
                            format!("cột {}", c + 1)
                        } else {
                            labels[c].clone()
                        },
                        value: n.value,
                    })
                })
                .collect();
            if values.is_empty() {
                continue;
            }
            figures.push(StatedFigure {
                kind: FigureKind::TableRow,
                text: self.row_label(r),
                value: None,
                numerator: None,
                denominator: None,
                stated_percent: None,
                per: None,
                qualifier: None,
                unit: None,
                sex: None,
                values,
                section: self.section(r),
                quote: self.quote(r),
                position: self.position(r, None),
            });
        }
    }

    fn rate_row(&self, r: usize) -> bool {
        self.cells(r)
            .iter()
            .enumerate()
            .any(|(c, text)| self.nums[r][c].is_none() && is_rate_text(text))
    }

    fn val(&self, r: usize, c: usize) -> Option<Decimal> {
        match self.nums[r][c] {
            Some(n) => Some(n.value),
            None if is_empty_cell(&self.cells(r)[c]) => Some(Decimal::ZERO),
            None => None,
        }
    }

    fn parts_finding(
        &self,
        r: usize,
        col: usize,
        stated: Decimal,
        terms: &[Decimal],
        what_vi: &str,
        what_en: &str,
    ) -> CheckFinding {
        let labels = &self.labels;
        let sum: Decimal = terms.iter().copied().sum();
        let terms_vi: Vec<String> = terms.iter().map(|v| format_number(*v, None)).collect();
        let terms_en: Vec<String> = terms.iter().map(|v| v.normalize().to_string()).collect();
        CheckFinding {
            kind: CheckFindingKind::PartsTotal,
            severity: Severity::Error,
            quote: self.quote(r),
            stated: format!("{} ({})", format_number(stated, None), labels[col]),
            expected: format!("{} ({})", format_number(sum, None), terms_vi.join(" + ")),
            message_vi: format!(
                "Bảng, dòng \"{}\": cột \"{}\" ghi {} nhưng {what_vi} cộng lại được {} = {}",
                self.row_label(r),
                labels[col],
                format_number(stated, None),
                terms_vi.join(" + "),
                format_number(sum, None)
            ),
            message_en: format!(
                "Table, row \"{}\": column \"{}\" gives {} but {what_en} add up to {} = {}",
                self.row_label(r),
                labels[col],
                stated.normalize(),
                terms_en.join(" + "),
                sum.normalize()
            ),
            section: self.section(r),
            position: self.position(r, Some(col)),
            indicator: None,
        }
    }

    /// Row checks: total = male + female; total = sum of years; percentage = part / total.
    fn check_rows(&self, findings: &mut Vec<CheckFinding>) {
        let (width, roles, nums) = (self.width, &self.roles, &self.nums);
        let totals: Vec<usize> = (0..width).filter(|&c| roles[c] == Role::Total).collect();
        for (ti, &tc) in totals.iter().enumerate() {
            let end = totals.get(ti + 1).copied().unwrap_or(width);
            let male = (tc + 1..end).find(|&c| roles[c] == Role::Male);
            let female = (tc + 1..end).find(|&c| roles[c] == Role::Female);
            let (male, female) = match (male, female) {
                (Some(m), Some(f)) => (Some(m), Some(f)),
                _ if totals.len() == 1 => (
                    (0..width).find(|&c| roles[c] == Role::Male),
                    (0..width).find(|&c| roles[c] == Role::Female),
                ),
                _ => (None, None),
            };
            let years: Vec<usize> = (0..tc).filter(|&c| roles[c] == Role::Year).collect();
            for &r in &self.data {
                let Some(total) = nums[r][tc].map(|n| n.value) else {
                    continue;
                };
                // Rates and averages by sex do not add up; counts are whole.
                if self.rate_row(r) || is_rate_text(&self.labels[tc]) {
                    continue;
                }
                if let (Some(m), Some(f)) = (male, female) {
                    if let (Some(a), Some(b)) = (self.val(r, m), self.val(r, f))
                        && nums[r][m].is_some_and(|n| !n.percent)
                        && [a, b, total].iter().all(|v| v.fract().is_zero())
                        && a + b != total
                    {
                        findings.push(self.parts_finding(r, tc, total, &[a, b], "số nam và số nữ", "men and women"));
                    }
                } else if male.is_none() && female.is_none() && years.len() >= 2 {
                    let terms: Option<Vec<Decimal>> = years.iter().map(|&c| self.val(r, c)).collect();
                    if let Some(terms) = terms
                        && terms.iter().copied().sum::<Decimal>() != total
                    {
                        findings.push(self.parts_finding(r, tc, total, &terms, "các năm", "the years"));
                    }
                }
                self.check_percents(r, (tc, end), (male, female), total, findings);
            }
        }
    }

    /// Percentage column of this group (the total column `tc`, up to `end`) in row `r`.
    fn check_percents(
        &self,
        r: usize,
        (tc, end): (usize, usize),
        (male, female): (Option<usize>, Option<usize>),
        total: Decimal,
        findings: &mut Vec<CheckFinding>,
    ) {
        let (roles, nums, labels) = (&self.roles, &self.nums, &self.labels);
        for pc in (tc + 1..end).filter(|&c| roles[c] == Role::Percent) {
            let pl = fold(&labels[pc]);
            let part = if contains_words(&pl, "nam") {
                male
            } else if contains_words(&pl, "nư") || male.is_none() {
                female
            } else {
                None
            };
            let (Some(part), Some(stated)) = (part, nums[r][pc]) else {
                continue;
            };
            let Some(p) = nums[r][part].map(|n| n.value) else {
                continue;
            };
            if total.is_zero() {
                continue;
            }
            let exact = p * Decimal::from(100) / total;
            let scale = stated.value.scale();
            if (exact - stated.value).abs() > Decimal::new(5, scale + 1) {
                let expected = format!("{}%", format_number(exact, Some(scale)));
                findings.push(CheckFinding {
                    kind: CheckFindingKind::PercentMismatch,
                    severity: Severity::Error,
                    quote: self.quote(r),
                    stated: format!("{}%", format_number(stated.value, Some(scale))),
                    expected: expected.clone(),
                    message_vi: format!(
                        "Bảng, dòng \"{}\": tỷ lệ ghi {}% nhưng {}/{} × 100 = {}",
                        self.row_label(r),
                        format_number(stated.value, Some(scale)),
                        format_number(p, None),
                        format_number(total, None),
                        expected
                    ),
                    message_en: format!(
                        "Table, row \"{}\": the stated {}% does not match {}/{} = {}%",
                        self.row_label(r),
                        stated.value.normalize(),
                        p.normalize(),
                        total.normalize(),
                        exact.round_dp(scale)
                    ),
                    section: self.section(r),
                    position: self.position(r, Some(pc)),
                    indicator: None,
                });
            }
        }
    }

    /// Column checks: a total row against the rows it closes.
    fn check_total_rows(&self, findings: &mut Vec<CheckFinding>) {
        let (width, roles, nums, labels, data) = (self.width, &self.roles, &self.nums, &self.labels, &self.data);
        let order_col = self.order_col;
        let uniform = data.iter().all(|&r| self.t.rows[r].1.cells().unwrap().len() == width);
        if uniform {
            let value_cols: Vec<usize> = (0..width)
                .filter(|&c| !(matches!(roles[c], Role::Percent | Role::Year | Role::Order) || (order_col && c == 0)))
                .filter(|&c| data.iter().any(|&r| nums[r][c].is_some_and(|n| !n.percent)))
                .filter(|&c| !is_rate_text(&labels[c]))
                .collect();
            let is_total_row =
                |r: usize| is_total_label(&self.row_label(r)) || (order_col && is_total_label(&self.cells(r)[0]));
            let total_rows: Vec<usize> = data.iter().copied().filter(|&r| is_total_row(r)).collect();
            for (k, &tr) in total_rows.iter().enumerate() {
                // The rows it sums: after the previous total row (or the header) up to it; a
                // total row first in the table sums the rows below it up to the next total.
                let above: Vec<usize> = data
                    .iter()
                    .copied()
                    .filter(|&r| r < tr && k.checked_sub(1).is_none_or(|p| r > total_rows[p]))
                    .collect();
                let members: Vec<usize> = if above.is_empty() {
                    let next = total_rows.get(k + 1).copied().unwrap_or(usize::MAX);
                    data.iter().copied().filter(|&r| r > tr && r < next).collect()
                } else {
                    above
                };
                if members.len() < 2 || members.iter().any(|&r| self.rate_row(r)) {
                    continue;
                }
                for &c in &value_cols {
                    self.check_total_cell(tr, c, &members, findings);
                }
            }
        }
    }

    /// The cell of total row `tr` in column `c` against the same cells of `members`.
    fn check_total_cell(&self, tr: usize, c: usize, members: &[usize], findings: &mut Vec<CheckFinding>) {
        let Some(stated) = self.nums[tr][c].filter(|n| !n.percent).map(|n| n.value) else {
            return;
        };
        let values: Option<Vec<(usize, Decimal)>> = members.iter().map(|&r| self.val(r, c).map(|v| (r, v))).collect();
        let Some(values) = values else { return };
        let all: Decimal = values.iter().map(|(_, v)| *v).sum();
        if all == stated {
            return;
        }
        if self.closed_by_subtotals(&values, stated) {
            return;
        }
        // Sub-items counted once: top level only, or leaves only.
        let depths: Vec<Option<usize>> = members
            .iter()
            .map(|&r| {
                if self.order_col {
                    order_depth(&self.cells(r)[0])
                } else {
                    None
                }
            })
            .collect();
        let top: Decimal = values
            .iter()
            .zip(&depths)
            .filter(|(_, d)| d.is_none_or(|d| d == 0))
            .map(|((_, v), _)| *v)
            .sum();
        let leaves: Decimal = values
            .iter()
            .enumerate()
            .filter(|(i, _)| {
                let d = depths[*i].unwrap_or(0);
                depths.get(i + 1).copied().flatten().is_none_or(|next| next <= d)
            })
            .map(|(_, (_, v))| *v)
            .sum();
        let hierarchical = depths.iter().any(|d| d.is_some_and(|d| d > 0));
        if hierarchical && (top == stated || leaves == stated) {
            return;
        }
        if hierarchical {
            // Which level was meant is unclear: report only when no reading fits.
        }
        let terms: Vec<Decimal> = if hierarchical {
            values
                .iter()
                .zip(&depths)
                .filter(|(_, d)| d.is_none_or(|d| d == 0))
                .map(|((_, v), _)| *v)
                .collect()
        } else {
            values.iter().map(|(_, v)| *v).collect()
        };
        findings.push(self.parts_finding(tr, c, stated, &terms, "các dòng", "the rows"));
    }

    /// Whether `stated` is the total of rows some of which are subtotals ("Cộng năm 2024"
    /// closing the rows above it): a row counts as a subtotal when its label begins with
    /// "Cộng"/"Tổng" and its value is the sum of the rows since the previous subtotal. The total
    /// is then the sum of the subtotals or, the same, of the other rows.
    fn closed_by_subtotals(&self, values: &[(usize, Decimal)], stated: Decimal) -> bool {
        let mut since = Decimal::ZERO;
        let mut rows_since = 0;
        let (mut subtotals, mut leaves, mut found) = (Decimal::ZERO, Decimal::ZERO, false);
        for &(r, v) in values {
            let label = fold(self.row_label(r).trim());
            let named = label.starts_with("công") || label.starts_with("tông");
            if named && rows_since > 0 && v == since {
                subtotals += v;
                found = true;
                since = Decimal::ZERO;
                rows_since = 0;
            } else {
                leaves += v;
                since += v;
                rows_since += 1;
            }
        }
        found && (stated == subtotals + since || stated == leaves)
    }

    /// Assessment column: "Đạt" against the national target.
    fn check_assessments(&self, indicators: &[Indicator], year: i32, findings: &mut Vec<CheckFinding>) {
        let (width, roles) = (self.width, &self.roles);
        if let Some(ac) = (0..width).find(|&c| roles[c] == Role::Assessment) {
            let rc = (0..width).find(|&c| roles[c] == Role::Result);
            for &r in &self.data {
                let a = fold(self.cells(r)[ac].trim());
                let a = a.trim_end_matches('.');
                let claim = match a {
                    "đat" => "Đạt",
                    "vươt" => "Vượt",
                    "cơ ban đat" => "Cơ bản đạt",
                    "hoan thanh" => "Hoàn thành",
                    "đat chi tiêu" => "Đạt chỉ tiêu",
                    _ => continue,
                };
                let _ = self.label_col;
                let text = row_text(&self.cells(r));
                let Some(code) = identify(&text) else { continue };
                let Some(ind) = indicators.iter().find(|i| i.code == code) else {
                    continue;
                };
                let result_cell = rc.map(|c| self.cells(r)[c].clone()).unwrap_or_default();
                if let Some((value, value_text)) = single_result(ind, &result_cell) {
                    let quote = self.quote(r);
                    if let Some(f) = claim_finding(
                        ind,
                        year,
                        value,
                        &value_text,
                        claim,
                        Place {
                            quote,
                            section: self.section(r),
                            position: self.position(r, Some(ac)),
                        },
                    ) {
                        findings.push(f);
                    }
                }
            }
        }
    }
}

/// The one result figure of a result cell, in the indicator's measure.
fn single_result(ind: &Indicator, cell: &str) -> Option<(Decimal, String)> {
    let seg = crate::figures::Segment::new(0, None, cell.to_string(), 0, 0);
    let items = crate::figures::extract_segment(&seg, 0, "");
    let vals: Vec<(Decimal, String)> = items
        .iter()
        .filter(|it| it.fig.qualifier.is_none())
        .filter_map(|it| {
            let f = &it.fig;
            let v = f.value_in_measure(ind)?;
            Some((v, f.text.clone()))
        })
        .collect();
    if vals.len() == 1 { vals.into_iter().next() } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_and_roles() {
        assert_eq!(cell_number("1.260").map(|c| c.value), Some(Decimal::from(1260)));
        assert!(cell_number("63,6%").unwrap().percent);
        assert!(cell_number("213/UBND-VP").is_none());
        assert!(cell_number("09/02/2021").is_none());
        assert!(cell_number("Kế hoạch").is_none());
        assert_eq!(role_of("Nam"), Role::Male);
        assert_eq!(role_of("Nữ"), Role::Female);
        assert_eq!(role_of("Tổng số"), Role::Total);
        assert_eq!(role_of("Tỷ lệ nữ (%)"), Role::Percent);
        assert_eq!(role_of("2024"), Role::Year);
        assert_eq!(role_of("Đánh giá"), Role::Assessment);
        assert_eq!(role_of("Kết quả thực hiện"), Role::Result);
        assert_eq!(role_of("TT"), Role::Order);
        assert_eq!(order_depth("1.1"), Some(1));
        assert_eq!(order_depth("II"), Some(0));
        assert_eq!(order_depth("a)"), Some(1));
    }
}
