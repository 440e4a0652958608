//! The skeleton of a report that a province may change without recompiling: the names in
//! the header, the summary lines, the legal bases, the opening and closing sentences, the
//! signature and the recipients. Read at run time from `<code>.toml` (or `default.toml`) in
//! the folder configured (`--templates`, `BINHDANG_REPORT_TEMPLATES`); the shipped templates
//! (`data/report-templates/`) are compiled in, so they are found wherever binhdang runs.

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The default template, as shipped in `data/report-templates/default.toml`.
pub const DEFAULT_TEMPLATE: &str = include_str!("../../../data/report-templates/default.toml");

/// The province templates binhdang ships, compiled in so that they are found wherever it
/// runs: (unit code, the file's text).
const SHIPPED: &[(&str, &str)] = &[("12", include_str!("../../../data/report-templates/12.toml"))];

/// The folder of a province's own templates, when one is configured
/// (`BINHDANG_REPORT_TEMPLATES`); never the working directory, so that a report does not
/// change with the folder binhdang was started from.
pub fn configured_dir() -> Option<PathBuf> {
    std::env::var_os("BINHDANG_REPORT_TEMPLATES").map(PathBuf::from)
}

/// Where the template of a report came from: said out loud, so that a province whose own
/// template was not found knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateSource {
    /// A file of the configured folder.
    File(PathBuf),
    /// The template shipped for this unit.
    Shipped(String),
    /// No template for the unit: the shipped default.
    Default(String),
}

