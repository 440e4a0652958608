//! The registers — the annex tables of the reports — as pages (`/so-theo-doi?unit=&period=
//! &kind=`): one page per register listing the unit's rows for the period, a form to add a
//! row or change one, a button to remove one, and for those who read a whole subtree the
//! register's totals over it. One handler and one template serve the seven registers: the
//! fields, their labels, how each is typed and which are required come from the domain's
//! register definitions ([`binhdang_domain::register`]). Numbers are typed and shown the
//! Vietnamese way (`1.260`, money `15.000.000 đ`), dates as dd/mm/yyyy; rows are written
//! through the same checked, audited paths as the JSON API ([`crate::registers`]).

use super::{Chrome, Session, field, format, render, see_other};
use crate::AppState;
use crate::api::registers::{add_row, change_row, dispatch, field_problem, remove_row};
use crate::auth::authorize;
use crate::error::{ApiError, ApiResult};
use crate::lang::Lang;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use binhdang_domain::access::{Action, Role, permits};
use binhdang_domain::register::{
    Activity, Budget, CheckContext, CommitteeMember, DirectiveDocument, FieldKind, GbvCase, Inspection, Lists,
    RawField, RawRecord, RegisterKind, Severity, Staff, field_kind, field_label, field_required,
};
use binhdang_domain::{Period, PeriodType, vn};
use binhdang_store::UnitSummary;
use binhdang_store::registers::{RegisterRow, StoredRegister};
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

pub struct Tab {
    pub href: String,
    pub label: String,
    pub current: bool,
}

pub struct Choice {
    pub id: String,
    pub label: String,
    pub selected: bool,
}

pub struct Column {
    pub label: String,
    pub numeric: bool,
}

pub struct CellView {
    pub text: String,
    pub numeric: bool,
}

pub struct RowView {
    pub id: i64,
    pub cells: Vec<CellView>,
    pub warnings: Vec<String>,
    pub edit_href: String,
    pub editing: bool,
}

/// One box of the form.
pub struct FieldView {
    pub name: &'static str,
    pub id: String,
    pub label: String,
    /// `text`, `textarea`, `number`, `date` or `select`.
    pub input: &'static str,
    pub hint: String,
    pub value: String,
    pub options: Vec<Choice>,
    pub required: bool,
    pub errors: Vec<String>,
    pub wide: bool,
}

impl FieldView {
    pub fn error_id(&self) -> String {
        format!("{}-error", self.id)
    }
}

pub struct SummaryRow {
    pub label: String,
    pub cells: Vec<String>,
    pub total: bool,
}

/// A register's totals over the unit's subtree, as a table.
pub struct SummaryTable {
    pub columns: Vec<String>,
    pub rows: Vec<SummaryRow>,
}

#[derive(Template)]
#[template(path = "registers.html")]
struct RegisterPage {
    c: Chrome,
    kind_slug: &'static str,
    kind_name: String,
    unit_code: String,
    unit_name: String,
    period_label: String,
    template_href: String,
    upload_href: String,
    tabs: Vec<Tab>,
    periods: Vec<Choice>,
    choose_unit: bool,
    unit_choices: Vec<super::request::UnitChoice>,
    columns: Vec<Column>,
    rows: Vec<RowView>,
    writable: bool,
    /// Whether the caller may write the unit's registers at all (and so use its template).
    may_write: bool,
    locked_reason: Option<String>,
    editing: Option<i64>,
    fields: Vec<FieldView>,
    summary: Option<SummaryTable>,
    summary_note: String,
    action: String,
    cancel_href: String,
}

/// What was typed into the form and what is wrong with it.
#[derive(Default)]
struct Entry {
    /// The row being changed; `None` for a new row.
    id: Option<i64>,
    typed: Option<HashMap<String, String>>,
    by_field: BTreeMap<String, Vec<String>>,
    general: Vec<String>,
}

