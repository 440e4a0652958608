//! Reading plans as plans: sample 003 (a province's yearly plan), a made-up plan worded
//! differently (lettered items, "Giao … chủ trì", deadlines, an organisation section with a
//! body as heading, a table of tasks; as text and as DOCX), a made-up decision that issues
//! a plan (its articles, then the attached plan with a body per item of "TỔ CHỨC THỰC
//! HIỆN"), sample 001 (an official letter that assigns), and what a report (sample 002)
//! does not propose.
//!
//! Every expected list was written by hand from reading the document.

mod common;

use binhdang_domain::plan::{PlanKind, Recurrence};
use binhdang_ingest::plan::{PlanProposal, Source, TaskProposal, plan_bytes};
use common::{fixtures_dir, samples_dir};
use std::io::Write;
use time::Date;
use time::macros::date;

/// One task as expected: where it sits, how its text opens, its lead and where the lead
/// comes from, its partners, its deadline and where that comes from, its recurrence.
struct Expected {
    item: &'static str,
    opens: &'static str,
    lead: Option<&'static str>,
    lead_source: Source,
    partners: &'static [&'static str],
    due: Date,
    due_source: Source,
    recurrence: Recurrence,
}

/// A task that inherits its lead and its deadline from the plan, done once.
fn general(item: &'static str, opens: &'static str, lead: &'static str, due: Date) -> Expected {
    Expected {
        item,
        opens,
        lead: Some(lead),
        lead_source: Source::Plan,
        partners: &[],
        due,
        due_source: Source::Plan,
        recurrence: Recurrence::Once,
    }
}

fn differences(expected: &Expected, got: &TaskProposal) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |what: &str, ok: bool, want: String, have: String| {
        if !ok {
            out.push(format!("{}: {what}: expected {want}, got {have}", expected.item));
        }
    };
    check(
        "item",
        got.item == expected.item,
        expected.item.into(),
        got.item.clone(),
    );
    check(
        "text",
        got.text.starts_with(expected.opens),
        format!("«{}…»", expected.opens),
        format!("«{}»", got.text.chars().take(80).collect::<String>()),
    );
    check(
        "lead",
        got.lead.as_deref() == expected.lead,
        format!("{:?}", expected.lead),
        format!("{:?}", got.lead),
    );
    check(
        "lead source",
        got.lead_source == expected.lead_source,
        format!("{:?}", expected.lead_source),
        format!("{:?}", got.lead_source),
    );
    check(
        "partners",
        got.partners == expected.partners,
        format!("{:?}", expected.partners),
        format!("{:?}", got.partners),
    );
    check(
        "due",
        got.due == Some(expected.due),
        expected.due.to_string(),
        format!("{:?}", got.due),
    );
    check(
        "due source",
        got.due_source == expected.due_source,
        format!("{:?}", expected.due_source),
        format!("{:?}", got.due_source),
    );
    check(
        "recurrence",
        got.recurrence == expected.recurrence,
        format!("{:?}", expected.recurrence),
        format!("{:?}", got.recurrence),
    );
    out
}

/// The whole task list against the expected one, every difference reported at once.
fn assert_tasks(label: &str, got: &[TaskProposal], expected: &[Expected]) {
    let mut errors: Vec<String> = Vec::new();
    if got.len() != expected.len() {
        errors.push(format!(
            "{} tasks, {} expected: {:?}",
            got.len(),
            expected.len(),
            got.iter().map(|t| t.item.as_str()).collect::<Vec<_>>()
        ));
    }
    for (e, g) in expected.iter().zip(got) {
        errors.extend(differences(e, g));
    }
    assert!(errors.is_empty(), "{label}:\n{}", errors.join("\n"));
}

fn read(path: std::path::PathBuf) -> PlanProposal {
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    plan_bytes(&path.display().to_string(), &bytes).unwrap()
}

fn sample(prefix: &str) -> PlanProposal {
    let path = std::fs::read_dir(samples_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .unwrap();
    read(path)
}

fn task<'a>(plan: &'a PlanProposal, item: &str) -> &'a TaskProposal {
    plan.tasks
        .iter()
        .find(|t| t.item == item)
        .unwrap_or_else(|| panic!("no task {item}"))
}

