//! The `Tag` type, and the `tag` and `tags` root fields.

use std::sync::Arc;

use async_graphql::{Context, Enum, Object, SimpleObject, ID};
use entity::{tag, tag_name};

use super::{
    article::{default_filter, ArticleOrder},
    connection::{ArticleConnection, PageInfo},
    context::{self, preferences, Preferences},
    error::DomainResultExt,
    ids::{self, Kind},
    in_order::{InOrder, InTurn},
    locale::Locale,
    surrogate::{self, Shows},
};
use crate::domain::{
    articles,
    changes::Touched,
    page::{self, PageRequest},
    tags::{self, TagView},
};

/// What a tag names.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagKind {
    /// A person: a singer, an actor, a politician.
    Person,
    /// A band or group.
    Group,
    /// A subject that stories share.
    Topic,
    /// Something that happens at a time: an award show, a tour, an election.
    Event,
    /// A company, agency, broadcaster or institution.
    Organization,
    /// A city, a venue, a country.
    Place,
}

impl From<TagKind> for entity::TagKind {
    fn from(kind: TagKind) -> Self {
        match kind {
            TagKind::Person => entity::TagKind::Person,
            TagKind::Group => entity::TagKind::Group,
            TagKind::Topic => entity::TagKind::Topic,
            TagKind::Event => entity::TagKind::Event,
            TagKind::Organization => entity::TagKind::Organization,
            TagKind::Place => entity::TagKind::Place,
        }
    }
}

impl From<entity::TagKind> for TagKind {
    fn from(kind: entity::TagKind) -> Self {
        match kind {
            entity::TagKind::Person => TagKind::Person,
            entity::TagKind::Group => TagKind::Group,
            entity::TagKind::Topic => TagKind::Topic,
            entity::TagKind::Event => TagKind::Event,
            entity::TagKind::Organization => TagKind::Organization,
            entity::TagKind::Place => TagKind::Place,
        }
    }
}

/// A person, group, topic, event, organization or place that articles are about.
#[derive(Clone)]
pub struct Tag {
    row: Arc<tag::Model>,
    locales: Preferences,
    /// Its names, when whoever made it had them at hand.
    names: Option<Arc<[tag_name::Model]>>,
}

impl Tag {
    /// A tag with its names, for a reader with these language preferences.
    pub fn new(view: TagView, locales: Preferences) -> Self {
        Tag {
            row: view.tag,
            locales,
            names: Some(view.names),
        }
    }

    /// A tag whose names are read when asked for.
    pub fn without_names(row: tag::Model, locales: Preferences) -> Self {
        Tag {
            row: Arc::new(row),
            locales,
            names: None,
        }
    }

    async fn loaded_names(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Arc<[tag_name::Model]>> {
        if let Some(names) = &self.names {
            return Ok(names.clone());
        }
        Ok(context::loaders(ctx)?
            .tag_names
            .load_one(self.row.id)
            .await
            .gql()?
            .unwrap_or_else(|| Arc::from([])))
    }
}

/// A tag's name in one language.
#[derive(SimpleObject)]
pub struct TagName {
    /// The language.
    pub locale: Locale,
    /// The name as readers of that language write it.
    pub name: String,
}

/// A tag's names come with it; its articles are read when asked for.
impl InTurn for Tag {
    const WAITING: &'static [&'static str] = &["articles"];
}

