//! Registers — the reports' annex tables — stored per unit and period: rows written one at
//! a time, each checked first (nothing is stored when a row is refused) and written in one
//! transaction with its audit row; and summaries of a register over a unit's whole subtree.
//!
//! A row is filed under exactly one period (a budget row's period is a year). A row with a
//! date of its own (an activity, a document issued, an inspection) is entered once and
//! counts, once, in every period that contains its date — the year, its half, the Action
//! Month, the phase — whatever period it was filed under; an undated row of those registers
//! counts in the period it was filed under and in every period containing that one. Rows of
//! the undated registers (committee, staff, GBV counts) count in the period they were filed
//! under. A budget summary for a phase (`2021-2025`) sums the budget years it spans.
//!
//! Summaries are computed live from the rows of every unit whose ancestors (the
//! `unit_ancestors` closure) include the unit asked about, so the rows of pre-2025 units
//! count in the post-2025 unit that inherited them. Money is summed exactly in [`Decimal`].

use crate::{Actor, FieldProblem, Store, StoreError, UnitSummary, date_to_text, text_to_date, text_to_decimal};
use binhdang_domain::UnitCode;
use binhdang_domain::register::{
    Activity, Budget, BudgetSource, CheckContext, CommitteeMember, DirectiveDocument, GbvCase, Inspection, Lists,
    Register, RegisterKind, RegisterProblem, Sex, Staff, Summarise, Term,
};
use binhdang_domain::{Period, UnitLevel, Window};
use rust_decimal::Decimal;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::BTreeSet;
use time::Date;

use crate::sql::AnyQuery as Query;

/// One column's value as it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    Int(Option<i64>),
    Text(Option<String>),
}

/// How a register's record maps to its table. Implemented for the seven records.
pub trait StoredRegister: Summarise {
    const TABLE: &'static str;
    /// The record's columns, in the order of [`StoredRegister::to_columns`].
    const COLUMNS: &'static [&'static str];
    /// The column holding the row's own date, for registers whose rows have one: such rows
    /// count in every period that contains their date, whatever period they were filed under.
    const DATE_COLUMN: Option<&'static str> = None;
    fn to_columns(&self) -> Result<Vec<Column>, StoreError>;
    fn from_row(row: &AnyRow) -> Result<Self, StoreError>;
}

/// A stored row: the record with its key and who last changed it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegisterRow<T> {
    pub id: i64,
    /// Code of the unit the row was entered for.
    pub unit: UnitCode,
    #[serde(skip)]
    pub unit_id: i64,
    pub period: Period,
    /// A budget row's year (its period).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    #[serde(flatten)]
    pub record: T,
    pub updated_at: String,
    pub updated_by: String,
}

/// The outcome of a write: the row as stored, whether anything changed, and the warnings
/// the row carries (stored anyway, to be explained).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Saved<T> {
    pub row: RegisterRow<T>,
    pub changed: bool,
    pub warnings: Vec<FieldProblem>,
}

/// A register's totals over a unit's subtree for a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegisterSummary<S> {
    pub register: RegisterKind,
    /// Units of the subtree with at least one row.
    pub units_reporting: i64,
    pub rows: i64,
    pub summary: S,
}

/// One audit entry of a register row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegisterAuditEntry {
    pub id: i64,
    pub register: String,
    pub row_id: i64,
    pub period: String,
    pub action: String,
    pub old_json: Option<String>,
    pub new_json: Option<String>,
    pub changed_by: String,
    pub changed_at: String,
    pub origin: String,
}

/// The lists an administrator may extend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegisterList {
    ActivityTypes,
    DocumentTypes,
    GbvCaseTypes,
}

impl RegisterList {
    fn table(&self) -> &'static str {
        match self {
            RegisterList::ActivityTypes => "activity_types",
            RegisterList::DocumentTypes => "document_types",
            RegisterList::GbvCaseTypes => "gbv_case_types",
        }
    }
}

fn problem(p: RegisterProblem) -> FieldProblem {
    FieldProblem::new(p.field, p.code, p.message_en, p.message_vi)
}

/// Runs the record's checks: the errors refuse it, the warnings come back.
pub(crate) fn checked<T: Register>(
    record: &T,
    period: &Period,
    lists: &Lists,
) -> Result<Vec<FieldProblem>, StoreError> {
    let (errors, warnings): (Vec<_>, Vec<_>) = record
        .check(&CheckContext { period, lists })
        .into_iter()
        .partition(RegisterProblem::is_error);
    if errors.is_empty() {
        Ok(warnings.into_iter().map(problem).collect())
    } else {
        Err(StoreError::Invalid(errors.into_iter().map(problem).collect()))
    }
}

