//! Finding and listing articles as their audience sees them.
//!
//! Readers and partners only ever see visible articles: published, with a publish time that
//! has come, and not deleted. Editors also see drafts, scheduled and archived articles. Every
//! query here starts from [`visible_to`], so no entry point can leak a draft.

use std::{collections::HashMap, sync::Arc};

use chrono::{DateTime, Utc};
use entity::{
    article, article_like, article_syndication, article_tag, article_translation, ArticleStatus,
    MediaKind,
};
use sea_orm::{
    sea_query::{Alias, CaseStatement, Expr, ExprTrait, Func, JoinType, Query, SelectStatement},
    ActiveEnum, ColumnTrait, Condition, DatabaseConnection, DbBackend, DbErr, EntityTrait, Order,
    PaginatorTrait, QueryFilter, QueryOrder, QueryResult, QuerySelect, QueryTrait, Select,
};

use crate::db::reads::Reads;

use super::{
    access::{Audience, Licence},
    category_directory::Directory,
    columns::Columns,
    cursor::{ArticleOrder, Cursor, SortKey},
    locale::Locale,
    media,
    page::{Direction, Page, PageRequest},
    search::query::Match,
    tags,
    translations::Headline,
    DomainError, DomainResult,
};

/// Where an article stands as seen at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Being written.
    Draft,
    /// Published with a publish time still to come.
    Scheduled,
    /// Out and visible.
    Published,
    /// Withdrawn.
    Archived,
}

/// How `article` stands at `now`.
pub fn standing(article: &article::Model, now: DateTime<Utc>) -> Standing {
    match article.status {
        ArticleStatus::Draft => Standing::Draft,
        ArticleStatus::Archived => Standing::Archived,
        ArticleStatus::Published => match article.published_at {
            Some(at) if at <= now => Standing::Published,
            _ => Standing::Scheduled,
        },
    }
}

/// The condition that makes an article visible to readers at `now`.
pub fn visible(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(article::Column::Status.eq(ArticleStatus::Published))
        .add(article::Column::PublishedAt.lte(now))
        .add(article::Column::DeletedAt.is_null())
}

/// The condition that makes an article visible to `audience` at `now`.
pub fn visible_to(audience: &Audience, now: DateTime<Utc>) -> Condition {
    match audience {
        Audience::Public => visible(now),
        Audience::Partner(licence) => licensed(licence, now),
        Audience::Staff => Condition::all().add(article::Column::DeletedAt.is_null()),
    }
}

/// The condition that makes an article visible at `now` to a partner holding `licence`:
/// visible to readers, filed under a licensed category, with text in a licensed language,
/// and with rights that let partners carry it now.
pub fn licensed(licence: &Licence, now: DateTime<Utc>) -> Condition {
    let texts = Query::select()
        .expr(Expr::val(1))
        .from(article_translation::Entity)
        .and_where(
            Expr::col((
                article_translation::Entity,
                article_translation::Column::ArticleId,
            ))
            .equals((article::Entity, article::Column::Id)),
        )
        .and_where(
            Expr::col((
                article_translation::Entity,
                article_translation::Column::Locale,
            ))
            .is_in(licence.locales.iter().copied()),
        )
        .to_owned();
    visible(now)
        .add(article::Column::CategoryId.is_in(licence.category_ids.iter().copied()))
        .add(Expr::exists(texts))
        .add(Expr::exists(withheld(now)).not())
}

/// The rights row of the article of the row, when it keeps partners from carrying the
/// article at `now`: not syndicatable, under embargo or expired.
fn withheld(now: DateTime<Utc>) -> SelectStatement {
    let rights = |c: article_syndication::Column| Expr::col((article_syndication::Entity, c));
    Query::select()
        .expr(Expr::val(1))
        .from(article_syndication::Entity)
        .and_where(
            rights(article_syndication::Column::ArticleId)
                .equals((article::Entity, article::Column::Id)),
        )
        .cond_where(
            Condition::any()
                .add(rights(article_syndication::Column::Syndicatable).eq(false))
                .add(rights(article_syndication::Column::EmbargoUntil).gt(now))
                .add(rights(article_syndication::Column::ExpiresAt).lte(now)),
        )
        .to_owned()
}