const HAI_DUONG: &str = "các sở, ngành, đoàn thể tỉnh; UBND các huyện, thị xã, thành phố";

#[test]
fn sample_003_proposes_its_tasks_with_their_lead_and_deadline() {
    let plan = sample("003");
    assert_eq!(plan.kind, Some(PlanKind::Plan));
    assert_eq!(plan.number.as_deref(), Some("/KH-UBND"));
    // "ngày tháng 3 năm 2024": the day is left blank in the draft.
    assert_eq!(plan.date, None);
    assert_eq!((plan.year, plan.until), (Some(2024), Some(2024)));
    assert_eq!(plan.issuing_body.as_deref(), Some("UBND tỉnh Hải Dương"));
    assert_eq!(
        plan.title,
        "Thực hiện công tác bình đẳng giới và hoạt động vì sự tiến bộ của phụ nữ tỉnh Hải Dương năm 2024"
    );
    // IV.1 gives the plan to the departments and districts, IV.2 asks the Front to cooperate.
    assert_eq!(plan.lead.as_deref(), Some(HAI_DUONG));
    assert_eq!(
        plan.partners,
        ["Ủy ban Mặt trận Tổ quốc tỉnh", "các tổ chức chính trị - xã hội"]
    );

    let end = date!(2024 - 12 - 31);
    let g = |item, opens| general(item, opens, HAI_DUONG, end);
    let expected = vec![
        g(
            "II.1.1",
            "Tiếp tục đẩy mạnh công tác tuyên truyền thực hiện Luật Bình đẳng giới",
        ),
        g("II.1.2", "Duy trì các hoạt động truyền thông về chính sách"),
        g("II.1.3", "Cung cấp tài liệu, tờ rơi"),
        g("II.1.4", "Vận động sự tham gia tích cực"),
        g(
            "II.2.1",
            "Tiếp tục đẩy mạnh các hoạt động triển khai thực hiện Kế hoạch số 3239",
        ),
        g("II.2.2", "Tiếp tục triển khai các hoạt động thực hiện Kế hoạch số 3238"),
        g("II.2.3", "Tiếp tục triển khai thực hiện Kế hoạch số 666"),
        Expected {
            due: date!(2024 - 12 - 15),
            due_source: Source::Stated,
            ..g("II.2.4", "Xây dựng kế hoạch, triển khai thực hiện Tháng hành động")
        },
        g("II.2.5", "Tiếp tục triển khai, cam kết thực hiện"),
        g("II.2.6", "Thu thập, quản lý thông tin, báo cáo đánh giá"),
        g("II.3.1", "Tổ chức thực hiện lồng ghép giới"),
        g("II.3.2", "Tăng cường vai trò lãnh đạo của các cấp ủy đảng"),
        g("II.3.3", "Tổ chức và phối hợp tổ chức tập huấn"),
        g("II.3.4", "Rà soát các văn bản quy phạm pháp luật do HĐND tỉnh"),
        g("II.4.1", "Rà soát, củng cố và kiện toàn nhân sự"),
        g("II.4.2", "Tiếp tục duy trì, thực hiện tốt các quy định"),
        g("II.4.3", "Tổ chức đánh giá kết quả hoạt động"),
        Expected {
            partners: &["Hội Liên hiệp phụ nữ", "các đơn vị chức năng"],
            ..g("II.4.4", "Tích cực phối hợp với Hội Liên hiệp phụ nữ")
        },
        g("II.4.5", "Phối hợp tổ chức tập huấn bồi dưỡng kỹ năng"),
        g("II.4.6", "Phối hợp triển khai thực hiện Chiến lược quốc gia"),
        g("II.4.7", "Phối hợp trong giải quyết, xử lý các vụ bạo lực"),
        g("II.4.8", "Xây dựng kế hoạch và tổ chức các đoàn kiểm tra"),
        g("II.4.9", "Căn cứ tình hình thực tế tổ chức gặp mặt"),
        g("II.4.10", "Tăng cường phối hợp tổ chức các hoạt động giao lưu"),
        g("II.4.11", "Đẩy mạnh tuyên truyền, phổ biến, giáo dục"),
        Expected {
            lead: Some("Các sở, ngành, địa phương"),
            lead_source: Source::Stated,
            ..g("II.5.1", "Các sở, ngành, địa phương tăng cường công tác kiểm tra")
        },
        Expected {
            lead: Some("Ban vì sự tiến bộ của phụ nữ các cấp, các ngành"),
            lead_source: Source::Stated,
            ..g("II.5.2", "Ban vì sự tiến bộ của phụ nữ các cấp, các ngành chủ động")
        },
        g("II.6", "Tổ chức khen thưởng, biểu dương kịp thời"),
        Expected {
            lead: Some("Sở Lao động - Thương binh và Xã hội"),
            lead_source: Source::Stated,
            // "6 tháng và một năm": first due at the end of the first half of 2024.
            due: date!(2024 - 06 - 30),
            recurrence: Recurrence::HalfYearly,
            ..g(
                "IV.3",
                "Chế độ báo cáo: Giao Sở Lao động - Thương binh và Xã hội chịu trách nhiệm",
            )
        },
    ];
    assert_tasks("003", &plan.tasks, &expected);

    // The paragraph after a page break and the one that details the inspections belong to
    // the bullet above them; the closing "Trong quá trình …" belongs to no task.
    assert!(
        task(&plan, "II.1.1")
            .text
            .contains("; Kế hoạch số 85/KH-UBND ngày 11/01/2022")
    );
    assert!(
        task(&plan, "II.5.2")
            .text
            .contains("để kiểm tra. Nội dung kiểm tra tập trung vào")
    );
    assert!(!task(&plan, "IV.3").text.contains("Trong quá trình"));
    assert_eq!(
        task(&plan, "II.1.3").heading,
        "Tuyên truyền, phổ biến giáo dục chính sách pháp luật về bình đẳng giới và vì sự tiến bộ của phụ nữ"
    );
    assert_eq!(task(&plan, "II.6").heading, "NHIỆM VỤ VÀ GIẢI PHÁP TRỌNG TÂM");
    assert_eq!(task(&plan, "IV.3").heading, "TỔ CHỨC THỰC HIỆN");
    // The quote shows the stated deadline, and stays short.
    assert!(task(&plan, "II.2.4").quote.contains("15/12/2024"));
    assert!(plan.tasks.iter().all(|t| t.quote.chars().count() <= 420), "long quote");
    assert_eq!(task(&plan, "II.5.1").line, 101);
}

