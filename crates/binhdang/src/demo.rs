//! A demo for the province of Lai Châu (GSO 12), one of the provinces the sample reports
//! come from: plausible values for its pre-reform districts and communes from 2021 to the
//! first half of 2025, for its 38 post-reform communes from 2025 on, and for the province's
//! own indicators, plus a few local targets. Values are made up but deterministic (a seeded
//! generator), disaggregated by sex where the catalogue asks, and written through the same
//! validated, audited path as any other write.

use anyhow::Context;
use binhdang_domain::{Agency, Period, Target, TargetOp, UnitCode, UnitLevel};
use binhdang_store::{Actor, RawValue, Store, UnitSummary, ValueInput};
use rust_decimal::Decimal;
use time::macros::date;

const PROVINCE: &str = "12";

/// splitmix64: small, deterministic, good enough to vary demo figures.
struct Rng(u64);

impl Rng {
    fn new(parts: &[&str]) -> Rng {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in parts.iter().flat_map(|p| p.bytes().chain(std::iter::once(0))) {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        Rng(h)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A whole number in lo..=hi.
    fn int(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo + 1) as u64)) as i64
    }

    /// A share in lo..hi (percent), as a fraction.
    fn share(&mut self, lo: f64, hi: f64) -> f64 {
        let unit = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        (lo + unit * (hi - lo)) / 100.0
    }
}

/// Collects the values of one unit and period.
struct Batch(Vec<ValueInput>);

impl Batch {
    fn put(&mut self, element: &str, disaggregation: &str, value: i64) {
        self.0.push(ValueInput {
            element: element.to_string(),
            disaggregation: Some(disaggregation.to_string()),
            value: RawValue::Text(value.to_string()),
            comment: None,
            source: None,
            expected: None,
        });
    }

    fn put_decimal(&mut self, element: &str, value: Decimal) {
        self.0.push(ValueInput {
            element: element.to_string(),
            disaggregation: Some("total".into()),
            value: RawValue::Text(value.to_string()),
            comment: None,
            source: None,
            expected: None,
        });
    }

    /// A numerator that is `share` of the denominator, for a total-only indicator.
    fn ratio(&mut self, indicator: &str, denominator: i64, share: f64) {
        let numerator = ((denominator as f64) * share).round() as i64;
        self.put(&format!("{indicator}.num"), "total", numerator.min(denominator));
        self.put(&format!("{indicator}.den"), "total", denominator);
    }

    /// The same, by sex; the total is derived from the parts, not typed twice.
    fn ratio_by_sex(&mut self, indicator: &str, male: i64, female: i64, rng: &mut Rng, lo: f64, hi: f64) {
        for (sex, den) in [("male", male), ("female", female)] {
            let num = ((den as f64) * rng.share(lo, hi)).round() as i64;
            self.put(&format!("{indicator}.num"), sex, num.min(den));
            self.put(&format!("{indicator}.den"), sex, den);
        }
    }
}

fn annual(p: &Period) -> bool {
    matches!(p, Period::Year(_))
}

/// Years since 2021, so figures improve a little over the phase.
fn progress(p: &Period) -> f64 {
    f64::from(p.milestone_year() - 2021)
}

