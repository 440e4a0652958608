//! Proposals on the three sample reports: which indicator and values each clear figure
//! states, checked against a reading of the text (sample 002, Bắc Kạn city, 2024).

mod common;

use binhdang_domain::Disaggregation;
use binhdang_domain::shipped::catalogue as shipped_catalogue;
use binhdang_ingest::{CheckFindingKind, Confidence, Proposal, proposals_bytes};

fn proposals_of(name: &str) -> Vec<Proposal> {
    let path = std::fs::read_dir(common::samples_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(name))
        .unwrap();
    let catalogue = shipped_catalogue().unwrap();
    proposals_bytes(
        &std::fs::read(path).unwrap(),
        &catalogue.indicators,
        &catalogue.elements,
    )
    .unwrap()
}

/// The proposal whose quote holds `quote` and whose figure is `figure`.
fn find<'a>(all: &'a [Proposal], quote: &str, figure: &str) -> &'a Proposal {
    all.iter()
        .find(|p| p.quote.contains(quote) && p.figure.contains(figure))
        .unwrap_or_else(|| panic!("no proposal for {figure} in “{quote}”: {all:#?}"))
}

fn values(p: &Proposal) -> Vec<(String, Disaggregation, String)> {
    p.values
        .iter()
        .map(|v| (v.element.clone(), v.disaggregation, v.value.to_string()))
        .collect()
}

fn total(element: &str, value: &str) -> (String, Disaggregation, String) {
    (element.to_string(), Disaggregation::Total, value.to_string())
}

#[test]
fn a_fraction_with_its_percentage_gives_numerator_denominator_and_stated_rate() {
    let all = proposals_of("002");
    // "… có 240 doanh nghiệp, HTX, trong đó có 48 doanh nghiệp, HTX do nữ làm chủ, bằng 20%"
    let p = find(&all, "do nữ làm chủ", "48");
    assert_eq!(p.indicator, "2.3");
    assert_eq!(
        values(p),
        [total("2.3.num", "48"), total("2.3.den", "240"), total("2.3.rate", "20")]
    );
    assert_eq!(p.confidence, Confidence::High, "{}", p.reason_en);
    assert_eq!(p.position.cell, None);
    // The assessment table repeats 48/240 = 20%: proposed once only.
    let repeats: Vec<_> = all
        .iter()
        .filter(|q| q.values.iter().any(|v| v.element.starts_with("2.3.")))
        .collect();
    assert_eq!(repeats.len(), 1, "{repeats:#?}");
}

#[test]
fn percentages_alone_give_the_stated_rate_of_the_indicator_their_words_name() {
    let all = proposals_of("002");
    for (quote, figure, indicator, value) in [
        ("dân số được tiếp cận kiến thức cơ bản", "95%", "6.1", "95"),
        ("cam kết thực hiện bình đẳng giới", "100%", "6.2", "100"),
        ("người gây bạo lực gia đình", "100%", "3.2b", "100"),
        ("nạn nhân bị mua bán trở về", "100%", "3.3", "100"),
        ("lao động nữ làm công hưởng lương", "100%", "2.1", "100"),
    ] {
        let p = find(&all, quote, figure);
        assert_eq!(p.indicator, indicator, "{quote}");
        assert_eq!(values(p), [total(&format!("{indicator}.rate"), value)], "{quote}");
        assert_eq!(p.confidence, Confidence::High, "{quote}: {}", p.reason_en);
    }
    // "còn 1,7 lần": the ratio of women's to men's unpaid hours.
    let p = find(&all, "nội trợ và chăm sóc gia đình", "1,7");
    assert_eq!(
        (p.indicator.as_str(), values(p)),
        ("3.1", vec![total("3.1.rate", "1.7")])
    );
}

#[test]
fn doubtful_figures_are_proposed_with_low_confidence_and_say_why() {
    let all = proposals_of("002");
    // A bound, not a result.
    let p = find(&all, "không vượt quá 110", "110");
    assert_eq!((p.indicator.as_str(), p.confidence), ("4.1", Confidence::Low));
    assert!(p.reason_en.contains("bound"), "{}", p.reason_en);
    // "trung học cơ sở đạt trên 100%": qualified, and the check says it cannot be.
    let in_cell: Vec<_> = all
        .iter()
        .filter(|p| p.quote.contains("trung học cơ sở đạt trên 100%"))
        .collect();
    assert_eq!(in_cell.len(), 2, "{in_cell:#?}");
    assert_eq!(
        (in_cell[0].indicator.as_str(), in_cell[0].confidence),
        ("5.2a", Confidence::High)
    );
    let p = in_cell[1];
    assert_eq!(p.indicator, "5.2b");
    assert_eq!(values(p), [total("5.2b.rate", "100")]);
    assert_eq!(p.confidence, Confidence::Low);
    assert_eq!(p.flag.as_ref().map(|f| f.kind), Some(CheckFindingKind::Over100));
    // Two years in one cell: each percentage is for its own year.
    let p = find(&all, "Năm 2022 là 37%", "36,25%");
    assert_eq!(p.indicator, "2.2");
    assert!(p.reason_en.contains("2023"), "{}", p.reason_en);
    assert_eq!(p.confidence, Confidence::Low);
}