/// Whether the rights of an article or photo let partners carry it at `now`.
pub fn carriable(
    syndicatable: bool,
    embargo_until: Option<DateTime<Utc>>,
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    syndicatable && embargo_until.is_none_or(|at| at <= now) && expires_at.is_none_or(|at| at > now)
}

/// The article with this id, if `audience` can see it.
pub async fn find(
    db: &DatabaseConnection,
    audience: &Audience,
    now: DateTime<Utc>,
    id: i64,
) -> DomainResult<Option<article::Model>> {
    Ok(article::Entity::find_by_id(id)
        .filter(visible_to(audience, now))
        .one(db)
        .await?)
}

/// The article with this slug, if `audience` can see it.
pub async fn find_by_slug(
    db: &DatabaseConnection,
    audience: &Audience,
    now: DateTime<Utc>,
    slug: &str,
) -> DomainResult<Option<article::Model>> {
    if !super::validate::is_slug(slug) {
        return Ok(None);
    }
    Ok(article::Entity::find()
        .filter(article::Column::Slug.eq(slug))
        .filter(visible_to(audience, now))
        .one(db)
        .await?)
}

/// The condition for articles standing as `standing` at `now`.
fn standing_is(standing: Standing, now: DateTime<Utc>) -> Condition {
    let status = |s: ArticleStatus| Condition::all().add(article::Column::Status.eq(s));
    match standing {
        Standing::Draft => status(ArticleStatus::Draft),
        Standing::Archived => status(ArticleStatus::Archived),
        Standing::Published => {
            status(ArticleStatus::Published).add(article::Column::PublishedAt.lte(now))
        }
        Standing::Scheduled => {
            status(ArticleStatus::Published).add(article::Column::PublishedAt.gt(now))
        }
    }
}

/// The articles among these ids that `audience` sees, by id.
pub async fn visible_by_ids(
    db: &DatabaseConnection,
    audience: &Audience,
    now: DateTime<Utc>,
    ids: &[i64],
) -> DomainResult<HashMap<i64, article::Model>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = article::Entity::find()
        .filter(article::Column::Id.is_in(ids.iter().copied()))
        .filter(visible_to(audience, now))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|a| (a.id, a)).collect())
}

/// The syndication rights of each of these articles that has any set, by article id; the
/// others have the defaults (syndicatable, no credit, no embargo, no expiry).
pub async fn rights_of(
    db: &DatabaseConnection,
    ids: &[i64],
) -> DomainResult<HashMap<i64, article_syndication::Model>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = article_syndication::Entity::find()
        .filter(article_syndication::Column::ArticleId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.article_id, r)).collect())
}

/// What a reader can narrow an article list to, as given.
#[derive(Debug, Clone, Default)]
pub struct ArticleFilter {
    /// Slug of a category.
    pub category: Option<String>,
    /// With `category`: include articles of its subcategories too.
    pub include_subcategories: bool,
    /// Only articles translated into this locale.
    pub available_in: Option<Locale>,
    /// Only articles published at or after this time.
    pub published_after: Option<DateTime<Utc>>,
    /// Only articles published before this time.
    pub published_before: Option<DateTime<Utc>>,
    /// Only articles changed at or after this time (syndication checkpoints).
    pub updated_since: Option<DateTime<Utc>>,
    /// Only articles standing so; `None` means published ones. Only staff may ask for others.
    pub statuses: Option<Vec<Standing>>,
    /// Slug of a tag the articles carry.
    pub tag: Option<String>,
    /// Only articles with (`true`) or without (`false`) a video in their media.
    pub has_video: Option<bool>,
    /// Only articles with (`true`) or without (`false`) a photo in their media.
    pub has_photos: Option<bool>,
    /// Only articles matching this full-text query.
    pub search: Option<String>,
}

/// An [`ArticleFilter`] checked for its audience, with its category slug resolved to ids.
#[derive(Debug, Clone)]
pub struct ResolvedFilter {
    audience: Audience,
    statuses: Vec<Standing>,
    category_ids: Option<Vec<i64>>,
    available_in: Option<Locale>,
    published_after: Option<DateTime<Utc>>,
    published_before: Option<DateTime<Utc>>,
    updated_since: Option<DateTime<Utc>>,
    tag_id: Option<i64>,
    has_video: Option<bool>,
    has_photos: Option<bool>,
    searches: Vec<Match>,
}

