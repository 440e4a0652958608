//! Data exchange with DHIS2-family systems: the dataValueSet (DXF2 JSON) shape, and how
//! binhdang's identifiers map onto DHIS2's with the `CODE` id scheme.
//!
//! - org unit: the GSO code (`12`, `03388`);
//! - data element: binhdang's element code (`6.1.num`);
//! - category option combo: `male` or `female` for a part by sex; the total has none (DHIS2's
//!   default combo; `default` and DHIS2's default UID `HllvX50cXC0` are read as the total);
//! - period: DHIS2's ISO ids — `2024`, `2024S1`/`2024S2` for halves, `2024Q3`, `202403`. A phase
//!   and the Action Month have no DHIS2 period type: their values are not exchanged.
//!
//! Parsing is tolerant where DHIS2 itself is inconsistent (`followUp`/`followup`, a period or
//! org unit given once for the whole set).

use crate::{Disaggregation, Period};
use serde::{Deserialize, Serialize};

/// DHIS2's default category option combo, the same on every instance.
pub const DEFAULT_COMBO_UID: &str = "HllvX50cXC0";

/// A dataValueSet as DHIS2 sends and receives it (JSON).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataValueSet {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_set: Option<String>,
    /// Applies to every value that names none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dry_run: Option<bool>,
    #[serde(default)]
    pub data_values: Vec<DataValue>,
}

/// One value of a dataValueSet.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataValue {
    pub data_element: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_option_combo: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated: Option<String>,
    #[serde(default, alias = "followup", skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
}

/// A binhdang period as a DHIS2 period id, where DHIS2 has the period type.
pub fn dhis2_period(period: &Period) -> Option<String> {
    match *period {
        Period::Year(y) => Some(y.to_string()),
        Period::HalfYear { year, half } => Some(format!("{year}S{half}")),
        Period::Quarter { year, quarter } => Some(format!("{year}Q{quarter}")),
        Period::Month { year, month } => Some(format!("{year}{month:02}")),
        Period::Phase { .. } | Period::ActionMonth(_) => None,
    }
}

/// A DHIS2 period id (`2024`, `2024S1`, `2024Q3`, `202403`, `2024-03`) as a binhdang period.
pub fn from_dhis2_period(id: &str) -> Option<Period> {
    let id = id.trim();
    let year = |s: &str| s.parse::<i32>().ok().filter(|y| (1900..=2200).contains(y));
    let period = if id.len() == 4 {
        Period::Year(year(id)?)
    } else if let Some((y, h)) = id.split_once('S') {
        Period::HalfYear {
            year: year(y)?,
            half: h.parse().ok().filter(|h| *h == 1 || *h == 2)?,
        }
    } else if let Some((y, q)) = id.split_once('Q') {
        Period::Quarter {
            year: year(y)?,
            quarter: q.parse().ok().filter(|q| (1..=4).contains(q))?,
        }
    } else {
        let digits: String = id.chars().filter(|c| *c != '-').collect();
        if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Period::Month {
            year: year(&digits[..4])?,
            month: digits[4..].parse().ok().filter(|m| (1..=12).contains(m))?,
        }
    };
    Some(period)
}

/// The category option combo a disaggregation is exchanged as (none for the total).
pub fn combo_of(d: Disaggregation) -> Option<&'static str> {
    match d {
        Disaggregation::Total => None,
        other => Some(other.as_str()),
    }
}

/// The disaggregation a category option combo names: the total for none, `default` or DHIS2's
/// default combo; else one of binhdang's own (`male`, `female`, `total`).
pub fn disaggregation_of(combo: Option<&str>) -> Option<Disaggregation> {
    match combo.map(str::trim) {
        None | Some("") | Some("default") | Some(DEFAULT_COMBO_UID) => Some(Disaggregation::Total),
        Some(other) => other.to_ascii_lowercase().parse().ok(),
    }
}

