//! The checks on the sample reports and a made-up one, against the hand-made fixtures
//! (TXT, and DOCX made from it by LibreOffice), on a DOCX with real tables, on typing
//! variants, and on garbage.

mod common;

use binhdang_domain::shipped::catalogue as shipped_catalogue;
use binhdang_ingest::{CheckFindingKind, ReadError, check_bytes, check_path};
use common::{blank_pdf, compare, convert, fixtures, windows_1258_text};
use proptest::prelude::*;
use std::io::Write;

fn indicators() -> Vec<binhdang_domain::Indicator> {
    shipped_catalogue().unwrap().indicators
}

#[test]
fn samples_from_text_match_the_fixtures() {
    let inds = indicators();
    let mut errors = Vec::new();
    for (name, path, expected) in fixtures() {
        let report = check_path(&path, &inds).unwrap_or_else(|e| panic!("{name}: {e}"));
        let json = serde_json::to_value(&report).unwrap();
        if let Err(e) = compare(&format!("{name} (txt)"), &json, &expected) {
            errors.push(e);
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn samples_from_docx_match_the_fixtures() {
    let inds = indicators();
    let work = tempfile::tempdir().unwrap();
    let fx = fixtures();
    let texts: Vec<_> = fx.iter().map(|(_, p, _)| p.clone()).collect();
    let docx = convert(&texts, "docx", work.path());
    let mut errors = Vec::new();
    for ((name, _, expected), path) in fx.iter().zip(&docx) {
        let report = check_path(path, &inds).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(report.format, binhdang_ingest::Format::Docx);
        let json = serde_json::to_value(&report).unwrap();
        if let Err(e) = compare(&format!("{name} (docx)"), &json, expected) {
            errors.push(e);
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn sample_002_from_pdf_matches_its_fixture() {
    let inds = indicators();
    let work = tempfile::tempdir().unwrap();
    let fx = fixtures();
    let (name, path, expected) = fx.iter().find(|(n, _, _)| n == "002").unwrap();
    let pdf = convert(std::slice::from_ref(path), "pdf", work.path());
    let report = check_path(&pdf[0], &inds).unwrap();
    assert_eq!(report.format, binhdang_ingest::Format::Pdf);
    compare(
        &format!("{name} (pdf)"),
        &serde_json::to_value(&report).unwrap(),
        expected,
    )
    .unwrap();
}

/// A DOCX written by hand: a paragraph and a real table with a merged heading cell.
fn docx_with_table() -> Vec<u8> {
    let p = |t: &str| format!("<w:p><w:r><w:t xml:space=\"preserve\">{t}</w:t></w:r></w:p>");
    let cell = |t: &str, span: usize| {
        let pr = if span > 1 {
            format!("<w:tcPr><w:gridSpan w:val=\"{span}\"/></w:tcPr>")
        } else {
            String::new()
        };
        format!("<w:tc>{pr}{}</w:tc>", p(t))
    };
    let row = |cells: &[(&str, usize)]| {
        format!(
            "<w:tr>{}</w:tr>",
            cells.iter().map(|(t, s)| cell(t, *s)).collect::<String>()
        )
    };
    let table = format!(
        "<w:tbl>{}{}{}{}{}</w:tbl>",
        row(&[("TT", 1), ("Đơn vị", 1), ("Số người tham gia", 3)]),
        row(&[("", 1), ("", 1), ("Tổng", 1), ("Nam", 1), ("Nữ", 1)]),
        row(&[("1", 1), ("Xã Bình Lư", 1), ("107", 1), ("42", 1), ("65", 1)]),
        row(&[("2", 1), ("Xã Tam Đường", 1), ("90", 1), ("40", 1), ("45", 1)]),
        row(&[("", 1), ("Cộng", 1), ("197", 1), ("82", 1), ("110", 1)]),
    );
    let body = format!(
        "{}{}{table}{}",
        p("BÁO CÁO KẾT QUẢ NĂM 2024"),
        p("Tỷ lệ nữ thạc sĩ: 12/18 người, đạt 66,66%."),
        p("Hết."),
    );
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default();
        zip.start_file("[Content_Types].xml", opts).unwrap();
        zip.write_all(
            b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>",
        )
        .unwrap();
        zip.start_file("word/document.xml", opts).unwrap();
        zip.write_all(xml.as_bytes()).unwrap();
        zip.finish().unwrap();
    }
    buf.into_inner()
}

#[test]
fn docx_with_a_real_table() {
    let report = check_bytes("table.docx", &docx_with_table(), &indicators()).unwrap();
    let got: Vec<(CheckFindingKind, &str, &str)> = report
        .findings
        .iter()
        .map(|f| (f.kind, f.stated.as_str(), f.expected.as_str()))
        .collect();
    // Row 2: 40 + 45 ≠ 90; the "Cộng" row: its columns add up (197, 82, 110), but
    // 82 + 110 ≠ 197 across it.
    assert_eq!(
        got,
        [
            (CheckFindingKind::PercentMismatch, "66,66%", "66,67%"),
            (
                CheckFindingKind::PartsTotal,
                "90 (Số người tham gia / Tổng)",
                "85 (40 + 45)"
            ),
            (
                CheckFindingKind::PartsTotal,
                "197 (Số người tham gia / Tổng)",
                "192 (82 + 110)"
            ),
        ],
        "{:#?}",
        report.findings
    );
    let row = report
        .figures
        .iter()
        .find(|f| f.text == "Xã Bình Lư")
        .expect("the table row is a figure");
    let labels: Vec<&str> = row.values.iter().map(|v| v.label.as_str()).collect();
    assert_eq!(labels, ["Số người tham gia / Tổng", "Nam", "Nữ"]);
}

#[test]
fn typing_variants_give_the_same_findings() {
    let inds = indicators();
    let composed = "Tỷ lệ nữ thạc sĩ có 12/18 người, đạt 66,66%. Hoà giải: 107 người (Nam 42, Nữ 60).";
    let decomposed: String = unicode_normalization::UnicodeNormalization::nfd(composed).collect();
    let old_style = composed.replace("Tỷ", "Tỉ").replace("sĩ", "sỹ").replace("Hoà", "Hòa");
    let english_decimal = composed.replace("66,66", "66.66");
    let summary = |text: &str| -> Vec<(CheckFindingKind, String, String)> {
        check_bytes("x.txt", text.as_bytes(), &inds)
            .unwrap()
            .findings
            .into_iter()
            .map(|f| (f.kind, f.stated, f.expected))
            .collect()
    };
    let want = summary(composed);
    assert_eq!(want.len(), 2, "{want:?}");
    assert_eq!(summary(&decomposed), want);
    assert_eq!(summary(&old_style), want);
    assert_eq!(summary(&english_decimal), want);
    let crlf = composed.replace(". ", ".\r\n");
    assert_eq!(summary(&crlf), want);
}

#[test]
fn false_friends_stay_silent() {
    let inds = indicators();
    for text in [
        "Số: 620/LĐLĐ, Lai Châu, ngày 24 tháng 4 năm 2025. Căn cứ Nghị quyết 28/NQ-CP ngày 03/3/2021.",
        "Tỷ số giới tính khi sinh là 135 bé trai/100 bé gái.",
        "Nhân dịp 8/3 và 20/10, 100% cán bộ nữ được tặng quà.",
        "Có 7/11 xã, chiếm 63,6%; 2/3 người, đạt 66,7%; 1/3 đạt 33,33%; 5/8 đạt 62,5%.",
        "Số người tham gia tăng 150% so với năm trước; giải ngân đạt 120% kế hoạch.",
        "Tỷ suất sinh vị thành niên 23 ca sinh/1.000 phụ nữ; tử vong mẹ 42/100.000 trẻ đẻ sống.",
        "Có 240 doanh nghiệp, trong đó 48 doanh nghiệp do nữ làm chủ, bằng 20%.",
        "Ban có 14 thành viên, gồm 01 Trưởng ban, 03 Phó Trưởng ban và các thành viên khác.",
        "Tổng số 107 người, trong đó 65 nữ, 20 người dân tộc thiểu số, 12 đoàn viên.",
        "5/7 xã có tỷ lệ bao phủ bảo hiểm y tế đạt 90%.",
        "Tỷ lệ nữ thạc sĩ đạt 40%, chưa đạt chỉ tiêu.",
        "Chỉ tiêu: đến năm 2025 đạt 60% cơ quan có lãnh đạo chủ chốt là nữ.",
        "Tỷ lệ người dân được tiếp cận đạt 98%; thực hiện 12 lớp tập huấn, đạt 120%.",
        "Đại biểu HĐND: nam 33/45 đạt 73,3%; nữ 12/45 đạt 26,7%.",
        "Có 30/45 xã có cán bộ nam phụ trách, nữ 20/45 xã có Phó Chủ tịch là nữ.",
    ] {
        let r = check_bytes("x.txt", text.as_bytes(), &inds).unwrap();
        assert!(r.findings.is_empty(), "{text}: {:#?}", r.findings);
    }
}

#[test]
fn tables_with_sections_rates_and_quantities() {
    let text = "Biểu 1\n\nTT\tChỉ tiêu\tĐơn vị tính\tNăm 2021\tNăm 2022\n\
        1\tTổng số cán bộ\tNgười\t120\t125\n1.1\tTrong đó: Nữ\tNgười\t50\t52\n2\tSố vụ BLGĐ\tVụ\t10\t8\n\n\
        Biểu 2\n\nChỉ tiêu\tTổng\tNam\tNữ\nTỷ lệ biết chữ (%)\t95\t96\t94\nSố người biết chữ\t1.900\t960\t940\n\n\
        Biểu 3\n\nSTT\tXã\tSố người\tNam\tNữ\nI\tXã A\t\t\t\n1\tThôn 1\t10\t4\t6\n2\tThôn 2\t20\t10\t12\n\
        \tCộng\t30\t14\t16\nII\tXã B\t\t\t\n1\tThôn 3\t5\t2\t3\n\tCộng\t5\t2\t3\n\tTổng cộng\t35\t16\t19\n";
    let report = check_bytes("tables.txt", text.as_bytes(), &indicators()).unwrap();
    let got: Vec<(&str, &str, &str)> = report
        .findings
        .iter()
        .map(|f| (f.kind.as_str(), f.stated.as_str(), f.expected.as_str()))
        .collect();
    // "Tổng số cán bộ" is a quantity, not a total row; rates by sex do not add up; in
    // Biểu 3 the row "Thôn 2" and the women of the first "Cộng" are wrong.
    assert_eq!(
        got,
        [
            ("parts_total", "20 (Số người)", "22 (10 + 12)"),
            ("parts_total", "16 (Nữ)", "18 (6 + 12)"),
        ],
        "{:#?}",
        report.findings
    );
}

#[test]
fn a_claim_in_a_result_cell_uses_the_indicator_of_its_row() {
    let text = "Chỉ tiêu\tKết quả\n\
        Tỷ lệ nữ thạc sĩ trong tổng số người có trình độ thạc sĩ\t45%, đạt chỉ tiêu\n\
        Tỷ lệ nữ tiến sĩ trong tổng số người có trình độ tiến sĩ\t35%, đạt chỉ tiêu\n";
    let report = check_bytes("t.txt", text.as_bytes(), &indicators()).unwrap();
    assert_eq!(report.findings.len(), 1, "{:#?}", report.findings);
    let f = &report.findings[0];
    assert_eq!(
        (f.kind, f.indicator.as_deref()),
        (CheckFindingKind::ClaimedMet, Some("5.4a"))
    );
    assert_eq!(f.expected, "≥ 50% (chỉ tiêu quốc gia 2025, chỉ tiêu 5.4a)");
}

#[test]
fn garbage_is_refused_with_a_clear_message() {
    let inds = indicators();
    let mut big = String::new();
    while big.len() < 3 * 1024 * 1024 {
        big.push_str("Tỷ lệ nữ thạc sĩ 12/18 người, đạt 66,66%.\n");
    }
    let mut truncated = docx_with_table();
    truncated.truncate(truncated.len() / 2);
    let random: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("binary", random),
        ("empty", Vec::new()),
        ("blank", b" \n\n\t".to_vec()),
        ("huge", big.into_bytes()),
        ("windows-1258", windows_1258_text()),
        ("latin-1", b"Ph\xe9p th\xfd 63,6%".to_vec()),
        ("truncated docx", truncated),
        ("zip but not docx", {
            let mut buf = std::io::Cursor::new(Vec::new());
            let mut zip = zip::ZipWriter::new(&mut buf);
            zip.start_file("xl/workbook.xml", zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(b"<x/>").unwrap();
            zip.finish().unwrap();
            buf.into_inner()
        }),
        ("pdf without text", blank_pdf()),
        (
            "damaged pdf",
            b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ntrailer".to_vec(),
        ),
        (
            "old .doc",
            vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 1, 2, 3],
        ),
    ];
    for (what, bytes) in cases {
        let err = check_bytes(what, &bytes, &inds).expect_err(what);
        assert!(!err.to_string().is_empty() && !err.message_vi().is_empty(), "{what}");
        let expected = match what {
            "binary" => matches!(err, ReadError::Binary { .. } | ReadError::NotUtf8 { .. }),
            "empty" | "blank" => matches!(err, ReadError::Empty),
            "huge" => matches!(err, ReadError::TextTooLong { .. }),
            "windows-1258" | "latin-1" => matches!(err, ReadError::NotUtf8 { .. }),
            "truncated docx" => matches!(err, ReadError::BadDocx { .. }),
            "zip but not docx" => matches!(err, ReadError::NotDocx { .. }),
            "pdf without text" => matches!(err, ReadError::PdfNoText),
            "damaged pdf" => matches!(err, ReadError::BadPdf { .. }),
            _ => matches!(err, ReadError::LegacyOffice),
        };
        assert!(expected, "{what}: {err:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    /// Fuzzing inside the test suite: any bytes are read or refused, never a panic.
    #[test]
    fn any_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = check_bytes("fuzz", &bytes, &[]);
    }

    /// Text made of the pieces reports are made of: never a panic, and every finding
    /// quotes the document.
    #[test]
    fn report_like_text_never_panics(
        text in "([0-9]{1,4}|[.,/%:;()=\\t\\n -]|Nam|Nữ|tổng|trong đó|gồm|cụ thể|chiếm|đạt|trên|dưới|bé trai|bé gái|đồng|triệu|năm|tỷ lệ|thạc sĩ|đạt chỉ tiêu|Tổng cộng|<p>|</p>|&amp;){0,80}"
    ) {
        if let Ok(report) = check_bytes("fuzz.txt", text.as_bytes(), &indicators()) {
            for f in &report.findings {
                prop_assert!(!f.quote.is_empty());
                prop_assert!(!f.message_vi.is_empty() && !f.message_en.is_empty());
            }
        }
    }
}

#[test]
fn a_grand_total_over_subtotal_rows_is_understood_and_a_wrong_one_still_found() {
    // binhdang's own budget annex: each year's sources, "Cộng năm …", then "Tổng cộng".
    let table = |grand: &str| {
        format!(
            "Phụ lục IV\n\nNăm\tNguồn kinh phí\tKinh phí được bố trí (đồng)\n\
             2021\tNgân sách tỉnh\t150.000.000\n2021\tNgân sách xã\t20.000.000\n\tCộng năm 2021\t170.000.000\n\
             2022\tNgân sách tỉnh\t160.000.000\n2022\tNgân sách xã\t25.000.000\n\tCộng năm 2022\t185.000.000\n\
             \tTổng cộng\t{grand}\n"
        )
    };
    let right = check_bytes("budget.txt", table("355.000.000").as_bytes(), &indicators()).unwrap();
    assert!(right.findings.is_empty(), "{:#?}", right.findings);
    let wrong = check_bytes("budget.txt", table("365.000.000").as_bytes(), &indicators()).unwrap();
    assert_eq!(wrong.findings.len(), 1, "{:#?}", wrong.findings);
    assert_eq!(wrong.findings[0].kind.as_str(), "parts_total");
}

#[test]
fn shares_of_one_whole_by_sex_that_do_not_add_up_are_found() {
    let inds = indicators();
    let text = "I. KẾT QUẢ\nTổng số đại biểu HĐND xã là 45 người. Nam 30/45 đạt 66,7%; nữ 12/45 đạt 26,7%.\n";
    let r = check_bytes("x.txt", text.as_bytes(), &inds).unwrap();
    assert_eq!(r.findings.len(), 1, "{:#?}", r.findings);
    let f = &r.findings[0];
    assert_eq!(
        (f.kind, f.stated.as_str(), f.expected.as_str()),
        (CheckFindingKind::PartsTotal, "30/45 + 12/45", "30 + 12 = 45")
    );
    assert!(
        f.message_vi.contains("30 + 12 = 42, khác 45") && f.quote.contains("Nam 30/45"),
        "{f:#?}"
    );
    assert_eq!(f.section, "I. KẾT QUẢ");
    // Women first, and a colon after the word: the same.
    let r = check_bytes(
        "x.txt",
        "Cán bộ được tập huấn: nữ: 30/50 người, chiếm 60%, nam: 25/50 người, chiếm 50%.".as_bytes(),
        &inds,
    )
    .unwrap();
    assert_eq!(
        r.findings.iter().map(|f| f.message_en.as_str()).collect::<Vec<_>>(),
        ["Men 25/50 and women 30/50 are the two parts of the same 50 people, but 25 + 30 = 55, not 50"]
    );
}

#[test]
fn a_headline_share_that_is_the_plain_mean_of_the_group_shares_is_found() {
    let inds = indicators();
    let text = "I. KẾT QUẢ\nTỷ lệ nữ đại biểu HĐND ba cấp bình quân đạt 28,5%, trong đó cấp tỉnh 15/50 đại biểu (30%), \
        cấp huyện 28/100 đại biểu (28%), cấp xã 55/200 đại biểu (27,5%).\n";
    let r = check_bytes("x.txt", text.as_bytes(), &inds).unwrap();
    assert_eq!(r.findings.len(), 1, "{:#?}", r.findings);
    let f = &r.findings[0];
    assert_eq!(
        (f.kind, f.stated.as_str(), f.expected.as_str()),
        (CheckFindingKind::UnweightedMean, "28,5%", "28,0% (98/350)")
    );
    assert!(
        f.message_vi.contains("trung bình cộng của 3 tỷ lệ") && f.quote.contains("28,5%"),
        "{f:#?}"
    );
    // The pooled share, a headline before unequal groups that is neither, and equal groups: silent.
    for text in [
        "Tỷ lệ nữ đại biểu HĐND ba cấp đạt 28%, trong đó cấp tỉnh 15/50 (30%), cấp huyện 28/100 (28%), cấp xã 55/200 (27,5%).",
        "Tỷ lệ chung đạt 31%, trong đó cấp tỉnh 15/50 (30%), cấp huyện 28/100 (28%), cấp xã 55/200 (27,5%).",
        "Bình quân 25%: xã A 2/10 (20%), xã B 3/10 (30%).",
    ] {
        let r = check_bytes("x.txt", text.as_bytes(), &inds).unwrap();
        assert!(r.findings.is_empty(), "{text}: {:#?}", r.findings);
    }
}

#[test]
fn a_general_claim_that_the_targets_were_met_is_checked_against_the_figures_elsewhere() {
    let inds = indicators();
    let text = "I. ĐÁNH GIÁ CHUNG\nNăm 2024, các chỉ tiêu cơ bản về bình đẳng giới đều đạt.\n\
        II. KẾT QUẢ CỤ THỂ\nTỷ số giới tính khi sinh là 118 bé trai/100 bé gái.\n";
    let r = check_bytes("x.txt", text.as_bytes(), &inds).unwrap();
    let claims: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.kind == CheckFindingKind::ClaimedMet)
        .collect();
    assert_eq!(claims.len(), 1, "{:#?}", r.findings);
    let f = claims[0];
    assert_eq!(f.section, "I. ĐÁNH GIÁ CHUNG");
    assert!(
        f.quote.contains("các chỉ tiêu cơ bản về bình đẳng giới đều đạt"),
        "{f:#?}"
    );
    assert!(f.message_vi.contains("118 bé trai/100 bé gái"), "{f:#?}");
    // The same claim where every figure meets its target, or a claim that is negated: silent.
    for text in [
        "Năm 2024, các chỉ tiêu cơ bản về bình đẳng giới đều đạt.\nTỷ số giới tính khi sinh là 109 bé trai/100 bé gái.\n",
        "Năm 2024, còn một số chỉ tiêu chưa đạt.\nTỷ số giới tính khi sinh là 118 bé trai/100 bé gái.\n",
    ] {
        let r = check_bytes("x.txt", text.as_bytes(), &inds).unwrap();
        assert!(
            r.findings.iter().all(|f| f.kind != CheckFindingKind::ClaimedMet),
            "{text}: {:#?}",
            r.findings
        );
    }
}