/// The periods whose rows a request for `period` reads: the period itself, or for budgets
/// every budget period inside it — a year's budget holds the rows filed under the year, its
/// halves and its Action Month (each row is a line of spending, counted once); the second
/// half holds the Action Month's; a phase holds its years'.
pub fn stored_periods(kind: RegisterKind, period: &Period) -> Result<Vec<String>, StoreError> {
    if kind != RegisterKind::Budgets {
        return Ok(vec![period.to_string()]);
    }
    let year = |y: i32| {
        vec![
            Period::Year(y),
            Period::HalfYear { year: y, half: 1 },
            Period::HalfYear { year: y, half: 2 },
            Period::ActionMonth(y),
        ]
    };
    let periods = match *period {
        Period::Year(y) => year(y),
        Period::Phase { from, to } => (from..=to).flat_map(year).collect(),
        Period::HalfYear { year, half: 2 } => vec![*period, Period::ActionMonth(year)],
        Period::HalfYear { .. } | Period::ActionMonth(_) => vec![*period],
        _ => {
            return Err(StoreError::Invalid(vec![FieldProblem::new(
                "period",
                "period_not_budget_period",
                format!(
                    "budgets are kept by year, half-year or Action Month; ask for one of them or a phase (2021-2025), not {period}"
                ),
                format!(
                    "Kinh phí được theo dõi theo năm, 6 tháng hoặc Tháng hành động; hãy chọn một kỳ như vậy hoặc một giai đoạn (2021-2025), không chọn {}",
                    period.label_vi()
                ),
            )]));
        }
    };
    Ok(periods.iter().map(Period::to_string).collect())
}

/// The condition (parameters from `$2` on) and its values choosing the rows a summary over
/// `window` counts: for a dated register, every row dated inside the window — a directive
/// filed under 2024 and dated 20/11 counts in the 2024 Action Month, a half-year's activities
/// count in the year, and in the phase — and undated rows filed under the window's period or
/// any period inside it; for the others, the rows filed under the window's period (budgets:
/// the budget periods inside it), or for a range or dates, under its parts.
fn rows_of_window<T: StoredRegister>(window: &Window) -> Result<(String, Vec<String>), StoreError> {
    let Some(column) = T::DATE_COLUMN else {
        let periods = match window.period() {
            Some(p) => stored_periods(T::KIND, &p)?,
            None => {
                // A budget is kept by year, half-year and Action Month: a month or quarter
                // at a window's edge holds no budget rows of its own, so it adds nothing.
                let mut periods = Vec::new();
                for part in window.parts() {
                    match stored_periods(T::KIND, &part) {
                        Ok(stored) => periods.extend(stored),
                        Err(_) if T::KIND == RegisterKind::Budgets => {}
                        Err(e) => return Err(e),
                    }
                }
                periods
            }
        };
        return Ok((format!("t.period IN ({})", placeholders(2, periods.len())), periods));
    };
    let (start, end) = (window.start(), window.end());
    let own = window.period();
    let mut filed: Vec<String> = own.iter().map(Period::to_string).collect();
    for year in start.year()..=end.year() {
        let mut inside: Vec<Period> = vec![Period::Year(year), Period::ActionMonth(year)];
        inside.extend((1..=2).map(|half| Period::HalfYear { year, half }));
        inside.extend((1..=4).map(|quarter| Period::Quarter { year, quarter }));
        inside.extend((1..=12).map(|month| Period::Month { year, month }));
        filed.extend(
            inside
                .into_iter()
                .filter(|p| start <= p.start() && p.end() <= end && Some(*p) != own)
                .map(|p| p.to_string()),
        );
    }
    let condition = format!(
        "((t.{column} >= $2 AND t.{column} <= $3) OR (t.{column} IS NULL AND t.period IN ({})))",
        placeholders(4, filed.len())
    );
    let mut values = vec![crate::date_to_text(start), crate::date_to_text(end)];
    values.extend(filed);
    Ok((condition, values))
}

