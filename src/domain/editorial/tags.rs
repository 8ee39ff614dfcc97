//! Creating, renaming and merging tags, and tagging articles.
//!
//! A change to a tag's names or to an article's tags rewrites the search documents of the
//! articles concerned and moves their `updated_at` (partners sync on it), in the same
//! transaction.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use entity::{article, article_tag, tag, tag_name, Locale, TagKind};
use sea_orm::{
    sea_query::{Expr, OnConflict},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
    TransactionTrait,
};

use super::taken;
use crate::domain::{
    access::Audience,
    articles,
    changes::{Change, Changes, Touched},
    outbox::{self, Entry},
    search, tags,
    validate::{self, Slug},
    DomainError, DomainResult,
};

/// Longest tag name.
const MAX_NAME: usize = 120;
/// The most tags an article carries.
pub const MAX_TAGS_PER_ARTICLE: usize = 20;

/// A tag to create.
#[derive(Debug, Clone)]
pub struct NewTag {
    /// Its slug.
    pub slug: String,
    /// What it names.
    pub kind: TagKind,
    /// Its names, at least one, one per locale.
    pub names: Vec<(Locale, String)>,
}

/// Changes to a tag; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct TagPatch {
    /// A new slug.
    pub slug: Option<String>,
    /// A new kind.
    pub kind: Option<TagKind>,
    /// Names to set, one per locale; the other locales keep theirs.
    pub names: Option<Vec<(Locale, String)>>,
}

fn checked_names(names: &[(Locale, String)]) -> DomainResult<Vec<(Locale, String)>> {
    let mut out = Vec::with_capacity(names.len());
    for (i, (locale, name)) in names.iter().enumerate() {
        if names[..i].iter().any(|(l, _)| l == locale) {
            return Err(DomainError::invalid(
                "names",
                format!("the locale `{}` is named twice", locale.code()),
            ));
        }
        out.push((*locale, validate::text("name", name, MAX_NAME)?));
    }
    Ok(out)
}

