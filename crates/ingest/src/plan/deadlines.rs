//! Deadlines and recurrence in a plan's wording.
//!
//! A date counts as a deadline only where the wording makes it one: after `trước`, `chậm
//! nhất`, `thời hạn`, `hoàn thành`, `trong`, `vào`, `Thời gian …:` or an opening bracket,
//! as the end of a range (`từ ngày 15/11 đến ngày 15/12/2024`), or joined by `và` or a
//! comma to such a date (`trước ngày 15/6 và 15/12`). The dates of cited documents
//! ("Nghị quyết số 11-NQ/TW ngày 27/4/2007") and of programme names ("đến năm 2030") are
//! not deadlines. A month, quarter or year stands for its last day (`tháng 6/2024` →
//! 30/06/2024, `Quý III/2024` → 30/09/2024); a day or month written without its year takes
//! the year of a later date of the same text, else the plan's year.

use super::words::{Word, ends_before, phrase_at};
use crate::indicators::contains_words;
use binhdang_domain::plan::Recurrence;
use binhdang_domain::vn;
use time::{Date, Month};

/// What a time expression ends on.
#[derive(Debug, Clone, Copy, PartialEq)]
enum End {
    Day(u8, u8),
    Month(u8),
    Quarter(u8),
    Year,
}

/// A time expression: words `[first, last]`, what it ends on, the year written with it.
#[derive(Debug, Clone, Copy)]
struct Expr {
    first: usize,
    last: usize,
    end: End,
    year: Option<i32>,
}

fn num(w: &[Word], i: usize, max: u32) -> Option<u8> {
    w.get(i)
        .and_then(|x| x.num)
        .filter(|n| (1..=max).contains(n))
        .map(|n| n as u8)
}

fn joined_punct(w: &[Word], i: usize, c: &str) -> bool {
    w.get(i).is_some_and(|x| x.is(c) && x.joined)
}

/// A year written at `i` after `/` (joined) or `năm`: its value and the words it takes.
fn year_after(w: &[Word], i: usize) -> Option<(i32, usize)> {
    if joined_punct(w, i, "/") && w.get(i + 1).is_some_and(|x| x.joined) {
        return w[i + 1].year().map(|y| (y, 2));
    }
    if w.get(i).is_some_and(|x| x.is("nam")) {
        return w.get(i + 1).and_then(Word::year).map(|y| (y, 2));
    }
    None
}

/// `30/6/2024`, `15/11` (no year) or `30-6-2024`.
fn day_month(w: &[Word], i: usize) -> Option<Expr> {
    let d = num(w, i, 31)?;
    for sep in ["/", "-"] {
        if !(joined_punct(w, i + 1, sep) && w.get(i + 2).is_some_and(|x| x.joined)) {
            continue;
        }
        let Some(m) = num(w, i + 2, 12) else { continue };
        if joined_punct(w, i + 3, sep) && w.get(i + 4).is_some_and(|x| x.joined) {
            if let Some(y) = w[i + 4].year() {
                return Some(Expr {
                    first: i,
                    last: i + 4,
                    end: End::Day(d, m),
                    year: Some(y),
                });
            }
            continue;
        }
        if sep == "/" {
            return Some(Expr {
                first: i,
                last: i + 2,
                end: End::Day(d, m),
                year: None,
            });
        }
    }
    None
}

/// `ngày 16 tháng 3 năm 2024` (the year may be left out).
fn long_date(w: &[Word], i: usize) -> Option<Expr> {
    phrase_at(w, i, "ngay")?;
    let d = num(w, i + 1, 31)?;
    phrase_at(w, i + 2, "thang")?;
    let m = num(w, i + 3, 12)?;
    let (year, n) = match year_after(w, i + 4) {
        Some((y, n)) => (Some(y), n),
        None => (None, 0),
    };
    Some(Expr {
        first: i,
        last: i + 3 + n,
        end: End::Day(d, m),
        year,
    })
}

/// `tháng 6/2024`, `tháng 6 năm 2024`, `tháng 11-12/2025` (its last month), `6/2024`.
fn month(w: &[Word], i: usize) -> Option<Expr> {
    let at = if w.get(i).is_some_and(|x| x.is("thang")) {
        i + 1
    } else {
        i
    };
    let mut m = num(w, at, 12)?;
    let mut k = at + 1;
    if joined_punct(w, k, "-") && w.get(k + 1).is_some_and(|x| x.joined) {
        m = num(w, k + 1, 12)?;
        k += 2;
    }
    match year_after(w, k) {
        Some((y, n)) => Some(Expr {
            first: i,
            last: k + n - 1,
            end: End::Month(m),
            year: Some(y),
        }),
        // A bare number is a month only after "tháng".
        None if at > i => Some(Expr {
            first: i,
            last: at,
            end: End::Month(m),
            year: None,
        }),
        None => None,
    }
}

