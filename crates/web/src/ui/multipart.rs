//! The `multipart/form-data` forms of the upload pages (a file and a few text fields), read
//! with `multer` from a body already read whole, so that each page keeps its own size limit
//! and its own message for a body that is too large.

use axum::body::Bytes;

/// One part of a form: a text field, or the file with the name it had on the visitor's disk.
#[derive(Debug, PartialEq)]
pub struct Part {
    pub name: String,
    /// Empty for a text field; without a folder, as some browsers send a whole path.
    pub file_name: String,
    pub data: Bytes,
}

/// The parts of a form; none when the body is not multipart or cannot be read, which the
/// pages then refuse (no CSRF token, no file) in the visitor's language.
pub async fn parts(content_type: &str, body: Bytes) -> Vec<Part> {
    let Ok(boundary) = multer::parse_boundary(content_type) else {
        return Vec::new();
    };
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(body) });
    let mut form = multer::Multipart::new(stream, boundary);
    let mut out = Vec::new();
    while let Ok(Some(field)) = form.next_field().await {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field
            .file_name()
            .map(|f| f.rsplit(['/', '\\']).next().unwrap_or_default().to_string())
            .unwrap_or_default();
        let Ok(data) = field.bytes().await else { break };
        out.push(Part { name, file_name, data });
    }
    out
}

/// The parts of a document upload form (the legacy import, the check page): the body read
/// up to the largest document and a little room for the other fields; a body over that
/// gives no parts, which the page then says.
pub async fn document_form(headers: &axum::http::HeaderMap, body: axum::body::Body) -> Vec<Part> {
    let limit = crate::api::imports::MAX_UPLOAD_BYTES + 64 * 1024;
    match crate::api::templates::read_body_within(body, limit).await {
        Ok(bytes) => {
            let content_type = headers
                .get(axum::http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            parts(content_type, bytes).await
        }
        Err(_) => Vec::new(),
    }
}

/// A document upload form whose CSRF token checks out: the token in the form's address is
/// checked before a byte of the body is read (a refusal then reaches a visitor still
/// sending); without one there, the form's own `csrf` field is checked once read.
pub async fn checked_document_form(
    session: &super::Session,
    headers: &axum::http::HeaderMap,
    address: &std::collections::HashMap<String, String>,
    body: axum::body::Body,
) -> Result<Vec<Part>, axum::response::Response> {
    if let Some(r) = session.csrf_refusal_in_address(address) {
        return Err(r);
    }
    let parts = document_form(headers, body).await;
    if !address.contains_key("csrf")
        && let Some(r) = session.csrf_refusal(text(&parts, "csrf").as_deref())
    {
        return Err(r);
    }
    Ok(parts)
}

/// Whether the visitor said it sends more than the largest document (`Content-Length`), so
/// that a form read as empty is answered "too large" rather than "choose a file".
pub fn too_large(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|n| n > crate::api::imports::MAX_UPLOAD_BYTES)
}

/// The text of a field, trimmed.
pub fn text(parts: &[Part], name: &str) -> Option<String> {
    parts
        .iter()
        .find(|p| p.name == name && p.file_name.is_empty())
        .map(|p| String::from_utf8_lossy(&p.data).trim().to_string())
}

/// The uploaded file of a field, if one was chosen.
pub fn file<'a>(parts: &'a [Part], name: &str) -> Option<&'a Part> {
    parts.iter().find(|p| p.name == name && !p.file_name.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reads_the_fields_and_the_file_of_a_browsers_form() {
        let ct = "multipart/form-data; boundary=----x42";
        let body = b"------x42\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n\
------x42\r\nContent-Disposition: form-data; name=\"file\"; filename=\"C:\\\\bao cao\\\\2024.txt\"\r\nContent-Type: text/plain\r\n\r\nT\xe1\xbb\xb7 l\xe1\xbb\x87 7/11\r\n--\r\n\r\n------x42--\r\n";
        let parts = parts(ct, Bytes::from_static(body)).await;
        assert_eq!(parts.len(), 2, "{parts:?}");
        assert_eq!(text(&parts, "csrf").as_deref(), Some("abc"));
        let f = file(&parts, "file").unwrap();
        assert_eq!(f.file_name, "2024.txt");
        assert_eq!(String::from_utf8_lossy(&f.data), "Tỷ lệ 7/11\r\n--\r\n");
        assert_eq!(text(&parts, "file"), None, "a file is not a text field");
    }

    #[tokio::test]
    async fn what_is_not_a_multipart_form_has_no_parts() {
        let none = parts("application/x-www-form-urlencoded", Bytes::from_static(b"csrf=abc")).await;
        assert!(none.is_empty());
        let broken = parts(
            "multipart/form-data; boundary=q",
            Bytes::from_static(b"--q\r\nno headers"),
        )
        .await;
        assert!(broken.iter().all(|p| p.name != "csrf"), "{broken:?}");
    }
}
