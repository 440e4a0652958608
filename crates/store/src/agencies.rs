//! Agencies as data: the departments and organisations beside a unit that report their part
//! (Sở Y tế, Hội Liên hiệp Phụ nữ, Công an tỉnh…). A province creates, renames and closes its
//! own; each change is audited with the old and new names, which is the agency's history; a
//! closed agency keeps its code, rows and accounts' history but is no longer listed.

use crate::access::{AuditEntry, audit_in};
use crate::error::{OnUnique, Unique};
use crate::{Actor, FieldProblem, Store, StoreError, UnitSummary, date_to_text};
use sqlx::Row;
use time::Date;

const AGENCY_CODE: Unique = Unique {
    sqlite: "agencies.code",
    postgres: "agencies_code_key",
};

fn name_problems(code: Option<&str>, name_vi: &str) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    if let Some(code) = code {
        let valid = (2..=40).contains(&code.len())
            && code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid {
            problems.push(FieldProblem::new(
                "code",
                "bad_code",
                "an agency code has 2–40 characters: lower-case letters, digits and dashes (e.g. so-y-te)".into(),
                "Mã cơ quan gồm 2–40 ký tự: chữ thường không dấu, chữ số và dấu gạch ngang (ví dụ so-y-te)".into(),
            ));
        }
    }
    if name_vi.trim().is_empty() || name_vi.chars().count() > 200 {
        problems.push(FieldProblem::new(
            "name_vi",
            "bad_name",
            "the Vietnamese name is required (at most 200 characters)".into(),
            "Cần có tên tiếng Việt (tối đa 200 ký tự)".into(),
        ));
    }
    problems
}

impl Store {
    /// Creates an agency beside `unit`. A code already used (by an open or a closed agency)
    /// is refused: codes are never reused, so history stays unambiguous.
    pub async fn create_agency(
        &self,
        unit: &UnitSummary,
        code: &str,
        name_vi: &str,
        name_en: Option<&str>,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let code = code.trim();
        let problems = name_problems(Some(code), name_vi);
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO agencies (code, unit_id, name_vi, name_en) VALUES ($1, $2, $3, $4)")
            .bind(code)
            .bind(unit.id)
            .bind(name_vi.trim())
            .bind(name_en.map(str::trim))
            .execute(&mut *tx)
            .await
            .on_unique(AGENCY_CODE, || {
                FieldProblem::new(
                    "code",
                    "code_taken",
                    format!("the agency code `{code}` is used already"),
                    format!("Mã cơ quan `{code}` đã được dùng"),
                )
            })?;
        self.audit_agency(
            &mut tx,
            unit.id,
            "agency.create",
            code,
            None,
            Some(serde_json::json!({"name_vi": name_vi.trim(), "name_en": name_en})),
            actor,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Renames an agency (Phòng LĐTBXH → Phòng Nội vụ); the old name stays in its history.
    pub async fn rename_agency(
        &self,
        code: &str,
        name_vi: &str,
        name_en: Option<&str>,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let problems = name_problems(None, name_vi);
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let (unit_id, old_vi, old_en) = self.agency_row(code).await?;
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE agencies SET name_vi = $1, name_en = $2 WHERE code = $3")
            .bind(name_vi.trim())
            .bind(name_en.map(str::trim))
            .bind(code)
            .execute(&mut *tx)
            .await?;
        self.audit_agency(
            &mut tx,
            unit_id,
            "agency.rename",
            code,
            Some(serde_json::json!({"name_vi": old_vi, "name_en": old_en})),
            Some(serde_json::json!({"name_vi": name_vi.trim(), "name_en": name_en})),
            actor,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Closes an agency from `on`: from then it is no longer listed nor offered.
    pub async fn close_agency(&self, code: &str, on: Date, actor: &Actor) -> Result<(), StoreError> {
        let (unit_id, _, _) = self.agency_row(code).await?;
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE agencies SET closed_on = $1 WHERE code = $2")
            .bind(date_to_text(on))
            .bind(code)
            .execute(&mut *tx)
            .await?;
        self.audit_agency(
            &mut tx,
            unit_id,
            "agency.close",
            code,
            None,
            Some(serde_json::json!({"closed_on": date_to_text(on)})),
            actor,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether `unit` has an open agency with this code (one closed on or before today is
    /// history: no account is made for it).
    pub(crate) async fn agency_is_open(&self, unit_id: i64, code: &str) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM agencies WHERE code = $1 AND unit_id = $2 AND (closed_on IS NULL OR closed_on > $3)",
        )
        .bind(code)
        .bind(unit_id)
        .bind(date_to_text(self.clock.today()))
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get::<i64, _>("n")? > 0)
    }

    async fn agency_row(&self, code: &str) -> Result<(i64, String, Option<String>), StoreError> {
        let row = sqlx::query("SELECT unit_id, name_vi, name_en FROM agencies WHERE code = $1")
            .bind(code.trim())
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "agency",
                key: code.to_string(),
            })?;
        Ok((
            row.try_get("unit_id")?,
            row.try_get("name_vi")?,
            row.try_get("name_en")?,
        ))
    }

    #[allow(clippy::too_many_arguments)]
    async fn audit_agency(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        unit_id: i64,
        action: &str,
        code: &str,
        old: Option<serde_json::Value>,
        new: Option<serde_json::Value>,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let entry = AuditEntry {
            actor: &actor.name,
            origin: &actor.origin,
            action,
            unit_id: Some(unit_id),
            period: None,
            subject: code,
            old_value: old,
            new_value: new,
            reason: None,
        };
        audit_in(tx, &entry, &self.now_text()).await
    }
}
