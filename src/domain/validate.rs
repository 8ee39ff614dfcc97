//! Checks on values written by editors; each failure names the field at fault.

use chrono::{DateTime, Utc};

use super::{DomainError, DomainResult};

/// Longest slug.
pub const MAX_SLUG: usize = 120;
/// Longest headline.
pub const MAX_TITLE: usize = 300;
/// Longest standfirst.
pub const MAX_SUMMARY: usize = 1000;
/// Longest article body, in bytes of HTML.
pub const MAX_BODY: usize = 200_000;

/// Whether `value` is a slug: lowercase ASCII letters and digits in words joined by single
/// hyphens. Every stored slug is one, so a lookup by anything else can answer "none" without
/// asking the database (which might not even hold the text: PostgreSQL refuses NUL).
pub fn is_slug(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= MAX_SLUG
        && value.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// A slug checked once by [`Slug::parse`] and trusted after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    /// `value` as a slug, or a refusal naming `field`; see [`is_slug`].
    pub fn parse(field: &'static str, value: &str) -> DomainResult<Slug> {
        if is_slug(value) {
            Ok(Slug(value.to_owned()))
        } else {
            Err(DomainError::invalid(
                field,
                format!(
                    "`{value}` is not a slug: use 1 to {MAX_SLUG} lowercase letters, digits and single hyphens, such as `kpop-comebacks`"
                ),
            ))
        }
    }

    /// The slug's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<Slug> for String {
    fn from(slug: Slug) -> String {
        slug.0
    }
}

/// A required text of at most `max` characters, trimmed.
pub fn text(field: &'static str, value: &str, max: usize) -> DomainResult<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(DomainError::invalid(
            field,
            format!("`{field}` must not be empty"),
        ));
    }
    limit(field, value, max)?;
    Ok(value.to_owned())
}

/// An optional text: blank becomes `None`; otherwise at most `max` characters, trimmed.
pub fn optional_text(
    field: &'static str,
    value: Option<&str>,
    max: usize,
) -> DomainResult<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => {
            limit(field, v, max)?;
            Ok(Some(v.to_owned()))
        }
    }
}

/// An optional absolute http(s) URL.
pub fn optional_url(field: &'static str, value: Option<&str>) -> DomainResult<Option<String>> {
    let Some(url) = optional_text(field, value, 2048)? else {
        return Ok(None);
    };
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or("");
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || url.chars().any(char::is_whitespace) {
        return Err(DomainError::invalid(
            field,
            format!("`{url}` is not an absolute http(s) URL"),
        ));
    }
    Ok(Some(url))
}

/// Checks that `value` is at most `max` characters long and holds no NUL, which no database
/// column of ours can store (PostgreSQL refuses it in text).
fn limit(field: &'static str, value: &str, max: usize) -> DomainResult<()> {
    if value.contains('\0') {
        return Err(DomainError::invalid(
            field,
            format!("`{field}` must not contain NUL characters"),
        ));
    }
    let length = value.chars().count();
    if length > max {
        return Err(DomainError::invalid(
            field,
            format!("`{field}` is {length} characters long; at most {max} are allowed"),
        ));
    }
    Ok(())
}

/// Checks a partner availability window: an expiry, when given, comes after the embargo.
pub fn window(
    embargo_until: Option<DateTime<Utc>>,
    expires_at: Option<DateTime<Utc>>,
) -> DomainResult<()> {
    match (embargo_until, expires_at) {
        (Some(from), Some(to)) if to <= from => Err(DomainError::invalid(
            "expiresAt",
            "`expiresAt` must come after `embargoUntil`",
        )),
        _ => Ok(()),
    }
}

/// Article HTML with everything unsafe removed: scripts, styles, event handlers, and links
/// other than http, https and mailto.
pub fn sanitize_html(html: &str) -> String {
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto"].into())
        .clean(html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_words_joined_by_hyphens() {
        assert_eq!(
            Slug::parse("slug", "kpop-comebacks-2026").unwrap().as_str(),
            "kpop-comebacks-2026"
        );
        for bad in [
            "",
            "Kpop",
            "two--hyphens",
            "-lead",
            "trail-",
            "space here",
            "한글",
        ] {
            assert!(Slug::parse("slug", bad).is_err(), "{bad}");
        }
        assert!(Slug::parse("slug", &"a".repeat(121)).is_err());
        assert!(!is_slug("a\0b"));
    }

    #[test]
    fn texts_refuse_nul_characters() {
        assert!(text("title", "a\0b", 10).is_err());
        assert!(optional_text("summary", Some("\0"), 10).is_err());
        assert!(text("title", "a b", 10).is_ok());
    }

    #[test]
    fn sanitizing_removes_scripts_handlers_and_javascript_urls() {
        let clean = sanitize_html(
            r#"<p onclick="steal()">Hi<script>alert(1)</script> <a href="javascript:alert(1)">x</a> <a href="https://ok.example">ok</a></p>"#,
        );
        assert!(
            !clean.contains("script")
                && !clean.contains("onclick")
                && !clean.contains("javascript")
        );
        assert!(clean.contains(r#"href="https://ok.example""#));
    }

    #[test]
    fn urls_must_be_absolute_http() {
        assert!(optional_url("sourceUrl", Some("https://press.example.org/a")).is_ok());
        assert!(optional_url("sourceUrl", Some("ftp://x")).is_err());
        assert!(optional_url("sourceUrl", Some("https://")).is_err());
        assert_eq!(optional_url("sourceUrl", Some("  ")).unwrap(), None);
    }
}