/// `size` scales populations: a post-reform commune is about three old ones merged.
fn commune_values(unit: &UnitSummary, period: &Period, size: i64) -> Batch {
    let mut rng = Rng::new(&["commune", &unit.code, &period.to_string()]);
    let mut b = Batch(Vec::new());
    let t = progress(period);
    let half = if annual(period) { 1 } else { 2 };
    // 1.1: the commune's HĐND and UBND, and whether a woman is among their key leaders.
    let with_woman = i64::from(rng.share(0.0, 100.0) < 0.45 + 0.04 * t);
    b.put("1.1.num", "total", with_woman + i64::from(rng.share(0.0, 100.0) < 0.2));
    b.put("1.1.den", "total", 2);
    // 3.2: detected victims and perpetrators of domestic / gender-based violence.
    let victims_f = rng.int(0, 3);
    let victims_m = rng.int(0, 1);
    b.put("3.2a.den", "female", victims_f);
    b.put("3.2a.den", "male", victims_m);
    b.put(
        "3.2a.num",
        "female",
        victims_f - i64::from(victims_f > 0 && rng.int(0, 4) == 0),
    );
    b.put("3.2a.num", "male", victims_m);
    let perp_m = rng.int(0, 3);
    b.put("3.2b.den", "male", perp_m);
    b.put("3.2b.den", "female", 0);
    b.put(
        "3.2b.num",
        "male",
        (perp_m as f64 * rng.share(40.0, 90.0)).round() as i64,
    );
    b.put("3.2b.num", "female", 0);
    // 3.3: returning trafficking victims are rare; most communes report none.
    let returned = i64::from(rng.int(0, 9) == 0);
    b.put("3.3.den", "female", returned);
    b.put("3.3.den", "male", 0);
    b.put("3.3.num", "female", returned);
    b.put("3.3.num", "male", 0);
    // 4.1: births by sex; 4.3: births to women aged 15–19.
    let girls = rng.int(25, 70) * size / half;
    b.put("4.1.den", "total", girls);
    b.put(
        "4.1.num",
        "total",
        (girls as f64 * rng.share(103.0, 118.0)).round() as i64,
    );
    let young_women = rng.int(150, 450) * size;
    b.ratio(
        "4.3",
        young_women,
        rng.share(2.0, 5.5) * (1.0 - 0.05 * t) / f64::from(half as i32),
    );
    // 5.1: gender content taught in the commune's schools (yes/no).
    b.put("5.1.value", "total", i64::from(rng.int(0, 9) > 0));
    // 5.2: ethnic-minority pupils completing primary and lower secondary (school-year figures).
    if annual(period) {
        let (m, f) = (rng.int(20, 70) * size, rng.int(20, 70) * size);
        b.ratio_by_sex("5.2a", m, f, &mut rng, 88.0 + t, 98.0);
        let (m, f) = (rng.int(15, 60) * size, rng.int(15, 60) * size);
        b.ratio_by_sex("5.2b", m, f, &mut rng, 78.0 + t, 94.0);
    }
    // 6.1: population reached with basic knowledge of gender equality, by sex.
    let (m, f) = (rng.int(1500, 5000) * size, rng.int(1500, 5000) * size);
    b.ratio_by_sex("6.1", m, f, &mut rng, 50.0 + 4.0 * t, 70.0 + 3.0 * t);
    // 6.2: organisations informed; 6.3: at least 4 news items every quarter (yes = 1 of 1).
    let orgs = rng.int(8, 15);
    b.ratio(
        "6.2",
        orgs,
        if rng.int(0, 5) == 0 { rng.share(70.0, 95.0) } else { 1.0 },
    );
    b.put("6.3.num", "total", i64::from(rng.share(0.0, 100.0) < 0.6 + 0.08 * t));
    b.put("6.3.den", "total", 1);
    b
}

/// Indicators collected at district level before the reform, and by the province after it.
fn district_level_values(unit: &UnitSummary, period: &Period, scale: i64) -> Batch {
    let mut rng = Rng::new(&["district", &unit.code, &period.to_string()]);
    let mut b = Batch(Vec::new());
    let t = progress(period);
    b.ratio("2.3", rng.int(60, 300) * scale, rng.share(17.0 + t, 26.0 + t));
    b.ratio("5.3", rng.int(150, 600) * scale, rng.share(26.0 + t, 38.0 + t));
    let stations = scale.max(1);
    b.put("6.4.den", "total", stations);
    b.put("6.4.num", "total", stations - i64::from(rng.int(0, 3) == 0));
    b
}

fn province_values(unit: &UnitSummary, period: &Period) -> Batch {
    let mut rng = Rng::new(&["province", &unit.code, &period.to_string()]);
    let mut b = Batch(Vec::new());
    let t = progress(period);
    let employed_women = rng.int(225_000, 240_000);
    b.ratio("2.1", employed_women, rng.share(24.0 + t, 28.0 + t));
    b.ratio("2.2", employed_women, rng.share(66.0 - 1.5 * t, 70.0 - 1.5 * t));
    // 3.1: hours of unpaid care work a week, women and men (survey figures).
    b.put_decimal("3.1.num", Decimal::new(rng.int(205, 235), 1));
    b.put_decimal("3.1.den", Decimal::new(rng.int(108, 125), 1));
    b.put("3.4.den", "total", 2);
    b.put("3.4.num", "total", if t >= 2.0 { 2 } else { 1 });
    let births = rng.int(8_500, 9_600);
    b.put("4.2.num", "total", rng.int(1, 4));
    b.put("4.2.den", "total", births);
    b.put("4.4.den", "total", 1);
    b.put("4.4.num", "total", i64::from(t >= 3.0));
    b.ratio("5.4a", rng.int(320, 480), rng.share(46.0, 56.0));
    b.ratio("5.4b", rng.int(9, 20), rng.share(20.0, 34.0));
    b
}