/// A person, group, topic, event, organization or place that articles are about.
#[Object(cache_control(max_age = 300))]
impl Tag {
    /// Opaque global id; `node(id:)` resolves it.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Tag, self.row.id)
    }

    /// Unique, URL-safe name, as `ArticleFilter.tag` takes it.
    async fn slug(&self) -> &str {
        &self.row.slug
    }

    /// What the tag names.
    async fn kind(&self) -> TagKind {
        self.row.kind.into()
    }

    /// The name in the reader's language (same fallback as articles, then Korean, then
    /// English): 방탄소년단, BTS, 防弾少年団.
    async fn name(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        let names = self.loaded_names(ctx).await?;
        Ok(tags::localized(&names, &self.locales)
            .unwrap_or(&self.row.slug)
            .to_owned())
    }

    /// The name in every language it has one in, in the newsroom's order.
    async fn names(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<TagName>> {
        let mut names: Vec<TagName> = self
            .loaded_names(ctx)
            .await?
            .iter()
            .map(|n| TagName {
                locale: n.locale.into(),
                name: n.name.clone(),
            })
            .collect();
        names.sort_by_key(|n| crate::domain::locale::Locale::from(n.locale));
        Ok(names)
    }

    /// Visible articles carrying the tag, as a Relay connection.
    async fn articles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size from the start (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "Cursor: only articles after this one.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Cursor: only articles before this one.")] before: Option<String>,
        #[graphql(
            desc = "Order of the list (null: LATEST).",
            default_with = "Some(ArticleOrder::Latest)"
        )]
        order_by: Option<ArticleOrder>,
    ) -> async_graphql::Result<ArticleConnection> {
        let page = PageRequest::new(first, after, last, before).gql()?;
        let filter = articles::ArticleFilter::from(default_filter())
            .resolve(
                context::db(ctx)?,
                context::directory(ctx)?,
                context::audience(ctx)?,
            )
            .await
            .gql()?
            .with_tag(self.row.id);
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

/// A tag and its cursor.
#[derive(SimpleObject)]
pub struct TagEdge {
    /// Pass as `after` to continue from this tag.
    pub cursor: String,
    /// The tag.
    pub node: InOrder<Tag>,
}

/// A page of tags, in slug order.
pub struct TagConnection {
    page: page::Page<Tag>,
    kind: Option<TagKind>,
}

/// A page of tags, in slug order.
#[Object]
impl TagConnection {
    /// The tags with their cursors.
    async fn edges(&self) -> Vec<TagEdge> {
        self.page
            .items
            .iter()
            .map(|t| TagEdge {
                cursor: tags::cursor_of(&t.row),
                node: InOrder(t.clone()),
            })
            .collect()
    }

    /// The tags, without cursors.
    async fn nodes(&self) -> Vec<InOrder<Tag>> {
        self.page.items.iter().cloned().map(InOrder).collect()
    }

    /// Where this page sits in the list.
    async fn page_info(&self) -> PageInfo {
        PageInfo {
            has_next_page: self.page.has_next_page,
            has_previous_page: self.page.has_previous_page,
            start_cursor: self.page.items.first().map(|t| tags::cursor_of(&t.row)),
            end_cursor: self.page.items.last().map(|t| tags::cursor_of(&t.row)),
        }
    }

    /// How many tags the whole list holds. Counted only when asked for.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let count = tags::count(context::db(ctx)?, self.kind.map(Into::into))
            .await
            .gql()?;
        Ok(i64::try_from(count).unwrap_or(i64::MAX))
    }
}

/// Root fields that read tags.
#[derive(Default)]
pub struct TagQuery;

#[Object]
impl TagQuery {
    /// The tag with this slug; null if there is none.
    async fn tag(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tag's slug.")] slug: String,
        #[graphql(
            desc = "Languages wanted, first preferred; default: Accept-Language, then the server's defaults."
        )]
        locales: Option<Vec<Locale>>,
    ) -> async_graphql::Result<Option<InOrder<Tag>>> {
        let db = context::db(ctx)?;
        let Some(row) = tags::by_slug(db, &slug).await.gql()? else {
            return Ok(None);
        };
        surrogate::note(ctx, [Shows::One(Touched::Tag(row.id))]);
        let view = tags::views(db, vec![row]).await.gql()?.pop();
        let locales = preferences(ctx, locales)?;
        Ok(view.map(|v| InOrder(Tag::new(v, locales))))
    }

    /// Tags in slug order, of one kind if given, as a Relay connection.
    async fn tags(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only tags of this kind.")] kind: Option<TagKind>,
        #[graphql(desc = "Page size (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "Cursor: only tags after this one.")] after: Option<String>,
        #[graphql(
            desc = "Languages wanted, first preferred; default: Accept-Language, then the server's defaults."
        )]
        locales: Option<Vec<Locale>>,
    ) -> async_graphql::Result<TagConnection> {
        let db = context::db(ctx)?;
        let size = match first {
            Some(n) => page::page_size("first", n).gql()?,
            None => page::DEFAULT_PAGE_SIZE,
        };
        let rows = tags::list(db, kind.map(Into::into), size, after.as_deref())
            .await
            .gql()?;
        let locales = preferences(ctx, locales)?;
        surrogate::note(
            ctx,
            std::iter::once(Shows::Tags)
                .chain(rows.items.iter().map(|t| Shows::One(Touched::Tag(t.id)))),
        );
        let views = tags::views(db, rows.items).await.gql()?;
        Ok(TagConnection {
            page: page::Page {
                items: views
                    .into_iter()
                    .map(|v| Tag::new(v, locales.clone()))
                    .collect(),
                has_next_page: rows.has_next_page,
                has_previous_page: rows.has_previous_page,
            },
            kind,
        })
    }
}
