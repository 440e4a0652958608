//! Saving the entry form (`POST /nhap-lieu`): reading the boxes that changed since the form
//! was loaded, every check in one pass, the save that leaves alone a box someone else
//! changed meanwhile, and the page again with what is wrong beside each box.

use super::{Problems, Typed, build, comment_name, d_label, role_label, value_name, was_name};
use crate::AppState;
use crate::auth::authorize;
use crate::error::{ApiError, ApiResult};
use crate::lang::Lang;
use crate::ui::{Session, field, render, see_other};
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use binhdang_domain::access::Action;
use binhdang_domain::workflow::Transition;
use binhdang_domain::{CategoryCombo, DataElement, Period, ValueType, vn};
use binhdang_engine::Refusal;
use binhdang_store::{RawValue, StoreError, TransitionRequest, UnitSummary, ValueInput};
use std::collections::HashMap;

/// `POST /nhap-lieu?unit=&period=` with the form: `v.<element>.<breakdown>` boxes,
/// `c.<indicator>` comments, `csrf`, and `do` = `save` or `submit` (save, then submit).
pub async fn save(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<HashMap<String, String>>,
    Form(form): Form<Vec<(String, String)>>,
) -> ApiResult<Response> {
    if let Some(r) = session.csrf_refusal(field(&form, "csrf")) {
        return Ok(r);
    }
    let show_all = q.contains_key("all");
    let (unit, period) = crate::ui::request::target(&state, &session, &q).await?;
    authorize(&state, &session.caller, &unit, Action::Write).await?;
    let typed: Typed = form.iter().cloned().collect();
    let (inputs, names, problems) = read_form(&state, &session, &unit, &period, &typed).await?;
    let back = |msg: &str| {
        let all = if show_all { "&all=1" } else { "" };
        see_other(&format!("/nhap-lieu?unit={}&period={period}{all}&msg={msg}", unit.code))
    };
    if !problems.by_field.is_empty() || !problems.general.is_empty() {
        // All the checks in one pass: what the store would refuse of the boxes that did read
        // as numbers is said now too, not after the others are mended.
        if !inputs.is_empty()
            && let Err(StoreError::Invalid(found)) = state.store.check_values(&unit, &period, &inputs).await
        {
            let mut problems = problems;
            place_problems(&mut problems, found, &names, session.lang);
            let page = build(&state, &session, &unit, &period, show_all, Some(&typed), problems, None).await?;
            return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
        let page = build(&state, &session, &unit, &period, show_all, Some(&typed), problems, None).await?;
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page));
    }
    if !inputs.is_empty() {
        // The form's page validates the report when it is shown again after the save.
        match binhdang_engine::save::write(
            &state.store,
            &session.caller.user,
            &unit,
            &period,
            &inputs,
            &session.caller.actor_for(&unit),
        )
        .await
        {
            Ok(_) => {}
            Err(Refusal::Store(StoreError::Changed(found))) => {
                let target = Target {
                    unit: &unit,
                    period: &period,
                    show_all,
                };
                return save_around_changes(&state, &session, target, &typed, inputs, names, found).await;
            }
            Err(Refusal::Store(StoreError::Invalid(found))) => {
                let mut problems = Problems::default();
                place_problems(&mut problems, found, &names, session.lang);
                let page = build(&state, &session, &unit, &period, show_all, Some(&typed), problems, None).await?;
                return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page));
            }
            Err(refusal) => return Err(refusal.into()),
        }
    }
    if field(&form, "do") != Some("submit") {
        return Ok(back("saved"));
    }
    // Save, then submit.
    authorize(&state, &session.caller, &unit, Action::Submit).await?;
    let Some(programme) = state.store.programme_for(&period).await? else {
        return Ok(back("saved"));
    };
    let request = TransitionRequest {
        transition: Transition::Submit,
        reason: None,
    };
    match state
        .store
        .transition(&unit, &programme, &period, request, &session.caller.actor())
        .await
    {
        Ok(_) => Ok(back("submitted")),
        Err(StoreError::Invalid(found)) => {
            let text = crate::ui::messages_in(found, session.lang);
            let saved = session.t(
                "Đã lưu số liệu, nhưng chưa gửi được báo cáo:",
                "Saved, but not submitted:",
            );
            let page = build(
                &state,
                &session,
                &unit,
                &period,
                show_all,
                None,
                Problems::default(),
                Some(("error", format!("{saved} {text}"))),
            )
            .await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

/// What a box held when the form was loaded, as the value a save expects to replace (`None`
/// when it does not read, which only a hand-made form could send: then nothing is expected).
fn loaded_value(e: &DataElement, was: &str) -> Option<RawValue> {
    if was.is_empty() {
        return Some(RawValue::Null);
    }
    match e.value_type {
        ValueType::Text | ValueType::YesNo => Some(RawValue::Text(was.to_string())),
        _ => vn::parse_number(was).ok().map(|n| RawValue::Text(n.to_string())),
    }
}

/// The form's unit, period and breadth.
#[derive(Clone, Copy)]
struct Target<'a> {
    unit: &'a UnitSummary,
    period: &'a Period,
    show_all: bool,
}

/// Adds the store's refusals to `problems`, each under the box of the input it names.
fn place_problems(problems: &mut Problems, found: Vec<binhdang_store::FieldProblem>, names: &[String], lang: Lang) {
    for p in found {
        let text = crate::ui::message_in(&p, lang);
        match input_index(&p.field).and_then(|i| names.get(i)) {
            Some(name) => problems.by_field.entry(name.clone()).or_default().push(text),
            None => problems.general.push(text),
        }
    }
}

/// The input a problem's field names: `values[3].value` names the fourth.
fn input_index(field: &str) -> Option<usize> {
    field
        .strip_prefix("values[")
        .and_then(|r| r.split(']').next())
        .and_then(|i| i.parse::<usize>().ok())
}

/// A save refused because boxes were changed by someone else since the form was loaded: the
/// other boxes are saved (each still on its own condition), and the page shows each changed
/// box with what it holds now, the officer's figure still in it, to be saved again on purpose.
async fn save_around_changes(
    state: &AppState,
    session: &Session,
    target: Target<'_>,
    typed: &Typed,
    mut inputs: Vec<ValueInput>,
    mut names: Vec<String>,
    mut found: Vec<binhdang_store::FieldProblem>,
) -> ApiResult<Response> {
    let Target { unit, period, show_all } = target;
    let mut problems = Problems::default();
    let mut refused_names = Vec::new();
    // Each round sets aside the boxes changed meanwhile; a few rounds settle any race.
    for _ in 0..3 {
        let mut changed = std::collections::BTreeSet::new();
        for p in &found {
            let text = crate::ui::message_in(p, session.lang);
            match input_index(&p.field).filter(|i| *i < names.len()) {
                Some(i) => {
                    problems.by_field.entry(names[i].clone()).or_default().push(text);
                    changed.insert(i);
                }
                None => problems.general.push(text),
            }
        }
        refused_names.extend(changed.iter().map(|i| names[*i].clone()));
        let (rest, rest_names): (Vec<_>, Vec<_>) = inputs
            .into_iter()
            .zip(names)
            .enumerate()
            .filter(|(i, _)| !changed.contains(i))
            .map(|(_, pair)| pair)
            .unzip();
        (inputs, names) = (rest, rest_names);
        if inputs.is_empty() {
            break;
        }
        let actor = session.caller.actor_for(unit);
        match binhdang_engine::save::write(&state.store, &session.caller.user, unit, period, &inputs, &actor).await {
            Ok(_) => break,
            Err(Refusal::Store(StoreError::Changed(again))) => found = again,
            Err(refusal) => return Err(refusal.into()),
        }
    }
    // The page is shown from what is stored now, but for the refused boxes, which keep the
    // officer's figures: saving it again replaces, on purpose, what the other person saved.
    let refused = refused_names.len();
    let typed: Typed = refused_names
        .into_iter()
        .filter_map(|name| typed.get(&name).map(|v| (name, v.clone())))
        .collect();
    let notice = if session.lang == Lang::En {
        format!(
            "{refused} box(es) were not saved because someone else changed them after you opened the form (see the message \
             under each); the other boxes were saved."
        )
    } else {
        format!(
            "{refused} ô chưa được lưu vì đã có người khác sửa sau khi bạn mở biểu mẫu (xem thông báo dưới từng ô); các ô \
             khác đã được lưu."
        )
    };
    let page = build(
        state,
        session,
        unit,
        period,
        show_all,
        Some(&typed),
        problems,
        Some(("warn", notice)),
    )
    .await?;
    Ok(render(StatusCode::CONFLICT, &page))
}

/// Reads the boxes of the form into value inputs (with the field name of each), or the
/// problems with what was typed. An emptied box removes a stored value.
async fn read_form(
    state: &AppState,
    session: &Session,
    unit: &UnitSummary,
    period: &Period,
    typed: &Typed,
) -> Result<(Vec<ValueInput>, Vec<String>, Problems), ApiError> {
    let lang = session.lang;
    let store = &state.store;
    let stored = store.values_by_key(unit, period).await?;
    let user = &session.caller.user;
    let mut inputs = Vec::new();
    let mut names = Vec::new();
    let mut problems = Problems::default();
    for e in store.data_elements().await? {
        let indicator = e.indicator.as_deref().unwrap_or_default().to_string();
        if !binhdang_engine::scope::may_enter(store, user, &indicator).await? {
            continue;
        }
        let comment_box = comment_name(&indicator);
        let comment = typed
            .get(&comment_box)
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty());
        // A form that says what it was loaded with writes only what the officer changed (a
        // changed comment sends the indicator's figures again, as they carry it), each on
        // condition that nobody else changed it meanwhile.
        let comment_changed = typed
            .get(&was_name(&comment_box))
            .is_none_or(|was| was.trim() != comment.as_deref().unwrap_or(""));
        for d in e.category_combo.options() {
            let name = value_name(&e.code, *d);
            let Some(text) = typed.get(&name) else { continue };
            let text = text.trim();
            let was = typed.get(&was_name(&name)).map(|w| w.trim());
            if was == Some(text) && (text.is_empty() || !comment_changed) {
                continue;
            }
            let value = if text.is_empty() {
                if !stored.contains_key(&(e.code.clone(), *d)) {
                    continue;
                }
                RawValue::Null
            } else {
                match e.value_type {
                    ValueType::Text => RawValue::Text(text.to_string()),
                    ValueType::YesNo if text == "1" || text == "0" => RawValue::Text(text.to_string()),
                    _ => match vn::parse_number(text) {
                        Ok(n) => RawValue::Text(n.to_string()),
                        Err(err) => {
                            let message = if lang == Lang::En {
                                err.to_string()
                            } else {
                                err.message_vi()
                            };
                            let label = role_label(e.role, lang);
                            let cell = if e.category_combo != CategoryCombo::None {
                                format!("{label} ({})", d_label(*d, lang).to_lowercase())
                            } else {
                                label.to_string()
                            };
                            problems
                                .by_field
                                .entry(name.clone())
                                .or_default()
                                .push(format!("{cell}: {message}"));
                            continue;
                        }
                    },
                }
            };
            inputs.push(ValueInput {
                element: e.code.to_string(),
                disaggregation: Some(d.as_str().to_string()),
                value,
                comment: comment.clone(),
                source: None,
                expected: was.and_then(|w| loaded_value(&e, w)),
            });
            names.push(name);
        }
    }
    Ok((inputs, names, problems))
}