#[test]
fn contradictions_are_flagged_and_never_confident() {
    let all = proposals_of("002");
    // The table writes 12/18 = 66,66% (it is 66,67%); the text says 66,67%.
    let table = find(&all, "12/18 thạc sĩ, đạt 66,66%", "12/18");
    assert_eq!(table.indicator, "5.4a");
    assert_eq!(
        table.flag.as_ref().map(|f| f.kind),
        Some(CheckFindingKind::PercentMismatch)
    );
    assert_eq!(table.confidence, Confidence::Low);
    let text = find(&all, "Tỷ lệ nữ thạc sĩ có 12/18", "12/18");
    assert_eq!(
        values(text),
        [
            total("5.4a.num", "12"),
            total("5.4a.den", "18"),
            total("5.4a.rate", "66.67")
        ]
    );
    assert_eq!(
        text.confidence,
        Confidence::Low,
        "the two rates disagree: a person chooses"
    );
    // 8/9 = 88,88% (88,89%) beside 13/17 for the same indicator 1.1.
    let p = find(&all, "Chủ tịch, Phó Chủ tịch", "8/9");
    assert_eq!(p.indicator, "1.1");
    assert_eq!(p.flag.as_ref().map(|f| f.kind), Some(CheckFindingKind::PercentMismatch));
}

#[test]
fn targets_are_not_results() {
    let all = proposals_of("002");
    // The assessment table's target columns ("Chỉ tiêu: Đến năm 2025 đạt 60% …") give nothing.
    assert!(
        all.iter()
            .all(|p| !p.quote.contains("Chỉ tiêu") && !p.quote.contains("vào năm 2025")),
        "{all:#?}"
    );
    // High confidence only where nothing is in doubt.
    let confident: Vec<&str> = all
        .iter()
        .filter(|p| p.confidence == Confidence::High)
        .map(|p| p.indicator.as_str())
        .collect();
    assert_eq!(confident, ["2.3", "3.1", "3.2b", "3.3", "6.1", "6.2", "2.1", "5.2a"]);
}

#[test]
fn a_letter_and_a_plan_propose_nothing() {
    // 001 asks units to report, 003 is a plan: neither states a result.
    assert_eq!(proposals_of("001"), []);
    assert_eq!(proposals_of("003"), []);
}

#[test]
fn a_count_of_one_sex_goes_to_that_breakdown_of_a_disaggregated_numerator() {
    let catalogue = shipped_catalogue().unwrap();
    let text = "Số người bị bạo lực gia đình được phát hiện đã được tiếp cận ít nhất một dịch vụ hỗ trợ: 12 phụ nữ.";
    let all = proposals_bytes(text.as_bytes(), &catalogue.indicators, &catalogue.elements).unwrap();
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(all[0].indicator, "3.2a");
    assert_eq!(
        values(&all[0]),
        [("3.2a.num".to_string(), Disaggregation::Female, "12".to_string())]
    );
    // Numerator or denominator: a person says.
    assert_eq!(all[0].confidence, Confidence::Low);
    // 5.4a is not kept by sex: "nữ" does not make a breakdown it has not got.
    let all = proposals_bytes(
        "Tỷ lệ nữ thạc sĩ: 7/11 người, chiếm 63,6%.".as_bytes(),
        &catalogue.indicators,
        &catalogue.elements,
    )
    .unwrap();
    assert_eq!(
        values(&all[0]),
        [
            total("5.4a.num", "7"),
            total("5.4a.den", "11"),
            total("5.4a.rate", "63.6")
        ]
    );
}

#[test]
fn a_plan_states_its_targets_as_local_targets_to_propose() {
    let plan = "II. CHỈ TIÊU\n\
        1. Phấn đấu đến năm 2025 có ít nhất 60% dân số được tiếp cận kiến thức cơ bản về bình đẳng giới; đến năm 2030 đạt 80%.\n\
        2. Tỷ số giới tính khi sinh không vượt quá 109 bé trai/100 bé gái vào năm 2030.\n\
        III. KẾT QUẢ NĂM 2024\n\
        Năm 2024 có 55% dân số được tiếp cận kiến thức cơ bản về bình đẳng giới.\n";
    let catalogue = shipped_catalogue().unwrap();
    let raw = binhdang_ingest::read_bytes(plan.as_bytes()).unwrap();
    let found = binhdang_ingest::proposals::targets(&binhdang_ingest::structure(&raw), &catalogue.indicators);
    let got: Vec<(String, i32, &str, String)> = found
        .iter()
        .map(|t| (t.indicator.clone(), t.year, t.op.symbol(), t.value.to_string()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("6.1".to_string(), 2025, "≥", "60".to_string()),
            ("6.1".to_string(), 2030, "≥", "80".to_string()),
            ("4.1".to_string(), 2030, "≤", "109".to_string()),
        ],
        "{found:#?}"
    );
    // The reports' own targets are not results, and results are not targets.
    let report = proposals_of("002");
    let targets_in_report = {
        let path = std::fs::read_dir(common::samples_dir())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("002"))
            .unwrap();
        let raw = binhdang_ingest::read_bytes(&std::fs::read(path).unwrap()).unwrap();
        binhdang_ingest::proposals::targets(&binhdang_ingest::structure(&raw), &catalogue.indicators)
    };
    for t in &targets_in_report {
        assert!(
            !report.iter().any(|p| p.quote == t.quote && p.figure == t.figure),
            "{t:?} proposed as a result too"
        );
    }
}