/// `Quý III/2024`, `quý 3 năm 2024`, `Quý IV`.
fn quarter(w: &[Word], i: usize) -> Option<Expr> {
    phrase_at(w, i, "quy")?;
    let q = match w.get(i + 1)?.key.as_str() {
        "i" | "1" => 1,
        "ii" | "2" => 2,
        "iii" | "3" => 3,
        "iv" | "4" => 4,
        _ => return None,
    };
    let (year, n) = match year_after(w, i + 2) {
        Some((y, n)) => (Some(y), n),
        None => (None, 0),
    };
    Some(Expr {
        first: i,
        last: i + 1 + n,
        end: End::Quarter(q),
        year,
    })
}

/// `6 tháng đầu năm 2024`, `cuối năm`, `năm 2025`.
fn part_of_year(w: &[Word], i: usize) -> Option<Expr> {
    let (end, n) = if let Some(n) = phrase_at(w, i, "6 thang dau nam") {
        (End::Month(6), n)
    } else if let Some(n) = phrase_at(w, i, "6 thang cuoi nam").or_else(|| phrase_at(w, i, "cuoi nam")) {
        (End::Month(12), n)
    } else if phrase_at(w, i, "nam").is_some() && w.get(i + 1).and_then(Word::year).is_some() {
        (End::Year, 1)
    } else {
        return None;
    };
    let year = w.get(i + n).and_then(Word::year);
    Some(Expr {
        first: i,
        last: i + n - 1 + usize::from(year.is_some()),
        end,
        year,
    })
}

fn expr_at(w: &[Word], i: usize) -> Option<Expr> {
    day_month(w, i)
        .or_else(|| long_date(w, i))
        .or_else(|| month(w, i))
        .or_else(|| quarter(w, i))
        .or_else(|| part_of_year(w, i))
}

/// Every time expression of a text, left to right, not overlapping.
fn exprs(w: &[Word]) -> Vec<Expr> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < w.len() {
        match expr_at(w, i) {
            Some(e) => {
                out.push(e);
                i = e.last + 1;
            }
            None => i += 1,
        }
    }
    out
}

/// The word before an expression, past `ngày` and `hết` (`trước ngày`, `đến hết ngày`).
fn lead_in(w: &[Word], first: usize) -> usize {
    let mut k = first;
    while k > 0 && (w[k - 1].is("ngay") || w[k - 1].is("het")) {
        k -= 1;
    }
    k
}

/// Whether the words before `k` make what follows a deadline.
fn cued(w: &[Word], k: usize) -> bool {
    let Some(prev) = k.checked_sub(1).map(|j| &w[j]) else {
        return false;
    };
    if matches!(prev.key.as_str(), "truoc" | "trong" | "vao" | "(" | "xong") {
        return true;
    }
    if ["cham nhat", "thoi han", "hoan thanh", "den het"]
        .iter()
        .any(|p| ends_before(w, k, p))
    {
        return true;
    }
    // "Thời gian thực hiện: tháng 6/2025", "Thời hạn hoàn thành: …".
    prev.is(":")
        && (k.saturating_sub(5)..k).any(|j| phrase_at(w, j, "thoi gian").or(phrase_at(w, j, "thoi han")).is_some())
}

/// The stated deadlines of a text, with their byte ranges, in order. With `every`, each
/// time expression counts (a table's time column), not only those the wording cues.
pub(super) fn stated(w: &[Word], plan_year: Option<i32>, every: bool) -> Vec<(Date, (usize, usize))> {
    let all = exprs(w);
    let mut keep: Vec<bool> = vec![false; all.len()];
    for (n, e) in all.iter().enumerate() {
        let k = lead_in(w, e.first);
        let range_end = n > 0 && k > 0 && w[k - 1].is("den") && {
            let p = all[n - 1];
            let pk = lead_in(w, p.first);
            pk > 0 && w[pk - 1].is("tu") && p.last + 3 >= k
        };
        if range_end {
            // "từ ngày 15/11 đến ngày 15/12": the end is the deadline, the start is not.
            keep[n - 1] = false;
            keep[n] = true;
            continue;
        }
        let chained =
            n > 0 && keep[n - 1] && k > 0 && matches!(w[k - 1].key.as_str(), "va" | ",") && all[n - 1].last + 2 >= k;
        let starts_range = k > 0 && w[k - 1].is("tu");
        keep[n] = every || chained || (cued(w, k) && !starts_range) || (starts_range && cued(w, k - 1));
        // A date followed by "của" is a cited document's date.
        if w.get(e.last + 1).is_some_and(|x| x.is("cua")) {
            keep[n] = false;
        }
    }
    let mut out = Vec::new();
    for (n, e) in all.iter().enumerate() {
        if !keep[n] {
            continue;
        }
        let year = e
            .year
            .or_else(|| all[n + 1..].iter().find_map(|x| x.year))
            .or(plan_year);
        if let Some(d) = year.and_then(|y| last_day(e.end, y)) {
            out.push((d, (w[e.first].start, w[e.last].end)));
        }
    }
    out
}