fn label(field: &str, lang: Lang) -> String {
    let (vi, en) = field_label(field);
    match lang {
        Lang::Vi => vi.to_string(),
        Lang::En => {
            let mut chars = en.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    }
}

fn kind_name(kind: RegisterKind, lang: Lang) -> &'static str {
    if lang == Lang::En {
        kind.name_en()
    } else {
        kind.name_vi()
    }
}

fn page_href(kind: RegisterKind, unit: &str, period: &Period) -> String {
    format!(
        "{}?unit={unit}&period={}&kind={}",
        super::paths::REGISTERS,
        register_period(kind, period),
        kind.slug()
    )
}

/// The period a register keeps its rows by: budgets by year (the year a half-year or a
/// month of action falls in), the others by the period itself.
fn register_period(kind: RegisterKind, period: &Period) -> Period {
    match period.period_type() {
        PeriodType::Year | PeriodType::Phase => *period,
        _ if kind == RegisterKind::Budgets => Period::Year(period.end().year()),
        _ => *period,
    }
}

fn kind_of(q: &HashMap<String, String>) -> Result<RegisterKind, ApiError> {
    match q.get("kind").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(RegisterKind::Activities),
        Some(slug) => crate::api::registers::kind(slug),
    }
}

/// The unit and period a request names (by default the user's unit and its current
/// report), the period made a year for budgets.
async fn target(
    state: &AppState,
    session: &Session,
    q: &HashMap<String, String>,
    kind: RegisterKind,
) -> Result<(UnitSummary, Period), ApiError> {
    let (unit, period) = super::request::target(state, session, q).await?;
    let wanted = register_period(kind, &period);
    if wanted == period {
        return Ok((unit, period));
    }
    Ok(state.store.resolve_unit_period(&unit.code, &wanted.to_string()).await?)
}

/// `GET /so-theo-doi?unit=&period=&kind=[&edit=ID]`
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let kind = kind_of(&q)?;
    let (unit, period) = target(&state, &session, &q, kind).await?;
    authorize(&state, &session.caller, &unit, Action::Read).await?;
    let notice = match q.get("msg").map(String::as_str) {
        Some("saved") => Some(session.t("Đã lưu dòng sổ theo dõi.", "The row has been saved.")),
        Some("deleted") => Some(session.t("Đã xóa dòng sổ theo dõi.", "The row has been removed.")),
        _ => None,
    };
    let entry = Entry {
        id: q.get("edit").and_then(|id| id.trim().parse().ok()),
        ..Entry::default()
    };
    let page = dispatch!(kind, build(&state, &session, &unit, &period, entry))?;
    let mut page = page;
    if let Some(text) = notice {
        page.c = page.c.with_notice("ok", text.to_string());
    }
    Ok(render(StatusCode::OK, &page))
}

/// `POST /so-theo-doi?unit=&period=&kind=` with the row's boxes, `csrf`, `id` (a row to
/// change) and `do` = `save` or `delete`.
pub async fn save(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<HashMap<String, String>>,
    Form(form): Form<Vec<(String, String)>>,
) -> ApiResult<Response> {
    if let Some(r) = session.csrf_refusal(field(&form, "csrf")) {
        return Ok(r);
    }
    let kind = kind_of(&q)?;
    let (unit, period) = target(&state, &session, &q, kind).await?;
    dispatch!(kind, submit(&state, &session, &unit, &period, &form))
}