const NAM_SON: &str = "Các sở, ban, ngành, đoàn thể tỉnh và UBND các huyện, thị xã";

/// The made-up plan of Nam Sơn, as written by hand.
fn nam_son_expected() -> Vec<Expected> {
    let stated = |item, opens, lead, partners, due| Expected {
        item,
        opens,
        lead: Some(lead),
        lead_source: Source::Stated,
        partners,
        due,
        due_source: Source::Stated,
        recurrence: Recurrence::Once,
    };
    vec![
        stated(
            "II.1.a",
            "Giao Sở Tư pháp chủ trì, phối hợp với Sở Nội vụ rà soát",
            "Sở Tư pháp",
            &["Sở Nội vụ"],
            date!(2025 - 06 - 30),
        ),
        stated(
            "II.1.b",
            "Sở Y tế chủ trì, phối hợp với Sở Tư pháp",
            "Sở Y tế",
            &["Sở Tư pháp", "UBND các huyện, thị xã"],
            date!(2025 - 09 - 30),
        ),
        stated(
            "II.2.a",
            "Sở Văn hóa, Thể thao và Du lịch chủ trì tổ chức chuỗi",
            "Sở Văn hóa, Thể thao và Du lịch",
            &[],
            date!(2025 - 12 - 15),
        ),
        Expected {
            // Monthly from the plan's date (5 February): first due at the end of February.
            due: date!(2025 - 02 - 28),
            due_source: Source::Plan,
            recurrence: Recurrence::Monthly,
            ..stated(
                "II.2.b",
                "Đài Phát thanh và Truyền hình tỉnh, Báo Nam Sơn duy trì",
                "Đài Phát thanh và Truyền hình tỉnh, Báo Nam Sơn",
                &[],
                date!(2025 - 02 - 28),
            )
        },
        stated(
            "II.2.c",
            "Hội Liên hiệp Phụ nữ tỉnh phối hợp với Tỉnh đoàn",
            "Hội Liên hiệp Phụ nữ tỉnh",
            &["Tỉnh đoàn"],
            date!(2025 - 09 - 30),
        ),
        Expected {
            recurrence: Recurrence::HalfYearly,
            ..stated(
                "II.3.1",
                "Định kỳ 6 tháng, các sở, ngành và UBND",
                "các sở, ngành và UBND các huyện, thị xã",
                &[],
                date!(2025 - 06 - 15),
            )
        },
        Expected {
            due_source: Source::Plan,
            ..stated(
                "IV.1.1",
                "Là cơ quan thường trực",
                "Sở Nội vụ",
                &[],
                date!(2025 - 12 - 31),
            )
        },
        stated(
            "IV.1.2",
            "Tổng hợp, báo cáo UBND tỉnh kết quả thực hiện Kế hoạch trước ngày 20/12/2025",
            "Sở Nội vụ",
            &[],
            date!(2025 - 12 - 20),
        ),
        stated(
            "PL.I.1",
            "Tập huấn kỹ năng lồng ghép giới",
            "Sở Nội vụ",
            &["Sở Tài chính", "Hội Liên hiệp Phụ nữ tỉnh"],
            date!(2025 - 08 - 31),
        ),
        stated(
            "PL.I.2",
            "Khảo sát tình hình bạo lực",
            "Sở Y tế",
            &["Công an tỉnh", "UBND các huyện"],
            date!(2025 - 12 - 31),
        ),
        Expected {
            due_source: Source::Plan,
            recurrence: Recurrence::Quarterly,
            ..stated(
                "PL.II.3",
                "Cập nhật số liệu các chỉ tiêu thống kê giới",
                "Sở Nội vụ",
                &["Chi cục Thống kê tỉnh"],
                date!(2025 - 03 - 31),
            )
        },
    ]
}