/// A period as ADX writes it: its first day and an ISO 8601 duration (`2024-01-01/P6M`).
pub fn adx_period(period: &Period) -> Option<String> {
    let duration = match period {
        Period::Year(_) => "P1Y",
        Period::HalfYear { .. } => "P6M",
        Period::Quarter { .. } => "P3M",
        Period::Month { .. } => "P1M",
        Period::Phase { .. } | Period::ActionMonth(_) => return None,
    };
    Some(format!("{}/{duration}", period.start()))
}

/// The columns of DHIS2's CSV export (2.43), in order.
pub const CSV_COLUMNS: [&str; 11] = [
    "dataelement",
    "period",
    "orgunit",
    "categoryoptioncombo",
    "attributeoptioncombo",
    "value",
    "storedby",
    "lastupdated",
    "comment",
    "followup",
    "deleted",
];

/// A dataValueSet as DHIS2's CSV (a heading row, then one value a row).
pub fn to_csv(set: &DataValueSet) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    // Writing into memory cannot fail.
    let _ = out.write_record(CSV_COLUMNS);
    for v in &set.data_values {
        let period = v.period.as_deref().or(set.period.as_deref()).unwrap_or("");
        let org_unit = v.org_unit.as_deref().or(set.org_unit.as_deref()).unwrap_or("");
        let flag = |b: Option<bool>| if b.unwrap_or(false) { "true" } else { "" };
        let _ = out.write_record([
            v.data_element.as_str(),
            period,
            org_unit,
            v.category_option_combo.as_deref().unwrap_or(""),
            "",
            v.value.as_deref().unwrap_or(""),
            v.stored_by.as_deref().unwrap_or(""),
            v.last_updated.as_deref().unwrap_or(""),
            v.comment.as_deref().unwrap_or(""),
            flag(v.follow_up),
            flag(v.deleted),
        ]);
    }
    String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Values from DHIS2's CSV: columns found by their heading (the 2.43 names or the older short
/// ones: `catoptcombo`, `cmt`); data element, period and org unit are required.
pub fn from_csv(text: &str) -> Result<DataValueSet, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| format!("the CSV has no heading row: {e}"))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let column = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let (Some(de), Some(pe), Some(ou)) = (
        column(&["dataelement", "de"]),
        column(&["period", "pe"]),
        column(&["orgunit", "ou"]),
    ) else {
        return Err("the heading must name dataelement, period and orgunit".into());
    };
    let (coc, value) = (
        column(&["categoryoptioncombo", "catoptcombo", "co"]),
        column(&["value"]),
    );
    let (comment, deleted) = (column(&["comment", "cmt"]), column(&["deleted"]));
    let mut set = DataValueSet::default();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("row {}: {e}", i + 1))?;
        let cell = |c: Option<usize>| c.and_then(|c| record.get(c)).map(str::trim).filter(|t| !t.is_empty());
        set.data_values.push(DataValue {
            data_element: cell(Some(de)).unwrap_or("").to_string(),
            period: cell(Some(pe)).map(str::to_string),
            org_unit: cell(Some(ou)).map(str::to_string),
            category_option_combo: cell(coc).map(str::to_string),
            value: cell(value).map(str::to_string),
            comment: cell(comment).map(str::to_string),
            deleted: cell(deleted).map(|d| d.eq_ignore_ascii_case("true")),
            ..DataValue::default()
        });
    }
    Ok(set)
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A dataValueSet as ADX (IHE QRPH, `urn:ihe:qrph:adx:2015`): one group per org unit and
/// period, the sex as the `SEX` category (`M`, `F`; none for the total); a value that is not a
/// number goes in an annotation, with `value="0"`, as DHIS2 writes it.
pub fn to_adx(set: &DataValueSet, exported: &str) -> String {
    let mut groups: Vec<((String, String), Vec<&DataValue>)> = Vec::new();
    for v in &set.data_values {
        let org_unit = v.org_unit.clone().or(set.org_unit.clone()).unwrap_or_default();
        let period = v.period.clone().or(set.period.clone()).unwrap_or_default();
        let key = (org_unit, period);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(v),
            None => groups.push((key, vec![v])),
        }
    }
    let mut out = format!(
        "<adx xmlns=\"urn:ihe:qrph:adx:2015\" exported=\"{}\">\n",
        xml_escape(exported)
    );
    for ((org_unit, period), values) in groups {
        let adx = from_dhis2_period(&period)
            .and_then(|p| adx_period(&p))
            .unwrap_or(period);
        out.push_str(&format!(
            "  <group orgUnit=\"{}\" period=\"{}\">\n",
            xml_escape(&org_unit),
            xml_escape(&adx)
        ));
        for v in values {
            // A dimension attribute per category: SEX="M"/"F", else the combination's name
            // with binhdang's option code (ETHNICITY="kinh", AGE_GROUP="age_60_plus").
            let sex = match disaggregation_of(v.category_option_combo.as_deref()) {
                Some(Disaggregation::Male) => " SEX=\"M\"".to_string(),
                Some(Disaggregation::Female) => " SEX=\"F\"".to_string(),
                Some(d) if d != Disaggregation::Total => {
                    format!(" {}=\"{}\"", d.combo().as_str().to_ascii_uppercase(), d.as_str())
                }
                _ => String::new(),
            };
            let value = v.value.as_deref().unwrap_or("");
            let numeric = !value.is_empty() && value.parse::<f64>().is_ok();
            if numeric {
                out.push_str(&format!(
                    "    <dataValue dataElement=\"{}\"{sex} value=\"{}\"/>\n",
                    xml_escape(&v.data_element),
                    xml_escape(value)
                ));
            } else {
                out.push_str(&format!(
                    "    <dataValue dataElement=\"{}\"{sex} value=\"0\"><annotation>{}</annotation></dataValue>\n",
                    xml_escape(&v.data_element),
                    xml_escape(value)
                ));
            }
        }
        out.push_str("  </group>\n");
    }
    out.push_str("</adx>\n");
    out
}