impl ArticleFilter {
    /// Checks the filter for `audience` and resolves the category slug; an unknown slug is an
    /// input error, and asking for unpublished articles without being staff is forbidden.
    pub async fn resolve(
        self,
        db: &DatabaseConnection,
        directory: &Directory,
        audience: Audience,
    ) -> DomainResult<ResolvedFilter> {
        let statuses = match self.statuses {
            Some(list) if list.is_empty() => {
                return Err(DomainError::invalid(
                    "filter.status",
                    "name at least one status",
                ))
            }
            Some(list) => list,
            None => vec![Standing::Published],
        };
        if audience != Audience::Staff && statuses.iter().any(|s| *s != Standing::Published) {
            return Err(DomainError::Forbidden(
                "only editors and admins may list unpublished articles".into(),
            ));
        }
        let category_ids = match &self.category {
            Some(slug) => Some(
                directory
                    .scope(db, "filter.category", slug, self.include_subcategories)
                    .await?,
            ),
            None => None,
        };
        let tag_id = match &self.tag {
            Some(slug) => Some(
                tags::by_slug(db, slug)
                    .await?
                    .ok_or_else(|| {
                        DomainError::invalid("filter.tag", format!("no tag has the slug `{slug}`"))
                    })?
                    .id,
            ),
            None => None,
        };
        let searches = self
            .search
            .as_deref()
            .map(|q| Match::parse("filter.search", q, db.get_database_backend()))
            .transpose()?
            .into_iter()
            .collect();
        Ok(ResolvedFilter {
            audience,
            statuses,
            category_ids,
            available_in: self.available_in,
            published_after: self.published_after,
            published_before: self.published_before,
            updated_since: self.updated_since,
            tag_id,
            has_video: self.has_video,
            has_photos: self.has_photos,
            searches,
        })
    }
}

impl ResolvedFilter {
    /// Who the filter lists for.
    pub fn audience(&self) -> &Audience {
        &self.audience
    }

    /// The filter restricted to these categories.
    pub fn in_categories(mut self, ids: Vec<i64>) -> Self {
        self.category_ids = Some(ids);
        self
    }

    /// The filter restricted to articles matching `query`.
    pub fn with_search(mut self, query: Match) -> Self {
        self.searches.push(query);
        self
    }

    /// The filter restricted to articles carrying this tag.
    pub fn with_tag(mut self, id: i64) -> Self {
        self.tag_id = Some(id);
        self
    }

    /// Whether the list may hold articles never published, which sort by creation time.
    fn has_unpublished(&self) -> bool {
        self.statuses
            .iter()
            .any(|s| matches!(s, Standing::Draft | Standing::Archived))
    }

    /// The articles the filter lets through at `now`, as a query to build on.
    pub fn apply(&self, now: DateTime<Utc>) -> Select<article::Entity> {
        let statuses = self
            .statuses
            .iter()
            .fold(Condition::any(), |any, s| any.add(standing_is(*s, now)));
        let mut query = article::Entity::find()
            .filter(visible_to(&self.audience, now))
            .filter(statuses);
        if let Some(ids) = &self.category_ids {
            query = query.filter(article::Column::CategoryId.is_in(ids.iter().copied()));
        }
        if let Some(locale) = self.available_in {
            if !self.audience.reads_locale(locale) {
                // A partner's text in a language it does not license does not exist for it.
                query = query.filter(Expr::val(1).eq(0));
            }
            query = query.filter(
                article::Column::Id.in_subquery(
                    Query::select()
                        .column(article_translation::Column::ArticleId)
                        .from(article_translation::Entity)
                        .and_where(article_translation::Column::Locale.eq(locale))
                        .to_owned(),
                ),
            );
        }
        if let Some(at) = self.published_after {
            query = query.filter(article::Column::PublishedAt.gte(at));
        }
        if let Some(at) = self.published_before {
            query = query.filter(article::Column::PublishedAt.lt(at));
        }
        if let Some(at) = self.updated_since {
            query = query.filter(article::Column::UpdatedAt.gte(at));
        }
        if let Some(tag) = self.tag_id {
            query = query.filter(
                article::Column::Id.in_subquery(
                    Query::select()
                        .column(article_tag::Column::ArticleId)
                        .from(article_tag::Entity)
                        .and_where(article_tag::Column::TagId.eq(tag))
                        .to_owned(),
                ),
            );
        }
        for (wanted, kind) in [
            (self.has_video, MediaKind::Video),
            (self.has_photos, MediaKind::Photo),
        ] {
            if let Some(wanted) = wanted {
                let exists = Expr::exists(media::of_kind(kind));
                query = query.filter(if wanted { exists } else { exists.not() });
            }
        }
        for search in &self.searches {
            query = query.filter(search.condition());
        }
        query
    }
}

