//! The data-entry form of a unit for a period (`/nhap-lieu?unit=&period=`): the indicators
//! the unit collects, grouped by objective, each with its numerator and denominator (by sex
//! where the catalogue asks), the percentage worked out as one types, the target that
//! applies and the previous report's value beside it. Numbers are typed the Vietnamese way
//! (`1.260`, `63,6`) and saved through [`binhdang_store::Store::write_values`], with its
//! checks and audit trail; what is wrong is said next to the indicator, in plain words, and
//! what was typed stays on the page. Validation findings (`Store::validate`) show where they
//! apply; a warning asks for an explanation in the indicator's comment box. The same form
//! submits the report.

use super::reporting;
use super::reporting::PeriodChoice;
use super::{Chrome, Session, format, render};
use crate::AppState;
use crate::auth::authorize;
use crate::error::{ApiError, ApiResult};
use crate::lang::Lang;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use binhdang_domain::ElementCode;
use binhdang_domain::IndicatorCode;
use binhdang_domain::access::{Action, Role};
use binhdang_domain::rules::Severity;
use binhdang_domain::workflow::State as WorkflowState;
use binhdang_domain::{
    CategoryCombo, DataElement, Disaggregation, ElementRole, Indicator, MeasureKind, Period, ValueType, vn,
};
use binhdang_store::UnitSummary;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};

mod save;

pub use save::save;

/// One input box.
pub struct InputBox {
    pub name: String,
    pub id: String,
    /// `total`, `male` or `female`.
    pub d: &'static str,
    /// `num`, `den`, `rate` or `value`.
    pub role: &'static str,
    /// `number`, `yesno` or `text`.
    pub kind: &'static str,
    pub label: String,
    pub value: String,
    /// What the server held when the form was loaded: sent back with the form, so that a save
    /// changes only the boxes the officer changed, and is refused for a box someone else
    /// changed meanwhile instead of overwriting it.
    pub was: String,
    pub invalid: bool,
    pub described_by: String,
}

pub struct Row {
    pub label: String,
    pub cells: Vec<InputBox>,
}

/// The computed value of one breakdown.
pub struct Computed {
    pub d: &'static str,
    pub text: String,
    pub label: String,
}

#[derive(Clone)]
pub struct Message {
    pub id: String,
    /// `error-text` or `warn-text`.
    pub class: &'static str,
    pub text: String,
    /// Shown under the stated-rate box (it concerns that box), else under the table of the
    /// boxes it concerns: a numerator larger than its denominator is said beside them.
    pub about_rate: bool,
    /// The first box it concerns, which the list at the top of the form focuses.
    pub box_id: Option<String>,
}

pub struct IndicatorView {
    pub code: String,
    pub anchor: String,
    pub name: String,
    pub parts: String,
    pub quotient: bool,
    /// A share (a percentage): its numerator may not exceed its denominator, said while typing.
    pub share: bool,
    pub factor: String,
    pub suffix: &'static str,
    pub by_parts: bool,
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
    pub computed: Vec<Computed>,
    pub rate: Option<InputBox>,
    pub target: String,
    pub previous: String,
    pub comment_name: String,
    pub comment_id: String,
    pub comment: String,
    /// The comment as loaded (see [`InputBox::was`]).
    pub comment_was: String,
    pub comment_prompt: bool,
    pub messages: Vec<Message>,
    /// The messages shown under the table of boxes, and under the stated-rate box.
    pub under_boxes: Vec<Message>,
    pub under_rate: Vec<Message>,
    pub has_error: bool,
    pub has_warning: bool,
}

pub struct ObjectiveView {
    /// The heading's id, which the section index at the top links to.
    pub anchor: String,
    pub title: String,
    /// Its errors and warnings, counted in the section index.
    pub problems: usize,
    pub indicators: Vec<IndicatorView>,
}