fn bind(q: Query<'_>, c: Column) -> Query<'_> {
    match c {
        Column::Int(v) => q.bind(v),
        Column::Text(v) => q.bind(v),
    }
}

fn placeholders(from: usize, n: usize) -> String {
    (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

fn select_sql<T: StoredRegister>(condition: &str) -> String {
    let columns = T::COLUMNS
        .iter()
        .map(|c| format!("t.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "SELECT t.id, t.unit_id, u.code AS unit_code, t.period, t.updated_at, t.updated_by, {columns}
         FROM {} t JOIN units u ON u.id = t.unit_id WHERE {condition} ORDER BY t.id",
        T::TABLE
    )
}

fn read_row<T: StoredRegister>(row: &AnyRow) -> Result<RegisterRow<T>, StoreError> {
    let period: String = row.try_get("period")?;
    let period: Period = period
        .parse()
        .map_err(|_| StoreError::Corrupt(format!("{} period `{period}`", T::TABLE)))?;
    Ok(RegisterRow {
        id: row.try_get("id")?,
        unit: crate::parse(row, "unit_code")?,
        unit_id: row.try_get("unit_id")?,
        year: (T::KIND == RegisterKind::Budgets).then(|| period.milestone_year()),
        period,
        record: T::from_row(row)?,
        updated_at: row.try_get("updated_at")?,
        updated_by: row.try_get("updated_by")?,
    })
}

fn not_found(kind: RegisterKind, id: i64) -> StoreError {
    StoreError::NotFound {
        what: "register row",
        key: format!("{kind}/{id}"),
    }
}

pub(crate) async fn load_lists(conn: &mut sqlx::AnyConnection) -> Result<Lists, StoreError> {
    let mut lists = Lists::default();
    for (list, out) in [
        (RegisterList::ActivityTypes, &mut lists.activity_types),
        (RegisterList::DocumentTypes, &mut lists.document_types),
        (RegisterList::GbvCaseTypes, &mut lists.gbv_case_types),
    ] {
        let sql = format!(
            "SELECT code, name_vi, name_en FROM {} ORDER BY sort_order, code",
            list.table()
        );
        for r in sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *conn).await? {
            out.push(Term {
                code: r.try_get("code")?,
                name_vi: r.try_get("name_vi")?,
                name_en: r.try_get("name_en")?,
            });
        }
    }
    Ok(lists)
}

pub(crate) async fn fetch_row<T: StoredRegister>(
    conn: &mut sqlx::AnyConnection,
    id: i64,
) -> Result<RegisterRow<T>, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(select_sql::<T>("t.id = $1")))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| not_found(T::KIND, id))?;
    read_row(&row)
}

fn to_json<T: Serialize>(row: &RegisterRow<T>) -> Result<String, StoreError> {
    serde_json::to_string(row).map_err(|e| StoreError::Corrupt(format!("register row as JSON: {e}")))
}