/// The sort key and direction of an order. Lists that may hold never-published articles
/// sort those by their creation time, as [`cursor_of`] does.
fn sort_of(order: ArticleOrder, unpublished: bool) -> (Expr, Order) {
    let column = |c: article::Column| Expr::col((article::Entity, c));
    let published = || {
        if unpublished {
            Expr::from(Func::coalesce([
                column(article::Column::PublishedAt),
                column(article::Column::CreatedAt),
            ]))
        } else {
            column(article::Column::PublishedAt)
        }
    };
    match order {
        ArticleOrder::Latest => (published(), Order::Desc),
        ArticleOrder::Oldest => (published(), Order::Asc),
        ArticleOrder::RecentlyUpdated => (column(article::Column::UpdatedAt), Order::Desc),
        ArticleOrder::MostLiked => (column(article::Column::LikeCount), Order::Desc),
    }
}

/// The cursor of `article` in `order`.
pub fn cursor_of(article: &article::Model, order: ArticleOrder) -> Cursor {
    let key = match order {
        ArticleOrder::Latest | ArticleOrder::Oldest => {
            SortKey::Time(article.published_at.unwrap_or(article.created_at))
        }
        ArticleOrder::RecentlyUpdated => SortKey::Time(article.updated_at),
        ArticleOrder::MostLiked => SortKey::Count(article.like_count),
    };
    Cursor {
        order,
        key,
        id: article.id,
    }
}

/// Rows strictly past `cursor` when reading in `order` (`ahead`) or strictly before it.
///
/// A row-value comparison, `(key, id) < (k, i)` (or `>`), which both databases turn into one
/// range of the order's index: a page 5,000 deep costs what the first page costs.
fn beyond(cursor: &Cursor, ahead: bool, unpublished: bool) -> Condition {
    let (column, _) = sort_of(cursor.order, unpublished);
    let descending = from_above(cursor, ahead, unpublished);
    let key: sea_orm::Value = match cursor.key {
        SortKey::Time(t) => t.into(),
        SortKey::Count(c) => c.into(),
    };
    let row = Expr::tuple([column, Expr::col((article::Entity, article::Column::Id))]);
    let at = Expr::tuple([Expr::val(key), Expr::val(cursor.id)]);
    Condition::all().add(if descending { row.lt(at) } else { row.gt(at) })
}

/// The publication time a cursor bounds its list by from above, if it does: `(published_at,
/// id) < (time, id)`.
fn published_ceiling(cursor: &Cursor, ahead: bool, unpublished: bool) -> Option<DateTime<Utc>> {
    let publication = matches!(cursor.order, ArticleOrder::Latest | ArticleOrder::Oldest);
    match cursor.key {
        SortKey::Time(time)
            if publication && !unpublished && from_above(cursor, ahead, unpublished) =>
        {
            Some(time)
        }
        _ => None,
    }
}

/// Whether the rows past `cursor` (`ahead` of it, or behind) sort below its key: the
/// cursor bounds its list from above.
fn from_above(cursor: &Cursor, ahead: bool, unpublished: bool) -> bool {
    let (_, order) = sort_of(cursor.order, unpublished);
    matches!(order, Order::Desc) == ahead
}

/// What a page statement reads beside the article rows.
#[derive(Debug, Clone, Copy, Default)]
pub struct Beside<'a> {
    /// Whether this liker likes each article.
    pub liked_by: Option<&'a str>,
    /// Each article's headline in the first of these languages it has, else in its
    /// original language.
    pub headline_in: Option<&'a [Locale]>,
}

/// An article of a page, with what its statement read beside it.
#[derive(Debug, Clone)]
pub struct Listed {
    /// The article.
    pub row: Arc<article::Model>,
    /// Whether the reader likes it, when [`Beside::liked_by`] asked.
    pub liked: Option<bool>,
    /// Its headline as served, when [`Beside::headline_in`] asked and the article has a
    /// translation in one of those languages or in its original language.
    pub headline: Option<Headline>,
}

