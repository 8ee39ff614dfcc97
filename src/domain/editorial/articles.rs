//! Writing, translating, scheduling, publishing, withdrawing and deleting articles.

use chrono::{DateTime, Utc};
use entity::{article, article_syndication, article_translation, ArticleStatus, Locale};
use sea_orm::{
    sea_query::OnConflict, ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, QueryFilter, TransactionTrait,
};

use super::taken;
use crate::domain::{
    access::Audience,
    articles, categories,
    changes::{Change, Changes, Touched},
    outbox::{self, Entry},
    search,
    validate::{self, Slug},
    DomainError, DomainResult,
};

/// An article's text in one locale, as an editor sends it.
#[derive(Debug, Clone)]
pub struct ArticleText {
    /// The language.
    pub locale: Locale,
    /// Headline.
    pub title: String,
    /// Standfirst.
    pub summary: Option<String>,
    /// Body HTML; it is sanitized before it is stored.
    pub body: String,
}

/// An article to create, as a draft in its original language.
#[derive(Debug, Clone)]
pub struct NewArticle {
    /// Its slug.
    pub slug: String,
    /// The slug of its category.
    pub category: String,
    /// Its text in the language it is written in.
    pub original: ArticleText,
    /// Who wrote it.
    pub byline: Option<String>,
    /// Where the story came from.
    pub source_url: Option<String>,
}

/// Changes to an article; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct ArticlePatch {
    /// A new slug.
    pub slug: Option<String>,
    /// The slug of a new category.
    pub category: Option<String>,
    /// A new original language; the article must have text in it.
    pub original_locale: Option<Locale>,
    /// A new byline.
    pub byline: Option<Option<String>>,
    /// A new source URL.
    pub source_url: Option<Option<String>>,
}

/// Changes to what partners may do with an article; `None` leaves a field as it is,
/// `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct RightsPatch {
    /// Whether partners may carry it.
    pub syndicatable: Option<bool>,
    /// The credit partners must print.
    pub credit: Option<Option<String>>,
    /// Partners may not show it before this time.
    pub embargo_until: Option<Option<DateTime<Utc>>>,
    /// Partners may not show it from this time on.
    pub expires_at: Option<Option<DateTime<Utc>>>,
}

/// Text checked for storage. Drafts may keep an empty title or body in their original
/// language while they are written; translations and published articles may not.
fn checked_text(
    text: &ArticleText,
    article_id: i64,
    now: DateTime<Utc>,
    complete: bool,
) -> DomainResult<article_translation::ActiveModel> {
    let (title, body) = if complete {
        (
            validate::text("title", &text.title, validate::MAX_TITLE)?,
            validate::text("body", &text.body, validate::MAX_BODY)?,
        )
    } else {
        (
            validate::optional_text("title", Some(&text.title), validate::MAX_TITLE)?
                .unwrap_or_default(),
            validate::optional_text("body", Some(&text.body), validate::MAX_BODY)?
                .unwrap_or_default(),
        )
    };
    Ok(article_translation::ActiveModel {
        article_id: Set(article_id),
        locale: Set(text.locale),
        title: Set(title),
        summary: Set(validate::optional_text(
            "summary",
            text.summary.as_deref(),
            validate::MAX_SUMMARY,
        )?),
        body: Set(validate::sanitize_html(&body)),
        created_at: Set(now),
        updated_at: Set(now),
    })
}

async fn category_id(db: &DatabaseConnection, slug: &str) -> DomainResult<i64> {
    categories::by_slug(db, slug)
        .await?
        .map(|c| c.id)
        .ok_or_else(|| {
            DomainError::invalid("category", format!("no category has the slug `{slug}`"))
        })
}

async fn find(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    id: i64,
) -> DomainResult<article::Model> {
    articles::find(db, &Audience::Staff, now, id)
        .await?
        .ok_or(DomainError::NotFound { what: "article" })
}

async fn translation(
    db: &DatabaseConnection,
    id: i64,
    locale: Locale,
) -> DomainResult<Option<article_translation::Model>> {
    Ok(article_translation::Entity::find_by_id((id, locale))
        .one(db)
        .await?)
}

/// Saves `row` with `updated_at` moved to `now`, logs `entry` for partners, inside `txn`,
/// and commits.
async fn touch_and_commit(
    txn: DatabaseTransaction,
    mut row: article::ActiveModel,
    now: DateTime<Utc>,
    entry: Entry,
) -> DomainResult<article::Model> {
    row.updated_at = Set(now);
    let saved = row.update(&txn).await?;
    outbox::record(&txn, now, &[saved.id], &entry).await?;
    txn.commit().await?;
    Ok(saved)
}

fn is_out(article: &article::Model) -> bool {
    article.status == ArticleStatus::Published
}