async fn audit<T: StoredRegister>(
    conn: &mut sqlx::AnyConnection,
    action: &str,
    old: Option<&RegisterRow<T>>,
    new: Option<&RegisterRow<T>>,
    actor: &Actor,
    now: &str,
    source: Option<&str>,
) -> Result<(), StoreError> {
    let Some(key) = new.or(old) else { return Ok(()) };
    sqlx::query(
        "INSERT INTO register_audit (register, row_id, unit_id, period, action, old_json, new_json,
            changed_by, changed_at, origin, source)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(T::KIND.slug())
    .bind(key.id)
    .bind(key.unit_id)
    .bind(key.period.to_string())
    .bind(action)
    .bind(old.map(to_json).transpose()?)
    .bind(new.map(to_json).transpose()?)
    .bind(&actor.name)
    .bind(now)
    .bind(&actor.origin)
    .bind(source.map(str::to_string))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Inserts a checked, normalised record and its audit entry on `conn` (inside the caller's
/// transaction).
pub(crate) async fn insert_row<T: StoredRegister>(
    conn: &mut sqlx::AnyConnection,
    unit: &UnitSummary,
    period: &Period,
    record: T,
    actor: &Actor,
    now: &str,
    source: Option<&str>,
) -> Result<RegisterRow<T>, StoreError> {
    let sql = format!(
        "INSERT INTO {} (unit_id, period, {}, updated_at, updated_by) VALUES ({}) RETURNING id",
        T::TABLE,
        T::COLUMNS.join(", "),
        placeholders(1, T::COLUMNS.len() + 4)
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(unit.id)
        .bind(period.to_string());
    for c in record.to_columns()? {
        q = bind(q, c);
    }
    let id: i64 = q
        .bind(now.to_string())
        .bind(actor.name.clone())
        .fetch_one(&mut *conn)
        .await?
        .try_get("id")?;
    let row = RegisterRow {
        id,
        unit: unit.code.clone(),
        unit_id: unit.id,
        period: *period,
        year: (T::KIND == RegisterKind::Budgets).then(|| period.milestone_year()),
        record,
        updated_at: now.to_string(),
        updated_by: actor.name.clone(),
    };
    audit(conn, "create", None, Some(&row), actor, now, source).await?;
    Ok(row)
}

/// Replaces row `id`'s record on `conn` (inside the caller's transaction), and moves it to
/// `period` when given (the row keeps its unit): checked, normalised and audited with
/// `source`; a row equal to the stored one changes nothing.
pub(crate) async fn update_row_in<T: StoredRegister>(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    mut record: T,
    period: Option<Period>,
    actor: &Actor,
    now: &str,
    source: Option<&str>,
) -> Result<Saved<T>, StoreError> {
    let old: RegisterRow<T> = fetch_row(conn, id).await?;
    let period = period.unwrap_or(old.period);
    let lists = load_lists(conn).await?;
    let warnings = checked(&record, &period, &lists)?;
    record.normalise();
    if record == old.record && period == old.period {
        return Ok(Saved {
            row: old,
            changed: false,
            warnings,
        });
    }
    let sets = T::COLUMNS
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{c} = ${}", i + 1))
        .collect::<Vec<_>>()
        .join(", ");
    let n = T::COLUMNS.len();
    let sql = format!(
        "UPDATE {} SET {sets}, period = ${}, updated_at = ${}, updated_by = ${} WHERE id = ${}",
        T::TABLE,
        n + 1,
        n + 2,
        n + 3,
        n + 4
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for c in record.to_columns()? {
        q = bind(q, c);
    }
    q.bind(period.to_string())
        .bind(now.to_string())
        .bind(actor.name.clone())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let row = RegisterRow {
        record,
        period,
        year: (T::KIND == RegisterKind::Budgets).then(|| period.milestone_year()),
        updated_at: now.to_string(),
        updated_by: actor.name.clone(),
        ..old.clone()
    };
    audit(conn, "update", Some(&old), Some(&row), actor, now, source).await?;
    Ok(Saved {
        row,
        changed: true,
        warnings,
    })
}

impl Store {
    /// The lists of activity types, document types and GBV case types, as stored.
    pub async fn register_lists(&self) -> Result<Lists, StoreError> {
        let mut conn = self.pool.acquire().await?;
        load_lists(&mut conn).await
    }

    /// Adds an entry to a list (or renames the entry with that code): how an administrator
    /// extends the activity types, document types or GBV case types.
    pub async fn put_register_term(&self, list: RegisterList, term: &Term) -> Result<(), StoreError> {
        let code = term.code.trim();
        let valid = !code.is_empty()
            && code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        let mut problems = Vec::new();
        if !valid {
            problems.push(FieldProblem::new(
                "code",
                "bad_code",
                format!("`{code}` is not a list code: use lower-case letters, digits and `-`, e.g. hop-mat"),
                format!("`{code}` không phải mã danh mục: dùng chữ thường không dấu, chữ số và `-`, ví dụ hop-mat"),
            ));
        }
        if term.name_vi.trim().is_empty() {
            problems.push(FieldProblem::new(
                "name_vi",
                "required",
                "the Vietnamese name is required".into(),
                "Chưa nhập tên tiếng Việt".into(),
            ));
        }
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let sql = format!(
            "INSERT INTO {t} (code, name_vi, name_en, sort_order)
             VALUES ($1, $2, $3, (SELECT COALESCE(MAX(sort_order), 0) + 1 FROM {t}))
             ON CONFLICT (code) DO UPDATE SET name_vi = excluded.name_vi, name_en = excluded.name_en",
            t = list.table()
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(code)
            .bind(term.name_vi.trim())
            .bind(term.name_en.trim())
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// A unit's rows of a register for a period (for budgets: the years of a year or phase).
    pub async fn register_rows<T: StoredRegister>(
        &self,
        unit: &UnitSummary,
        period: &Period,
    ) -> Result<Vec<RegisterRow<T>>, StoreError> {
        let periods = stored_periods(T::KIND, period)?;
        let sql = select_sql::<T>(&format!(
            "t.unit_id = $1 AND t.period IN ({})",
            placeholders(2, periods.len())
        ));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(unit.id);
        for p in &periods {
            q = q.bind(p.clone());
        }
        q.fetch_all(&self.pool).await?.iter().map(read_row).collect()
    }

    /// One row by id.
    pub async fn register_row<T: StoredRegister>(&self, id: i64) -> Result<RegisterRow<T>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        fetch_row(&mut conn, id).await
    }

    /// Adds a row for a unit and period. The record is checked first; when it breaks a
    /// rule, every problem is returned and nothing is stored. Otherwise the row and its
    /// audit entry are written in one transaction.
    pub async fn create_register_row<T: StoredRegister>(
        &self,
        unit: &UnitSummary,
        period: &Period,
        mut record: T,
        actor: &Actor,
    ) -> Result<Saved<T>, StoreError> {
        let mut tx = self.begin_write().await?;
        let lists = load_lists(&mut tx).await?;
        let warnings = checked(&record, period, &lists)?;
        record.normalise();
        let row = insert_row(&mut tx, unit, period, record, actor, &self.now_text(), None).await?;
        tx.commit().await?;
        Ok(Saved {
            row,
            changed: true,
            warnings,
        })
    }

    /// Replaces a row's record; the row keeps its unit and period. Checked and audited as
    /// [`Store::create_register_row`]; a record equal to the stored one changes nothing.
    pub async fn update_register_row<T: StoredRegister>(
        &self,
        id: i64,
        record: T,
        actor: &Actor,
    ) -> Result<Saved<T>, StoreError> {
        let mut tx = self.begin_write().await?;
        let saved = update_row_in(&mut tx, id, record, None, actor, &self.now_text(), None).await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// Removes a row; the audit keeps what it held.
    pub async fn delete_register_row<T: StoredRegister>(
        &self,
        id: i64,
        actor: &Actor,
    ) -> Result<RegisterRow<T>, StoreError> {
        let mut tx = self.begin_write().await?;
        let old: RegisterRow<T> = fetch_row(&mut tx, id).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {} WHERE id = $1", T::TABLE)))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit(&mut tx, "delete", Some(&old), None, actor, &self.now_text(), None).await?;
        tx.commit().await?;
        Ok(old)
    }

    /// The unit's own rows that count in `window` (a dated row by its date, as
    /// [`Store::register_summary`] counts them), for a report's own lists (its documents).
    pub async fn register_rows_dated_over<T: StoredRegister>(
        &self,
        unit: &UnitSummary,
        window: &Window,
    ) -> Result<Vec<RegisterRow<T>>, StoreError> {
        let (condition, values) = rows_of_window::<T>(window)?;
        let sql = select_sql::<T>(&format!("t.unit_id = $1 AND {condition}"));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(unit.id);
        for v in &values {
            q = q.bind(v.clone());
        }
        q.fetch_all(&self.pool).await?.iter().map(read_row).collect()
    }

    /// The rows of `unit` and every unit below it for `period` (as
    /// [`Store::register_summary`] reads them), for tables that list or group rows.
    pub async fn register_rows_in_subtree<T: StoredRegister>(
        &self,
        unit: &UnitSummary,
        period: &Period,
    ) -> Result<Vec<RegisterRow<T>>, StoreError> {
        self.register_rows_in_subtree_over(unit, &Window::from(*period)).await
    }

    /// The same over a window: a range of periods (`2021..2024H1`) or dates.
    pub async fn register_rows_in_subtree_over<T: StoredRegister>(
        &self,
        unit: &UnitSummary,
        window: &Window,
    ) -> Result<Vec<RegisterRow<T>>, StoreError> {
        let (condition, values) = rows_of_window::<T>(window)?;
        let sql = select_sql::<T>(&format!(
            "t.unit_id IN (SELECT unit_id FROM unit_ancestors WHERE ancestor_id = $1) AND {condition}"
        ));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(unit.id);
        for v in &values {
            q = q.bind(v.clone());
        }
        q.fetch_all(&self.pool).await?.iter().map(read_row).collect()
    }

    /// The register's totals over `unit` and every unit below it (pre-2025 units included
    /// in the post-2025 unit that inherited them) for `period`.
    pub async fn register_summary<T: StoredRegister>(
        &self,
        unit: &UnitSummary,
        period: &Period,
    ) -> Result<RegisterSummary<T::Summary>, StoreError> {
        self.register_summary_over::<T>(unit, &Window::from(*period)).await
    }

    /// The register's totals over a window. The committee and the staff are stocks: over a
    /// range or dates they are as last filed inside it (never one year's members added to
    /// the next's); the other registers add up over the window's parts.
    pub async fn register_summary_over<T: StoredRegister>(
        &self,
        unit: &UnitSummary,
        window: &Window,
    ) -> Result<RegisterSummary<T::Summary>, StoreError> {
        let mut rows = self.register_rows_in_subtree_over::<T>(unit, window).await?;
        if window.period().is_none() && matches!(T::KIND, RegisterKind::CommitteeMembers | RegisterKind::Staff) {
            let last = rows.iter().map(|r| r.period).max_by_key(Period::end);
            rows.retain(|r| Some(r.period) == last);
        }
        let lists = self.register_lists().await?;
        let units: BTreeSet<i64> = rows.iter().map(|r| r.unit_id).collect();
        let records: Vec<(Period, T)> = rows.into_iter().map(|r| (r.period, r.record)).collect();
        Ok(RegisterSummary {
            register: T::KIND,
            units_reporting: units.len() as i64,
            rows: records.len() as i64,
            summary: T::summarise(&records, &lists),
        })
    }

    /// The audit entries of one register row, oldest first.
    pub async fn register_audit(&self, kind: RegisterKind, row_id: i64) -> Result<Vec<RegisterAuditEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, register, row_id, period, action, old_json, new_json, changed_by, changed_at, origin
             FROM register_audit WHERE register = $1 AND row_id = $2 ORDER BY id",
        )
        .bind(kind.slug())
        .bind(row_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RegisterAuditEntry {
                    id: r.try_get("id")?,
                    register: r.try_get("register")?,
                    row_id: r.try_get("row_id")?,
                    period: r.try_get("period")?,
                    action: r.try_get("action")?,
                    old_json: r.try_get("old_json")?,
                    new_json: r.try_get("new_json")?,
                    changed_by: r.try_get("changed_by")?,
                    changed_at: r.try_get("changed_at")?,
                    origin: r.try_get("origin")?,
                })
            })
            .collect()
    }

    /// Number of audit entries of all registers.
    pub async fn register_audit_count(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM register_audit")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }
}

// --- Column mapping -------------------------------------------------------------------

/// A checked count as an integer column.
fn int(field: &str, d: Decimal) -> Result<i64, StoreError> {
    i64::try_from(d.normalize())
        .ok()
        .filter(|_| d.fract().is_zero())
        .ok_or_else(|| StoreError::Corrupt(format!("{field} = {d} reached the store unchecked")))
}

fn opt_int(field: &str, d: Option<Decimal>) -> Result<Column, StoreError> {
    Ok(Column::Int(d.map(|d| int(field, d)).transpose()?))
}

fn count_col(field: &str, d: Decimal) -> Result<Column, StoreError> {
    Ok(Column::Int(Some(int(field, d)?)))
}

fn text_col(s: &Option<String>) -> Column {
    Column::Text(s.clone())
}

fn req_text_col(s: &str) -> Column {
    Column::Text(Some(s.to_string()))
}

fn date_col(d: Option<Date>) -> Column {
    Column::Text(d.map(date_to_text))
}

fn money_col(d: Option<Decimal>) -> Column {
    Column::Text(d.map(|d| d.normalize().to_string()))
}

fn sex_col(s: Option<Sex>) -> Column {
    Column::Text(s.map(|s| s.as_str().to_string()))
}

fn get_text(row: &AnyRow, col: &str) -> Result<Option<String>, StoreError> {
    Ok(row.try_get(col)?)
}

fn get_req_text(row: &AnyRow, col: &str) -> Result<String, StoreError> {
    Ok(row.try_get(col)?)
}

fn get_opt_count(row: &AnyRow, col: &str) -> Result<Option<Decimal>, StoreError> {
    Ok(row.try_get::<Option<i64>, _>(col)?.map(Decimal::from))
}

fn get_count(row: &AnyRow, col: &str) -> Result<Decimal, StoreError> {
    Ok(Decimal::from(row.try_get::<i64, _>(col)?))
}

fn get_date(row: &AnyRow, col: &str) -> Result<Option<Date>, StoreError> {
    get_text(row, col)?.map(|s| text_to_date(&s)).transpose()
}

fn get_money(row: &AnyRow, col: &str) -> Result<Option<Decimal>, StoreError> {
    get_text(row, col)?.map(|s| text_to_decimal(&s)).transpose()
}

/// The table a register's rows are kept in.
pub(crate) fn table_of(kind: RegisterKind) -> &'static str {
    match kind {
        RegisterKind::Activities => Activity::TABLE,
        RegisterKind::Budgets => Budget::TABLE,
        RegisterKind::Documents => DirectiveDocument::TABLE,
        RegisterKind::CommitteeMembers => CommitteeMember::TABLE,
        RegisterKind::Staff => Staff::TABLE,
        RegisterKind::GbvCases => GbvCase::TABLE,
        RegisterKind::Inspections => Inspection::TABLE,
    }
}

impl StoredRegister for Activity {
    const TABLE: &'static str = "register_activities";
    const DATE_COLUMN: Option<&'static str> = Some("activity_date");
    const COLUMNS: &'static [&'static str] = &[
        "activity_type",
        "content",
        "quantity",
        "participants_male",
        "participants_female",
        "participants_total",
        "level",
        "activity_date",
        "notes",
    ];

    fn to_columns(&self) -> Result<Vec<Column>, StoreError> {
        Ok(vec![
            req_text_col(&self.activity_type),
            text_col(&self.content),
            count_col("count", self.count)?,
            opt_int("participants_male", self.participants_male)?,
            opt_int("participants_female", self.participants_female)?,
            opt_int("participants_total", self.participants_total)?,
            Column::Text(self.level.map(|l| l.as_str().to_string())),
            date_col(self.date),
            text_col(&self.notes),
        ])
    }

    fn from_row(row: &AnyRow) -> Result<Self, StoreError> {
        Ok(Activity {
            activity_type: get_req_text(row, "activity_type")?,
            content: get_text(row, "content")?,
            count: get_count(row, "quantity")?,
            participants_male: get_opt_count(row, "participants_male")?,
            participants_female: get_opt_count(row, "participants_female")?,
            participants_total: get_opt_count(row, "participants_total")?,
            level: get_text(row, "level")?
                .map(|s| {
                    s.parse::<UnitLevel>()
                        .map_err(|_| StoreError::Corrupt(format!("level `{s}`")))
                })
                .transpose()?,
            date: get_date(row, "activity_date")?,
            notes: get_text(row, "notes")?,
        })
    }
}

impl StoredRegister for Budget {
    const TABLE: &'static str = "register_budgets";
    const COLUMNS: &'static [&'static str] = &["source", "content", "allocated", "spent", "notes"];

    fn to_columns(&self) -> Result<Vec<Column>, StoreError> {
        Ok(vec![
            req_text_col(self.source.as_str()),
            text_col(&self.content),
            money_col(self.allocated),
            money_col(self.spent),
            text_col(&self.notes),
        ])
    }

    fn from_row(row: &AnyRow) -> Result<Self, StoreError> {
        let source = get_req_text(row, "source")?;
        Ok(Budget {
            source: source
                .parse::<BudgetSource>()
                .map_err(|_| StoreError::Corrupt(format!("budget source `{source}`")))?,
            content: get_text(row, "content")?,
            allocated: get_money(row, "allocated")?,
            spent: get_money(row, "spent")?,
            notes: get_text(row, "notes")?,
        })
    }
}

