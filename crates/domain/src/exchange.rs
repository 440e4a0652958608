//! Data exchange with DHIS2-family systems: the dataValueSet (DXF2) as JSON, as XML
//! (`http://dhis2.org/schema/dxf/2.0`) and as DHIS2's CSV, and ADX ([`xml_kind`] tells the two
//! XML formats apart by their root, as DHIS2 does); and how binhdang's identifiers map onto
//! DHIS2's with the `CODE` id scheme.
//!
//! - org unit: the GSO code (`12`, `03388`);
//! - data element: binhdang's element code (`6.1.num`);
//! - category option combo: `male` or `female` for a part by sex; the total has none (DHIS2's
//!   default combo; `default` and DHIS2's default UID `HllvX50cXC0` are read as the total);
//! - period: DHIS2's ISO ids — `2024`, `2024S1`/`2024S2` for halves, `2024Q3`, `202403`. A phase
//!   and the Action Month have no DHIS2 period type: their values are not exchanged.
//!
//! Parsing is tolerant where DHIS2 itself is inconsistent (`followUp`/`followup`, a period or
//! org unit given once for the whole set, DXF2 XML's header period written in ADX's
//! `start/duration` form, a value or comment given as a child element by older versions).

pub mod codes;

use crate::{Disaggregation, Period};
use serde::{Deserialize, Serialize};

/// DHIS2's default category option combo, the same on every instance.
pub const DEFAULT_COMBO_UID: &str = "HllvX50cXC0";

/// A dataValueSet as DHIS2 sends and receives it (JSON; XML through [`to_dxf2`]/[`from_dxf2`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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

/// Text as XML, safe in element content and in an attribute in either quote. Tabs and line
/// breaks become character references: a parser turns them into spaces in an attribute value,
/// so a comment's lines would otherwise come back joined.
fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
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
                    annotation.push_str(&reference_text(r)?);
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

/// The text an entity or character reference in element content stands for (`&amp;`, `&#10;`).
fn reference_text(r: quick_xml::events::BytesRef<'_>) -> Result<String, String> {
    let entity = format!("&{};", r.into_inner());
    quick_xml::escape::unescape(&entity)
        .map(|t| t.into_owned())
        .map_err(|e| e.to_string())
}

/// The namespace of DHIS2's XML dataValueSet (DXF2).
pub const DXF2_NAMESPACE: &str = "http://dhis2.org/schema/dxf/2.0";

/// Which XML exchange format a body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XmlKind {
    /// DHIS2's dataValueSet (`<dataValueSet>`), read by [`from_dxf2`].
    Dxf2,
    /// ADX (`<adx>`), read by [`from_adx`].
    Adx,
}

/// Which XML format a body is, by its root element's local name (`dataValueSet` or `adx`), past
/// a BOM, the declaration, comments, a doctype and whitespace: DHIS2 tells them apart the same
/// way when it receives `application/xml`, so a client need not say which it sends. None for
/// another root, or a body that is not XML.
pub fn xml_kind(text: &str) -> Option<XmlKind> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text.trim_start_matches('\u{feff}'));
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) => {
                return match e.local_name().as_ref() {
                    "dataValueSet" => Some(XmlKind::Dxf2),
                    "adx" => Some(XmlKind::Adx),
                    _ => None,
                };
            }
            Event::Text(t) if t.xml10_content().trim().is_empty() => {}
            Event::Decl(_) | Event::Comment(_) | Event::DocType(_) | Event::PI(_) => {}
            _ => return None,
        }
    }
}

