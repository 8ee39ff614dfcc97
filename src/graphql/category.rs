//! The `Category` type and the category root fields.

use std::sync::Arc;

use async_graphql::{Context, Object, ID};
use entity::{category, category_translation};
use futures_util::FutureExt;

use super::{
    article::{default_filter, ArticleFilter, ArticleOrder},
    connection::ArticleConnection,
    context::{self, preferences, Preferences},
    error::DomainResultExt,
    ids::{self, Kind},
    in_order::InTurn,
    locale::Locale,
    surrogate::{self, Shows},
};
use crate::domain::{articles, categories, page::PageRequest};

/// A section of the site, such as K-Pop or Politics; sections nest.
#[derive(Clone)]
pub struct Category {
    row: Arc<category::Model>,
    locales: Preferences,
    /// Its names in every locale, when whoever made it had them at hand.
    names: Option<Arc<[category_translation::Model]>>,
}

impl Category {
    /// Wraps a row for a reader with these language preferences.
    pub fn new(row: category::Model, locales: Preferences) -> Self {
        Self::from_shared(Arc::new(row), locales)
    }

    /// Wraps a row already shared by a loader.
    pub fn from_shared(row: Arc<category::Model>, locales: Preferences) -> Self {
        Category {
            row,
            locales,
            names: None,
        }
    }

    /// The category holding its names, so that they need no statement of their own.
    pub fn with_names(mut self, names: Arc<[category_translation::Model]>) -> Self {
        self.names = Some(names);
        self
    }

    /// The row id.
    pub fn row_id(&self) -> i64 {
        self.row.id
    }

    async fn localized(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<category_translation::Model>> {
        if let Some(names) = &self.names {
            return Ok(categories::localized(names, &self.locales).cloned());
        }
        let names = context::loaders(ctx)?
            .category_names
            .load_one(self.row.id)
            .await
            .gql()?;
        Ok(names.and_then(|names| categories::localized(&names, &self.locales).cloned()))
    }

    /// The page of the category's articles that `Category.articles` asked for.
    async fn articles_page(
        &self,
        ctx: &Context<'_>,
        page: PageRequest,
        filter: Option<ArticleFilter>,
        order_by: Option<ArticleOrder>,
    ) -> async_graphql::Result<ArticleConnection> {
        let db = context::db(ctx)?;
        let mut filter = filter.unwrap_or_else(default_filter);
        let directory = context::directory(ctx)?;
        let scope = directory
            .scope(
                db,
                "filter.category",
                &self.row.slug,
                filter.include_subcategories.unwrap_or(true),
            )
            .await
            .gql()?;
        filter.category = None;
        let filter = articles::ArticleFilter::from(filter)
            .resolve(db, directory, context::audience(ctx)?)
            .await
            .gql()?
            .in_categories(scope);
        ArticleConnection::load(
            ctx,
            filter,
            order_by.unwrap_or_default().into(),
            page,
            self.locales.clone(),
        )
        .await
    }
}

/// An article's category has its names prefetched with the article's page; its parent, its
/// subcategories and its articles are read when asked for.
impl InTurn for Category {
    const WAITING: &'static [&'static str] = &["parent", "children", "articles"];
}

/// A section of the site, such as K-Pop or Politics; sections nest.
#[Object(cache_control(max_age = 300))]
impl Category {
    /// Opaque global id; `node(id:)` resolves it.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Category, self.row.id)
    }

    /// Unique, URL-safe name, as used in `ArticleFilter.category`.
    async fn slug(&self) -> &str {
        &self.row.slug
    }

    /// Display name in the reader's language (same fallback as articles, then Korean).
    async fn name(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        Ok(self
            .localized(ctx)
            .await?
            .map_or_else(|| self.row.slug.clone(), |t| t.name))
    }

    /// One sentence about the section, in the reader's language.
    async fn description(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(self.localized(ctx).await?.and_then(|t| t.description))
    }

    /// Order among its siblings, ascending.
    async fn position(&self) -> i32 {
        self.row.position
    }

    /// The enclosing section; null at the top level.
    async fn parent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Category>> {
        let Some(parent_id) = self.row.parent_id else {
            return Ok(None);
        };
        let row = context::loaders(ctx)?
            .category
            .load_one(parent_id)
            .await
            .gql()?;
        Ok(row.map(|r| Category::from_shared(r, self.locales.clone())))
    }

    /// The subsections, in editorial order.
    async fn children(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Category>> {
        let rows = context::loaders(ctx)?
            .category_children
            .load_one(self.row.id)
            .await
            .gql()?;
        Ok(rows
            .iter()
            .flat_map(|rows| rows.iter())
            .map(|r| Category::new(r.clone(), self.locales.clone()))
            .collect())
    }

    /// Visible articles in this section (and, unless the filter says otherwise, its
    /// subsections), as a Relay connection. `filter.category` is ignored here.
    #[allow(clippy::too_many_arguments)]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size from the start (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "Cursor: only articles after this one.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Cursor: only articles before this one.")] before: Option<String>,
        #[graphql(desc = "Further conditions the articles must meet.")] filter: Option<
            ArticleFilter,
        >,
        #[graphql(
            desc = "Order of the list (null: LATEST).",
            default_with = "Some(ArticleOrder::Latest)"
        )]
        order_by: Option<ArticleOrder>,
    ) -> async_graphql::Result<ArticleConnection> {
        let page = PageRequest::new(first, after, last, before).gql()?;
        // Boxed, so that every category's field futures stay small: a future that reaches
        // the database holds the pool's checkout (about 15 KB, since a checkout may connect),
        // and async-graphql moves a future of the size of the largest field for every field
        // of every category it resolves, `articles` asked for or not.
        self.articles_page(ctx, page, filter, order_by)
            .boxed()
            .await
    }
}

/// Root fields that read categories.
#[derive(Default)]
pub struct CategoryQuery;

#[Object]
impl CategoryQuery {
    /// The category with this slug, or null.
    async fn category(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The category's slug.")] slug: String,
        #[graphql(
            desc = "Languages wanted, first preferred; default: Accept-Language, then the server's defaults."
        )]
        locales: Option<Vec<Locale>>,
    ) -> async_graphql::Result<Option<Category>> {
        surrogate::note(ctx, [Shows::Categories]);
        let named = context::directory(ctx)?
            .by_slug(context::db(ctx)?, &slug)
            .await
            .gql()?;
        let locales = preferences(ctx, locales)?;
        Ok(named.map(|(row, names)| Category::from_shared(row, locales).with_names(names)))
    }

    /// The top-level categories in editorial order; `children` walks the tree.
    async fn categories(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Languages wanted, first preferred; default: Accept-Language, then the server's defaults."
        )]
        locales: Option<Vec<Locale>>,
    ) -> async_graphql::Result<Vec<Category>> {
        surrogate::note(ctx, [Shows::Categories]);
        let rows = categories::top_level(context::db(ctx)?).await.gql()?;
        let locales = preferences(ctx, locales)?;
        Ok(rows
            .into_iter()
            .map(|r| Category::new(r, locales.clone()))
            .collect())
    }
}