/// One page of the visible articles matching `filter`, in `order`, keyset-paginated.
///
/// The cost of a page does not depend on how deep it is: the cursor becomes a range
/// condition on the order's index, never an OFFSET. What `beside` asks for (the reader's like
/// state, the served headline) is read by the same statement, on the page reads' own
/// connections.
pub async fn list(
    reads: &Reads,
    now: DateTime<Utc>,
    filter: &ResolvedFilter,
    order: ArticleOrder,
    page: &PageRequest,
    beside: Beside<'_>,
) -> DomainResult<Page<Listed>> {
    let after = page
        .after
        .as_deref()
        .map(|c| Cursor::decode("after", c, order))
        .transpose()?;
    let before = page
        .before
        .as_deref()
        .map(|c| Cursor::decode("before", c, order))
        .transpose()?;

    let unpublished = filter.has_unpublished();
    // A cursor that bounds the publication time from above (down the latest list after it,
    // up the oldest list before it) leaves in reach only articles published at or before
    // its time: bounding visibility by that time as well says the same, and leaves no
    // second upper bound on the publication time for a planner to start the index range at
    // (SQLite, built without STAT4, cannot tell `<= now` from the cursor's bound, and
    // starting at `now` reads every newer article first).
    let visible_at = [(&after, true), (&before, false)]
        .into_iter()
        .filter_map(|(cursor, ahead)| published_ceiling(cursor.as_ref()?, ahead, unpublished))
        .fold(now, std::cmp::min);
    let mut query = filter.apply(visible_at);
    if let Some(cursor) = &after {
        query = query.filter(beyond(cursor, true, unpublished));
    }
    if let Some(cursor) = &before {
        query = query.filter(beyond(cursor, false, unpublished));
    }
    let (column, direction) = sort_of(order, unpublished);
    let forward = page.direction == Direction::Forward;
    let direction = match (direction, forward) {
        (d, true) => d,
        (Order::Desc, false) => Order::Asc,
        (_, false) => Order::Desc,
    };
    let ordering = [
        (column, direction.clone()),
        (Expr::col((article::Entity, article::Column::Id)), direction),
    ];
    let mut query = query.select_only().columns(PAGE_COLUMNS);
    for (key, direction) in &ordering {
        query = query.order_by(key.clone(), direction.clone());
    }
    query = query.limit(page.size + 1);
    if let Some(liker) = beside.liked_by {
        query = query.expr_as(Expr::exists(likes_of(liker)), LIKED);
    }
    let mut statement = query.into_query();
    if let Some(locales) = beside.headline_in {
        if reads.backend() == DbBackend::Sqlite {
            statement = page_first(statement, beside.liked_by.is_some(), &ordering);
        }
        with_headline(&mut statement, locales);
    }
    let mut rows = reads
        .all(&statement)
        .await?
        .iter()
        .map(|res| Listed::read(res, beside))
        .collect::<Result<Vec<_>, DbErr>>()?;

    let more = rows.len() as u64 > page.size;
    rows.truncate(page.size as usize);
    if !forward {
        rows.reverse();
    }
    Ok(Page {
        items: rows,
        has_next_page: if forward { more } else { before.is_some() },
        has_previous_page: if forward { after.is_some() } else { more },
    })
}

/// The article columns a page statement reads, in the order [`read_article`] decodes them.
pub const PAGE_COLUMNS: [article::Column; 12] = [
    article::Column::Id,
    article::Column::Slug,
    article::Column::CategoryId,
    article::Column::OriginalLocale,
    article::Column::Status,
    article::Column::PublishedAt,
    article::Column::CreatedAt,
    article::Column::UpdatedAt,
    article::Column::DeletedAt,
    article::Column::Byline,
    article::Column::SourceUrl,
    article::Column::LikeCount,
];

/// The column that says whether the reader likes the article.
const LIKED: &str = "viewer_has_liked";

/// The columns of the served headline.
const HEADLINE: [(&str, article_translation::Column); 3] = [
    ("headline_locale", article_translation::Column::Locale),
    ("headline_title", article_translation::Column::Title),
    ("headline_summary", article_translation::Column::Summary),
];

