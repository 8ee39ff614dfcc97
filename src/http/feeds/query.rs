//! What a feed shows, read through the public GraphQL API with the caller's own rights: a
//! feed sees exactly what its reader (or partner key) would see in a list of articles.

use async_graphql::{InputType, Name, Request, Value, Variables};
use indexmap::IndexMap;
use serde::Deserialize;

use crate::{domain::locale::Locale, graphql::locale::Locale as GqlLocale};

/// The newest articles readable in one language, in one category (with its subcategories)
/// or in all of them, with everything an entry shows.
const DOCUMENT: &str = r#"query Feed($locale: Locale!, $category: String, $slug: String!, $inCategory: Boolean!, $first: Int!) {
  articles(first: $first, locales: [$locale], filter: { category: $category, availableIn: $locale }) {
    nodes {
      id title summary body locale publishedAt updatedAt byline canonicalUrl copyright
      alternates { hreflang url }
      category { slug name }
      tags { slug name }
      coverImage { url width height alt }
    }
  }
  category(slug: $slug, locales: [$locale]) @include(if: $inCategory) { name }
}"#;

/// The GraphQL request for the feed of `locale`, narrowed to `category` if given.
pub fn request(locale: Locale, category: Option<&str>, size: u64) -> Request {
    let mut variables = IndexMap::new();
    variables.insert(Name::new("locale"), GqlLocale::from(locale).to_value());
    variables.insert(
        Name::new("category"),
        category.map_or(Value::Null, |slug| Value::String(slug.to_owned())),
    );
    variables.insert(
        Name::new("slug"),
        Value::String(category.unwrap_or_default().to_owned()),
    );
    variables.insert(Name::new("inCategory"), Value::Boolean(category.is_some()));
    variables.insert(Name::new("first"), Value::from(size));
    Request::new(DOCUMENT).variables(Variables::from_value(Value::Object(variables)))
}

/// The answer to [`request`].
#[derive(Debug, Deserialize)]
pub struct Reply {
    /// The articles.
    pub articles: Nodes,
    /// The category, when the feed is one category's.
    pub category: Option<Named>,
}

/// A list of articles.
#[derive(Debug, Deserialize)]
pub struct Nodes {
    /// Newest first.
    pub nodes: Vec<Entry>,
}

/// One article as a feed entry shows it, in the feed's language.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// Its global id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its summary.
    pub summary: Option<String>,
    /// Its body, sanitized HTML.
    pub body: String,
    /// When it was published (RFC 3339).
    pub published_at: Option<String>,
    /// When it last changed (RFC 3339).
    pub updated_at: String,
    /// Who wrote it.
    pub byline: Option<String>,
    /// Its address in the feed's language.
    pub canonical_url: String,
    /// Its copyright line.
    pub copyright: String,
    /// Every language edition's address.
    pub alternates: Vec<Alternate>,
    /// Its category.
    pub category: Slugged,
    /// Its tags.
    pub tags: Vec<Slugged>,
    /// Its cover photo.
    pub cover_image: Option<Cover>,
}

/// A language edition's address.
#[derive(Debug, Deserialize)]
pub struct Alternate {
    /// Its BCP 47 code.
    pub hreflang: String,
    /// Its canonical URL.
    pub url: String,
}

/// A category or tag: slug and localized name.
#[derive(Debug, Deserialize)]
pub struct Slugged {
    /// Its slug.
    pub slug: String,
    /// Its name in the feed's language, or the best fallback.
    pub name: String,
}

/// Something with a name.
#[derive(Debug, Deserialize)]
pub struct Named {
    /// The name in the feed's language, or the best fallback.
    pub name: String,
}

/// A cover photo.
#[derive(Debug, Deserialize)]
pub struct Cover {
    /// Its URL.
    pub url: String,
    /// Width in pixels.
    pub width: i32,
    /// Height in pixels.
    pub height: i32,
    /// Its alt text.
    pub alt: Option<String>,
}
