//! The plain text of an article body, and highlighted snippets of it.

use std::ops::Range;

use super::tokens::{self, Phrase};

/// The text of sanitized article HTML: tags dropped (a block's end becomes a space),
/// entities decoded.
pub fn plain(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        match rest[open..].find('>') {
            Some(close) => {
                text.push(' ');
                rest = &rest[open + close + 1..];
            }
            None => {
                rest = "";
            }
        }
    }
    text.push_str(rest);
    html_escape::decode_html_entities(&text).into_owned()
}

/// The marker around matched terms in a snippet; everything else is HTML-escaped.
pub const MARK: (&str, &str) = ("<mark>", "</mark>");

/// How many characters a snippet of a long text shows around its first match.
const WINDOW_CHARS: usize = 160;

/// `text` as HTML with every occurrence of `phrases` wrapped in [`MARK`], cut to a window
/// around the first one when it is long; `None` when no phrase occurs in it.
pub fn snippet(text: &str, phrases: &[Phrase]) -> Option<String> {
    let tokens = tokens::document(text);
    let mut spans: Vec<Range<usize>> = phrases
        .iter()
        .flat_map(|p| tokens::occurrences(&tokens, p))
        .collect();
    if spans.is_empty() {
        return None;
    }
    spans.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
    let mut merged: Vec<Range<usize>> = Vec::new();
    for span in spans {
        match merged.last_mut() {
            Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
            _ => merged.push(span),
        }
    }
    let window = window(text, merged[0].start);
    let mut out = String::new();
    if window.start > 0 {
        out.push('…');
    }
    let mut at = window.start;
    for span in merged
        .iter()
        .filter(|s| s.start >= window.start && s.end <= window.end)
    {
        out.push_str(&html_escape::encode_text(&text[at..span.start]));
        out.push_str(MARK.0);
        out.push_str(&html_escape::encode_text(&text[span.clone()]));
        out.push_str(MARK.1);
        at = span.end;
    }
    out.push_str(&html_escape::encode_text(&text[at..window.end]));
    if window.end < text.len() {
        out.push('…');
    }
    Some(out)
}

/// `text`, HTML-escaped, cut to the snippet window from its start.
pub fn unmarked(text: &str) -> String {
    let window = window(text, 0);
    let mut out = html_escape::encode_text(&text[window.clone()]).into_owned();
    if window.end < text.len() {
        out.push('…');
    }
    out
}

/// The bytes of `text` a snippet shows: [`WINDOW_CHARS`] characters, starting a quarter of
/// them before `first` (a match's start), on character boundaries.
fn window(text: &str, first: usize) -> Range<usize> {
    let before: Vec<usize> = text[..first]
        .char_indices()
        .map(|(i, _)| i)
        .rev()
        .take(WINDOW_CHARS / 4)
        .collect();
    let start = before.last().copied().unwrap_or(first);
    let end = text[start..]
        .char_indices()
        .nth(WINDOW_CHARS)
        .map_or(text.len(), |(i, _)| start + i);
    let start = if text.chars().count() <= WINDOW_CHARS {
        0
    } else {
        start
    };
    start..end.max(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_text() {
        assert_eq!(
            plain("<p>Tom &amp; Jerry</p><p>3 &lt; 4</p>").trim(),
            "Tom & Jerry  3 < 4"
        );
    }

    #[test]
    fn matches_are_marked_and_the_rest_escaped() {
        let phrases = tokens::query("검색");
        assert_eq!(
            snippet("<인기> 검색어를 보라", &phrases).as_deref(),
            Some("&lt;인기&gt; <mark>검색</mark>어를 보라")
        );
        assert_eq!(snippet("없음", &phrases), None);
        let long = format!("{} cà phê {}", "x ".repeat(200), "y ".repeat(200));
        let cut = snippet(&long, &tokens::query("ca phe")).unwrap_or_default();
        assert!(cut.starts_with('…') && cut.ends_with('…'), "{cut}");
        assert!(cut.contains("<mark>cà</mark> <mark>phê</mark>"), "{cut}");
        assert!(cut.chars().count() < 200, "{cut}");
    }
}