/// The day an expression ends on in `year`.
fn last_day(end: End, year: i32) -> Option<Date> {
    let month_end = |m: u8| {
        let month = Month::try_from(m).ok()?;
        Date::from_calendar_date(year, month, month.length(year)).ok()
    };
    match end {
        End::Day(d, m) => Date::from_calendar_date(year, Month::try_from(m).ok()?, d).ok(),
        End::Month(m) => month_end(m),
        End::Quarter(q) => month_end(q * 3),
        End::Year => month_end(12),
    }
}

/// The wording of each recurrence, most frequent first (a text that says "hằng quý, 6
/// tháng và năm" recurs quarterly).
const RECURRENCES: &[(Recurrence, &[&str])] = &[
    (
        Recurrence::Monthly,
        &["hang thang", "moi thang", "thang mot lan", "dinh ky thang"],
    ),
    (
        Recurrence::Quarterly,
        &["hang quy", "moi quy", "dinh ky quy", "quy mot lan", "bao cao quy"],
    ),
    (
        Recurrence::HalfYearly,
        &[
            "6 thang va",
            "6 thang, nam",
            "6 thang, 1 nam",
            "6 thang mot lan",
            "6 thang/lan",
            "dinh ky 6 thang",
            "bao cao 6 thang",
            "06 thang va",
            "dinh ky 06 thang",
            "bao cao 06 thang",
            "sau thang mot lan",
        ],
    ),
    (
        Recurrence::Yearly,
        &["hang nam", "moi nam", "dinh ky nam", "nam mot lan", "thuong nien"],
    ),
];

/// How often a task falls due, from its wording; the Action Month for gender equality
/// recurs each year in a plan that covers several.
pub(super) fn recurrence(text: &str, several_years: bool) -> Recurrence {
    let key = vn::search_key(text);
    let action_month = contains_words(&key, "thang hanh dong vi binh dang gioi");
    for (r, wordings) in RECURRENCES {
        if wordings.iter().any(|w| contains_words(&key, w)) {
            // "hưởng ứng Tháng hành động … hằng năm": each year, by its own dates.
            return if *r == Recurrence::Yearly && action_month {
                Recurrence::ActionMonth
            } else {
                *r
            };
        }
    }
    if several_years && action_month {
        return Recurrence::ActionMonth;
    }
    Recurrence::Once
}