fn nam_son_header(plan: &PlanProposal) {
    assert_eq!(plan.kind, Some(PlanKind::Plan));
    assert_eq!(plan.number.as_deref(), Some("215/KH-UBND"));
    assert_eq!(plan.date, Some(date!(2025 - 02 - 05)));
    assert_eq!((plan.year, plan.until), (Some(2025), Some(2025)));
    // The preamble names no issuer: the header's lines in capitals do.
    assert_eq!(plan.issuing_body.as_deref(), Some("ỦY BAN NHÂN DÂN TỈNH NAM SƠN"));
    assert_eq!(plan.lead.as_deref(), Some(NAM_SON));
    assert_eq!(
        plan.partners,
        [
            "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
            "các tổ chức chính trị - xã hội"
        ]
    );
}

#[test]
fn a_plan_worded_differently_with_a_table_of_tasks() {
    let plan = read(fixtures_dir().join("plan_nam_son_2025.txt"));
    nam_son_header(&plan);
    assert_tasks("Nam Sơn", &plan.tasks, &nam_son_expected());
    // The `+` lines continue the bullet above; the cited decree's date is no deadline.
    assert!(
        task(&plan, "IV.1.2")
            .text
            .ends_with("gồm: Kết quả thực hiện các chỉ tiêu bình đẳng giới của tỉnh; Đề xuất nhiệm vụ năm 2026.")
    );
    assert_eq!(task(&plan, "IV.1.2").heading, "Sở Nội vụ");
    assert_eq!(task(&plan, "PL.I.1").heading, "Nâng cao năng lực");
    assert!(task(&plan, "PL.II.3").quote.contains("Hằng quý"));
}