/// A dataValueSet as DHIS2's XML (DXF2, `http://dhis2.org/schema/dxf/2.0`): the set's header
/// keys as attributes of `<dataValueSet>`, then one empty `<dataValue>` a value, with the keys
/// it has as attributes. The header period is written as its DHIS2 id, the form every value's
/// period has, not in ADX form as DHIS2 2.43's writer does: older DHIS2 readers know only the id.
pub fn to_dxf2(set: &DataValueSet) -> String {
    fn attribute(out: &mut String, name: &str, value: Option<&str>) {
        if let Some(value) = value {
            out.push_str(&format!(" {name}=\"{}\"", xml_escape(value)));
        }
    }
    let flag = |b: Option<bool>| b.map(|b| if b { "true" } else { "false" });
    let mut out = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<dataValueSet xmlns=\"{DXF2_NAMESPACE}\"");
    attribute(&mut out, "dataSet", set.data_set.as_deref());
    attribute(&mut out, "period", set.period.as_deref());
    attribute(&mut out, "orgUnit", set.org_unit.as_deref());
    attribute(&mut out, "dryRun", flag(set.dry_run));
    out.push_str(">\n");
    for v in &set.data_values {
        out.push_str("  <dataValue");
        attribute(&mut out, "dataElement", Some(&v.data_element));
        attribute(&mut out, "period", v.period.as_deref());
        attribute(&mut out, "orgUnit", v.org_unit.as_deref());
        attribute(&mut out, "categoryOptionCombo", v.category_option_combo.as_deref());
        attribute(&mut out, "value", v.value.as_deref());
        attribute(&mut out, "storedBy", v.stored_by.as_deref());
        attribute(&mut out, "lastUpdated", v.last_updated.as_deref());
        attribute(&mut out, "comment", v.comment.as_deref());
        attribute(&mut out, "followUp", flag(v.follow_up));
        attribute(&mut out, "deleted", flag(v.deleted));
        out.push_str("/>\n");
    }
    out.push_str("</dataValueSet>\n");
    out
}