/// Creates a draft with its original text.
pub async fn create(
    db: &DatabaseConnection,
    changes: &Changes,
    now: DateTime<Utc>,
    new: NewArticle,
) -> DomainResult<article::Model> {
    let mut recorded = changes.recording(Change::Articles);
    let slug = Slug::parse("slug", &new.slug)?;
    let category_id = category_id(db, &new.category).await?;
    let byline = validate::optional_text("byline", new.byline.as_deref(), 200)?;
    let source_url = validate::optional_url("sourceUrl", new.source_url.as_deref())?;
    let mut text = checked_text(&new.original, 0, now, false)?;

    let txn = db.begin().await?;
    let row = article::ActiveModel {
        slug: Set(slug.clone().into()),
        category_id: Set(category_id),
        original_locale: Set(new.original.locale),
        status: Set(ArticleStatus::Draft),
        published_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
        byline: Set(byline),
        source_url: Set(source_url),
        like_count: Set(0),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| taken(e, "slug", slug.as_str()))?;
    recorded.touch(Touched::Article(row.id));
    text.article_id = Set(row.id);
    text.insert(&txn).await?;
    search::index::reindex(&txn, &[row.id]).await?;
    txn.commit().await?;
    Ok(row)
}

/// Changes an article's slug, category, original language, byline or source.
pub async fn update(
    db: &DatabaseConnection,
    changes: &Changes,
    now: DateTime<Utc>,
    id: i64,
    patch: ArticlePatch,
) -> DomainResult<article::Model> {
    let _recorded = changes
        .recording(Change::Articles)
        .touching(Touched::Article(id));
    let current = find(db, now, id).await?;
    let mut row: article::ActiveModel = current.clone().into();
    if let Some(slug) = &patch.slug {
        row.slug = Set(Slug::parse("slug", slug)?.into());
    }
    if let Some(category) = &patch.category {
        row.category_id = Set(category_id(db, category).await?);
    }
    if let Some(locale) = patch.original_locale {
        if translation(db, id, locale).await?.is_none() {
            return Err(DomainError::invalid(
                "originalLocale",
                format!(
                    "the article has no `{}` text to be its original",
                    locale.code()
                ),
            ));
        }
        row.original_locale = Set(locale);
    }
    if let Some(byline) = &patch.byline {
        row.byline = Set(validate::optional_text("byline", byline.as_deref(), 200)?);
    }
    if let Some(url) = &patch.source_url {
        row.source_url = Set(validate::optional_url("sourceUrl", url.as_deref())?);
    }
    let slug = patch.slug.unwrap_or(current.slug.clone());
    let txn = db.begin().await?;
    row.updated_at = Set(now);
    let saved = row
        .update(&txn)
        .await
        .map_err(|e| taken(e, "slug", &slug))?;
    if saved.slug != current.slug {
        outbox::record(&txn, now, &[id], &Entry::Slug(current.slug)).await?;
    }
    outbox::record(&txn, now, &[id], &Entry::Article).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Adds or replaces the article's text in one locale.
pub async fn upsert_translation(
    db: &DatabaseConnection,
    changes: &Changes,
    now: DateTime<Utc>,
    id: i64,
    text: ArticleText,
) -> DomainResult<article::Model> {
    let _recorded = changes
        .recording(Change::Articles)
        .touching(Touched::Article(id));
    let current = find(db, now, id).await?;
    let draft_original = text.locale == current.original_locale && !is_out(&current);
    let mut row = checked_text(&text, id, now, !draft_original)?;
    let created = translation(db, id, text.locale)
        .await?
        .map_or(now, |t| t.created_at);
    row.created_at = Set(created);
    let txn = db.begin().await?;
    article_translation::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                article_translation::Column::ArticleId,
                article_translation::Column::Locale,
            ])
            .update_columns([
                article_translation::Column::Title,
                article_translation::Column::Summary,
                article_translation::Column::Body,
                article_translation::Column::UpdatedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    search::index::reindex(&txn, &[id]).await?;
    touch_and_commit(txn, current.into(), now, Entry::Article).await
}

/// Removes the article's text in one locale; the original language's text stays.
pub async fn delete_translation(
    db: &DatabaseConnection,
    changes: &Changes,
    now: DateTime<Utc>,
    id: i64,
    locale: Locale,
) -> DomainResult<article::Model> {
    let _recorded = changes
        .recording(Change::Articles)
        .touching(Touched::Article(id));
    let current = find(db, now, id).await?;
    if locale == current.original_locale {
        return Err(DomainError::invalid(
            "locale",
            "the original language's text cannot be deleted; change `originalLocale` first",
        ));
    }
    if translation(db, id, locale).await?.is_none() {
        return Err(DomainError::NotFound {
            what: "translation",
        });
    }
    let txn = db.begin().await?;
    article_translation::Entity::delete_many()
        .filter(article_translation::Column::ArticleId.eq(id))
        .filter(article_translation::Column::Locale.eq(locale))
        .exec(&txn)
        .await?;
    search::index::reindex(&txn, &[id]).await?;
    touch_and_commit(txn, current.into(), now, Entry::Translation(locale)).await
}

/// Publishes the article now, or schedules it for `at` when `at` lies in the future. A
/// scheduled article appears to readers at that moment, with no job to run.
pub async fn publish(
    db: &DatabaseConnection,
    changes: &Changes,
    now: DateTime<Utc>,
    id: i64,
    at: Option<DateTime<Utc>>,
) -> DomainResult<article::Model> {
    let _recorded = changes
        .recording(Change::Articles)
        .touching(Touched::Article(id));
    let current = find(db, now, id).await?;
    let original = translation(db, id, current.original_locale).await?;
    let complete = original
        .as_ref()
        .is_some_and(|t| !t.title.trim().is_empty() && !t.body.trim().is_empty());
    if !complete {
        return Err(DomainError::invalid(
            "id",
            format!(
                "the article needs a title and a body in its original language ({}) before it is published",
                current.original_locale.code()
            ),
        ));
    }
    let mut row: article::ActiveModel = current.into();
    let out_at = at.filter(|at| *at > now).unwrap_or(now);
    row.status = Set(ArticleStatus::Published);
    row.published_at = Set(Some(out_at));
    let txn = db.begin().await?;
    outbox::published(&txn, id, out_at).await?;
    outbox::schedule(&txn, now, id, &[Some(out_at)]).await?;
    touch_and_commit(txn, row, now, Entry::Article).await
}

/// Takes the article back to draft: readers no longer see it.
pub async fn unpublish(
    db: &DatabaseConnection,
    changes: &Changes,
    now: DateTime<Utc>,
    id: i64,
) -> DomainResult<article::Model> {
    let _recorded = changes
        .recording(Change::Articles)
        .touching(Touched::Article(id));
    let current = find(db, now, id).await?;
    let mut row: article::ActiveModel = current.into();
    row.status = Set(ArticleStatus::Draft);
    row.published_at = Set(None);
    touch_and_commit(db.begin().await?, row, now, Entry::Article).await
}

/// Withdraws the article from the site but keeps it, with its publish time, for the record.
pub async fn archive(
    db: &DatabaseConnection,
    changes: &Changes,
    now: DateTime<Utc>,
    id: i64,
) -> DomainResult<article::Model> {
    let _recorded = changes
        .recording(Change::Articles)
        .touching(Touched::Article(id));
    let current = find(db, now, id).await?;
    let mut row: article::ActiveModel = current.into();
    row.status = Set(ArticleStatus::Archived);
    touch_and_commit(db.begin().await?, row, now, Entry::Article).await
}

/// Deletes the article for everyone; the row stays, marked, so that partners syncing since a
/// checkpoint learn of the deletion.
pub async fn delete(
    db: &DatabaseConnection,
    changes: &Changes,
    now: DateTime<Utc>,
    id: i64,
) -> DomainResult<article::Model> {
    let _recorded = changes
        .recording(Change::Articles)
        .touching(Touched::Article(id));
    let current = find(db, now, id).await?;
    let mut row: article::ActiveModel = current.into();
    row.deleted_at = Set(Some(now));
    touch_and_commit(db.begin().await?, row, now, Entry::Article).await
}

/// Sets what partners may do with the article: carry it at all, with which credit, from when
/// and until when. Readers are not concerned.
pub async fn set_rights(
    db: &DatabaseConnection,
    changes: &Changes,
    now: DateTime<Utc>,
    id: i64,
    patch: RightsPatch,
) -> DomainResult<article::Model> {
    let _recorded = changes
        .recording(Change::Articles)
        .touching(Touched::Article(id));
    let current = find(db, now, id).await?;
    let rights = article_syndication::Entity::find_by_id(id).one(db).await?;
    let was =
        |f: fn(&article_syndication::Model) -> Option<DateTime<Utc>>| rights.as_ref().and_then(f);
    let embargo_until = patch.embargo_until.unwrap_or(was(|r| r.embargo_until));
    let expires_at = patch.expires_at.unwrap_or(was(|r| r.expires_at));
    validate::window(embargo_until, expires_at)?;
    let credit = match patch.credit {
        Some(credit) => validate::optional_text("credit", credit.as_deref(), 200)?,
        None => rights.as_ref().and_then(|r| r.credit.clone()),
    };
    let row = article_syndication::ActiveModel {
        article_id: Set(id),
        syndicatable: Set(patch
            .syndicatable
            .unwrap_or(rights.as_ref().is_none_or(|r| r.syndicatable))),
        credit: Set(credit),
        embargo_until: Set(embargo_until),
        expires_at: Set(expires_at),
        first_published_at: Set(rights.as_ref().and_then(|r| r.first_published_at)),
    };
    let txn = db.begin().await?;
    article_syndication::Entity::insert(row)
        .on_conflict(
            OnConflict::column(article_syndication::Column::ArticleId)
                .update_columns([
                    article_syndication::Column::Syndicatable,
                    article_syndication::Column::Credit,
                    article_syndication::Column::EmbargoUntil,
                    article_syndication::Column::ExpiresAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    outbox::schedule(&txn, now, id, &[embargo_until, expires_at]).await?;
    touch_and_commit(txn, current.into(), now, Entry::Article).await
}
