//! The Lai Châu demo's annex registers and report narrative, so its reports have something
//! in every section: activities and communication products, directive documents, budgets
//! 2021–2025 and the 2024 Action Month's activities and cases, written through the same
//! checked, audited store calls as any user's; plus the 2024 report's narrative blocks.
//! Made-up but plausible; loaded once (skipped when the province has 2024 activities).

use anyhow::Context;
use binhdang_domain::register::{Activity, Budget, BudgetSource, DirectiveDocument, GbvCase, Sex};
use binhdang_domain::{Period, UnitCode, UnitLevel};
use binhdang_store::registers::StoredRegister;
use binhdang_store::{Actor, Store, UnitSummary};
use rust_decimal::Decimal;
use time::Date;
use time::macros::date;

fn n(v: i64) -> Decimal {
    Decimal::from(v)
}

fn activity(
    kind: &str,
    content: &str,
    count: i64,
    people: Option<(i64, i64)>,
    level: UnitLevel,
    when: Date,
) -> Activity {
    Activity {
        activity_type: kind.into(),
        content: Some(content.into()),
        count: n(count),
        participants_male: people.map(|p| n(p.0)),
        participants_female: people.map(|p| n(p.1)),
        participants_total: None,
        level: Some(level),
        date: Some(when),
        notes: None,
    }
}

fn document(order: i64, summary: &str, body: &str, kind: &str, number: &str, when: Date) -> DirectiveDocument {
    DirectiveDocument {
        order: Some(n(order)),
        summary: summary.into(),
        issuing_body: body.into(),
        document_type: kind.into(),
        number: Some(number.into()),
        date: Some(when),
        notes: None,
    }
}

/// One activity of a table below: type, content, count, participants (men, women) where
/// counted, date.
type ActivityRow = (&'static str, &'static str, i64, Option<(i64, i64)>, Date);

/// The activity of a table row, done at `level`.
fn activity_of(row: ActivityRow, level: UnitLevel) -> Activity {
    let (kind, content, count, people, when) = row;
    activity(kind, content, count, people, level, when)
}

/// The province's own activities and communication products of 2024.
const PROVINCE_ACTIVITIES: [ActivityRow; 9] = [
    (
        "hoi-nghi",
        "Hội nghị triển khai công tác bình đẳng giới năm 2024",
        2,
        Some((96, 124)),
        date!(2024 - 03 - 12),
    ),
    (
        "tap-huan",
        "Tập huấn nâng cao năng lực cán bộ làm công tác bình đẳng giới",
        4,
        Some((118, 202)),
        date!(2024 - 05 - 21),
    ),
    (
        "mit-tinh",
        "Mít tinh hưởng ứng Tháng hành động vì bình đẳng giới",
        1,
        Some((210, 390)),
        date!(2024 - 11 - 15),
    ),
    (
        "truyen-thong",
        "Truyền thông trực tiếp tại cộng đồng",
        6,
        Some((385, 742)),
        date!(2024 - 08 - 15),
    ),
    (
        "kiem-tra-giam-sat",
        "Kiểm tra, giám sát thực hiện pháp luật về bình đẳng giới",
        3,
        None,
        date!(2024 - 10 - 02),
    ),
    (
        "tin-bai",
        "Tin, bài trên Báo Lai Châu và Cổng thông tin điện tử tỉnh",
        64,
        None,
        date!(2024 - 12 - 01),
    ),
    (
        "phong-su",
        "Phóng sự trên Đài Phát thanh và Truyền hình tỉnh",
        6,
        None,
        date!(2024 - 12 - 01),
    ),
    (
        "pano",
        "Pano tuyên truyền tại trung tâm các huyện",
        12,
        None,
        date!(2024 - 06 - 01),
    ),
    (
        "to-roi",
        "Tờ rơi về phòng ngừa bạo lực trên cơ sở giới",
        5_000,
        None,
        date!(2024 - 06 - 01),
    ),
];

/// The 2024 activities of the `i`-th district (from 0), its figures growing with `i` so
/// that the districts differ.
fn district_activities(i: i64) -> [ActivityRow; 4] {
    [
        (
            "tap-huan",
            "Tập huấn cho cán bộ cấp xã",
            2 + i % 2,
            Some((40 + 7 * i, 65 + 9 * i)),
            date!(2024 - 07 - 10),
        ),
        (
            "truyen-thong",
            "Truyền thông lồng ghép tại thôn, bản",
            8 + i,
            Some((260 + 31 * i, 410 + 27 * i)),
            date!(2024 - 09 - 05),
        ),
        (
            "bang-ron",
            "Băng rôn, khẩu hiệu",
            10 + 2 * i,
            None,
            date!(2024 - 11 - 15),
        ),
        (
            "tin-bai",
            "Tin, bài trên hệ thống truyền thanh cơ sở",
            20 + 5 * i,
            None,
            date!(2024 - 12 - 01),
        ),
    ]
}