async fn upsert_names<C: ConnectionTrait>(
    conn: &C,
    tag_id: i64,
    names: Vec<(Locale, String)>,
) -> DomainResult<()> {
    if names.is_empty() {
        return Ok(());
    }
    tag_name::Entity::insert_many(
        names
            .into_iter()
            .map(|(locale, name)| tag_name::ActiveModel {
                tag_id: Set(tag_id),
                locale: Set(locale),
                name: Set(name),
            }),
    )
    .on_conflict(
        OnConflict::columns([tag_name::Column::TagId, tag_name::Column::Locale])
            .update_column(tag_name::Column::Name)
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

async fn find(db: &DatabaseConnection, id: i64, field: &'static str) -> DomainResult<tag::Model> {
    tags::by_id(db, id).await?.ok_or_else(|| {
        if field == "id" {
            DomainError::NotFound { what: "tag" }
        } else {
            DomainError::invalid(field, "no such tag")
        }
    })
}

/// The articles carrying tag `id`.
async fn articles_with<C: ConnectionTrait>(conn: &C, id: i64) -> DomainResult<Vec<i64>> {
    Ok(article_tag::Entity::find()
        .select_only()
        .column(article_tag::Column::ArticleId)
        .filter(article_tag::Column::TagId.eq(id))
        .into_tuple()
        .all(conn)
        .await?)
}

/// Moves the `updated_at` of these articles to `now`, rewrites their search documents and
/// logs their change for partners.
async fn touch<C: ConnectionTrait>(conn: &C, ids: &[i64], now: DateTime<Utc>) -> DomainResult<()> {
    outbox::record(conn, now, ids, &Entry::Article).await?;
    for chunk in ids.chunks(500) {
        article::Entity::update_many()
            .col_expr(article::Column::UpdatedAt, Expr::value(now))
            .filter(article::Column::Id.is_in(chunk.iter().copied()))
            .exec(conn)
            .await?;
    }
    search::index::reindex(conn, ids).await
}

/// Creates a tag with its names.
pub async fn create(
    db: &DatabaseConnection,
    changes: &Changes,
    now: DateTime<Utc>,
    new: NewTag,
) -> DomainResult<tag::Model> {
    let mut recorded = changes.recording(Change::Articles);
    let slug = Slug::parse("slug", &new.slug)?;
    if new.names.is_empty() {
        return Err(DomainError::invalid(
            "names",
            "give the tag a name in at least one locale",
        ));
    }
    let names = checked_names(&new.names)?;
    let txn = db.begin().await?;
    let row = tag::ActiveModel {
        slug: Set(slug.clone().into()),
        kind: Set(new.kind),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| taken(e, "slug", slug.as_str()))?;
    recorded.touch(Touched::Tag(row.id));
    upsert_names(&txn, row.id, names).await?;
    txn.commit().await?;
    Ok(row)
}

/// Renames a tag (in some locales, or its slug) or changes its kind.
pub async fn update(
    db: &DatabaseConnection,
    changes: &Changes,
    now: DateTime<Utc>,
    id: i64,
    patch: TagPatch,
) -> DomainResult<tag::Model> {
    let _recorded = changes
        .recording(Change::Articles)
        .touching(Touched::Tag(id));
    let current = find(db, id, "id").await?;
    let names = patch.names.as_deref().map(checked_names).transpose()?;
    let mut row: tag::ActiveModel = current.clone().into();
    if let Some(slug) = &patch.slug {
        row.slug = Set(Slug::parse("slug", slug)?.into());
    }
    if let Some(kind) = patch.kind {
        row.kind = Set(kind);
    }
    row.updated_at = Set(now);
    let txn = db.begin().await?;
    let saved = row
        .update(&txn)
        .await
        .map_err(|e| taken(e, "slug", patch.slug.as_deref().unwrap_or(&current.slug)))?;
    let renamed = names.is_some();
    if let Some(names) = names {
        upsert_names(&txn, id, names).await?;
    }
    // What articles show of their tags: slug, kind and names.
    if renamed || saved.slug != current.slug || saved.kind != current.kind {
        let tagged = articles_with(&txn, id).await?;
        touch(&txn, &tagged, now).await?;
    }
    txn.commit().await?;
    Ok(saved)
}

/// Merges tag `source` into `target`: every article carrying `source` carries `target`
/// instead (in `source`'s place), `target` gains the names `source` had in locales it has
/// none in, and `source` is deleted.
pub async fn merge(
    db: &DatabaseConnection,
    changes: &Changes,
    now: DateTime<Utc>,
    source_id: i64,
    target_id: i64,
) -> DomainResult<tag::Model> {
    let _recorded = changes
        .recording(Change::Articles)
        .touching(Touched::Tag(source_id))
        .touching(Touched::Tag(target_id));
    if source_id == target_id {
        return Err(DomainError::invalid(
            "targetId",
            "a tag cannot be merged into itself",
        ));
    }
    let source = find(db, source_id, "sourceId").await?;
    let target = find(db, target_id, "targetId").await?;
    let txn = db.begin().await?;
    let mut row: tag::ActiveModel = target.into();
    row.updated_at = Set(now);
    let saved = row.update(&txn).await?;
    let moved = article_tag::Entity::find()
        .filter(article_tag::Column::TagId.eq(source.id))
        .all(&txn)
        .await?;
    let already: HashSet<i64> = articles_with(&txn, target_id).await?.into_iter().collect();
    let links: Vec<article_tag::ActiveModel> = moved
        .iter()
        .filter(|l| !already.contains(&l.article_id))
        .map(|l| article_tag::ActiveModel {
            article_id: Set(l.article_id),
            tag_id: Set(target_id),
            position: Set(l.position),
        })
        .collect();
    for chunk in links.chunks(200) {
        article_tag::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    let names = tag_name::Entity::find()
        .filter(tag_name::Column::TagId.is_in([source_id, target_id]))
        .all(&txn)
        .await?;
    let missing: Vec<tag_name::ActiveModel> = names
        .iter()
        .filter(|n| n.tag_id == source_id)
        .filter(|n| {
            !names
                .iter()
                .any(|t| t.tag_id == target_id && t.locale == n.locale)
        })
        .map(|n| tag_name::ActiveModel {
            tag_id: Set(target_id),
            locale: Set(n.locale),
            name: Set(n.name.clone()),
        })
        .collect();
    if !missing.is_empty() {
        tag_name::Entity::insert_many(missing)
            .exec_without_returning(&txn)
            .await?;
    }
    tag::Entity::delete_by_id(source_id).exec(&txn).await?;
    let touched: Vec<i64> = moved.iter().map(|l| l.article_id).collect();
    touch(&txn, &touched, now).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Sets an article's tags, in this order, by slug; an empty list removes them all.
pub async fn set_article_tags(
    db: &DatabaseConnection,
    changes: &Changes,
    now: DateTime<Utc>,
    article_id: i64,
    slugs: &[String],
) -> DomainResult<article::Model> {
    let _recorded = changes
        .recording(Change::Articles)
        .touching(Touched::Article(article_id));
    if slugs.len() > MAX_TAGS_PER_ARTICLE {
        return Err(DomainError::invalid(
            "tags",
            format!("an article carries at most {MAX_TAGS_PER_ARTICLE} tags"),
        ));
    }
    let article = articles::find(db, &Audience::Staff, now, article_id)
        .await?
        .ok_or(DomainError::NotFound { what: "article" })?;
    let mut ids = Vec::with_capacity(slugs.len());
    for slug in slugs {
        let tag = tags::by_slug(db, slug)
            .await?
            .ok_or_else(|| DomainError::invalid("tags", format!("no tag has the slug `{slug}`")))?;
        if ids.contains(&tag.id) {
            return Err(DomainError::invalid(
                "tags",
                format!("the tag `{slug}` is listed twice"),
            ));
        }
        ids.push(tag.id);
    }
    let txn = db.begin().await?;
    article_tag::Entity::delete_many()
        .filter(article_tag::Column::ArticleId.eq(article_id))
        .exec(&txn)
        .await?;
    if !ids.is_empty() {
        article_tag::Entity::insert_many(ids.iter().enumerate().map(|(i, tag_id)| {
            article_tag::ActiveModel {
                article_id: Set(article_id),
                tag_id: Set(*tag_id),
                position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
            }
        }))
        .exec_without_returning(&txn)
        .await?;
    }
    touch(&txn, &[article_id], now).await?;
    txn.commit().await?;
    let mut saved = article;
    saved.updated_at = now;
    Ok(saved)
}