fn periods(ids: &[&str]) -> Vec<Period> {
    ids.iter()
        .map(|s| s.parse().expect("demo period identifiers are valid"))
        .collect()
}

pub async fn load(store: &Store) -> anyhow::Result<()> {
    let code = UnitCode::parse(PROVINCE)?;
    let code_of_province = code.clone();
    let province = store
        .unit_for_period(PROVINCE, &Period::Year(2021))
        .await?
        .context("the province of Lai Châu (12) is missing: load the units first")?;
    if !store.values(&province, &Period::Year(2021)).await?.is_empty() {
        eprintln!("demo: already loaded");
        return Ok(());
    }
    let before = periods(&[
        "2021H1", "2021", "2022H1", "2022", "2023H1", "2023", "2024H1", "2024", "2025H1",
    ]);
    let after = periods(&["2025", "2026H1"]);
    let districts = store
        .units_valid_on(date!(2024 - 01 - 01), Some(UnitLevel::District), Some(&code))
        .await?;
    let mut old_communes = Vec::new();
    for d in &districts {
        old_communes.extend(
            store
                .units_valid_on(date!(2024 - 01 - 01), Some(UnitLevel::Commune), Some(&d.code))
                .await?,
        );
    }
    let new_communes = store
        .units_valid_on(date!(2026 - 01 - 01), Some(UnitLevel::Commune), Some(&code))
        .await?;

    let mut jobs: Vec<(&UnitSummary, Period, Batch)> = Vec::new();
    for c in &old_communes {
        for p in &before {
            jobs.push((c, *p, commune_values(c, p, 1)));
        }
    }
    for c in &new_communes {
        for p in &after {
            jobs.push((c, *p, commune_values(c, p, 3)));
        }
    }
    for d in &districts {
        for p in before.iter().filter(|p| annual(p)) {
            jobs.push((d, *p, district_level_values(d, p, 1)));
        }
    }
    for year in 2021..=2025 {
        let p = Period::Year(year);
        jobs.push((&province, p, province_values(&province, &p)));
    }
    // After the reform the province collects what districts did.
    jobs.push((
        &province,
        Period::Year(2025),
        district_level_values(&province, &Period::Year(2025), 8),
    ));

    eprintln!(
        "demo: Lai Châu — {} districts and {} communes before the reform, {} communes after; {} forms to write",
        districts.len(),
        old_communes.len(),
        new_communes.len(),
        jobs.len()
    );
    let actor = Actor {
        name: "demo".into(),
        origin: "binhdang init --demo".into(),
        entered_from: None,
    };
    let total = jobs.len();
    let mut values = 0;
    for (i, (unit, period, batch)) in jobs.iter().enumerate() {
        let summary = store
            .write_values(unit, period, &batch.0, &actor)
            .await
            .with_context(|| format!("demo values for {} {period}", unit.code))?;
        values += summary.written;
        if (i + 1) % (total / 10).max(1) == 0 || i + 1 == total {
            eprintln!("demo: {}/{} forms, {} values", i + 1, total, values);
        }
    }
    approve_past_years(store, &province, &districts, &actor).await?;
    let phase: Period = "2021-2025".parse()?;
    for (indicator, op, value) in [
        ("1.1", TargetOp::AtLeast, 50),
        ("2.3", TargetOp::AtLeast, 20),
        ("6.1", TargetOp::AtLeast, 70),
    ] {
        store
            .set_local_target(
                PROVINCE,
                indicator,
                &phase,
                Target {
                    op,
                    value: Decimal::from(value),
                },
                &actor,
            )
            .await?;
    }
    eprintln!("demo: 3 local targets for the phase 2021-2025");
    // Provincial agencies as named after the 2025 reorganisation of departments.
    let agencies = [
        ("12-SNV", "Sở Nội vụ", "Department of Home Affairs"),
        ("12-SYT", "Sở Y tế", "Department of Health"),
        (
            "12-SGDDT",
            "Sở Giáo dục và Đào tạo",
            "Department of Education and Training",
        ),
        (
            "12-SVHTTDL",
            "Sở Văn hóa, Thể thao và Du lịch",
            "Department of Culture, Sports and Tourism",
        ),
        ("12-CA", "Công an tỉnh", "Provincial Police"),
        ("12-HLHPN", "Hội Liên hiệp Phụ nữ tỉnh", "Provincial Women's Union"),
        ("12-LDLD", "Liên đoàn Lao động tỉnh", "Provincial Labour Federation"),
        ("12-TK", "Thống kê tỉnh", "Provincial Statistics Office"),
    ];
    for (code, name_vi, name_en) in agencies {
        let agency = Agency {
            code: code.into(),
            unit: code_of_province.clone(),
            name_vi: name_vi.into(),
            name_en: Some(name_en.into()),
        };
        store.put_agency(&province, &agency).await?;
    }
    eprintln!("demo: {} provincial agencies", agencies.len());
    // The health department answers for the health objective.
    store
        .set_agency_indicators("12-SYT", &["4.1", "4.2", "4.3", "4.4"], &actor)
        .await?;
    // A read-only account for API clients: no one signs in with it (its password is random
    // and never shown); `binhdang token create --username demo.viewer` gives a token.
    if store.user_by_name("demo.viewer").await?.is_none() {
        let password = binhdang_store::access::new_secret();
        let viewer = binhdang_store::NewUser {
            username: "demo.viewer",
            role: binhdang_domain::access::Role::Viewer,
            unit_code: "VN",
            agency_code: None,
            password: &password,
            must_change_password: false,
        };
        store.add_user(&viewer, &actor.name, &actor.origin).await?;
        eprintln!("demo: read-only account demo.viewer (binhdang token create --username demo.viewer)");
    }
    demo_accounts(store, &actor).await
}

