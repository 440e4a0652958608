//! The caller's language: Vietnamese unless they ask for English with `?lang=en` or an
//! `Accept-Language` header that prefers English.

use axum::extract::FromRequestParts;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::request::Parts;
use std::convert::Infallible;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    /// The Vietnamese or the English of a pair.
    pub fn pick<T>(self, vi: T, en: T) -> T {
        if self == Lang::En { en } else { vi }
    }

    /// A refusal's message in this language.
    pub fn message(self, problem: &binhdang_store::FieldProblem) -> String {
        self.pick(&problem.message_vi, &problem.message_en).clone()
    }

    pub fn from_parts(parts: &Parts) -> Lang {
        let query = parts.uri.query().unwrap_or("");
        for pair in query.split('&') {
            match pair {
                "lang=en" => return Lang::En,
                "lang=vi" => return Lang::Vi,
                _ => {}
            }
        }
        let header = parts
            .headers
            .get(ACCEPT_LANGUAGE)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        // The first listed language is the preferred one in practice.
        match header.split([',', ';']).next().map(|s| s.trim().to_ascii_lowercase()) {
            Some(first) if first.starts_with("en") => Lang::En,
            _ => Lang::Vi,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang::from_parts(parts))
    }
}