#[derive(Template)]
#[template(path = "entry.html")]
struct EntryPage {
    c: Chrome,
    unit_code: String,
    unit_name: String,
    period_id: String,
    period_label: String,
    template_href: String,
    upload_href: String,
    periods: Vec<PeriodChoice>,
    choose_unit: bool,
    unit_choices: Vec<super::request::UnitChoice>,
    show_all: bool,
    state: String,
    state_class: &'static str,
    deadline: String,
    returned_comment: Option<String>,
    locked: bool,
    /// Whether the caller may write the unit's data (and so download and upload its template).
    may_write: bool,
    /// The form shows what was typed, refused, rather than what is stored.
    unsaved: bool,
    can_submit: bool,
    previous_label: String,
    objectives: Vec<ObjectiveView>,
    errors: usize,
    unexplained: usize,
    /// Who keyed in values of this report on the unit's behalf.
    on_behalf: Vec<String>,
    /// Every message of the form, with a link to it, listed at the top: errors sit far
    /// down a long form.
    problem_links: Vec<ProblemLink>,
}

/// A message of the form as the list at its top shows it.
struct ProblemLink {
    href: String,
    class: &'static str,
    text: String,
}

/// The list at the top: each indicator's messages, in form order, linked to where they are.
fn problem_links(objectives: &[ObjectiveView]) -> Vec<ProblemLink> {
    objectives
        .iter()
        .flat_map(|o| &o.indicators)
        .flat_map(|i| {
            i.messages.iter().map(move |m| ProblemLink {
                href: format!("#{}", m.box_id.as_deref().unwrap_or(&m.id)),
                class: m.class,
                // A rule's message names its indicator; a typed box's does not.
                text: if m.text.contains(&format!(" {} ", i.code)) || m.text.contains(&format!(" {}:", i.code)) {
                    m.text.clone()
                } else {
                    format!("{}: {}", i.code, m.text)
                },
            })
        })
        .collect()
}

/// What the visitor typed, by field name, kept when the form comes back with problems.
type Typed = HashMap<String, String>;

/// Problems to show: by field name (an input), and for the whole form.
#[derive(Default)]
struct Problems {
    by_field: BTreeMap<String, Vec<String>>,
    general: Vec<String>,
}

fn value_name(element: &str, d: Disaggregation) -> String {
    format!("v.{element}.{}", d.as_str())
}

fn comment_name(indicator: &str) -> String {
    format!("c.{indicator}")
}

/// The hidden field that carries what a box held when the form was loaded.
fn was_name(name: &str) -> String {
    format!("was.{name}")
}

fn dom_id(name: &str) -> String {
    name.replace('.', "-")
}

fn d_label(d: Disaggregation, lang: Lang) -> &'static str {
    d.label(lang == Lang::En)
}

fn role_label(role: ElementRole, lang: Lang) -> &'static str {
    lang.pick(role.label_vi(), role.label_en())
}

fn short_role(role: ElementRole) -> &'static str {
    match role {
        ElementRole::Numerator => "num",
        ElementRole::Denominator => "den",
        ElementRole::Rate => "rate",
        ElementRole::Value => "value",
    }
}

/// `GET /nhap-lieu?unit=&period=[&all=1]`
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let (unit, period) = super::request::target(&state, &session, &q).await?;
    authorize(&state, &session.caller, &unit, Action::Write).await?;
    let notice = match q.get("msg").map(String::as_str) {
        Some("saved") => Some((
            "ok",
            session.t("Đã lưu số liệu.", "The figures have been saved.").to_string(),
        )),
        Some("submitted") => Some((
            "ok",
            session
                .t(
                    "Đã gửi báo cáo lên cấp trên để xét duyệt.",
                    "The report has been submitted for review.",
                )
                .to_string(),
        )),
        _ => None,
    };
    let page = build(
        &state,
        &session,
        &unit,
        &period,
        q.contains_key("all"),
        None,
        Problems::default(),
        notice,
    )
    .await?;
    Ok(render(StatusCode::OK, &page))
}