async fn submit<T: Summarised>(
    state: &AppState,
    session: &Session,
    unit: &UnitSummary,
    period: &Period,
    form: &[(String, String)],
) -> Result<Response, ApiError> {
    let id = field(form, "id").and_then(|id| id.trim().parse::<i64>().ok());
    let back = |msg: &str| see_other(&format!("{}&msg={msg}", page_href(T::KIND, &unit.code, period)));
    if field(form, "do") == Some("delete") {
        let id = id.ok_or_else(|| ApiError::BadRequest {
            message_en: "the form does not say which row to remove".into(),
            message_vi: "Biểu mẫu không cho biết cần xóa dòng nào".into(),
        })?;
        remove_row::<T>(state, &session.caller, id).await?;
        return Ok(back("deleted"));
    }
    let typed: HashMap<String, String> = form.iter().cloned().collect();
    let (raw, mut by_field) = read_typed(&typed, T::FIELDS, session.lang);
    let outcome = if !by_field.is_empty() {
        // Said together with what the boxes that could be read break.
        let lists = state.store.register_lists().await?;
        let more = match T::from_raw(&raw) {
            Err(problems) => problems,
            Ok(record) => record.check(&CheckContext { period, lists: &lists }),
        };
        Err(ApiError::Invalid(
            more.into_iter()
                .filter(|p| p.severity == Severity::Error && !by_field.contains_key(&p.field))
                .map(field_problem)
                .collect(),
        ))
    } else {
        match id {
            Some(id) => change_row::<T>(state, &session.caller, id, &raw).await.map(drop),
            None => match T::from_raw(&raw) {
                Ok(record) => add_row(state, &session.caller, unit, period, record).await.map(drop),
                Err(problems) => Err(ApiError::Invalid(problems.into_iter().map(field_problem).collect())),
            },
        }
    };
    let problems = match outcome {
        Ok(()) => return Ok(back("saved")),
        Err(ApiError::Invalid(problems)) => problems,
        Err(e) => return Err(e),
    };
    let mut general = Vec::new();
    for p in problems {
        let text = super::message_in(&p, session.lang);
        if T::FIELDS.contains(&p.field.as_str()) {
            by_field.entry(p.field).or_default().push(text);
        } else {
            general.push(text);
        }
    }
    let entry = Entry {
        id,
        typed: Some(typed),
        by_field,
        general,
    };
    let page = build::<T>(state, session, unit, period, entry).await?;
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

/// Reads the boxes as the domain reads a record: Vietnamese numbers (`1.260`, `15.000.000
/// đ`) and dates (`08/03/2024`) become canonical ones; what cannot be read is said by box.
fn read_typed(
    typed: &HashMap<String, String>,
    fields: &[&str],
    lang: Lang,
) -> (RawRecord, BTreeMap<String, Vec<String>>) {
    let mut raw = RawRecord::new();
    let mut problems: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for name in fields {
        let Some(text) = typed.get(*name).map(|t| t.trim()).filter(|t| !t.is_empty()) else {
            continue;
        };
        let read = match field_kind(name) {
            FieldKind::Count | FieldKind::Money => {
                let digits = text.trim_end_matches("đồng").trim_end_matches('đ').trim_end();
                vn::parse_number(digits)
                    .map(|d| RawField::Number(d.to_string()))
                    .map_err(|e| {
                        if lang == Lang::En {
                            e.to_string()
                        } else {
                            e.message_vi()
                        }
                    })
            }
            FieldKind::Date => vn::parse_date(text)
                .map(|d| RawField::Text(d.to_string()))
                .map_err(|e| {
                    if lang == Lang::En {
                        e.to_string()
                    } else {
                        e.message_vi()
                    }
                }),
            _ => Ok(RawField::Text(text.to_string())),
        };
        match read {
            Ok(value) => {
                raw.insert(name.to_string(), value);
            }
            Err(message) => problems
                .entry(name.to_string())
                .or_default()
                .push(format!("{}: {message}", label(name, lang))),
        }
    }
    (raw, problems)
}

/// A stored field as the table shows it.
fn shown(kind: FieldKind, value: &Value, lists: &Lists, lang: Lang) -> String {
    let text = match value {
        Value::Null => return format::NONE.into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match kind {
        FieldKind::Count => decimal(&text).map(format::number).unwrap_or(text),
        FieldKind::Money => decimal(&text).map(format::money).unwrap_or(text),
        FieldKind::Date => iso_date(&text).map(format::date).unwrap_or(text),
        FieldKind::Choice(list) => list
            .options(lists)
            .into_iter()
            .find(|t| t.code == text)
            .map(|t| if lang == Lang::En { t.name_en } else { t.name_vi })
            .unwrap_or(text),
        FieldKind::Text | FieldKind::LongText | FieldKind::Term => text,
    }
}

/// A stored field as it is typed back into the form.
fn typed_back(kind: FieldKind, value: &Value) -> String {
    let text = match value {
        Value::Null => return String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match kind {
        FieldKind::Count | FieldKind::Money => decimal(&text).map(format::number).unwrap_or(text),
        FieldKind::Date => iso_date(&text).map(format::date).unwrap_or(text),
        _ => text,
    }
}

fn is_numeric(field: &str) -> bool {
    matches!(field_kind(field), FieldKind::Count | FieldKind::Money)
}

fn decimal(text: &str) -> Option<Decimal> {
    text.parse().ok()
}

fn iso_date(text: &str) -> Option<time::Date> {
    binhdang_domain::register::parse_iso_date(text)
}

fn fields_of<T: StoredRegister>(entry: &Entry, stored: Option<&Value>, lists: &Lists, lang: Lang) -> Vec<FieldView> {
    T::FIELDS
        .iter()
        .map(|name| {
            let kind = field_kind(name);
            let value = match (&entry.typed, stored) {
                (Some(typed), _) => typed.get(*name).cloned().unwrap_or_default(),
                (None, Some(record)) => typed_back(kind, &record[*name]),
                (None, None) => String::new(),
            };
            let (input, hint) = match kind {
                FieldKind::Count | FieldKind::Money => ("number", ""),
                FieldKind::Date => ("date", "dd/mm/yyyy"),
                FieldKind::Term => ("text", "2021-2026"),
                FieldKind::LongText => ("textarea", ""),
                FieldKind::Text => ("text", ""),
                FieldKind::Choice(_) => ("select", ""),
            };
            let options = match kind {
                FieldKind::Choice(list) => list
                    .options(lists)
                    .into_iter()
                    .map(|t| Choice {
                        selected: t.code == value,
                        label: if lang == Lang::En { t.name_en } else { t.name_vi },
                        id: t.code,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            FieldView {
                name,
                id: format!("rf-{}", name.replace('_', "-")),
                label: label(name, lang),
                input,
                hint: hint.to_string(),
                value,
                options,
                required: field_required(name),
                errors: entry.by_field.get(*name).cloned().unwrap_or_default(),
                wide: kind == FieldKind::LongText,
            }
        })
        .collect()
}

async fn build<T: Summarised>(
    state: &AppState,
    session: &Session,
    unit: &UnitSummary,
    period: &Period,
    entry: Entry,
) -> Result<RegisterPage, ApiError> {
    let store = &state.store;
    let lang = session.lang;
    let user = &session.caller.user;
    let lists = store.register_lists().await?;
    let rows: Vec<RegisterRow<T>> = store.register_rows::<T>(unit, period).await?;
    let may_write = permits(user.role, store.reach(user, unit).await?, Action::Write);
    let locked_reason = match store.check_entry_open(unit, period, state.store.today()).await {
        Ok(()) => None,
        Err(binhdang_store::StoreError::Invalid(problems)) => Some(super::messages_in(problems, lang)),
        Err(e) => return Err(e.into()),
    };
    let writable = may_write && locked_reason.is_none();
    let href = page_href(T::KIND, &unit.code, period);
    let editing = entry.id.filter(|id| rows.iter().any(|r| r.id == *id));
    let (row_views, stored) = row_views(&rows, editing, &href, &lists, lang)?;
    let entry = Entry { id: editing, ..entry };
    let fields = fields_of::<T>(&entry, stored.as_ref(), &lists, lang);
    let form_errors = entry.by_field.values().map(Vec::len).sum::<usize>();

    // Who reads a subtree sees the register summed over it.
    let (summary, summary_note) = if user.role == Role::Officer {
        (None, String::new())
    } else {
        subtree_summary::<T>(state, unit, period, lang).await?
    };

    let periods = period_choices::<T>(state, unit, period).await?;
    let title = format!(
        "{} — {} — {}",
        kind_name(T::KIND, lang),
        unit.full_name,
        format::period(period, lang)
    );
    let mut c = session.chrome(title, super::paths::REGISTERS);
    if !entry.general.is_empty() {
        c = c.with_notice("error", entry.general.join(" "));
    } else if form_errors > 0 {
        c = c.with_notice(
            "error",
            session.t(
                "Chưa lưu: có ô nhập chưa đúng. Hãy sửa các ô được đánh dấu trong biểu mẫu.",
                "Nothing was saved: some boxes are not right. Correct the marked boxes in the form.",
            ),
        );
    }
    Ok(RegisterPage {
        c,
        kind_slug: T::KIND.slug(),
        kind_name: kind_name(T::KIND, lang).to_string(),
        unit_code: unit.code.to_string(),
        unit_name: unit.full_name.clone(),
        period_label: format::period(period, lang),
        template_href: format!(
            "/api/v1/templates/entry.xlsx?unit={}&period={period}&sheets=registers",
            unit.code
        ),
        upload_href: format!(
            "{}?unit={}&period={period}&back=registers&kind={}",
            super::paths::UPLOAD,
            unit.code,
            T::KIND.slug()
        ),
        tabs: RegisterKind::ALL
            .iter()
            .map(|k| Tab {
                href: page_href(*k, &unit.code, period),
                label: kind_name(*k, lang).to_string(),
                current: *k == T::KIND,
            })
            .collect(),
        periods: periods
            .iter()
            .map(|p| Choice {
                id: p.to_string(),
                label: format::period(p, lang),
                selected: p == period,
            })
            .collect(),
        choose_unit: user.role != Role::Officer,
        unit_choices: if user.role == Role::Officer {
            Vec::new()
        } else {
            super::request::unit_choices(state, session, period.end()).await?
        },
        columns: T::FIELDS
            .iter()
            .map(|f| Column {
                label: label(f, lang),
                numeric: is_numeric(f),
            })
            .collect(),
        rows: row_views,
        writable,
        may_write,
        locked_reason: locked_reason.filter(|_| may_write),
        editing,
        fields,
        summary,
        summary_note,
        action: href.clone(),
        cancel_href: href,
    })
}

/// The table's rows with their warnings, and the stored record of the row being changed.
fn row_views<T: StoredRegister>(
    rows: &[RegisterRow<T>],
    editing: Option<i64>,
    href: &str,
    lists: &Lists,
    lang: Lang,
) -> Result<(Vec<RowView>, Option<Value>), ApiError> {
    let mut stored = None;
    let mut row_views = Vec::new();
    for row in rows {
        let record = serde_json::to_value(&row.record).map_err(|e| ApiError::Internal(e.to_string()))?;
        let cells = T::FIELDS
            .iter()
            .map(|f| CellView {
                text: shown(field_kind(f), &record[*f], lists, lang),
                numeric: is_numeric(f),
            })
            .collect();
        let warnings = row
            .record
            .check(&CheckContext {
                period: &row.period,
                lists,
            })
            .into_iter()
            .filter(|p| p.severity == Severity::Warning)
            .map(|p| super::message_in(&field_problem(p), lang))
            .collect();
        if editing == Some(row.id) {
            stored = Some(record);
        }
        row_views.push(RowView {
            id: row.id,
            cells,
            warnings,
            edit_href: format!("{href}&edit={}#bieu-mau", row.id),
            editing: editing == Some(row.id),
        });
    }
    Ok((row_views, stored))
}

/// The register summed over the unit's subtree, and a sentence saying over how many rows
/// and units.
async fn subtree_summary<T: Summarised>(
    state: &AppState,
    unit: &UnitSummary,
    period: &Period,
    lang: Lang,
) -> Result<(Option<SummaryTable>, String), ApiError> {
    let s = state.store.register_summary::<T>(unit, period).await?;
    let note = if lang == Lang::En {
        format!(
            "{} rows from {} unit(s) of {} and the units below it.",
            format::number(s.rows.into()),
            format::number(s.units_reporting.into()),
            unit.full_name
        )
    } else {
        format!(
            "{} dòng của {} đơn vị thuộc {} (gồm cả đơn vị cấp dưới).",
            format::number(s.rows.into()),
            format::number(s.units_reporting.into()),
            unit.full_name
        )
    };
    Ok((Some(T::table(&s.summary, lang)), note))
}

/// The periods the register can be shown for, latest first: the unit's reports' periods
/// and the one shown, each as the register keeps its rows.
async fn period_choices<T: StoredRegister>(
    state: &AppState,
    unit: &UnitSummary,
    period: &Period,
) -> Result<Vec<Period>, ApiError> {
    let programmes = state.store.programmes().await?;
    let mut periods: Vec<Period> = Vec::new();
    for p in super::reporting::choices(&programmes, unit, state.store.today())
        .iter()
        .chain(std::iter::once(period))
    {
        let p = register_period(T::KIND, p);
        if !periods.contains(&p) {
            periods.push(p);
        }
    }
    periods.sort_by_key(|p| std::cmp::Reverse(p.end()));
    Ok(periods)
}

// --- Summaries ---------------------------------------------------------------------------

/// How a register's summary reads as a table.
trait Summarised: StoredRegister {
    fn table(summary: &Self::Summary, lang: Lang) -> SummaryTable;
}

fn n(d: Decimal) -> String {
    format::number(d)
}

fn count(rows: i64) -> String {
    format::number(rows.into())
}

fn total_label(lang: Lang) -> String {
    lang.pick("Tổng cộng", "Total").to_string()
}

fn pick(lang: Lang, vi: &str, en: &str) -> String {
    lang.pick(vi, en).to_string()
}

fn row(label: String, cells: Vec<String>) -> SummaryRow {
    SummaryRow {
        label,
        cells,
        total: false,
    }
}

fn total_row(lang: Lang, cells: Vec<String>) -> SummaryRow {
    SummaryRow {
        label: total_label(lang),
        cells,
        total: true,
    }
}

/// Column headings: the first names the rows, the others are fields' labels.
fn headings(first: String, fields: &[&str], lang: Lang) -> Vec<String> {
    std::iter::once(first)
        .chain(fields.iter().map(|f| label(f, lang)))
        .collect()
}

impl Summarised for Activity {
    fn table(s: &Self::Summary, lang: Lang) -> SummaryTable {
        let fields = [
            "count",
            "participants_male",
            "participants_female",
            "participants_total",
        ];
        let cells = |t: &binhdang_domain::register::ActivityTotals| {
            vec![
                n(t.count),
                n(t.participants_male),
                n(t.participants_female),
                n(t.participants_total),
            ]
        };
        let mut rows: Vec<SummaryRow> = s
            .by_type
            .iter()
            .map(|t| row(pick(lang, &t.name_vi, &t.name_en), cells(&t.totals)))
            .collect();
        rows.push(total_row(lang, cells(&s.total)));
        SummaryTable {
            columns: headings(label("activity_type", lang), &fields, lang),
            rows,
        }
    }
}

impl Summarised for Budget {
    fn table(s: &Self::Summary, lang: Lang) -> SummaryTable {
        let cells =
            |t: &binhdang_domain::register::BudgetTotals| vec![format::money(t.allocated), format::money(t.spent)];
        let mut rows = Vec::new();
        for year in &s.by_year {
            for source in &year.by_source {
                rows.push(row(
                    format!("{} — {}", year.year, pick(lang, source.name_vi, source.name_en)),
                    cells(&source.totals),
                ));
            }
        }
        rows.push(total_row(lang, cells(&s.total)));
        SummaryTable {
            columns: headings(label("source", lang), &["allocated", "spent"], lang),
            rows,
        }
    }
}

impl Summarised for DirectiveDocument {
    fn table(s: &Self::Summary, lang: Lang) -> SummaryTable {
        let mut rows: Vec<SummaryRow> = s
            .by_type
            .iter()
            .map(|t| row(pick(lang, &t.name_vi, &t.name_en), vec![count(t.documents)]))
            .collect();
        rows.push(total_row(lang, vec![count(s.documents)]));
        SummaryTable {
            columns: vec![label("document_type", lang), pick(lang, "Số văn bản", "Documents")],
            rows,
        }
    }
}

fn sex_columns(first: String, lang: Lang) -> Vec<String> {
    vec![
        first,
        pick(lang, "Nam", "Men"),
        pick(lang, "Nữ", "Women"),
        pick(lang, "Tổng", "Total"),
    ]
}

fn sex_cells(c: &binhdang_domain::register::SexCounts) -> Vec<String> {
    vec![n(c.male), n(c.female), n(c.total)]
}

impl Summarised for CommitteeMember {
    fn table(s: &Self::Summary, lang: Lang) -> SummaryTable {
        let mut rows: Vec<SummaryRow> = s
            .by_position
            .iter()
            .map(|p| row(p.position.clone(), sex_cells(&p.members)))
            .collect();
        rows.push(total_row(lang, sex_cells(&s.members)));
        SummaryTable {
            columns: sex_columns(label("position", lang), lang),
            rows,
        }
    }
}

impl Summarised for Staff {
    fn table(s: &Self::Summary, lang: Lang) -> SummaryTable {
        SummaryTable {
            columns: sex_columns(pick(lang, "Cán bộ", "Staff"), lang),
            rows: vec![
                row(pick(lang, "Chuyên trách", "Full-time"), sex_cells(&s.full_time)),
                row(pick(lang, "Kiêm nhiệm", "Part-time"), sex_cells(&s.part_time)),
                total_row(lang, sex_cells(&s.total)),
            ],
        }
    }
}

impl Summarised for GbvCase {
    fn table(s: &Self::Summary, lang: Lang) -> SummaryTable {
        let cells = |t: &binhdang_domain::register::GbvTotals| {
            vec![
                n(t.cases),
                n(t.supported),
                n(t.by_victim_sex.female),
                n(t.by_victim_sex.male),
                n(t.by_victim_sex.unknown),
            ]
        };
        let mut rows: Vec<SummaryRow> = s
            .by_type
            .iter()
            .map(|t| row(pick(lang, &t.name_vi, &t.name_en), cells(&t.totals)))
            .collect();
        rows.push(total_row(lang, cells(&s.total)));
        let mut columns = headings(label("case_type", lang), &["cases", "supported"], lang);
        columns.extend([
            pick(lang, "Nạn nhân nữ", "Female victims"),
            pick(lang, "Nạn nhân nam", "Male victims"),
            pick(lang, "Không rõ giới tính nạn nhân", "Victim's sex not recorded"),
        ]);
        SummaryTable { columns, rows }
    }
}

impl Summarised for Inspection {
    fn table(s: &Self::Summary, lang: Lang) -> SummaryTable {
        SummaryTable {
            columns: headings(
                String::new(),
                &["count", "violations_found", "violations_handled"],
                lang,
            ),
            rows: vec![total_row(
                lang,
                vec![n(s.inspections), n(s.violations_found), n(s.violations_handled)],
            )],
        }
    }
}