/// The likes of `liker` on the article of the row.
fn likes_of(liker: &str) -> SelectStatement {
    Query::select()
        .expr(Expr::val(1))
        .from(article_like::Entity)
        .and_where(
            Expr::col((article_like::Entity, article_like::Column::ArticleId))
                .equals((article::Entity, article::Column::Id)),
        )
        .and_where(article_like::Column::Liker.eq(liker))
        .to_owned()
}

/// Adds the served headline of each article to `statement`: one join on the translation
/// table's primary key per preferred language and one for the original language, and the
/// first that found a translation gives all three columns.
fn with_headline(statement: &mut SelectStatement, locales: &[Locale]) {
    use article_translation::Column as T;
    let mut joined = Vec::with_capacity(locales.len() + 1);
    for (i, locale) in locales.iter().enumerate() {
        joined.push((format!("served_{i}"), Expr::val(locale.to_value())));
    }
    joined.push((
        "served_original".to_owned(),
        Expr::col((article::Entity, article::Column::OriginalLocale)),
    ));
    for (alias, locale) in &joined {
        let on = Condition::all()
            .add(
                Expr::col((alias.clone(), T::ArticleId))
                    .equals((article::Entity, article::Column::Id)),
            )
            .add(Expr::col((alias.clone(), T::Locale)).eq(locale.clone()));
        statement.join_as(
            JoinType::LeftJoin,
            article_translation::Entity,
            alias.clone(),
            on,
        );
    }
    for (name, column) in HEADLINE {
        let case = joined
            .iter()
            .fold(CaseStatement::new(), |case, (alias, _)| {
                case.case(
                    Expr::col((alias.clone(), T::ArticleId)).is_not_null(),
                    Expr::col((alias.clone(), column)),
                )
            });
        statement.expr_as(case, name);
    }
}

/// `page` (which reads [`PAGE_COLUMNS`], then [`LIKED`] if `liked`) as a subquery named like
/// the article table, read in `ordering`: what is joined to it is then joined to the rows of
/// the page only. SQLite otherwise joins every row that matches before it sorts them, which
/// for a category page means thousands.
fn page_first(page: SelectStatement, liked: bool, ordering: &[(Expr, Order)]) -> SelectStatement {
    let mut outer = Query::select();
    outer.columns(PAGE_COLUMNS.map(|c| (article::Entity, c)));
    if liked {
        outer.column((article::Entity, Alias::new(LIKED)));
    }
    outer.from_subquery(page, article::Entity);
    for (key, direction) in ordering {
        outer.order_by_expr(key.clone(), direction.clone());
    }
    outer
}

impl Listed {
    /// Reads a row of the page statement: the article's columns in the order of
    /// [`PAGE_COLUMNS`], then the columns `beside` asked for, by position.
    fn read(res: &QueryResult, beside: Beside<'_>) -> Result<Self, DbErr> {
        let mut columns = Columns::of(res);
        let row = Arc::new(read_article(&mut columns)?);
        let liked = match beside.liked_by {
            Some(_) => Some(columns.value()?),
            None => None,
        };
        let headline = match beside.headline_in {
            Some(_) => {
                let locale: Option<Locale> = columns.mapped()?;
                match locale {
                    Some(locale) => Some(Headline {
                        locale,
                        title: columns.value()?,
                        summary: columns.value()?,
                    }),
                    None => None,
                }
            }
            None => None,
        };
        Ok(Listed {
            row,
            liked,
            headline,
        })
    }
}

/// Reads an article from the next columns of a row, [`PAGE_COLUMNS`] in order.
pub fn read_article(columns: &mut Columns<'_>) -> Result<article::Model, DbErr> {
    Ok(article::Model {
        id: columns.value()?,
        slug: columns.value()?,
        category_id: columns.value()?,
        original_locale: columns.mapped()?,
        status: columns.mapped()?,
        published_at: columns.value()?,
        created_at: columns.value()?,
        updated_at: columns.value()?,
        deleted_at: columns.value()?,
        byline: columns.value()?,
        source_url: columns.value()?,
        like_count: columns.value()?,
    })
}

/// How many visible articles match `filter`.
pub async fn count(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    filter: &ResolvedFilter,
) -> DomainResult<u64> {
    Ok(filter.apply(now).count(db).await?)
}