/// The end of the first period of a recurring task in `year`, counted from `from` (the plan's
/// date when it is in that year): the month's, quarter's or half-year's last day, 31
/// December, or 15 December for the Action Month.
pub(super) fn first_period_end(r: Recurrence, year: i32, from: Option<Date>) -> Option<Date> {
    let start = from
        .filter(|d| d.year() == year)
        .or_else(|| Date::from_calendar_date(year, Month::January, 1).ok())?;
    let month = u8::from(start.month());
    match r {
        Recurrence::Once => None,
        Recurrence::Monthly => last_day(End::Month(month), year),
        Recurrence::Quarterly => last_day(End::Quarter(month.div_ceil(3)), year),
        Recurrence::HalfYearly => last_day(End::Month(if month <= 6 { 6 } else { 12 }), year),
        Recurrence::Yearly => last_day(End::Year, year),
        Recurrence::ActionMonth => Date::from_calendar_date(year, Month::December, 15).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::words::words;
    use time::macros::date;

    fn dates(text: &str, year: Option<i32>) -> Vec<Date> {
        stated(&words(text), year, false).into_iter().map(|(d, _)| d).collect()
    }

    #[test]
    fn cued_dates_months_quarters_and_ranges() {
        assert_eq!(dates("hoàn thành trước ngày 30/9/2025.", None), [date!(2025 - 09 - 30)]);
        assert_eq!(dates("hoàn thành trong tháng 6/2024", None), [date!(2024 - 06 - 30)]);
        assert_eq!(
            dates(
                "Tháng hành động phòng, chống bạo lực gia đình (tháng 6/2024), Tháng hành động (từ ngày 15/11 đến ngày 15/12/2024)",
                None
            ),
            [date!(2024 - 06 - 30), date!(2024 - 12 - 15)]
        );
        assert_eq!(dates("tổ chức trong Quý III/2024", None), [date!(2024 - 09 - 30)]);
        assert_eq!(dates("(Quý IV)", Some(2025)), [date!(2025 - 12 - 31)]);
        assert_eq!(
            dates("báo cáo về Sở Nội vụ trước ngày 15/6 và 15/12 để tổng hợp", Some(2025)),
            [date!(2025 - 06 - 15), date!(2025 - 12 - 15)]
        );
        assert_eq!(
            dates(
                "Thời hạn báo cáo 6 tháng gửi trước 5/6/2025, báo cáo năm gửi trước ngày 5/12/2025.",
                None
            ),
            [date!(2025 - 06 - 05), date!(2025 - 12 - 05)]
        );
        assert_eq!(
            dates("Thời gian thực hiện: tháng 11-12/2025", None),
            [date!(2025 - 12 - 31)]
        );
        assert_eq!(
            dates("chậm nhất ngày 20 tháng 12 năm 2025", None),
            [date!(2025 - 12 - 20)]
        );
        assert_eq!(
            dates("hoàn thành trong 6 tháng đầu năm 2025", None),
            [date!(2025 - 06 - 30)]
        );
    }

    #[test]
    fn citations_and_programme_names_are_not_deadlines() {
        assert_eq!(
            dates("Nghị quyết số 11-NQ/TW ngày 27/4/2007 của Bộ Chính trị", Some(2024)),
            []
        );
        assert_eq!(
            dates("Chương trình Truyền thông về bình đẳng giới đến năm 2030", Some(2024)),
            []
        );
        assert_eq!(
            dates(
                "nhân dịp ngày Quốc tế phụ nữ 8/3 và Ngày phụ nữ Việt Nam 20/10",
                Some(2024)
            ),
            []
        );
        assert_eq!(dates("sơ kết 5 năm (giai đoạn 2021-2025)", Some(2025)), []);
        assert_eq!(dates("trước ngày 15/3/2024 của UBND tỉnh", Some(2024)), []);
        // Without a year anywhere, a day alone is no date.
        assert_eq!(dates("trước ngày 15/6", None), []);
    }

    #[test]
    fn a_time_column_counts_every_expression() {
        let all = |t: &str| -> Vec<Date> {
            stated(&words(t), Some(2025), true)
                .into_iter()
                .map(|(d, _)| d)
                .collect()
        };
        assert_eq!(all("Tháng 8/2025"), [date!(2025 - 08 - 31)]);
        assert_eq!(all("Quý IV/2025"), [date!(2025 - 12 - 31)]);
        assert_eq!(all("Hằng quý"), []);
    }

    #[test]
    fn recurrences_from_the_wording() {
        assert_eq!(
            recurrence("kết quả thực hiện Kế hoạch 6 tháng và một năm theo quy định", false),
            Recurrence::HalfYearly
        );
        assert_eq!(
            recurrence("Định kỳ 6 tháng, báo cáo kết quả", false),
            Recurrence::HalfYearly
        );
        assert_eq!(recurrence("duy trì chuyên mục hằng tháng", false), Recurrence::Monthly);
        assert_eq!(recurrence("báo cáo hàng quý", false), Recurrence::Quarterly);
        assert_eq!(recurrence("hằng quý, 6 tháng và năm", false), Recurrence::Quarterly);
        assert_eq!(recurrence("tổng kết hằng năm", false), Recurrence::Yearly);
        assert_eq!(recurrence("báo cáo quyết toán theo quy định", false), Recurrence::Once);
        assert_eq!(
            recurrence("các vật dụng trong sinh hoạt hằng ngày", false),
            Recurrence::Once
        );
        let month = "hưởng ứng Tháng hành động vì bình đẳng giới";
        assert_eq!(recurrence(month, true), Recurrence::ActionMonth);
        assert_eq!(recurrence(month, false), Recurrence::Once);
        assert_eq!(recurrence(&format!("{month} hằng năm"), false), Recurrence::ActionMonth);
        assert_eq!(
            first_period_end(Recurrence::Monthly, 2025, Some(date!(2025 - 02 - 05))),
            Some(date!(2025 - 02 - 28))
        );
        assert_eq!(
            first_period_end(Recurrence::Quarterly, 2025, Some(date!(2025 - 02 - 05))),
            Some(date!(2025 - 03 - 31))
        );
        assert_eq!(
            first_period_end(Recurrence::HalfYearly, 2024, None),
            Some(date!(2024 - 06 - 30))
        );
        assert_eq!(
            first_period_end(Recurrence::ActionMonth, 2021, None),
            Some(date!(2021 - 12 - 15))
        );
    }
}