impl StoredRegister for DirectiveDocument {
    const TABLE: &'static str = "register_documents";
    const DATE_COLUMN: Option<&'static str> = Some("issued_on");
    const COLUMNS: &'static [&'static str] = &[
        "row_order",
        "summary",
        "issuing_body",
        "document_type",
        "doc_number",
        "issued_on",
        "notes",
    ];

    fn to_columns(&self) -> Result<Vec<Column>, StoreError> {
        Ok(vec![
            opt_int("order", self.order)?,
            req_text_col(&self.summary),
            req_text_col(&self.issuing_body),
            req_text_col(&self.document_type),
            text_col(&self.number),
            date_col(self.date),
            text_col(&self.notes),
        ])
    }

    fn from_row(row: &AnyRow) -> Result<Self, StoreError> {
        Ok(DirectiveDocument {
            order: get_opt_count(row, "row_order")?,
            summary: get_req_text(row, "summary")?,
            issuing_body: get_req_text(row, "issuing_body")?,
            document_type: get_req_text(row, "document_type")?,
            number: get_text(row, "doc_number")?,
            date: get_date(row, "issued_on")?,
            notes: get_text(row, "notes")?,
        })
    }
}

impl StoredRegister for CommitteeMember {
    const TABLE: &'static str = "register_committee_members";
    const COLUMNS: &'static [&'static str] = &["name", "position", "sex", "agency", "term", "notes"];

    fn to_columns(&self) -> Result<Vec<Column>, StoreError> {
        Ok(vec![
            req_text_col(&self.name),
            req_text_col(&self.position),
            sex_col(Some(self.sex)),
            text_col(&self.agency),
            Column::Text(self.term.map(|t| t.to_string())),
            text_col(&self.notes),
        ])
    }

    fn from_row(row: &AnyRow) -> Result<Self, StoreError> {
        Ok(CommitteeMember {
            name: get_req_text(row, "name")?,
            position: get_req_text(row, "position")?,
            sex: crate::parse_optional::<Sex>(row, "sex")?
                .ok_or_else(|| StoreError::Corrupt("committee member without sex".into()))?,
            agency: get_text(row, "agency")?,
            term: get_text(row, "term")?
                .map(|s| {
                    s.parse::<Period>()
                        .map_err(|_| StoreError::Corrupt(format!("term `{s}`")))
                })
                .transpose()?,
            notes: get_text(row, "notes")?,
        })
    }
}

