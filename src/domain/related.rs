//! Related articles: those sharing the most tags, then the same category, then the newest.
//!
//! One batch serves a whole page of articles in three statements: the page's articles, their
//! tags, and one union of the newest visible articles of each of their tags and categories
//! (the candidates), which are ranked here.

use std::{
    cmp::Reverse,
    collections::{HashMap, HashSet},
    sync::Arc,
};

use chrono::{DateTime, Utc};
use entity::{article, article_tag};
use sea_orm::{
    sea_query::{Alias, Asterisk, Expr, Query, SelectStatement, UnionType},
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, Order, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait,
};

use super::{access::Audience, articles, columns::Columns, DomainResult};

/// The most related articles kept per article; `Article.related(first:)` allows as many.
pub const MAX_RELATED: usize = 20;

/// How many of the newest articles of each tag and category are candidates.
const CANDIDATES_PER_GROUP: u64 = 30;

/// The most tags and categories a batch looks through.
const MAX_GROUPS: usize = 120;

/// The articles related to each of these articles that `audience` sees beside an article
/// (see [`Audience::as_reader`]), best first, at most [`MAX_RELATED`] each, never the article
/// itself.
pub async fn of_articles(
    db: &DatabaseConnection,
    audience: &Audience,
    now: DateTime<Utc>,
    ids: &[i64],
) -> DomainResult<HashMap<i64, Vec<Arc<article::Model>>>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sources = article::Entity::find()
        .filter(article::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let links = article_tag::Entity::find()
        .filter(article_tag::Column::ArticleId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let mut tags_of: HashMap<i64, HashSet<i64>> = HashMap::new();
    for link in &links {
        tags_of
            .entry(link.article_id)
            .or_default()
            .insert(link.tag_id);
    }
    let mut tag_ids: Vec<i64> = links.iter().map(|l| l.tag_id).collect();
    tag_ids.sort_unstable();
    tag_ids.dedup();
    let mut category_ids: Vec<i64> = sources.iter().map(|a| a.category_id).collect();
    category_ids.sort_unstable();
    category_ids.dedup();
    tag_ids.truncate(MAX_GROUPS);
    category_ids.truncate(MAX_GROUPS.saturating_sub(tag_ids.len()).max(1));

    let candidates = candidates(db, &audience.as_reader(), now, &tag_ids, &category_ids).await?;
    let mut rows: HashMap<i64, Arc<article::Model>> = HashMap::new();
    let mut via: HashMap<i64, HashSet<i64>> = HashMap::new();
    for (row, tag) in candidates {
        if let Some(tag) = tag {
            via.entry(row.id).or_default().insert(tag);
        }
        rows.entry(row.id).or_insert_with(|| Arc::new(row));
    }

    let none = HashSet::new();
    let mut out = HashMap::new();
    for source in &sources {
        let own = tags_of.get(&source.id).unwrap_or(&none);
        let mut ranked: Vec<(usize, bool, &Arc<article::Model>)> = rows
            .values()
            .filter(|c| c.id != source.id)
            .map(|c| {
                let shared = via.get(&c.id).map_or(0, |v| v.intersection(own).count());
                (shared, c.category_id == source.category_id, c)
            })
            .filter(|(shared, same, _)| *shared > 0 || *same)
            .collect();
        ranked.sort_by_key(|(shared, same, c)| {
            (
                Reverse(*shared),
                Reverse(*same),
                Reverse(c.published_at),
                Reverse(c.id),
            )
        });
        out.insert(
            source.id,
            ranked
                .into_iter()
                .take(MAX_RELATED)
                .map(|(_, _, c)| c.clone())
                .collect(),
        );
    }
    Ok(out)
}

/// The newest articles `audience` sees of each tag (with the tag) and of each category
/// (without), in one statement.
async fn candidates(
    db: &DatabaseConnection,
    audience: &Audience,
    now: DateTime<Utc>,
    tag_ids: &[i64],
    category_ids: &[i64],
) -> DomainResult<Vec<(article::Model, Option<i64>)>> {
    let via = Alias::new("via_tag");
    let visible = || {
        article::Entity::find()
            .filter(articles::visible_to(audience, now))
            .select_only()
            .columns(articles::PAGE_COLUMNS)
    };
    let mut members: Vec<SelectStatement> = Vec::new();
    for tag in tag_ids {
        let mut member = visible()
            .inner_join(article_tag::Entity)
            .filter(article_tag::Column::TagId.eq(*tag))
            .order_by(article_tag::Column::ArticleId, Order::Desc)
            .limit(CANDIDATES_PER_GROUP)
            .into_query();
        member.expr_as(Expr::val(*tag), via.clone());
        members.push(member);
    }
    for category in category_ids {
        let mut member = visible()
            .filter(article::Column::CategoryId.eq(*category))
            .order_by(article::Column::PublishedAt, Order::Desc)
            .order_by(article::Column::Id, Order::Desc)
            .limit(CANDIDATES_PER_GROUP)
            .into_query();
        member.expr_as(Expr::cust("CAST(NULL AS BIGINT)"), via.clone());
        members.push(member);
    }
    let wrap = |(i, member): (usize, SelectStatement)| {
        Query::select()
            .column(Asterisk)
            .from_subquery(member, Alias::new(format!("group_{i}")))
            .to_owned()
    };
    let mut members = members.into_iter().enumerate().map(wrap);
    let Some(mut statement) = members.next() else {
        return Ok(Vec::new());
    };
    for member in members {
        statement.union(UnionType::All, member);
    }
    let backend = db.get_database_backend();
    let rows = db.query_all_raw(backend.build(&statement)).await?;
    rows.iter()
        .map(|res| {
            let mut columns = Columns::of(res);
            let row = articles::read_article(&mut columns)?;
            let tag: Option<i64> = columns.value()?;
            Ok((row, tag))
        })
        .collect::<Result<Vec<_>, DbErr>>()
        .map_err(Into::into)
}
