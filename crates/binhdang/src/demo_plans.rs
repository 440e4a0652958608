//! The demo's plan: Lai Châu's plan for gender equality of the current year, issued in March,
//! with tasks for its departments — some done, one late, one overdue, one due within the
//! week — and a reporting duty for its communes, so that a newcomer sees the plan pages, the
//! tasks on the home page of `can.bo.doanket`'s province colleagues and the annual report's
//! tasks annex with something in them.

use anyhow::Context;
use binhdang_domain::Period;
use binhdang_domain::calendar::{Binding, DayOfYear, Programme};
use binhdang_domain::plan::{Body, PlanKind, PlanStatus, Progress, Recurrence};
use binhdang_domain::{PeriodType, UnitLevel};
use binhdang_store::plans::{Evidence, PlanInput, ProgressInput, TaskInput};
use binhdang_store::{Actor, Store};
use time::{Date, Duration, Month};

fn task(item: &str, text: &str, agency: &str, lead: &str, due: Date, recurrence: Recurrence) -> TaskInput {
    TaskInput {
        item: item.into(),
        text: text.into(),
        lead: Body {
            unit: None,
            agency: Some(agency.into()),
            name: lead.into(),
        },
        partners: vec![Body {
            unit: None,
            agency: Some("12-HLHPN".into()),
            name: "Hội Liên hiệp Phụ nữ tỉnh".into(),
        }],
        due: Some(due),
        recurrence,
        expected_output: None,
        indicators: Vec::new(),
        source: None,
    }
}

pub async fn load(store: &Store) -> anyhow::Result<()> {
    let today = store.today();
    let year = today.year();
    let province = store
        .unit_for_period("12", &Period::Year(year))
        .await?
        .context("the province of Lai Châu (12) is missing: load the units first")?;
    if !store.plans_of(province.id).await?.is_empty() {
        return Ok(());
    }
    let actor = Actor {
        name: "demo".into(),
        origin: "binhdang init --demo".into(),
        entered_from: None,
    };
    let day = |month: Month, day: u8| Date::from_calendar_date(year, month, day).expect("a day of the year");
    // Deadlines around today, kept within the plan's year.
    let around = |days: i64| (today + Duration::days(days)).clamp(day(Month::January, 1), day(Month::December, 31));
    let tasks = [
        task(
            "II.1",
            "Tổ chức tập huấn kiến thức về bình đẳng giới cho cán bộ, công chức cấp xã",
            "12-SNV",
            "Sở Nội vụ",
            around(-40),
            Recurrence::Once,
        ),
        task(
            "II.2",
            "Tuyên truyền Luật Bình đẳng giới trên Báo, Đài Phát thanh và Truyền hình tỉnh",
            "12-SVHTTDL",
            "Sở Văn hóa, Thể thao và Du lịch",
            around(-20),
            Recurrence::Once,
        ),
        task(
            "II.3",
            "Rà soát, báo cáo tình hình mất cân bằng giới tính khi sinh",
            "12-SYT",
            "Sở Y tế",
            around(-5),
            Recurrence::Once,
        ),
        task(
            "II.4",
            "Cung cấp số liệu thống kê giới của tỉnh",
            "12-TK",
            "Thống kê tỉnh",
            around(4),
            Recurrence::Once,
        ),
        task(
            "IV.3",
            "Tổng hợp, báo cáo kết quả thực hiện Kế hoạch 6 tháng và năm",
            "12-SNV",
            "Sở Nội vụ",
            day(Month::June, 30),
            Recurrence::HalfYearly,
        ),
    ];
    let input = PlanInput {
        kind: PlanKind::Plan,
        number: Some("68/KH-UBND".into()),
        issued_on: Some(day(Month::March, 12).min(today)),
        issuing_body: "UBND tỉnh Lai Châu".into(),
        summary: format!("Thực hiện công tác bình đẳng giới và vì sự tiến bộ của phụ nữ tỉnh Lai Châu năm {year}"),
        period: Period::Year(year),
    };
    let plan = store.create_plan(&province, &input, None, &tasks, &actor).await?;
    store.set_plan_status(plan.id, PlanStatus::Issued, &actor).await?;
    let added = store.tasks_of(plan.id).await?;
    // The training was done on time, the broadcasts a few days late; the rest is open.
    for (task, done_on) in [(&added[0], around(-45)), (&added[1], around(-12))] {
        let input = ProgressInput {
            progress: Progress::Done,
            reported_on: done_on.min(today),
            note: Some("Đã hoàn thành theo kế hoạch".into()),
            evidence: Evidence::default(),
        };
        store
            .report_progress(task.id, input, task.asked.due, true, &actor)
            .await?;
    }
    let duty = Programme {
        code: format!("KH{}-1", plan.id),
        name_vi: "Báo cáo kết quả thực hiện Kế hoạch 68/KH-UBND".into(),
        name_en: "Report on Plan 68/KH-UBND".into(),
        period_type: PeriodType::Year,
        half: None,
        deadlines: vec![(
            UnitLevel::Commune,
            DayOfYear {
                month: 12,
                day: 10,
                year_offset: 0,
            },
        )],
        binds: Binding {
            levels: vec![UnitLevel::Commune],
            units: vec!["12".into()],
            agencies: Vec::new(),
        },
        plan: Some(plan.id),
    };
    store.put_programme(&duty, &actor).await?;
    eprintln!(
        "demo: Lai Châu's plan 68/KH-UBND for {year}, with {} tasks and a reporting duty",
        added.len()
    );
    health_officer(store, &actor).await
}

/// An officer of the health department, who leads one of the plan's tasks (overdue).
async fn health_officer(store: &Store, actor: &Actor) -> anyhow::Result<()> {
    let username = "can.bo.soyte";
    if store.user_by_name(username).await?.is_some() {
        return Ok(());
    }
    let password = binhdang_store::access::new_secret()[..20].to_string();
    let user = binhdang_store::NewUser {
        username,
        role: binhdang_domain::access::Role::Officer,
        unit_code: "12",
        agency_code: Some("12-SYT"),
        password: &password,
        must_change_password: true,
    };
    store.add_user(&user, &actor.name, &actor.origin).await?;
    eprintln!(
        "demo account: sign in as `{username}` with the one-time password {password} (cán bộ Sở Y tế: nhiệm vụ được giao / health department officer: the plan's tasks it leads)"
    );
    Ok(())
}