impl std::fmt::Display for TemplateSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TemplateSource::File(path) => write!(f, "{}", path.display()),
            TemplateSource::Shipped(code) => write!(f, "the template shipped for unit {code}"),
            TemplateSource::Default(code) => write!(
                f,
                "no template for unit {code}: the shipped default (put {code}.toml in the folder of \
                 BINHDANG_REPORT_TEMPLATES or --templates to use one)"
            ),
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub header: HeaderTemplate,
    pub strategy: DocTemplate,
    pub action_month: DocTemplate,
    /// The phase review; a template written before it existed takes the shipped one.
    #[serde(default)]
    pub review: Option<DocTemplate>,
    /// The report on the Gender Equality Law; likewise.
    #[serde(default)]
    pub law_review: Option<DocTemplate>,
    pub tables: TableTitles,
    pub signature: SignatureTemplate,
    pub registers: RegisterTemplate,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HeaderTemplate {
    pub parent_body: String,
    pub issuing_body: String,
    pub issuer_name: String,
    pub issuer_code: String,
    pub place: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DocTemplate {
    pub doc_type: String,
    pub summary: Vec<String>,
    pub legal_bases: Vec<String>,
    pub opening: String,
    pub closing: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TableTitles {
    pub assessment_title: String,
    pub activities_title: String,
    pub communication_title: String,
    pub documents_title: String,
    pub budget_title: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SignatureTemplate {
    pub authority: Vec<String>,
    pub title: String,
    pub signer: String,
    pub recipients: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RegisterTemplate {
    pub communication_types: Vec<String>,
}

/// A template file that could not be read or understood.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("cannot read the report template {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("the report template {path} is not valid: {message}")]
    Invalid { path: PathBuf, message: String },
}

impl Template {
    /// The phase review's skeleton: the template's own, else the shipped one.
    pub fn review(&self) -> &DocTemplate {
        static SHIPPED: std::sync::OnceLock<DocTemplate> = std::sync::OnceLock::new();
        self.review.as_ref().unwrap_or_else(|| {
            SHIPPED.get_or_init(|| Template::builtin().review.expect("the shipped default has a [review]"))
        })
    }

    /// The law report's skeleton: the template's own, else the shipped one.
    pub fn law_review(&self) -> &DocTemplate {
        static SHIPPED: std::sync::OnceLock<DocTemplate> = std::sync::OnceLock::new();
        self.law_review.as_ref().unwrap_or_else(|| {
            SHIPPED.get_or_init(|| {
                Template::builtin()
                    .law_review
                    .expect("the shipped default has a [law_review]")
            })
        })
    }

    /// The compiled-in default.
    pub fn builtin() -> Template {
        toml::from_str(DEFAULT_TEMPLATE).expect("the shipped default template is valid")
    }

    pub fn parse(text: &str, path: &Path) -> Result<Template, TemplateError> {
        toml::from_str(text).map_err(|e| TemplateError::Invalid {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    }

    /// The template for a unit (see [`Template::find`]).
    pub fn for_unit(dir: Option<&Path>, unit_code: &str) -> Result<Template, TemplateError> {
        Ok(Template::find(dir, unit_code)?.0)
    }

    /// The template for a unit and where it came from: `<dir>/<code>.toml`, else the one
    /// shipped for the unit, else `<dir>/default.toml`, else the shipped default. A file that
    /// exists but is broken is an error, not skipped.
    pub fn find(dir: Option<&Path>, unit_code: &str) -> Result<(Template, TemplateSource), TemplateError> {
        let read = |name: &str| -> Result<Option<(Template, TemplateSource)>, TemplateError> {
            let Some(dir) = dir else { return Ok(None) };
            let path = dir.join(name);
            match std::fs::read_to_string(&path) {
                Ok(text) => Ok(Some((Template::parse(&text, &path)?, TemplateSource::File(path)))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(source) => Err(TemplateError::Io { path, source }),
            }
        };
        if let Some(found) = read(&format!("{unit_code}.toml"))? {
            return Ok(found);
        }
        if let Some((_, text)) = SHIPPED.iter().find(|(code, _)| *code == unit_code) {
            let shipped = Template::parse(text, Path::new(&format!("data/report-templates/{unit_code}.toml")))?;
            return Ok((shipped, TemplateSource::Shipped(unit_code.to_string())));
        }
        if let Some(found) = read("default.toml")? {
            return Ok(found);
        }
        Ok((Template::builtin(), TemplateSource::Default(unit_code.to_string())))
    }
}

/// Values of the placeholders of a template.
#[derive(Debug, Clone)]
pub struct Placeholders {
    /// "TỈNH LAI CHÂU"
    pub unit_upper: String,
    /// "tỉnh Lai Châu"
    pub unit: String,
    /// "Lai Châu"
    pub name: String,
    /// "năm 2024"
    pub period: String,
    /// "2024"
    pub year: String,
    /// The issuer in a sentence: "Ủy ban nhân dân tỉnh Lai Châu" (itself filled).
    pub issuer: String,
}

impl Placeholders {
    pub fn fill(&self, text: &str) -> String {
        text.replace("{issuer}", &self.issuer)
            .replace("{UNIT}", &self.unit_upper)
            .replace("{unit}", &self.unit)
            .replace("{name}", &self.name)
            .replace("{period}", &self.period)
            .replace("{year}", &self.year)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_templates_parse() {
        let builtin = Template::builtin();
        assert_eq!(builtin.header.issuer_code, "UBND");
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/report-templates");
        let lai_chau = Template::for_unit(Some(&dir), "12").unwrap();
        assert_eq!(lai_chau.header.issuing_body, "SỞ NỘI VỤ");
        assert_eq!(Template::for_unit(Some(&dir), "01").unwrap(), builtin);
        // Found wherever binhdang runs: the shipped province template needs no folder.
        let (anywhere, source) = Template::find(None, "12").unwrap();
        assert_eq!((anywhere, source), (lai_chau, TemplateSource::Shipped("12".into())));
        let (_, source) = Template::find(Some(Path::new("/nonexistent")), "01").unwrap();
        assert!(source.to_string().contains("no template for unit 01"), "{source}");
    }

    #[test]
    fn a_broken_template_is_an_error_that_names_the_file() {
        let e = Template::parse("[header]\nparent_body = 1\n", Path::new("x/12.toml")).unwrap_err();
        assert!(e.to_string().contains("x/12.toml"), "{e}");
    }
}