/// Issuing bodies of the documents.
const UBND: &str = "UBND tỉnh";
const SLDTBXH: &str = "Sở Lao động - Thương binh và Xã hội";

/// The province's directive documents of 2024: order, summary, issuing body, type, number, date.
const DOCUMENTS: [(i64, &str, &str, &str, &str, Date); 5] = [
    (
        1,
        "Kế hoạch thực hiện công tác bình đẳng giới và vì sự tiến bộ của phụ nữ năm 2024",
        UBND,
        "ke-hoach",
        "412/KH-UBND",
        date!(2024 - 02 - 05),
    ),
    (
        2,
        "Kế hoạch tổ chức Tháng hành động vì bình đẳng giới và phòng ngừa, ứng phó với bạo lực trên cơ sở giới năm 2024",
        UBND,
        "ke-hoach",
        "4021/KH-UBND",
        date!(2024 - 10 - 28),
    ),
    (
        3,
        "Về việc báo cáo kết quả thực hiện Chiến lược quốc gia về bình đẳng giới năm 2024",
        SLDTBXH,
        "cong-van",
        "1876/SLĐTBXH-BĐG",
        date!(2024 - 11 - 20),
    ),
    (
        4,
        "Hướng dẫn thu thập số liệu các chỉ tiêu thống kê về bình đẳng giới",
        SLDTBXH,
        "huong-dan",
        "25/HD-SLĐTBXH",
        date!(2024 - 04 - 09),
    ),
    (
        5,
        "Quyết định kiện toàn Ban vì sự tiến bộ của phụ nữ tỉnh",
        UBND,
        "quyet-dinh",
        "812/QĐ-UBND",
        date!(2024 - 06 - 17),
    ),
];

/// The province's budget of year `y` (2021–2025) by source: allocated and spent, growing
/// year on year.
fn budget_sources(y: i32) -> [(BudgetSource, i64, i64); 3] {
    let i = i64::from(y - 2021);
    [
        (
            BudgetSource::Central,
            150_000_000 + 10_000_000 * i,
            142_500_000 + 9_000_000 * i,
        ),
        (
            BudgetSource::Province,
            320_000_000 + 20_000_000 * i,
            301_000_000 + 18_500_000 * i,
        ),
        (BudgetSource::Socialised, 25_000_000, 25_000_000),
    ]
}

/// The province's activities in the 2024 Action Month.
const ACTION_MONTH_ACTIVITIES: [ActivityRow; 4] = [
    (
        "mit-tinh",
        "Lễ phát động Tháng hành động vì bình đẳng giới năm 2024",
        1,
        Some((210, 390)),
        date!(2024 - 11 - 15),
    ),
    (
        "truyen-thong",
        "Truyền thông lưu động tại các xã vùng cao",
        9,
        Some((402, 655)),
        date!(2024 - 11 - 25),
    ),
    (
        "bang-ron",
        "Băng rôn hưởng ứng Tháng hành động",
        40,
        None,
        date!(2024 - 11 - 15),
    ),
    (
        "tin-bai",
        "Tin, bài về Tháng hành động",
        18,
        None,
        date!(2024 - 12 - 10),
    ),
];

/// The gender-based violence cases of the 2024 Action Month: type, victim's sex, cases, supported.
const ACTION_MONTH_CASES: [(&str, Sex, i64, i64); 3] = [
    ("bao-luc-gia-dinh", Sex::Female, 7, 7),
    ("bao-luc-tinh-duc", Sex::Female, 2, 2),
    ("bao-luc-gia-dinh", Sex::Male, 1, 1),
];

/// The 2024 report's narrative blocks, by block name.
const NARRATIVE: [(&str, &str); 6] = [
    (
        "situation",
        "Ủy ban nhân dân tỉnh đã ban hành kế hoạch thực hiện công tác bình đẳng giới năm 2024, giao nhiệm vụ cụ thể cho các sở, ngành và Ủy ban nhân dân các huyện, thành phố; Ban vì sự tiến bộ của phụ nữ tỉnh được kiện toàn, duy trì hoạt động theo quy chế.",
    ),
    (
        "difficulties",
        "Địa bàn rộng, chia cắt, đồng bào dân tộc thiểu số chiếm tỷ lệ cao; một số phong tục, tập quán lạc hậu vẫn còn ảnh hưởng đến nhận thức về bình đẳng giới.\nĐội ngũ cán bộ làm công tác bình đẳng giới ở cơ sở chủ yếu kiêm nhiệm, thường xuyên thay đổi.",
    ),
    (
        "causes",
        "Nguồn kinh phí bố trí cho công tác bình đẳng giới còn hạn chế; việc thu thập số liệu một số chỉ tiêu chưa có hướng dẫn thống nhất.",
    ),
    (
        "tasks",
        "Tiếp tục đẩy mạnh truyền thông về bình đẳng giới, chú trọng vùng đồng bào dân tộc thiểu số.\nRà soát các chỉ tiêu chưa đạt để có giải pháp thực hiện trong năm 2025, chuẩn bị tổng kết giai đoạn 2021 - 2025.",
    ),
    (
        "proposals",
        "Đề nghị Bộ Nội vụ hướng dẫn thống nhất cách thu thập số liệu các chỉ tiêu của Chiến lược và bố trí kinh phí hỗ trợ các tỉnh miền núi.",
    ),
    ("signer", "Nguyễn Thị Demo"),
];

