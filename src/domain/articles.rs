//! Finding and listing articles as readers see them.
//!
//! Readers only ever see visible articles: published, with a publish time that has come, and
//! not deleted. Every query here starts from [`visible`], so no entry point can leak a draft.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{article, article_translation, ArticleStatus};
use sea_orm::{
    sea_query::Query, ColumnTrait, Condition, DatabaseConnection, EntityTrait, Order,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};

use super::{
    categories,
    cursor::{ArticleOrder, Cursor, SortKey},
    locale::Locale,
    page::{Direction, Page, PageRequest},
    DomainResult,
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

/// The visible article with this id.
pub async fn find_visible(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    id: i64,
) -> DomainResult<Option<article::Model>> {
    Ok(article::Entity::find_by_id(id)
        .filter(visible(now))
        .one(db)
        .await?)
}

/// The visible article with this slug.
pub async fn find_visible_by_slug(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    slug: &str,
) -> DomainResult<Option<article::Model>> {
    Ok(article::Entity::find()
        .filter(article::Column::Slug.eq(slug))
        .filter(visible(now))
        .one(db)
        .await?)
}

/// The visible articles among these ids, by id.
pub async fn visible_by_ids(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ids: &[i64],
) -> DomainResult<HashMap<i64, article::Model>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = article::Entity::find()
        .filter(article::Column::Id.is_in(ids.iter().copied()))
        .filter(visible(now))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|a| (a.id, a)).collect())
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
}

/// An [`ArticleFilter`] with its category slug resolved to ids.
#[derive(Debug, Clone, Default)]
pub struct ResolvedFilter {
    category_ids: Option<Vec<i64>>,
    available_in: Option<Locale>,
    published_after: Option<DateTime<Utc>>,
    published_before: Option<DateTime<Utc>>,
    updated_since: Option<DateTime<Utc>>,
}

impl ArticleFilter {
    /// Resolves the category slug; an unknown slug is an input error.
    pub async fn resolve(self, db: &DatabaseConnection) -> DomainResult<ResolvedFilter> {
        let category_ids = match &self.category {
            Some(slug) => Some(
                categories::scope(db, "filter.category", slug, self.include_subcategories).await?,
            ),
            None => None,
        };
        Ok(ResolvedFilter {
            category_ids,
            available_in: self.available_in,
            published_after: self.published_after,
            published_before: self.published_before,
            updated_since: self.updated_since,
        })
    }
}

impl ResolvedFilter {
    /// The filter restricted to these categories.
    pub fn in_categories(mut self, ids: Vec<i64>) -> Self {
        self.category_ids = Some(ids);
        self
    }

    fn apply(&self, now: DateTime<Utc>) -> Select<article::Entity> {
        let mut query = article::Entity::find().filter(visible(now));
        if let Some(ids) = &self.category_ids {
            query = query.filter(article::Column::CategoryId.is_in(ids.iter().copied()));
        }
        if let Some(locale) = self.available_in {
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
        query
    }
}

/// The sort column and direction of an order.
fn sort_of(order: ArticleOrder) -> (article::Column, Order) {
    match order {
        ArticleOrder::Latest => (article::Column::PublishedAt, Order::Desc),
        ArticleOrder::Oldest => (article::Column::PublishedAt, Order::Asc),
        ArticleOrder::RecentlyUpdated => (article::Column::UpdatedAt, Order::Desc),
        ArticleOrder::MostLiked => (article::Column::LikeCount, Order::Desc),
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
fn beyond(cursor: &Cursor, ahead: bool) -> Condition {
    let (column, order) = sort_of(cursor.order);
    let descending = matches!(order, Order::Desc) == ahead;
    let key: sea_orm::Value = match cursor.key {
        SortKey::Time(t) => t.into(),
        SortKey::Count(c) => c.into(),
    };
    let (past_key, past_id) = if descending {
        (column.lt(key.clone()), article::Column::Id.lt(cursor.id))
    } else {
        (column.gt(key.clone()), article::Column::Id.gt(cursor.id))
    };
    Condition::any()
        .add(past_key)
        .add(Condition::all().add(column.eq(key)).add(past_id))
}

/// One page of the visible articles matching `filter`, in `order`, keyset-paginated.
///
/// The cost of a page does not depend on how deep it is: the cursor becomes a range
/// condition on the order's index, never an OFFSET.
pub async fn list(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    filter: &ResolvedFilter,
    order: ArticleOrder,
    page: &PageRequest,
) -> DomainResult<Page<article::Model>> {
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

    let mut query = filter.apply(now);
    if let Some(cursor) = &after {
        query = query.filter(beyond(cursor, true));
    }
    if let Some(cursor) = &before {
        query = query.filter(beyond(cursor, false));
    }
    let (column, direction) = sort_of(order);
    let forward = page.direction == Direction::Forward;
    let direction = match (direction, forward) {
        (d, true) => d,
        (Order::Desc, false) => Order::Asc,
        (_, false) => Order::Desc,
    };
    let mut rows = query
        .order_by(column, direction.clone())
        .order_by(article::Column::Id, direction)
        .limit(page.size + 1)
        .all(db)
        .await?;

    let more = rows.len() as u64 > page.size;
    rows.truncate(page.size as usize);
    if !forward {
        rows.reverse();
    }
    let items = rows
        .into_iter()
        .map(|row| (cursor_of(&row, order).encode(), row))
        .collect();
    Ok(Page {
        items,
        has_next_page: if forward { more } else { before.is_some() },
        has_previous_page: if forward { after.is_some() } else { more },
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