/// The Nam Sơn plan as a DOCX: each line a paragraph, its tab-separated lines a real table.
fn nam_son_docx() -> Vec<u8> {
    let text = std::fs::read_to_string(fixtures_dir().join("plan_nam_son_2025.txt")).unwrap();
    let esc = |t: &str| t.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let p = |t: &str| format!("<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>", esc(t));
    let mut body = String::new();
    let mut rows = String::new();
    for line in text.lines() {
        if line.contains('\t') {
            let cells: String = line.split('\t').map(|c| format!("<w:tc>{}</w:tc>", p(c))).collect();
            rows.push_str(&format!("<w:tr>{cells}</w:tr>"));
            continue;
        }
        if !rows.is_empty() {
            body.push_str(&format!("<w:tbl>{rows}</w:tbl>"));
            rows.clear();
        }
        if !line.trim().is_empty() {
            body.push_str(&p(line));
        }
    }
    if !rows.is_empty() {
        body.push_str(&format!("<w:tbl>{rows}</w:tbl>"));
    }
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
fn the_same_plan_as_docx_proposes_the_same_tasks() {
    let plan = plan_bytes("plan.docx", &nam_son_docx()).unwrap();
    nam_son_header(&plan);
    assert_tasks("Nam Sơn (docx)", &plan.tasks, &nam_son_expected());
    let text = read(fixtures_dir().join("plan_nam_son_2025.txt"));
    // Only where they stand differs: DOCX counts paragraphs and rows, text counts lines.
    let without_lines = |p: &PlanProposal| {
        p.tasks
            .iter()
            .map(|t| TaskProposal { line: 0, ..t.clone() })
            .collect::<Vec<_>>()
    };
    assert_eq!(without_lines(&plan), without_lines(&text));
}

#[test]
fn sample_001_an_official_letter_assigns_its_numbered_items() {
    let plan = sample("001");
    assert_eq!(plan.kind, Some(PlanKind::OfficialLetter));
    assert_eq!(plan.number.as_deref(), Some("620/LĐLĐ"));
    assert_eq!(plan.date, Some(date!(2025 - 04 - 24)));
    assert_eq!((plan.year, plan.until), (Some(2025), Some(2025)));
    assert_eq!(plan.issuing_body.as_deref(), Some("Ban Thường vụ LĐLĐ tỉnh"));
    assert!(plan.title.starts_with("tiếp tục thực hiện công tác bình đẳng giới"));
    // The preamble: "Ban Thường vụ LĐLĐ tỉnh yêu cầu LĐLĐ các huyện, … tập trung thực hiện".
    let unions = "LĐLĐ các huyện, thành phố, Công đoàn các cơ quan Đảng tỉnh, Công đoàn UBND tỉnh";
    assert_eq!(plan.lead.as_deref(), Some(unions));
    let end = date!(2025 - 12 - 31);
    let g = |item, opens| general(item, opens, unions, end);
    let levels = |item, opens| Expected {
        lead: Some("Các cấp công đoàn"),
        lead_source: Source::Stated,
        ..g(item, opens)
    };
    let expected = vec![
        g("1", "Tiếp tục, triển khai thực hiện Hướng dẫn số 54/HD-LĐLĐ"),
        g("2.1", "Tiếp tục đẩy mạnh công tác tuyên truyền nhằm"),
        g("2.2", "Nội dung thông tin, tuyên truyền, giáo dục: (1)"),
        g("2.3", "Tổ chức đánh giá, sơ kết 5 năm (giai đoạn 2021-2025)"),
        levels("3.1", "Các cấp công đoàn căn cứ các nội dung"),
        levels("4.1", "Chương trình phòng ngừa, ứng phó với bạo lực"),
        g("4.2.1", "Tăng cường công tác đào tạo, bồi dưỡng"),
        g("4.3.1", "Tiếp tục triển khai các nội dung, nhiệm vụ liên quan"),
        Expected {
            lead: Some("LĐLĐ các huyện, thành phố, Công đoàn các cơ quan Đảng tỉnh; Công đoàn UBND tỉnh"),
            lead_source: Source::Stated,
            // "Thời hạn báo cáo 6 tháng gửi trước 5/6/2025, báo cáo năm gửi trước ngày 5/12/2025".
            due: date!(2025 - 06 - 05),
            due_source: Source::Stated,
            recurrence: Recurrence::HalfYearly,
            ..g("4.3.2", "Ban Thường vụ LĐLĐ tỉnh đề nghị")
        },
    ];
    assert_tasks("001", &plan.tasks, &expected);
    // The addressees under "Kính gửi:" are not tasks, and "Chú trọng …" continues 2.2.
    assert!(task(&plan, "2.2").text.contains("(5) Chú trọng hoạt động truyền thông"));
    assert!(task(&plan, "4.1").text.ends_with("giai đoạn 2021-2025."));
}

#[test]
fn a_report_proposes_no_task() {
    let plan = sample("002");
    assert_eq!(plan.kind, None);
    assert_eq!(plan.number.as_deref(), Some("/BC-UBND"));
    assert_eq!(plan.date, None);
    assert_eq!(plan.year, Some(2024));
    assert_eq!(plan.issuing_body.as_deref(), Some("Ủy ban nhân dân thành phố"));
    assert_eq!(plan.lead, None);
    assert_eq!(plan.tasks, []);
    // A report's own "phương hướng, nhiệm vụ" assign nothing; the same body under a plan's
    // title line does.
    let body = "\nKết quả năm 2024\n\nI. KẾT QUẢ\n\nĐã tổ chức 12 lớp tập huấn.\n\n\
                II. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2025\n\n- Tiếp tục tổ chức tập huấn cho cán bộ cơ sở.\n\n\
                - Sở Y tế chủ trì sơ kết mô hình trước ngày 30/6/2025.\n";
    let report = plan_bytes("r.txt", format!("BÁO CÁO{body}").as_bytes()).unwrap();
    assert_eq!(report.tasks, []);
    let as_plan = plan_bytes("p.txt", format!("KẾ HOẠCH{body}").as_bytes()).unwrap();
    let items: Vec<(&str, Option<&str>, Option<Date>)> = as_plan
        .tasks
        .iter()
        .map(|t| (t.item.as_str(), t.lead.as_deref(), t.due))
        .collect();
    assert_eq!(
        items,
        [
            // The title's year ("Kết quả năm 2024") is the plan's.
            ("II.1", None, Some(date!(2024 - 12 - 31))),
            ("II.2", Some("Sở Y tế"), Some(date!(2025 - 06 - 30)))
        ]
    );
}

#[test]
fn a_directive_without_sections() {
    let text = "CHỈ THỊ\nVề tăng cường phòng, chống bạo lực trên cơ sở giới giai đoạn 2026 - 2030\n\n\
        Để ngăn chặn bạo lực trên cơ sở giới, Chủ tịch Ủy ban nhân dân tỉnh yêu cầu:\n\n\
        1. Các sở, ban, ngành tỉnh: rà soát quy chế nội bộ, bổ sung quy định phòng ngừa quấy rối tình dục tại nơi làm việc; hoàn thành trong năm 2026.\n\n\
        2. Giao Công an tỉnh chủ trì, phối hợp với Viện kiểm sát nhân dân tỉnh, Tòa án nhân dân tỉnh tổng hợp số liệu các vụ bạo lực gia đình hằng quý.\n\n\
        3. Sở Nội vụ tổ chức các hoạt động hưởng ứng Tháng hành động vì bình đẳng giới và phòng ngừa, ứng phó với bạo lực trên cơ sở giới.\n\n\
        Chủ tịch Ủy ban nhân dân tỉnh yêu cầu Thủ trưởng các sở, ngành nghiêm túc thực hiện Chỉ thị này./.\n\n\
        Nơi nhận:\n- Như trên;\n";
    let plan = plan_bytes("ct.txt", text.as_bytes()).unwrap();
    assert_eq!(plan.kind, Some(PlanKind::Directive));
    assert_eq!((plan.year, plan.until), (Some(2026), Some(2030)));
    assert_eq!(plan.issuing_body.as_deref(), Some("Chủ tịch Ủy ban nhân dân tỉnh"));
    // The closing paragraph gives the directive as a whole: it is the lead, not a task.
    assert_eq!(plan.lead.as_deref(), Some("Thủ trưởng các sở, ngành"));
    let got: Vec<_> = plan
        .tasks
        .iter()
        .map(|t| {
            (
                t.item.as_str(),
                t.lead.as_deref(),
                t.partners.clone(),
                t.due,
                t.due_source,
                t.recurrence,
            )
        })
        .collect();
    let none: Vec<String> = Vec::new();
    assert_eq!(
        got,
        vec![
            (
                "1",
                Some("Các sở, ban, ngành tỉnh"),
                none.clone(),
                Some(date!(2026 - 12 - 31)),
                Source::Stated,
                Recurrence::Once
            ),
            (
                "2",
                Some("Công an tỉnh"),
                vec![
                    "Viện kiểm sát nhân dân tỉnh".to_string(),
                    "Tòa án nhân dân tỉnh".to_string()
                ],
                Some(date!(2026 - 03 - 31)),
                Source::Plan,
                Recurrence::Quarterly
            ),
            // Each year's Action Month in a directive for 2026-2030.
            (
                "3",
                Some("Sở Nội vụ"),
                none,
                Some(date!(2026 - 12 - 15)),
                Source::Plan,
                Recurrence::ActionMonth
            ),
        ]
    );
}

#[test]
fn proposals_serialise_with_codes_and_iso_dates() {
    let plan = sample("003");
    let json = serde_json::to_value(&plan).unwrap();
    assert_eq!(json["kind"], "ke-hoach");
    assert_eq!(json["date"], serde_json::Value::Null);
    let four_three = json["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["item"] == "IV.3")
        .unwrap();
    assert_eq!(four_three["due"], "2024-06-30");
    assert_eq!(four_three["due_source"], "plan");
    assert_eq!(four_three["lead_source"], "stated");
    assert_eq!(four_three["recurrence"], "half_yearly");
}

const LDTBXH: &str = "Sở Lao động - Thương binh và Xã hội";

/// The made-up decision of Sông Mã that issues its plan for 2021-2030, as written by hand.
fn song_ma_expected() -> Vec<Expected> {
    let end = date!(2030 - 12 - 31);
    let g = |item, opens| general(item, opens, LDTBXH, end);
    // A duty under (or after) a body's name in "TỔ CHỨC THỰC HIỆN".
    let body = |item, opens, lead| Expected {
        lead: Some(lead),
        lead_source: Source::Stated,
        ..g(item, opens)
    };
    let stated = |e: Expected, due| Expected {
        due,
        due_source: Source::Stated,
        ..e
    };
    vec![
        g("III.1.1", "Quán triệt chủ trương của Đảng"),
        Expected {
            // Each year's Action Month, however "hằng năm" is written with it.
            due: date!(2021 - 12 - 15),
            recurrence: Recurrence::ActionMonth,
            ..g("III.1.2", "Đổi mới cách truyền thông")
        },
        stated(
            g("III.2.a", "Rà soát các văn bản quy phạm pháp luật"),
            date!(2022 - 12 - 31),
        ),
        g("III.2.b", "Lồng ghép vấn đề bình đẳng giới khi xây dựng"),
        g("III.3.1", "Quan tâm đào tạo, bồi dưỡng"),
        g("III.3.2", "Hỗ trợ phụ nữ nông thôn"),
        stated(g("III.3.3", "Xây dựng và nhân rộng mô hình"), date!(2025 - 12 - 31)),
        Expected {
            // Quarterly from the decision's date (12 July 2021): the third quarter.
            due: date!(2021 - 09 - 30),
            recurrence: Recurrence::Quarterly,
            ..g("III.4.1", "Cập nhật cơ sở dữ liệu")
        },
        Expected {
            // Under the department's name, "triển khai thực hiện Kế hoạch này" is its duty.
            partners: &["các sở, ngành, địa phương"],
            ..body("V.1.1", "Là cơ quan thường trực giúp UBND tỉnh", LDTBXH)
        },
        Expected {
            recurrence: Recurrence::Yearly,
            ..stated(
                body("V.1.2", "Định kỳ hằng năm tổng hợp, báo cáo", LDTBXH),
                date!(2021 - 12 - 15),
            )
        },
        stated(body("V.1.3", "Tổ chức sơ kết giữa kỳ", LDTBXH), date!(2025 - 12 - 31)),
        Expected {
            partners: &["Công an tỉnh"],
            ..body("V.2", "Sở Y tế: Chủ trì triển khai", "Sở Y tế")
        },
        stated(
            body("V.3.1", "Đưa nội dung giáo dục về giới", "Sở Giáo dục và Đào tạo"),
            date!(2023 - 06 - 30),
        ),
        Expected {
            partners: &["Tỉnh đoàn"],
            ..body("V.3.2", "Phối hợp với Tỉnh đoàn", "Sở Giáo dục và Đào tạo")
        },
        Expected {
            partners: &["Sở Tư pháp", "Tòa án nhân dân tỉnh"],
            // "định kỳ 6 tháng và hằng năm" from July: first due at the end of 2021.
            due: date!(2021 - 12 - 31),
            recurrence: Recurrence::HalfYearly,
            ..body("V.4", "Công an tỉnh chủ trì", "Công an tỉnh")
        },
        // Asked of the Front and the mass organisations: their own duties, not the plan.
        body(
            "V.5",
            "Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
            "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh, Hội Liên hiệp Phụ nữ tỉnh, Tỉnh đoàn, Liên đoàn Lao động tỉnh, Hội Nông dân tỉnh",
        ),
        stated(
            body("V.6.1", "Xây dựng và ban hành kế hoạch", DISTRICTS),
            date!(2021 - 12 - 31),
        ),
        Expected {
            due: date!(2021 - 12 - 31),
            recurrence: Recurrence::Yearly,
            ..body("V.6.2", "Bố trí cán bộ làm công tác", DISTRICTS)
        },
        Expected {
            recurrence: Recurrence::Yearly,
            ..stated(
                body("V.6.3", "Định kỳ hằng năm báo cáo", DISTRICTS),
                date!(2021 - 12 - 05),
            )
        },
    ]
}

const DISTRICTS: &str = "UBND các huyện, thị xã, thành phố";

#[test]
fn a_decision_that_issues_a_plan() {
    let plan = read(fixtures_dir().join("plan_decision_song_ma_2021.txt"));
    // The document is the decision: it is cited by its own kind, number and date (the plan
    // has none of its own), and its title says that it issues a plan.
    assert_eq!(plan.kind, Some(PlanKind::Decision));
    assert_eq!(plan.number.as_deref(), Some("1468/QĐ-UBND"));
    assert_eq!(plan.date, Some(date!(2021 - 07 - 12)));
    assert_eq!((plan.year, plan.until), (Some(2021), Some(2030)));
    assert_eq!(plan.issuing_body.as_deref(), Some("ỦY BAN NHÂN DÂN TỈNH SÔNG MÃ"));
    assert_eq!(
        plan.title,
        "Ban hành Kế hoạch thực hiện Chiến lược quốc gia về bình đẳng giới tỉnh Sông Mã giai đoạn 2021-2030"
    );
    // Điều 2 gives the plan to the department; Điều 3 (who executes the decision) and the
    // plan's own item V.7 do not displace it.
    assert_eq!(plan.lead.as_deref(), Some(LDTBXH));
    assert_eq!(plan.partners, ["các sở, ngành, địa phương liên quan"]);
    // The targets of "MỤC TIÊU" are not tasks; the tasks are those of the attached plan.
    assert_tasks("Sông Mã", &plan.tasks, &song_ma_expected());
    assert_eq!(task(&plan, "V.1.1").heading, LDTBXH);
    assert_eq!(
        task(&plan, "III.3.1").heading,
        "Thúc đẩy bình đẳng giới trong các lĩnh vực"
    );
    assert!(!task(&plan, "V.6.3").text.contains("Trong quá trình"));
    assert!(task(&plan, "V.1.2").quote.contains("15/12"));

    // Issued on 20 December, the yearly reports of "trước ngày 15/12" and "trước ngày 05/12"
    // first fall due the next year; the quarterly update at the end of the fourth quarter.
    let text = std::fs::read_to_string(fixtures_dir().join("plan_decision_song_ma_2021.txt")).unwrap();
    let late = text.replace("ngày 12 tháng 07 năm 2021", "ngày 20 tháng 12 năm 2021");
    let plan = plan_bytes("qd.txt", late.as_bytes()).unwrap();
    assert_eq!(plan.date, Some(date!(2021 - 12 - 20)));
    let due = |item| (task(&plan, item).due, task(&plan, item).due_source);
    assert_eq!(due("V.1.2"), (Some(date!(2022 - 12 - 15)), Source::Stated));
    assert_eq!(due("V.6.3"), (Some(date!(2022 - 12 - 05)), Source::Stated));
    assert_eq!(due("III.4.1"), (Some(date!(2021 - 12 - 31)), Source::Plan));
    // Done once, a stated deadline stays as written.
    assert_eq!(due("III.2.a"), (Some(date!(2022 - 12 - 31)), Source::Stated));
}