/// The period an ADX group names (`2024-01-01/P6M`) as binhdang's, where it is one of the
/// period types exchanged (a year, a half, a quarter or a month starting on its first day).
pub fn from_adx_period(text: &str) -> Option<Period> {
    let (start, duration) = text.trim().split_once('/')?;
    let mut parts = start.split('-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    if parts.next()? != "01" {
        return None;
    }
    let period = match duration {
        "P1Y" | "P12M" if month == 1 => Period::Year(year),
        "P6M" if month == 1 || month == 7 => Period::HalfYear {
            year,
            half: if month == 1 { 1 } else { 2 },
        },
        "P3M" if month % 3 == 1 => Period::Quarter {
            year,
            quarter: month / 3 + 1,
        },
        "P1M" if (1..=12).contains(&month) => Period::Month { year, month },
        _ => return None,
    };
    Some(period)
}

/// Values from ADX (`urn:ihe:qrph:adx:2015`), as [`to_adx`] writes them and DHIS2 does: each
/// `group`'s `orgUnit` and `period` (start/duration), each `dataValue`'s `dataElement`, its
/// `value` — or its `annotation` when the value is not a number — and a breakdown attribute
/// (`SEX="M"`/`"F"`, or `ETHNICITY`/`AGE_GROUP` with binhdang's option code). A period that is
/// no exchanged type is kept as written, so that the import names it as a conflict.
pub fn from_adx(text: &str) -> Result<DataValueSet, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text.trim_start_matches('\u{feff}'));
    let mut set = DataValueSet::default();
    let (mut org_unit, mut period): (Option<String>, Option<String>) = (None, None);
    let mut saw_adx = false;
    // The value being read when a dataValue has children (an annotation).
    let mut open: Option<(DataValue, String)> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("not well-formed XML at byte {}: {e}", reader.buffer_position()))?;
        match event {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "adx" => saw_adx = true,
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "group" => {
                let attrs = attributes(&e)?;
                org_unit = attrs.iter().find(|(k, _)| k == "orgUnit").map(|(_, v)| v.clone());
                period = attrs.iter().find(|(k, _)| k == "period").map(|(_, v)| {
                    from_adx_period(v)
                        .and_then(|p| dhis2_period(&p))
                        .unwrap_or_else(|| v.clone())
                });
            }
            ref ev @ (Event::Start(ref e) | Event::Empty(ref e)) if e.local_name().as_ref() == "dataValue" => {
                let mut value = DataValue {
                    org_unit: org_unit.clone(),
                    period: period.clone(),
                    ..DataValue::default()
                };
                for (key, text) in attributes(e)? {
                    match key.as_str() {
                        "dataElement" => value.data_element = text,
                        "value" => value.value = Some(text),
                        "SEX" => {
                            value.category_option_combo = Some(
                                match text.as_str() {
                                    "M" => "male",
                                    "F" => "female",
                                    other => other,
                                }
                                .to_string(),
                            )
                        }
                        "ETHNICITY" | "AGE_GROUP" => value.category_option_combo = Some(text.to_ascii_lowercase()),
                        _ => {}
                    }
                }
                if matches!(ev, Event::Empty(_)) {
                    set.data_values.push(value);
                } else {
                    open = Some((value, String::new()));
                }
            }
            Event::Text(t) => {
                if let Some((_, annotation)) = &mut open {
                    annotation.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some((_, annotation)) = &mut open {
                    let entity = format!("&{};", r.into_inner());
                    let resolved = quick_xml::escape::unescape(&entity).map_err(|e| e.to_string())?;
                    annotation.push_str(&resolved);
                }
            }
            Event::End(e) if e.local_name().as_ref() == "dataValue" => {
                if let Some((mut value, annotation)) = open.take() {
                    let annotation = annotation.trim();
                    if !annotation.is_empty() {
                        value.value = Some(annotation.to_string());
                    }
                    set.data_values.push(value);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_adx {
        return Err("the root element is not <adx>".into());
    }
    Ok(set)
}

/// An element's attributes, unescaped.
fn attributes(e: &quick_xml::events::BytesStart<'_>) -> Result<Vec<(String, String)>, String> {
    e.attributes()
        .map(|a| {
            let a = a.map_err(|e| e.to_string())?;
            let key = a.key.local_name().as_ref().to_string();
            let value = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| e.to_string())?
                .into_owned();
            Ok((key, value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adx_read_back_gives_the_values_written() {
        let set = DataValueSet {
            data_values: vec![
                DataValue {
                    data_element: "6.1.num".into(),
                    period: Some("2025S1".into()),
                    org_unit: Some("03490".into()),
                    category_option_combo: Some("female".into()),
                    value: Some("8".into()),
                    ..DataValue::default()
                },
                DataValue {
                    data_element: "2.3.num".into(),
                    period: Some("2024".into()),
                    org_unit: Some("109".into()),
                    value: Some("3".into()),
                    ..DataValue::default()
                },
                DataValue {
                    data_element: "9.9.note".into(),
                    period: Some("2024Q3".into()),
                    org_unit: Some("109".into()),
                    value: Some("Tăng <5% & \"ổn định\"".into()),
                    ..DataValue::default()
                },
            ],
            ..DataValueSet::default()
        };
        let back = from_adx(&to_adx(&set, "2026-03-20T00:00:00Z")).unwrap();
        let row = |v: &DataValue| {
            (
                v.data_element.clone(),
                v.period.clone(),
                v.org_unit.clone(),
                v.category_option_combo.clone(),
                v.value.clone(),
            )
        };
        assert_eq!(
            back.data_values.iter().map(row).collect::<Vec<_>>(),
            set.data_values.iter().map(row).collect::<Vec<_>>()
        );
        assert_eq!(
            from_adx_period("2025-07-01/P6M"),
            Some(Period::HalfYear { year: 2025, half: 2 })
        );
        assert_eq!(
            from_adx_period("2025-02-01/P6M"),
            None,
            "a half starts in January or July"
        );
        assert!(from_adx("<dataValueSet/>").is_err());
        assert!(from_adx("<adx><group").is_err());
    }

    #[test]
    fn periods_map_both_ways_where_dhis2_has_them() {
        for (ours, theirs) in [
            ("2024", "2024"),
            ("2024H1", "2024S1"),
            ("2024H2", "2024S2"),
            ("2024Q3", "2024Q3"),
            ("2024M03", "202403"),
        ] {
            let p: Period = ours.parse().unwrap();
            assert_eq!(dhis2_period(&p).as_deref(), Some(theirs));
            assert_eq!(from_dhis2_period(theirs), Some(p));
        }
        assert_eq!(from_dhis2_period("2024-03"), Some("2024M03".parse().unwrap()));
        assert_eq!(dhis2_period(&"2021-2025".parse().unwrap()), None);
        assert_eq!(dhis2_period(&"2024AM".parse().unwrap()), None);
        for bad in ["2024S3", "2024Q5", "202413", "24", "2024W1", "abcd"] {
            assert_eq!(from_dhis2_period(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_total_is_dhis2s_default_combo() {
        assert_eq!(combo_of(Disaggregation::Total), None);
        assert_eq!(combo_of(Disaggregation::Female), Some("female"));
        for default in [None, Some("default"), Some(DEFAULT_COMBO_UID)] {
            assert_eq!(disaggregation_of(default), Some(Disaggregation::Total));
        }
        assert_eq!(disaggregation_of(Some("MALE")), Some(Disaggregation::Male));
        assert_eq!(disaggregation_of(Some("unknown")), None);
    }

    #[test]
    fn csv_goes_out_and_comes_back_and_adx_groups_by_unit_and_period() {
        let set = DataValueSet {
            data_values: vec![
                DataValue {
                    data_element: "6.1.num".into(),
                    period: Some("2025S1".into()),
                    org_unit: Some("03490".into()),
                    category_option_combo: Some("female".into()),
                    value: Some("8".into()),
                    comment: Some("theo sổ, \"đã kiểm tra\"".into()),
                    ..DataValue::default()
                },
                DataValue {
                    data_element: "2.3.num".into(),
                    period: Some("2025S1".into()),
                    org_unit: Some("109".into()),
                    value: Some("3".into()),
                    ..DataValue::default()
                },
            ],
            ..DataValueSet::default()
        };
        let csv = to_csv(&set);
        assert!(
            csv.starts_with("dataelement,period,orgunit,categoryoptioncombo,"),
            "{csv}"
        );
        let back = from_csv(&csv).unwrap();
        assert_eq!(back.data_values.len(), 2);
        assert_eq!(back.data_values[0].comment.as_deref(), Some("theo sổ, \"đã kiểm tra\""));
        assert_eq!(back.data_values[1].category_option_combo, None);
        let short = from_csv("de,pe,ou,catoptcombo,value\n4.1.num,2024,12,,5\n").unwrap();
        assert_eq!(short.data_values[0].value.as_deref(), Some("5"));
        assert!(from_csv("value\n5\n").is_err());
        let adx = to_adx(&set, "2026-01-01T00:00:00Z");
        assert!(
            adx.contains("<group orgUnit=\"03490\" period=\"2025-01-01/P6M\">"),
            "{adx}"
        );
        assert!(
            adx.contains("<dataValue dataElement=\"6.1.num\" SEX=\"F\" value=\"8\"/>"),
            "{adx}"
        );
        assert!(
            adx.contains("<dataValue dataElement=\"2.3.num\" value=\"3\"/>"),
            "{adx}"
        );
        assert_eq!(
            adx_period(&"2024Q3".parse().unwrap()).as_deref(),
            Some("2024-07-01/P3M")
        );
    }

    #[test]
    fn both_spellings_of_follow_up_are_read() {
        let set: DataValueSet = serde_json::from_str(
            r#"{"period": "2024", "orgUnit": "12", "dataValues": [
                {"dataElement": "6.1.num", "value": "5", "followup": true},
                {"dataElement": "6.1.den", "value": "9", "followUp": false}]}"#,
        )
        .unwrap();
        assert_eq!(set.data_values[0].follow_up, Some(true));
        assert_eq!(set.data_values[1].follow_up, Some(false));
        assert_eq!(set.org_unit.as_deref(), Some("12"));
    }
}