/// The annual reports of 2021 to 2024 submitted and approved from the communes up to the
/// province, as they would have been, so that approved figures (the open-data pages, the
/// dashboard's "approved data only") have something to show. A commune whose report cannot be
/// approved (the validation rules stop it, or it has none) is excused by its district.
async fn approve_past_years(
    store: &Store,
    province: &UnitSummary,
    districts: &[UnitSummary],
    actor: &Actor,
) -> anyhow::Result<()> {
    let (mut approved, mut excused) = (0, 0);
    for year in 2021..=2024 {
        let period = Period::Year(year);
        let Some(programme) = store.programme_for(&period).await? else {
            continue;
        };
        let approve = |unit: &UnitSummary| {
            let (programme, period) = (programme.clone(), period);
            let unit = unit.clone();
            async move {
                for step in ["submit", "approve"] {
                    let request = binhdang_store::TransitionRequest {
                        transition: step.parse().map_err(|e| anyhow::anyhow!("{e:?}"))?,
                        reason: None,
                    };
                    if store
                        .transition(&unit, &programme, &period, request, actor)
                        .await
                        .is_err()
                    {
                        return Ok::<bool, anyhow::Error>(false);
                    }
                }
                Ok(true)
            }
        };
        for district in districts {
            for commune in store.reporting_children(district, period).await? {
                if approve(&commune).await? {
                    approved += 1;
                } else {
                    let reason = "Bản demo không có báo cáo của đơn vị này";
                    store.excuse(&commune, &programme.code, &period, reason, actor).await?;
                    excused += 1;
                }
            }
            approved += usize::from(approve(district).await?);
        }
        approved += usize::from(approve(province).await?);
    }
    eprintln!("demo: {approved} annual reports of 2021–2024 approved ({excused} communes excused)");
    Ok(())
}

/// One account per role of the reporting chain, so that a newcomer can enter, submit, review
/// and read the dashboard at once: each with a one-time password, printed once, to be changed
/// at the first sign-in.
async fn demo_accounts(store: &Store, actor: &Actor) -> anyhow::Result<()> {
    use binhdang_domain::access::Role;
    let accounts = [
        (
            "can.bo.doanket",
            Role::Officer,
            "03388",
            "cán bộ Phường Đoàn Kết: nhập và gửi số liệu / commune officer: enters and submits",
        ),
        (
            "tong.hop.laichau",
            Role::Reviewer,
            "12",
            "chuyên viên tỉnh Lai Châu: xét duyệt / provincial reviewer: returns or approves",
        ),
        (
            "lanh.dao.laichau",
            Role::Leader,
            "12",
            "lãnh đạo tỉnh Lai Châu: bảng điều khiển / provincial leader: reads the dashboard",
        ),
    ];
    for (username, role, unit_code, what) in accounts {
        if store.user_by_name(username).await?.is_some() {
            continue;
        }
        let password = binhdang_store::access::new_secret()[..20].to_string();
        let user = binhdang_store::NewUser {
            username,
            role,
            unit_code,
            agency_code: None,
            password: &password,
            must_change_password: true,
        };
        store.add_user(&user, &actor.name, &actor.origin).await?;
        eprintln!("demo account: sign in as `{username}` with the one-time password {password} ({what})");
    }
    Ok(())
}
