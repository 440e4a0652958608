//! Figures found in sentences written the ways reports write them.

use super::*;
use rust_decimal::Decimal;
use std::str::FromStr;

fn figs(text: &str) -> Vec<StatedFigure> {
    let seg = Segment::new(0, None, text.to_string(), 1, 0);
    extract_segment(&seg, 0, "").into_iter().map(|i| i.fig).collect()
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

#[test]
fn fractions_with_percentages() {
    let f = figs("có 7/11 xã, chiếm 63,6% tổng số xã");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].kind, FigureKind::Fraction);
    assert_eq!(f[0].numerator, Some(d("7")));
    assert_eq!(f[0].denominator, Some(d("11")));
    assert_eq!(f[0].stated_percent, Some(d("63.6")));
    assert_eq!(f[0].text, "7/11 xã, chiếm 63,6%");
    let f = figs("12/18 thạc sĩ, đạt 66,66%");
    assert_eq!(f[0].stated_percent, Some(d("66.66")));
    assert_eq!(f[0].unit.as_deref(), Some("thạc sĩ"));
    let f = figs("có 678/1.527 sản phụ được khám thai đủ 4 lần");
    assert_eq!(f[0].denominator, Some(d("1527")));
    assert_eq!(f[0].stated_percent, None);
    let f = figs("Chủ tịch 8/9=88,88%");
    assert_eq!(f[0].stated_percent, Some(d("88.88")));
    let f = figs("đạt 63,6% (7/11 xã)");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].numerator, Some(d("7")));
    let f = figs("có 240 doanh nghiệp, HTX, trong đó có 48 doanh nghiệp, HTX do nữ làm chủ, bằng 20%.");
    let frac: Vec<_> = f.iter().filter(|f| f.kind == FigureKind::Fraction).collect();
    assert_eq!(frac.len(), 1, "{f:#?}");
    assert_eq!(frac[0].numerator, Some(d("48")));
    assert_eq!(frac[0].denominator, Some(d("240")));
}

#[test]
fn not_fractions() {
    for text in [
        "Số: 620/LĐLĐ ngày 24/4",
        "Nghị quyết số 28/NQ-CP ngày 03/3/2021",
        "Luật số 73/2006/QH11",
        "nhân dịp 8/3, 20/10, 100% cán bộ tham gia",
        "Chỉ thị số 21-CT/TW ngày 20/01/2018",
    ] {
        let f = figs(text);
        assert!(
            f.iter()
                .all(|f| f.kind != FigureKind::Fraction && f.kind != FigureKind::Count),
            "{text}: {f:#?}"
        );
    }
    let f = figs("Tỷ số giới tính khi sinh 135 bé trai/100 bé gái");
    assert_eq!(f[0].kind, FigureKind::SexRatio);
    assert_eq!(f[0].value, Some(d("135")));
    let f = figs("giảm còn 42/100.000 trẻ sinh sống; 23 ca sinh/1.000 phụ nữ");
    assert_eq!(f[0].kind, FigureKind::Rate);
    assert_eq!(f[0].per, Some(d("100000")));
    assert_eq!(f[1].kind, FigureKind::Rate);
    assert_eq!(f[1].value, Some(d("23")));
}

#[test]
fn counts_money_years() {
    let f = figs("phát 1.130 tờ rơi, 56 tin bài, 07 lượt; Nam 42, Nữ 65; 504 lao động nữ");
    let counts: Vec<_> = f.iter().filter(|f| f.kind == FigureKind::Count).collect();
    assert_eq!(counts.len(), 6, "{f:#?}");
    assert_eq!(counts[0].value, Some(d("1130")));
    assert_eq!(counts[0].unit.as_deref(), Some("tờ rơi"));
    assert_eq!(counts[2].value, Some(d("7")));
    assert_eq!(counts[3].sex, Some(Sex::Male));
    assert_eq!(counts[4].sex, Some(Sex::Female));
    assert_eq!(counts[5].sex, Some(Sex::Female));
    let f = figs("kinh phí 15.000.000 đồng, 15 triệu đồng, mỗi năm 5.000.000đ");
    let money: Vec<_> = f
        .iter()
        .filter_map(|f| (f.kind == FigureKind::Money).then_some(f.value))
        .collect();
    assert_eq!(money, [Some(d("15000000")), Some(d("15000000")), Some(d("5000000"))]);
    let f = figs("giai đoạn 2021 - 2025, năm 2024, 6 tháng đầu năm 2024, cử trên 2000 chị em");
    let kinds: Vec<_> = f.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        [
            FigureKind::Period,
            FigureKind::Year,
            FigureKind::Period,
            FigureKind::Count
        ],
        "{f:#?}"
    );
    let f = figs("còn 1,7 lần; Đề án 938; Dự án 8; (3) tác hại; từ đủ 13 tuổi");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].kind, FigureKind::Times);
}
