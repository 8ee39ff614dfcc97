//! What an SPA needs for share links and search engines: the address of every language
//! edition of an article (for `hreflang`), and Open Graph values in the served language.

use async_graphql::SimpleObject;

use super::locale::Locale;

/// One language edition of an article, for `<link rel="alternate" hreflang="…" href="…">`.
#[derive(SimpleObject, Debug, Clone)]
pub struct ArticleAlternate {
    /// The edition's language.
    pub locale: Locale,
    /// Its BCP 47 code, as `hreflang` takes it (`ko`, `zh-Hant`, …).
    pub hreflang: String,
    /// The edition's canonical URL.
    pub url: String,
}

/// What a share card shows, in the served language: the values of the Open Graph `<meta>`
/// tags (`og:title`, `og:description`, `og:url`, `og:locale`, `og:locale:alternate`,
/// `og:site_name`, `og:type`, `og:image`).
#[derive(SimpleObject, Debug, Clone)]
pub struct OpenGraph {
    /// `og:title`: the headline.
    pub title: String,
    /// `og:description`: the standfirst, if the article has one in the served language.
    pub description: Option<String>,
    /// `og:url`: the canonical URL of the served edition.
    pub url: String,
    /// `og:locale`: the served language as language and territory (`ko_KR`, `zh_TW`, …).
    pub locale: String,
    /// `og:locale:alternate`: the other editions' languages, in the same form.
    pub alternate_locales: Vec<String>,
    /// `og:site_name`: the publisher.
    pub site_name: String,
    /// `og:type`: always `article`.
    #[graphql(name = "type")]
    pub kind: String,
    /// `og:image` and its companions: the cover photo, if the article has one.
    pub image: Option<OpenGraphImage>,
}

/// The `og:image` of a share card.
#[derive(SimpleObject, Debug, Clone)]
pub struct OpenGraphImage {
    /// `og:image`: the photo's URL.
    pub url: String,
    /// `og:image:width`, in pixels.
    pub width: i32,
    /// `og:image:height`, in pixels.
    pub height: i32,
    /// `og:image:alt`, in the served language when the photo has one in it.
    pub alt: Option<String>,
}