impl StoredRegister for Staff {
    const TABLE: &'static str = "register_staff";
    const COLUMNS: &'static [&'static str] = &[
        "agency",
        "full_time_male",
        "full_time_female",
        "part_time_male",
        "part_time_female",
        "notes",
    ];

    fn to_columns(&self) -> Result<Vec<Column>, StoreError> {
        Ok(vec![
            text_col(&self.agency),
            count_col("full_time_male", self.full_time_male)?,
            count_col("full_time_female", self.full_time_female)?,
            count_col("part_time_male", self.part_time_male)?,
            count_col("part_time_female", self.part_time_female)?,
            text_col(&self.notes),
        ])
    }

    fn from_row(row: &AnyRow) -> Result<Self, StoreError> {
        Ok(Staff {
            agency: get_text(row, "agency")?,
            full_time_male: get_count(row, "full_time_male")?,
            full_time_female: get_count(row, "full_time_female")?,
            part_time_male: get_count(row, "part_time_male")?,
            part_time_female: get_count(row, "part_time_female")?,
            notes: get_text(row, "notes")?,
        })
    }
}

impl StoredRegister for GbvCase {
    const TABLE: &'static str = "register_gbv_cases";
    const COLUMNS: &'static [&'static str] = &["case_type", "victim_sex", "perpetrator_sex", "cases", "supported"];

    fn to_columns(&self) -> Result<Vec<Column>, StoreError> {
        Ok(vec![
            req_text_col(&self.case_type),
            sex_col(self.victim_sex),
            sex_col(self.perpetrator_sex),
            count_col("cases", self.cases)?,
            opt_int("supported", self.supported)?,
        ])
    }

    fn from_row(row: &AnyRow) -> Result<Self, StoreError> {
        Ok(GbvCase {
            case_type: get_req_text(row, "case_type")?,
            victim_sex: crate::parse_optional(row, "victim_sex")?,
            perpetrator_sex: crate::parse_optional(row, "perpetrator_sex")?,
            cases: get_count(row, "cases")?,
            supported: get_opt_count(row, "supported")?,
        })
    }
}

impl StoredRegister for Inspection {
    const TABLE: &'static str = "register_inspections";
    const DATE_COLUMN: Option<&'static str> = Some("inspected_on");
    const COLUMNS: &'static [&'static str] = &[
        "quantity",
        "subject",
        "findings",
        "violations_found",
        "violations_handled",
        "inspected_on",
        "notes",
    ];

    fn to_columns(&self) -> Result<Vec<Column>, StoreError> {
        Ok(vec![
            count_col("count", self.count)?,
            text_col(&self.subject),
            text_col(&self.findings),
            opt_int("violations_found", self.violations_found)?,
            opt_int("violations_handled", self.violations_handled)?,
            date_col(self.date),
            text_col(&self.notes),
        ])
    }

    fn from_row(row: &AnyRow) -> Result<Self, StoreError> {
        Ok(Inspection {
            count: get_count(row, "quantity")?,
            subject: get_text(row, "subject")?,
            findings: get_text(row, "findings")?,
            violations_found: get_opt_count(row, "violations_found")?,
            violations_handled: get_opt_count(row, "violations_handled")?,
            date: get_date(row, "inspected_on")?,
            notes: get_text(row, "notes")?,
        })
    }
}
