//! The `search` root field: ranked hits with highlighted snippets.

use std::sync::Arc;

use async_graphql::{Context, Object};
use chrono::Utc;
use entity::{article, article_translation};

use super::{
    article::{default_filter, Article, ArticleFilter},
    connection::PageInfo,
    context::{self, preferences, Preferences},
    error::DomainResultExt,
    in_order::InOrder,
    locale::Locale,
    prefetch::{self, Known},
    surrogate::{self, Shows},
};
use crate::domain::{
    articles, locale as domain_locale,
    page::{self, Page},
    search::{
        query::{self as search, Hit, HitCursor, Match},
        text,
        tokens::Phrase,
    },
};

/// An article found, with its score and a snippet.
pub struct SearchEdge {
    hit: Hit,
    locales: Preferences,
    phrases: Arc<[Phrase]>,
}

impl SearchEdge {
    /// The snippet of `texts` (the article's translations): from the served translation if
    /// the query matches it, else from the first that it matches, trying the title, then
    /// the summary, then the body. Only the translations whose documents matched are read.
    fn snippet_of(&self, texts: &[article_translation::Model]) -> String {
        let has = |l| texts.iter().any(|t| t.locale == l);
        let served = domain_locale::pick(&self.locales, has, self.hit.row.original_locale);
        let mut ordered: Vec<&article_translation::Model> = texts.iter().collect();
        ordered.sort_by_key(|t| t.locale != served);
        let matched = ordered
            .iter()
            .filter(|t| self.hit.matched.contains(&t.locale));
        for translation in matched {
            let heading = [
                Some(translation.title.as_str()),
                translation.summary.as_deref(),
            ];
            for field in heading.into_iter().flatten() {
                if let Some(snippet) = text::snippet(field, &self.phrases) {
                    return snippet;
                }
            }
            if let Some(snippet) =
                text::snippet(text::plain(&translation.body).trim(), &self.phrases)
            {
                return snippet;
            }
        }
        ordered
            .first()
            .map(|t| text::unmarked(t.summary.as_deref().unwrap_or(&t.title)))
            .unwrap_or_default()
    }
}

/// An article found, with its score and a snippet.
#[Object]
impl SearchEdge {
    /// Pass as `after` to continue from this hit.
    async fn cursor(&self) -> String {
        HitCursor::of(&self.hit).encode()
    }

    /// The article.
    async fn node(&self) -> InOrder<Article> {
        InOrder(Article::new(self.hit.row.clone(), self.locales.clone()))
    }

    /// How well the article matches: 3 when the whole query is in a headline, 2 in tag names
    /// and standfirst, 1 in the body. Hits come best first among the newest matches, then
    /// best first among older ones (each window of matches ranked on its own).
    async fn score(&self) -> f64 {
        self.hit.score
    }

    /// A passage of the article where the query matched, as HTML: the matched words are
    /// wrapped in `<mark>…</mark>` and everything else is escaped. From the served language
    /// when the query matches it there, else from the language it matched; the headline,
    /// the summary, then about 160 characters of the body around the first match. An
    /// article found by its tags alone gets its summary, unmarked.
    async fn snippet(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        let texts = context::loaders(ctx)?
            .translations
            .load_one(self.hit.row.id)
            .await
            .gql()?
            .unwrap_or_else(|| Arc::from([]));
        Ok(self.snippet_of(&texts))
    }
}

/// A page of search hits, best first.
pub struct SearchConnection {
    page: Page<Hit>,
    locales: Preferences,
    phrases: Arc<[Phrase]>,
    filter: articles::ResolvedFilter,
}

impl SearchConnection {
    fn edge(&self, hit: &Hit) -> SearchEdge {
        SearchEdge {
            hit: hit.clone(),
            locales: self.locales.clone(),
            phrases: self.phrases.clone(),
        }
    }
}

/// A page of search hits, best first.
#[Object]
impl SearchConnection {
    /// The hits with their cursors, scores and snippets.
    async fn edges(&self) -> Vec<SearchEdge> {
        self.page.items.iter().map(|h| self.edge(h)).collect()
    }

    /// The articles found, without cursors.
    async fn nodes(&self) -> Vec<InOrder<Article>> {
        self.page
            .items
            .iter()
            .map(|h| InOrder(Article::new(h.row.clone(), self.locales.clone())))
            .collect()
    }

    /// Where this page sits in the list.
    async fn page_info(&self) -> PageInfo {
        let cursor = |h: &Hit| HitCursor::of(h).encode();
        PageInfo {
            has_next_page: self.page.has_next_page,
            has_previous_page: self.page.has_previous_page,
            start_cursor: self.page.items.first().map(cursor),
            end_cursor: self.page.items.last().map(cursor),
        }
    }

    /// How many articles match in all. Counted only when asked for.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let count = articles::count(context::db(ctx)?, Utc::now(), &self.filter)
            .await
            .gql()?;
        Ok(i64::try_from(count).unwrap_or(i64::MAX))
    }
}

/// The `search` root field.
#[derive(Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Visible articles matching `query`, best first: every word of it must occur in an
    /// article's title, summary, body or tag names, in any language. Words are found inside
    /// Japanese, Chinese and Thai sentences, Korean words with their particles, Vietnamese
    /// with or without tone marks, Simplified and Traditional characters alike; case and
    /// accents do not matter. Quotes, operators and other syntax are searched for as text.
    /// A blank query is BAD_USER_INPUT. Hits are ranked among the newest matching
    /// documents first (the server's search window), then among older ones.
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The words to look for.")] query: String,
        #[graphql(desc = "Page size (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "Cursor: only hits after this one.")] after: Option<String>,
        #[graphql(desc = "Further conditions the articles must meet.")] filter: Option<
            ArticleFilter,
        >,
        #[graphql(
            desc = "Languages wanted, first preferred; default: Accept-Language, then the server's defaults."
        )]
        locales: Option<Vec<Locale>>,
    ) -> async_graphql::Result<SearchConnection> {
        let db = context::db(ctx)?;
        let query = Match::parse(
            "query",
            &query,
            sea_orm::ConnectionTrait::get_database_backend(db),
        )
        .gql()?;
        let size = match first {
            Some(n) => page::page_size("first", n).gql()?,
            None => page::DEFAULT_PAGE_SIZE,
        };
        let after = after
            .as_deref()
            .map(|c| HitCursor::decode("after", c))
            .transpose()
            .gql()?;
        let filter = articles::ArticleFilter::from(filter.unwrap_or_else(default_filter))
            .resolve(db, context::directory(ctx)?, context::audience(ctx)?)
            .await
            .gql()?;
        let window = context::config(ctx)?.search_window;
        let page = search::search(db, Utc::now(), &filter, &query, size, after, window)
            .await
            .gql()?;
        let look = ctx.look_ahead();
        let selections = [look.field("nodes"), look.field("edges").field("node")];
        let rows: Vec<&article::Model> = page.items.iter().map(|h| &*h.row).collect();
        surrogate::note(ctx, [Shows::Articles]);
        prefetch::articles(ctx, &selections, &rows, Known::default()).await?;
        if look.field("edges").field("snippet").exists() {
            prefetch::translations(ctx, &rows).await?;
        }
        Ok(SearchConnection {
            page,
            locales: preferences(ctx, locales)?,
            phrases: query.phrases().into(),
            filter: filter.with_search(query),
        })
    }
}