#[allow(clippy::too_many_arguments)]
async fn build(
    state: &AppState,
    session: &Session,
    unit: &UnitSummary,
    period: &Period,
    show_all: bool,
    typed: Option<&Typed>,
    problems: Problems,
    notice: Option<(&'static str, String)>,
) -> Result<EntryPage, ApiError> {
    let store = &state.store;
    let lang = session.lang;
    let user = &session.caller.user;
    let objectives = store.objectives().await?;
    let elements = store.data_elements().await?;
    let stored = store.values_by_key(unit, period).await?;
    let findings = store.validate(unit, period).await?;
    let (errors, _, unexplained) = binhdang_domain::rules::tally(&findings);
    let assessment = store.assessment(unit, period).await?;
    let programmes = store.programmes().await?;
    let previous_period = reporting::previous_report(&programmes, period);
    let previous: HashMap<IndicatorCode, Option<Decimal>> = store
        .figures(unit, &previous_period, &[])
        .await?
        .into_iter()
        .map(|f| (f.indicator.clone(), f.value))
        .collect();
    let programme = store.programme_for(period).await?;
    let submission = match &programme {
        Some(p) => Some(store.submission(unit, &p.code, period).await?),
        None => None,
    };
    let workflow_state = submission.as_ref().map(|s| s.state).unwrap_or(WorkflowState::Draft);
    let locked = workflow_state.locks_data();
    let may_write = binhdang_domain::access::permits(user.role, store.reach(user, unit).await?, Action::Write);

    let indicators = binhdang_engine::form::form_indicators(store, user, unit, period, show_all).await?;
    let mut views: Vec<ObjectiveView> = Vec::new();
    for objective in &objectives {
        let mut list = Vec::new();
        for indicator in indicators.iter().filter(|i| i.objective == objective.number) {
            let own: Vec<&DataElement> = elements
                .iter()
                .filter(|e| e.indicator.as_deref() == Some(indicator.code.as_str()))
                .collect();
            let target = assessment
                .iter()
                .find(|a| a.indicator == indicator.code)
                .and_then(|a| a.target.as_ref())
                .map(|t| {
                    let source = match (t.source, lang) {
                        ("local", Lang::Vi) => format!("địa phương đặt cho {}", t.applies_to),
                        ("local", Lang::En) => format!("set locally for {}", t.applies_to),
                        (_, Lang::Vi) => format!("quốc gia, năm {}", t.applies_to),
                        (_, Lang::En) => format!("national, {}", t.applies_to),
                    };
                    format!("{} ({source})", format::target(indicator, &t.target))
                })
                .unwrap_or_else(|| format::NONE.into());
            let previous = format::value(indicator, previous.get(indicator.code.as_str()).copied().flatten());
            list.push(indicator_view(
                indicator, &own, &stored, typed, &problems, &findings, lang, target, previous,
            ));
        }
        if !list.is_empty() {
            let name = if lang == Lang::En {
                &objective.name_en
            } else {
                &objective.name_vi
            };
            views.push(ObjectiveView {
                anchor: format!("muc-tieu-{}", objective.number),
                title: format!("{} {}: {name}", session.t("Mục tiêu", "Objective"), objective.number),
                problems: list.iter().map(|i| i.messages.len()).sum(),
                indicators: list,
            });
        }
    }

    let title = format!(
        "{} — {} — {}",
        session.t("Nhập số liệu", "Data entry"),
        unit.full_name,
        format::period(period, lang)
    );
    let mut c = session.chrome(title, "/nhap-lieu");
    // A notice of the caller's says what happened (e.g. a partial save); else the problems do.
    let told = notice.is_some();
    if let Some((kind, text)) = notice {
        c = c.with_notice(kind, text);
    }
    if told {
    } else if !problems.general.is_empty() {
        c = c.with_notice("error", problems.general.join(" "));
    } else if !problems.by_field.is_empty() {
        c = c.with_notice(
            "error",
            session.t(
                "Chưa lưu: có ô nhập chưa đúng. Hãy sửa các ô được đánh dấu bên dưới.",
                "Nothing was saved: some boxes are not right. Correct the marked boxes below.",
            ),
        );
    }
    let periods = reporting::period_choices(&programmes, unit, period, store.today(), lang);
    let can_submit =
        programme.is_some() && !locked && matches!(user.role, Role::Officer | Role::Reviewer | Role::Admin);
    Ok(EntryPage {
        c,
        unit_code: unit.code.to_string(),
        unit_name: unit.full_name.clone(),
        period_id: period.to_string(),
        period_label: format::period(period, lang),
        template_href: format!("/api/v1/templates/entry.xlsx?unit={}&period={period}", unit.code),
        upload_href: format!("{}?unit={}&period={period}", super::paths::UPLOAD, unit.code),
        periods,
        choose_unit: user.role == Role::Admin,
        unit_choices: if user.role == Role::Admin {
            super::request::unit_choices(state, session, period.end()).await?
        } else {
            Vec::new()
        },
        show_all,
        state: format::state(workflow_state, lang).to_string(),
        state_class: super::home::state_class(workflow_state),
        deadline: programme
            .as_ref()
            .and_then(|p| p.deadline(period, unit.level))
            .map(format::date)
            .unwrap_or_else(|| format::NONE.into()),
        returned_comment: submission
            .filter(|s| s.state == WorkflowState::Returned)
            .map(|s| s.comment.unwrap_or_default()),
        locked,
        may_write,
        unsaved: typed.is_some(),
        can_submit,
        previous_label: format::period(&previous_period, lang),
        problem_links: problem_links(&views),
        objectives: views,
        errors,
        unexplained,
        on_behalf: super::reporting::on_behalf_lines(store, unit, period, lang).await?,
    })
}

#[allow(clippy::too_many_arguments)]
fn indicator_view(
    indicator: &Indicator,
    elements: &[&DataElement],
    stored: &HashMap<(ElementCode, Disaggregation), binhdang_store::StoredValue>,
    typed: Option<&Typed>,
    problems: &Problems,
    findings: &[binhdang_domain::rules::Finding],
    lang: Lang,
    target: String,
    previous: String,
) -> IndicatorView {
    let code = &indicator.code;
    let anchor = format!("ct-{}", code.replace('.', "-"));
    let quotient = indicator.measure.is_quotient();
    // The parts of the indicator's breakdown (by sex, ethnicity or age), then the total.
    let combo = elements
        .iter()
        .filter(|e| e.role != ElementRole::Rate)
        .map(|e| e.category_combo)
        .find(|c| !c.parts().is_empty())
        .unwrap_or(CategoryCombo::None);
    let by_parts = combo != CategoryCombo::None;
    let order: Vec<Disaggregation> = combo.parts().iter().copied().chain([Disaggregation::Total]).collect();
    let notes = Notes::of(code, &anchor, elements, problems, findings, lang);
    let boxes = Boxes {
        code,
        by_parts,
        lang,
        invalid_fields: &notes.invalid_fields,
        typed,
        stored,
    };
    let mut rows = Vec::new();
    let mut rate = None;
    for e in elements {
        match e.role {
            ElementRole::Rate => rate = Some(boxes.cell(e, Disaggregation::Total)),
            _ => {
                let cells = order
                    .iter()
                    .filter(|d| e.category_combo.allows(**d))
                    .map(|d| boxes.cell(e, *d))
                    .collect::<Vec<_>>();
                rows.push(Row {
                    label: role_label(e.role, lang).to_string(),
                    cells,
                });
            }
        }
    }
    let suffix = if indicator.measure == MeasureKind::Percent {
        "%"
    } else {
        ""
    };
    let computed = if quotient {
        computed_values(indicator, &rows, &order, by_parts, suffix, lang)
    } else {
        Vec::new()
    };
    let parts = match (&indicator.numerator_vi, &indicator.denominator_vi, lang) {
        (Some(n), Some(d), Lang::Vi) => format!("Tử số: {n}. Mẫu số: {d}."),
        _ => String::new(),
    };
    IndicatorView {
        code: code.to_string(),
        anchor,
        name: if lang == Lang::En {
            indicator.name_en.clone()
        } else {
            indicator.name_vi.clone()
        },
        parts,
        quotient,
        share: indicator.measure == MeasureKind::Percent,
        factor: indicator.factor.normalize().to_string(),
        suffix,
        by_parts,
        columns: order.iter().map(|d| d_label(*d, lang).to_string()).collect(),
        rows,
        computed,
        rate,
        target,
        previous,
        comment_id: dom_id(&comment_name(code)),
        comment_name: comment_name(code),
        comment: indicator_comment(code, stored, typed),
        comment_was: typed
            .and_then(|t| t.get(&was_name(&comment_name(code))).cloned())
            .unwrap_or_else(|| indicator_comment(code, stored, None)),
        comment_prompt: notes.comment_prompt,
        under_boxes: notes.messages.iter().filter(|m| !m.about_rate).cloned().collect(),
        under_rate: notes.messages.iter().filter(|m| m.about_rate).cloned().collect(),
        messages: notes.messages,
        has_error: notes.has_error,
        has_warning: notes.has_warning,
    }
}

/// The messages shown with an indicator, the boxes they concern, and what they add up to.
#[derive(Default)]
struct Notes {
    messages: Vec<Message>,
    /// The ids of the messages about a box, by the box's name.
    invalid_fields: HashMap<String, Vec<String>>,
    has_error: bool,
    has_warning: bool,
    /// A warning asks for an explanation in the comment box.
    comment_prompt: bool,
}

impl Notes {
    /// The notes of the indicator `code` (its boxes being `elements`).
    fn of(
        code: &str,
        anchor: &str,
        elements: &[&DataElement],
        problems: &Problems,
        findings: &[binhdang_domain::rules::Finding],
        lang: Lang,
    ) -> Notes {
        let mut notes = Notes::default();
        // Problems with what was typed, said first.
        notes.add_typed_problems(elements, problems);
        // Then what the validation rules found in the saved figures.
        for f in findings {
            notes.add_finding(code, anchor, f, lang);
        }
        notes
    }

    /// Adds the problems with what was typed into the boxes of `elements`.
    fn add_typed_problems(&mut self, elements: &[&DataElement], problems: &Problems) {
        for e in elements {
            for d in e.category_combo.options() {
                let name = value_name(&e.code, *d);
                if let Some(list) = problems.by_field.get(&name) {
                    for text in list {
                        let id = format!("m-{}-{}", dom_id(&name), self.messages.len());
                        self.invalid_fields.entry(name.clone()).or_default().push(id.clone());
                        self.messages.push(Message {
                            id,
                            class: "error-text",
                            text: text.clone(),
                            about_rate: e.role == ElementRole::Rate,
                            box_id: Some(dom_id(&name)),
                        });
                        self.has_error = true;
                    }
                }
            }
        }
    }

    /// Adds a validation finding, if it concerns the indicator `code`.
    fn add_finding(&mut self, code: &str, anchor: &str, f: &binhdang_domain::rules::Finding, lang: Lang) {
        let concerns = f
            .values
            .iter()
            .any(|v| v.element.rsplit_once('.').map(|(i, _)| i) == Some(code));
        if !concerns {
            return;
        }
        let id = format!("m-{anchor}-{}", self.messages.len());
        for v in &f.values {
            self.invalid_fields
                .entry(value_name(&v.element, v.disaggregation))
                .or_default()
                .push(id.clone());
        }
        let mut text = if lang == Lang::En {
            f.message_en.clone()
        } else {
            f.message_vi.clone()
        };
        let class = if f.severity == Severity::Error {
            self.has_error = true;
            "error-text"
        } else {
            self.has_warning = true;
            if f.needs_explanation && !f.explained {
                self.comment_prompt = true;
                text.push_str(if lang == Lang::En {
                    " — explain it in the comment box below before submitting."
                } else {
                    " — hãy ghi giải trình vào ô bên dưới trước khi gửi báo cáo."
                });
            }
            "warn-text"
        };
        let about_rate = f.values.iter().any(|v| v.element.ends_with(ElementRole::Rate.suffix()));
        let box_id = f
            .values
            .first()
            .map(|v| dom_id(&value_name(&v.element, v.disaggregation)));
        self.messages.push(Message {
            id,
            class,
            text,
            about_rate,
            box_id,
        });
    }
}

/// Makes the input boxes of one indicator.
struct Boxes<'a> {
    code: &'a str,
    by_parts: bool,
    lang: Lang,
    invalid_fields: &'a HashMap<String, Vec<String>>,
    typed: Option<&'a Typed>,
    stored: &'a HashMap<(ElementCode, Disaggregation), binhdang_store::StoredValue>,
}