/// Writes register rows through the store as the demo's actor, counting them.
struct Rows<'a> {
    store: &'a Store,
    actor: Actor,
    written: usize,
}

impl Rows<'_> {
    /// Writes one row of a register of `unit` for `period`.
    async fn add<T: StoredRegister>(&mut self, unit: &UnitSummary, period: &Period, record: T) -> anyhow::Result<()> {
        self.store
            .create_register_row(unit, period, record, &self.actor)
            .await?;
        self.written += 1;
        Ok(())
    }

    /// The 2024 activities: the province's, then four districts'.
    async fn activities(&mut self, province: &UnitSummary, districts: &[UnitSummary]) -> anyhow::Result<()> {
        let year = Period::Year(2024);
        for a in PROVINCE_ACTIVITIES {
            self.add(province, &year, activity_of(a, UnitLevel::Province)).await?;
        }
        for (i, d) in districts.iter().take(4).enumerate() {
            for a in district_activities(i as i64) {
                self.add(d, &year, activity_of(a, UnitLevel::District)).await?;
            }
        }
        Ok(())
    }

    /// The province's directive documents of 2024.
    async fn documents(&mut self, province: &UnitSummary) -> anyhow::Result<()> {
        for (order, summary, body, kind, number, when) in DOCUMENTS {
            let d = document(order, summary, body, kind, number, when);
            self.add(province, &Period::Year(2024), d).await?;
        }
        Ok(())
    }

    /// The province's budgets 2021–2025.
    async fn budgets(&mut self, province: &UnitSummary) -> anyhow::Result<()> {
        for y in 2021..=2025 {
            for (source, allocated, spent) in budget_sources(y) {
                let b = Budget {
                    source,
                    content: Some("Kinh phí thực hiện Chiến lược quốc gia về bình đẳng giới".into()),
                    allocated: Some(n(allocated)),
                    spent: Some(n(spent)),
                    notes: None,
                };
                self.add(province, &Period::Year(y), b).await?;
            }
        }
        Ok(())
    }

    /// The province's activities and cases of the 2024 Action Month.
    async fn action_month(&mut self, province: &UnitSummary) -> anyhow::Result<()> {
        let am = Period::ActionMonth(2024);
        for a in ACTION_MONTH_ACTIVITIES {
            self.add(province, &am, activity_of(a, UnitLevel::Province)).await?;
        }
        for (kind, victim, cases, supported) in ACTION_MONTH_CASES {
            let c = GbvCase {
                case_type: kind.into(),
                victim_sex: Some(victim),
                perpetrator_sex: None,
                cases: n(cases),
                supported: Some(n(supported)),
            };
            self.add(province, &am, c).await?;
        }
        Ok(())
    }
}

pub async fn load(store: &Store) -> anyhow::Result<()> {
    let year = Period::Year(2024);
    let province = store
        .unit_for_period("12", &year)
        .await?
        .context("the province of Lai Châu (12) is missing: load the units first")?;
    if !store.register_rows::<Activity>(&province, &year).await?.is_empty() {
        return Ok(());
    }
    let actor = Actor {
        name: "demo".into(),
        origin: "binhdang init --demo".into(),
        entered_from: None,
    };
    let lai_chau = UnitCode::parse("12")?;
    let districts = store
        .units_valid_on(date!(2024 - 01 - 01), Some(UnitLevel::District), Some(&lai_chau))
        .await?;
    let mut rows = Rows {
        store,
        actor,
        written: 0,
    };
    rows.activities(&province, &districts).await?;
    rows.documents(&province).await?;
    rows.budgets(&province).await?;
    rows.action_month(&province).await?;
    let narrative: Vec<(String, Option<String>)> = NARRATIVE
        .into_iter()
        .map(|(k, v)| (k.to_string(), Some(v.to_string())))
        .collect();
    store
        .put_report_narrative(&province, &year, &narrative, &rows.actor)
        .await?;
    eprintln!(
        "demo: {} register rows (activities, documents, budgets 2021–2025, Action Month 2024) and the 2024 report's narrative",
        rows.written
    );
    Ok(())
}
