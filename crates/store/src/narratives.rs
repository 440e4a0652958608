//! The narrative blocks of a unit's report for a period: what people write (difficulties,
//! causes, tasks ahead, proposals…) beside the figures the reports generate. Kept per
//! unit × period × section; each change is written with its audit entry in one transaction.

use crate::access::{AuditEntry, audit_in};
use crate::{Actor, FieldProblem, Store, StoreError, UnitSummary};
use binhdang_domain::Window;
use serde_json::json;
use sqlx::Row;
use std::collections::BTreeMap;

/// The sections a report's narrative may hold: (key, Vietnamese label, English label).
pub const NARRATIVE_SECTIONS: &[(&str, &str, &str)] = &[
    (
        "situation",
        "Tình hình triển khai, công tác chỉ đạo, điều hành",
        "Situation and direction",
    ),
    ("difficulties", "Khó khăn, vướng mắc", "Difficulties"),
    ("causes", "Nguyên nhân", "Causes"),
    ("tasks", "Nhiệm vụ, giải pháp thời gian tới", "Tasks ahead"),
    ("proposals", "Đề xuất, kiến nghị", "Proposals"),
    (
        "achievements",
        "Kết quả nổi bật (báo cáo tổng kết)",
        "Achievements (review)",
    ),
    (
        "limitations",
        "Hạn chế, tồn tại (báo cáo tổng kết)",
        "Limitations (review)",
    ),
    ("lessons", "Bài học kinh nghiệm (báo cáo tổng kết)", "Lessons (review)"),
    ("objective_1", "Đánh giá Mục tiêu 1: chính trị", "Objective 1: politics"),
    (
        "objective_2",
        "Đánh giá Mục tiêu 2: kinh tế, lao động",
        "Objective 2: economy and labour",
    ),
    (
        "objective_3",
        "Đánh giá Mục tiêu 3: gia đình, phòng ngừa bạo lực trên cơ sở giới",
        "Objective 3: family life and GBV",
    ),
    ("objective_4", "Đánh giá Mục tiêu 4: y tế", "Objective 4: health"),
    (
        "objective_5",
        "Đánh giá Mục tiêu 5: giáo dục, đào tạo",
        "Objective 5: education and training",
    ),
    (
        "objective_6",
        "Đánh giá Mục tiêu 6: thông tin, truyền thông",
        "Objective 6: information and communication",
    ),
    ("number", "Số văn bản", "Document number"),
    ("signer", "Người ký", "Signer"),
];

/// Longest narrative block, in characters.
pub const MAX_NARRATIVE_CHARS: usize = 20_000;

fn check(section: &str, body: Option<&str>) -> Option<FieldProblem> {
    if !NARRATIVE_SECTIONS.iter().any(|(k, _, _)| *k == section) {
        let known: Vec<&str> = NARRATIVE_SECTIONS.iter().map(|(k, _, _)| *k).collect();
        return Some(FieldProblem::new(
            section,
            "unknown_section",
            format!("`{section}` is not a report section: {}", known.join(", ")),
            format!("`{section}` không phải một mục của báo cáo: {}", known.join(", ")),
        ));
    }
    let body = body?;
    if body.chars().count() > MAX_NARRATIVE_CHARS {
        return Some(FieldProblem::new(
            section,
            "too_long",
            format!("at most {MAX_NARRATIVE_CHARS} characters"),
            format!("Tối đa {MAX_NARRATIVE_CHARS} ký tự"),
        ));
    }
    if section == "number" && !(body.len() <= 10 && body.chars().all(|c| c.is_ascii_digit())) {
        return Some(FieldProblem::new(
            section,
            "bad_number",
            "a document number is digits only, e.g. 05".into(),
            "Số văn bản chỉ gồm chữ số, ví dụ 05".into(),
        ));
    }
    None
}

impl Store {
    /// A unit's narrative for a period, or for a window of its own (a law review's
    /// `2021-01-01..2024-07-31`): section → text.
    pub async fn report_narrative(
        &self,
        unit: &UnitSummary,
        window: impl Into<Window>,
    ) -> Result<BTreeMap<String, String>, StoreError> {
        let rows = sqlx::query("SELECT section, body FROM report_narratives WHERE unit_id = $1 AND period = $2")
            .bind(unit.id)
            .bind(window.into().to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("section")?, r.try_get("body")?)))
            .collect()
    }

    /// Sets (`Some`) or removes (`None`, or only whitespace) sections of a unit's narrative
    /// for a period or window. Every section is checked first; when one is refused nothing is
    /// written. Returns the narrative as stored afterwards.
    pub async fn put_report_narrative(
        &self,
        unit: &UnitSummary,
        window: impl Into<Window>,
        changes: &[(String, Option<String>)],
        actor: &Actor,
    ) -> Result<BTreeMap<String, String>, StoreError> {
        let changes: Vec<(&str, Option<String>)> = changes
            .iter()
            .map(|(k, v)| {
                let v = v
                    .as_deref()
                    .map(|s| s.trim().replace("\r\n", "\n"))
                    .filter(|s| !s.is_empty());
                (k.as_str(), v)
            })
            .collect();
        let problems: Vec<FieldProblem> = changes.iter().filter_map(|(k, v)| check(k, v.as_deref())).collect();
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let window: Window = window.into();
        let period_text = window.to_string();
        let mut tx = self.begin_write().await?;
        let now = self.now_text();
        for (section, body) in &changes {
            let old: Option<String> =
                sqlx::query("SELECT body FROM report_narratives WHERE unit_id = $1 AND period = $2 AND section = $3")
                    .bind(unit.id)
                    .bind(&period_text)
                    .bind(*section)
                    .fetch_optional(&mut *tx)
                    .await?
                    .map(|r| r.try_get("body"))
                    .transpose()?;
            if old == *body {
                continue;
            }
            match body {
                Some(text) => {
                    sqlx::query(
                        "INSERT INTO report_narratives (unit_id, period, section, body, updated_at, updated_by)
                         VALUES ($1, $2, $3, $4, $5, $6)
                         ON CONFLICT (unit_id, period, section)
                         DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at,
                                       updated_by = excluded.updated_by",
                    )
                    .bind(unit.id)
                    .bind(&period_text)
                    .bind(*section)
                    .bind(text)
                    .bind(&now)
                    .bind(&actor.name)
                    .execute(&mut *tx)
                    .await?;
                }
                None => {
                    sqlx::query("DELETE FROM report_narratives WHERE unit_id = $1 AND period = $2 AND section = $3")
                        .bind(unit.id)
                        .bind(&period_text)
                        .bind(*section)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            let entry = AuditEntry {
                actor: &actor.name,
                origin: &actor.origin,
                action: "report.narrative",
                unit_id: Some(unit.id),
                period: Some(&period_text),
                subject: section,
                old_value: old.map(|o| json!(o)),
                new_value: body.as_ref().map(|b| json!(b)),
                reason: None,
            };
            audit_in(&mut tx, &entry, &self.now_text()).await?;
        }
        tx.commit().await?;
        self.report_narrative(unit, window).await
    }
}