impl Boxes<'_> {
    /// The box of an element's breakdown, with what was typed or is stored in it.
    fn cell(&self, e: &DataElement, d: Disaggregation) -> InputBox {
        let lang = self.lang;
        let code = self.code;
        let name = value_name(&e.code, d);
        let ids = self.invalid_fields.get(&name).cloned().unwrap_or_default();
        let kind = match e.value_type {
            ValueType::YesNo => "yesno",
            ValueType::Text => "text",
            _ => "number",
        };
        let row = role_label(e.role, lang);
        let label = if self.by_parts && e.role != ElementRole::Rate {
            format!("{code} {row}, {}", d_label(d, lang).to_lowercase())
        } else {
            format!("{code} {row}")
        };
        InputBox {
            id: dom_id(&name),
            value: self.shown(&name, &e.code, d),
            was: self
                .typed
                .and_then(|t| t.get(&was_name(&name)).cloned())
                .unwrap_or_else(|| self.stored_text(&e.code, d)),
            invalid: !ids.is_empty(),
            described_by: ids.join(" "),
            name,
            d: d.as_str(),
            role: short_role(e.role),
            kind,
            label,
        }
    }

    /// What a box shows: what was typed, else the stored value the Vietnamese way.
    fn shown(&self, name: &str, element: &ElementCode, d: Disaggregation) -> String {
        match self.typed {
            Some(t) => t.get(name).cloned().unwrap_or_else(|| self.stored_text(element, d)),
            None => self.stored_text(element, d),
        }
    }

    /// The stored value of a box, the Vietnamese way.
    fn stored_text(&self, element: &ElementCode, d: Disaggregation) -> String {
        self.stored
            .get(&(element.clone(), d))
            .map(|v| match (&v.value, &v.text) {
                (Some(n), _) => match Decimal::from_str_exact(n) {
                    Ok(d) => format::number(d),
                    Err(_) => n.clone(),
                },
                (None, Some(t)) => t.clone(),
                _ => String::new(),
            })
            .unwrap_or_default()
    }
}

