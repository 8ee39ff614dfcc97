//! Relay cursor connections over keyset pages (https://relay.dev/graphql/connections.htm).

use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::article;

use super::{
    article::Article,
    context::{self, Preferences},
    error::DomainResultExt,
    in_order::InOrder,
    prefetch::{self, Known},
    surrogate::{self, Shows},
};
use crate::domain::{
    articles::{self, Beside, Listed, ResolvedFilter},
    cursor::ArticleOrder,
    page::{Page, PageRequest},
};

/// Where a page sits in its list.
#[derive(SimpleObject, Debug, Clone)]
pub struct PageInfo {
    /// Whether more articles follow this page.
    pub has_next_page: bool,
    /// Whether articles precede this page.
    pub has_previous_page: bool,
    /// Cursor of the first article on the page; null for an empty page.
    pub start_cursor: Option<String>,
    /// Cursor of the last article on the page; null for an empty page.
    pub end_cursor: Option<String>,
}

/// An article and its cursor.
#[derive(SimpleObject)]
pub struct ArticleEdge {
    /// Pass as `after` (or `before`) to continue from this article.
    pub cursor: String,
    /// The article.
    pub node: InOrder<Article>,
}

/// A page of articles.
pub struct ArticleConnection {
    page: Page<Listed>,
    order: ArticleOrder,
    filter: ResolvedFilter,
    now: DateTime<Utc>,
    locales: Preferences,
}

impl ArticleConnection {
    /// Reads one page of visible articles matching `filter`. The statement's future and the
    /// prefetch's are boxed: held inline, they would make the future of every object with a
    /// field of articles (a tag, say) tens of kilobytes, which a list of such objects
    /// moves about whether or not the field is asked for.
    pub async fn load(
        ctx: &Context<'_>,
        filter: ResolvedFilter,
        order: ArticleOrder,
        page: PageRequest,
        locales: Preferences,
    ) -> async_graphql::Result<Self> {
        let now = Utc::now();
        let look = ctx.look_ahead();
        let selections = [look.field("nodes"), look.field("edges").field("node")];
        let liker = context::requester(ctx)?.liker.as_str();
        let beside = Beside {
            liked_by: selections
                .iter()
                .any(|s| s.field("viewerHasLiked").exists())
                .then_some(liker),
            // A partner's headline is chosen among its licensed languages, by the loaders.
            headline_in: (prefetch::served_headline_suffices(&selections)
                && context::audience(ctx)?.licence().is_none())
            .then_some(&*locales),
        };
        let page = Box::pin(articles::list(
            context::reads(ctx)?,
            now,
            &filter,
            order,
            &page,
            beside,
        ))
        .await
        .gql()?;
        let rows: Vec<&article::Model> = page.items.iter().map(|a| &*a.row).collect();
        let known = Known {
            liked: beside.liked_by.map(|_| {
                page.items
                    .iter()
                    .map(|a| (a.row.id, a.liked.unwrap_or(false)))
                    .collect()
            }),
            headlines: beside.headline_in.is_some(),
        };
        surrogate::note(ctx, [Shows::Articles]);
        Box::pin(prefetch::articles(ctx, &selections, &rows, known)).await?;
        Ok(ArticleConnection {
            page,
            order,
            filter,
            now,
            locales,
        })
    }

    /// The cursor of an article of the page, made when asked for.
    fn cursor(&self, listed: &Listed) -> String {
        articles::cursor_of(&listed.row, self.order).encode()
    }

    /// An article of the page; its nested data was fetched with the page, so its fields
    /// are resolved in turn.
    fn article(&self, listed: &Listed) -> InOrder<Article> {
        InOrder(
            Article::new(listed.row.clone(), self.locales.clone())
                .with_headline(listed.headline.clone()),
        )
    }
}

/// A page of articles.
#[Object]
impl ArticleConnection {
    /// The articles with their cursors.
    async fn edges(&self) -> Vec<ArticleEdge> {
        self.page
            .items
            .iter()
            .map(|listed| ArticleEdge {
                cursor: self.cursor(listed),
                node: self.article(listed),
            })
            .collect()
    }

    /// The articles, without cursors.
    async fn nodes(&self) -> Vec<InOrder<Article>> {
        self.page
            .items
            .iter()
            .map(|listed| self.article(listed))
            .collect()
    }

    /// Where this page sits in the list.
    async fn page_info(&self) -> PageInfo {
        PageInfo {
            has_next_page: self.page.has_next_page,
            has_previous_page: self.page.has_previous_page,
            start_cursor: self.page.items.first().map(|a| self.cursor(a)),
            end_cursor: self.page.items.last().map(|a| self.cursor(a)),
        }
    }

    /// How many articles the whole list holds (all pages). Counted only when asked for.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let count = articles::count(context::db(ctx)?, self.now, &self.filter)
            .await
            .gql()?;
        Ok(i64::try_from(count).unwrap_or(i64::MAX))
    }
}