/// Values from DHIS2's XML dataValueSet (DXF2), as [`to_dxf2`] writes them and DHIS2 does: the
/// header keys from `<dataValueSet>`'s attributes, each value's from its `<dataValue>`'s. As
/// with JSON, a value that names no period or org unit keeps none: the header's applies.
///
/// Tolerant where DHIS2's versions differ: a period in ADX form (`2024-01-01/P6M`, as 2.43's
/// writer puts the header's) is read as its DHIS2 id; a key given as a child element
/// (`<value>5</value>`, `<comment>…</comment>`, as older versions wrote) counts as the attribute
/// would; `followup` is `followUp`. Keys binhdang does not keep (`completeDate`,
/// `attributeOptionCombo`, `created`, the id schemes) are skipped, and only local names are
/// looked at, whatever the namespace.
pub fn from_dxf2(text: &str) -> Result<DataValueSet, String> {
    use quick_xml::events::Event;
    let body = text.trim_start_matches('\u{feff}');
    // Positions are told in the caller's text, BOM included.
    let skipped = (text.len() - body.len()) as u64;
    let mut reader = quick_xml::Reader::from_str(body);
    let at = |position: u64, problem: &dyn std::fmt::Display| {
        format!("not well-formed XML at byte {}: {problem}", position + skipped)
    };
    let mut set = DataValueSet::default();
    // The elements open, by local name; the root is the first.
    let mut open: Vec<String> = Vec::new();
    let mut saw_root = false;
    // The value being read when its dataValue has children, with how many elements are open
    // inside it; and the child being read, with its text so far.
    let mut reading: Option<(DataValue, usize)> = None;
    let mut child: Option<(String, String)> = None;
    loop {
        let start = reader.buffer_position();
        let event = reader.read_event().map_err(|e| at(reader.error_position(), &e))?;
        let empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.local_name().as_ref().to_string();
                let attrs = attributes(&e).map_err(|problem| at(start, &problem))?;
                if open.is_empty() {
                    if saw_root {
                        return Err(at(start, &format!("a second root element <{name}>")));
                    }
                    if name != "dataValueSet" {
                        return Err(format!("the root element is <{name}>, not <dataValueSet>"));
                    }
                    saw_root = true;
                    for (key, text) in attrs {
                        dxf2_header_key(&mut set, &key, text);
                    }
                } else if let Some((value, depth)) = &mut reading {
                    // A key as a child element (`<value>5</value>`); deeper elements add their text.
                    if *depth == open.len() {
                        if empty {
                            dxf2_value_key(value, &name, String::new());
                        } else {
                            child = Some((name.clone(), String::new()));
                        }
                    }
                } else if name == "dataValue" {
                    let mut value = DataValue::default();
                    for (key, text) in attrs {
                        dxf2_value_key(&mut value, &key, text);
                    }
                    if empty {
                        set.data_values.push(value);
                    } else {
                        reading = Some((value, open.len() + 1));
                    }
                }
                if !empty {
                    open.push(name);
                }
            }
            Event::Text(t) => {
                if let Some((_, text)) = &mut child {
                    text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some((_, text)) = &mut child {
                    text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some((_, text)) = &mut child {
                    text.push_str(&reference_text(r).map_err(|problem| at(start, &problem))?);
                }
            }
            Event::End(_) => {
                // quick-xml has checked that the end tag closes the element last opened.
                open.pop();
                let depth = reading.as_ref().map(|(_, depth)| *depth);
                if depth == Some(open.len())
                    && let (Some((value, _)), Some((key, text))) = (&mut reading, child.take())
                {
                    // The child giving a key has ended.
                    dxf2_value_key(value, &key, text.trim().to_string());
                } else if depth == Some(open.len() + 1)
                    && let Some((value, _)) = reading.take()
                {
                    // The dataValue itself has ended.
                    set.data_values.push(value);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(name) = open.last() {
        return Err(at(body.len() as u64, &format!("<{name}> is not closed")));
    }
    if !saw_root {
        return Err("there is no root element: expected <dataValueSet>".into());
    }
    Ok(set)
}

/// A header key of a DXF2 `<dataValueSet>`.
fn dxf2_header_key(set: &mut DataValueSet, key: &str, text: String) {
    match key {
        "dataSet" => set.data_set = Some(text),
        "period" => set.period = Some(dxf2_period(text)),
        "orgUnit" => set.org_unit = Some(text),
        "dryRun" => set.dry_run = xml_bool(&text),
        _ => {}
    }
}

/// A key of a DXF2 `<dataValue>`, given as an attribute or a child element.
fn dxf2_value_key(value: &mut DataValue, key: &str, text: String) {
    match key {
        "dataElement" => value.data_element = text,
        "period" => value.period = Some(dxf2_period(text)),
        "orgUnit" => value.org_unit = Some(text),
        "categoryOptionCombo" => value.category_option_combo = Some(text),
        "value" => value.value = Some(text),
        "comment" => value.comment = Some(text),
        "storedBy" => value.stored_by = Some(text),
        "lastUpdated" => value.last_updated = Some(text),
        "followUp" | "followup" => value.follow_up = xml_bool(&text),
        "deleted" => value.deleted = xml_bool(&text),
        _ => {}
    }
}

/// A period as DXF2 gives it: a DHIS2 id, or ADX's start/duration read as the id. One that is
/// neither is kept as written, so that the import names it as a conflict.
fn dxf2_period(text: String) -> String {
    from_adx_period(&text).and_then(|p| dhis2_period(&p)).unwrap_or(text)
}

/// An XML Schema boolean (`true`/`false`, `1`/`0`); none for anything else, which asserts
/// neither.
fn xml_bool(text: &str) -> Option<bool> {
    match text.trim() {
        t if t.eq_ignore_ascii_case("true") || t == "1" => Some(true),
        t if t.eq_ignore_ascii_case("false") || t == "0" => Some(false),
        _ => None,
    }
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

    #[test]
    fn dxf2_read_back_gives_the_set_written() {
        let set = DataValueSet {
            data_set: Some("BD-6T".into()),
            period: Some("2024S1".into()),
            org_unit: Some("03490".into()),
            dry_run: Some(false),
            data_values: vec![
                DataValue {
                    data_element: "6.1.num".into(),
                    category_option_combo: Some("female".into()),
                    value: Some("8".into()),
                    comment: Some("theo sổ\n'đã kiểm tra'\tlần 2".into()),
                    follow_up: Some(true),
                    ..DataValue::default()
                },
                DataValue {
                    data_element: "2.3.num".into(),
                    period: Some("2024S2".into()),
                    org_unit: Some("109".into()),
                    value: Some("3".into()),
                    ..DataValue::default()
                },
                DataValue {
                    data_element: "9.9.note".into(),
                    value: Some("Tăng <5% & \"ổn định\" 'vững'".into()),
                    ..DataValue::default()
                },
                DataValue {
                    data_element: "6.1.den".into(),
                    category_option_combo: Some("male".into()),
                    stored_by: Some("admin".into()),
                    last_updated: Some("2024-07-01T08:00:00.000".into()),
                    deleted: Some(true),
                    ..DataValue::default()
                },
            ],
        };
        let xml = to_dxf2(&set);
        assert!(
            xml.starts_with(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<dataValueSet \
                 xmlns=\"http://dhis2.org/schema/dxf/2.0\" dataSet=\"BD-6T\" period=\"2024S1\" \
                 orgUnit=\"03490\" dryRun=\"false\">\n"
            ),
            "{xml}"
        );
        assert!(
            xml.contains(
                "  <dataValue dataElement=\"9.9.note\" \
                 value=\"Tăng &lt;5% &amp; &quot;ổn định&quot; &apos;vững&apos;\"/>\n"
            ),
            "{xml}"
        );
        assert!(
            xml.contains("  <dataValue dataElement=\"2.3.num\" period=\"2024S2\" orgUnit=\"109\" value=\"3\"/>\n"),
            "{xml}"
        );
        assert!(xml.ends_with("</dataValueSet>\n"), "{xml}");
        assert_eq!(from_dxf2(&xml), Ok(set.clone()));
        assert_eq!(from_dxf2(&format!("\u{feff}{xml}")), Ok(set), "a BOM is skipped");
    }

    #[test]
    fn dxf2_from_dhis2_reads_the_adx_header_period_and_child_elements() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- DHIS2 2.43 -->
<dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0" dataSet="pBOMPrpg1QX" completeDate="2024-07-10"
    period="2024-01-01/P6M" orgUnit="03490" attributeOptionCombo="HllvX50cXC0" orgUnitIdScheme="CODE">
  <dataValue dataElement="6.1.num" categoryOptionCombo="female" value="8" storedBy="admin"
      created="2024-07-01T08:00:00.000+0000" lastUpdated="2024-07-02T09:30:00.000+0000" followup="false"/>
  <dataValue dataElement="6.1.num" period="202403" orgUnit="109" categoryOptionCombo="HllvX50cXC0">
    <value> 5 </value>
    <comment>Sổ &amp; <![CDATA[<phiếu>]]> &#x111;ủ</comment>
  </dataValue>
  <dataValue dataElement="6.1.den" deleted="true" followUp="1"><comment/></dataValue>
</dataValueSet>
"#;
        let set = from_dxf2(xml).unwrap();
        assert_eq!(set.period.as_deref(), Some("2024S1"));
        assert_eq!(set.org_unit.as_deref(), Some("03490"));
        assert_eq!(set.data_set.as_deref(), Some("pBOMPrpg1QX"));
        assert_eq!(set.dry_run, None);
        assert_eq!(
            set.data_values,
            vec![
                DataValue {
                    data_element: "6.1.num".into(),
                    category_option_combo: Some("female".into()),
                    value: Some("8".into()),
                    stored_by: Some("admin".into()),
                    last_updated: Some("2024-07-02T09:30:00.000+0000".into()),
                    follow_up: Some(false),
                    ..DataValue::default()
                },
                DataValue {
                    data_element: "6.1.num".into(),
                    period: Some("202403".into()),
                    org_unit: Some("109".into()),
                    category_option_combo: Some(DEFAULT_COMBO_UID.into()),
                    value: Some("5".into()),
                    comment: Some("Sổ & <phiếu> đủ".into()),
                    ..DataValue::default()
                },
                DataValue {
                    data_element: "6.1.den".into(),
                    comment: Some(String::new()),
                    follow_up: Some(true),
                    deleted: Some(true),
                    ..DataValue::default()
                },
            ]
        );
        let iso = from_dxf2(r#"<dataValueSet period="2024Q3" dryRun="true"/>"#).unwrap();
        assert_eq!((iso.period.as_deref(), iso.dry_run), (Some("2024Q3"), Some(true)));
        let odd = from_dxf2(r#"<dataValueSet period="2024-02-01/P6M"/>"#).unwrap();
        assert_eq!(
            odd.period.as_deref(),
            Some("2024-02-01/P6M"),
            "kept, for the import to refuse"
        );
    }

    #[test]
    fn xml_kind_tells_dxf2_from_adx_by_the_root() {
        let set = DataValueSet {
            data_values: vec![DataValue {
                data_element: "6.1.num".into(),
                period: Some("2024".into()),
                org_unit: Some("12".into()),
                value: Some("1".into()),
                ..DataValue::default()
            }],
            ..DataValueSet::default()
        };
        assert_eq!(xml_kind(&to_dxf2(&set)), Some(XmlKind::Dxf2));
        assert_eq!(xml_kind(&to_adx(&set, "2026-01-01T00:00:00Z")), Some(XmlKind::Adx));
        assert_eq!(
            xml_kind(
                "\u{feff}<?xml version=\"1.0\"?>\n<!-- from DHIS2 -->\n<!DOCTYPE x>\n  \
                 <dxf:dataValueSet xmlns:dxf=\"http://dhis2.org/schema/dxf/2.0\"/>"
            ),
            Some(XmlKind::Dxf2)
        );
        assert_eq!(
            xml_kind("<adx xmlns=\"urn:ihe:qrph:adx:2015\"><group"),
            Some(XmlKind::Adx)
        );
        for other in [
            "<metadata/>",
            "<group><adx/></group>",
            "",
            "  ",
            "{\"dataValues\": []}",
            "5<adx/>",
        ] {
            assert_eq!(xml_kind(other), None, "{other}");
        }
    }

    #[test]
    fn dxf2_errors_name_the_problem() {
        assert_eq!(
            from_dxf2("<?xml version=\"1.0\"?><adx xmlns=\"urn:ihe:qrph:adx:2015\"/>"),
            Err("the root element is <adx>, not <dataValueSet>".to_string())
        );
        assert_eq!(
            from_dxf2(" \n"),
            Err("there is no root element: expected <dataValueSet>".to_string())
        );
        assert_eq!(
            from_dxf2("<dataValueSet><dataValue dataElement=\"x\"></dataSet></dataValueSet>"),
            Err("not well-formed XML at byte 41: ill-formed document: expected `</dataValue>`, but `</dataSet>` was found".to_string())
        );
        assert_eq!(
            from_dxf2("<dataValueSet><dataValue dataElement=\"x\">"),
            Err("not well-formed XML at byte 41: <dataValue> is not closed".to_string())
        );
        assert_eq!(
            from_dxf2("\u{feff}<dataValueSet><dataValue value=\"1\""),
            Err(
                "not well-formed XML at byte 17: syntax error: tag not closed: `>` not found before end of input"
                    .to_string()
            ),
            "the position counts the BOM"
        );
        let twice = from_dxf2("<dataValueSet/><dataValueSet/>").unwrap_err();
        assert_eq!(
            twice,
            "not well-formed XML at byte 15: a second root element <dataValueSet>"
        );
        let duplicate = from_dxf2("<dataValueSet><dataValue value=\"1\" value=\"2\"/></dataValueSet>").unwrap_err();
        assert_eq!(
            duplicate,
            "not well-formed XML at byte 14: position 20: duplicated attribute, previous declaration at position 10"
        );
    }
}