/// The value worked out for each breakdown of a quotient indicator, with its label.
fn computed_values(
    indicator: &Indicator,
    rows: &[Row],
    order: &[Disaggregation],
    by_parts: bool,
    suffix: &str,
    lang: Lang,
) -> Vec<Computed> {
    order
        .iter()
        .map(|d| Computed {
            d: d.as_str(),
            text: computed_text(indicator, rows, d.as_str(), suffix),
            label: if by_parts {
                format!(
                    "{} {}",
                    if lang == Lang::En { "Value," } else { "Tỷ lệ," },
                    d_label(*d, lang).to_lowercase()
                )
            } else {
                (if lang == Lang::En { "Value" } else { "Tỷ lệ" }).to_string()
            },
        })
        .collect()
}

/// The indicator's comment: as typed, else the one stored with any of its values.
fn indicator_comment(
    code: &str,
    stored: &HashMap<(ElementCode, Disaggregation), binhdang_store::StoredValue>,
    typed: Option<&Typed>,
) -> String {
    match typed {
        Some(t) if t.contains_key(&comment_name(code)) => t[&comment_name(code)].clone(),
        _ => stored
            .iter()
            .filter(|((el, _), _)| el.rsplit_once('.').map(|(i, _)| i) == Some(code))
            .find_map(|(_, v)| v.comment.clone())
            .unwrap_or_default(),
    }
}

/// The value of a breakdown from the boxes as they are, as the browser script computes it.
fn computed_text(indicator: &Indicator, rows: &[Row], d: &str, suffix: &str) -> String {
    let get = |role: &str, d: &str| -> Option<Decimal> {
        rows.iter()
            .flat_map(|r| r.cells.iter())
            .find(|c| c.role == role && c.d == d)
            .and_then(|c| vn::parse_number(&c.value).ok())
    };
    let part = |role: &str| match get(role, d) {
        Some(v) => Some(v),
        None if d == "total" => Some(get(role, "male")? + get(role, "female")?),
        None => None,
    };
    match (part("num"), part("den")) {
        (Some(n), Some(den)) if !den.is_zero() => {
            format!("{}{suffix}", vn::format_number(n / den * indicator.factor, Some(1)))
        }
        _ => format::NONE.into(),
    }
}
