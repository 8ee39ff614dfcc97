//! Creating, renaming, moving and deleting categories.

use chrono::{DateTime, Utc};
use entity::{article, category, category_translation, Locale};
use sea_orm::{
    sea_query::OnConflict, ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, TransactionTrait,
};

use super::taken;
use crate::domain::{
    categories,
    changes::{Change, Changes, Touched},
    outbox::{self, Entry},
    validate::{self, Slug},
    DomainError, DomainResult,
};

/// Longest category name.
const MAX_NAME: usize = 120;
/// Longest category description.
const MAX_DESCRIPTION: usize = 500;

/// A category's name in one locale.
#[derive(Debug, Clone)]
pub struct CategoryText {
    /// The language.
    pub locale: Locale,
    /// The display name.
    pub name: String,
    /// One sentence about the section.
    pub description: Option<String>,
}

/// A category to create.
#[derive(Debug, Clone)]
pub struct NewCategory {
    /// Its slug.
    pub slug: String,
    /// The slug of its parent; `None` for a top-level section.
    pub parent: Option<String>,
    /// Its place among its siblings; default: last.
    pub position: Option<i32>,
    /// Its names: at least one, one per locale.
    pub names: Vec<CategoryText>,
}

/// Changes to a category; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct CategoryPatch {
    /// A new slug.
    pub slug: Option<String>,
    /// A new parent slug; `Some(None)` moves the category to the top level.
    pub parent: Option<Option<String>>,
    /// A new place among its siblings.
    pub position: Option<i32>,
}

fn checked_text(text: &CategoryText) -> DomainResult<category_translation::ActiveModel> {
    Ok(category_translation::ActiveModel {
        category_id: Set(0),
        locale: Set(text.locale),
        name: Set(validate::text("name", &text.name, MAX_NAME)?),
        description: Set(validate::optional_text(
            "description",
            text.description.as_deref(),
            MAX_DESCRIPTION,
        )?),
    })
}

async fn parent_id(db: &DatabaseConnection, slug: &str) -> DomainResult<i64> {
    categories::by_slug(db, slug)
        .await?
        .map(|c| c.id)
        .ok_or_else(|| DomainError::invalid("parent", format!("no category has the slug `{slug}`")))
}

async fn find(db: &DatabaseConnection, id: i64) -> DomainResult<category::Model> {
    category::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DomainError::NotFound { what: "category" })
}

/// Creates a category with its names.
pub async fn create(
    db: &DatabaseConnection,
    changes: &Changes,
    now: DateTime<Utc>,
    new: NewCategory,
) -> DomainResult<category::Model> {
    let mut recorded = changes.recording(Change::Categories);
    let slug = Slug::parse("slug", &new.slug)?;
    if new.names.is_empty() {
        return Err(DomainError::invalid(
            "names",
            "give the category a name in at least one locale",
        ));
    }
    let mut names = Vec::new();
    for (i, text) in new.names.iter().enumerate() {
        if new.names[..i].iter().any(|t| t.locale == text.locale) {
            return Err(DomainError::invalid(
                "names",
                format!("the locale `{}` is named twice", text.locale.code()),
            ));
        }
        names.push(checked_text(text)?);
    }
    let parent = match &new.parent {
        Some(slug) => Some(parent_id(db, slug).await?),
        None => None,
    };
    let position = match new.position {
        Some(p) => p,
        None => next_position(db, parent).await?,
    };

    let txn = db.begin().await?;
    let row = category::ActiveModel {
        slug: Set(slug.clone().into()),
        parent_id: Set(parent),
        position: Set(position),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| taken(e, "slug", slug.as_str()))?;
    recorded.touch(Touched::Category(row.id));
    for mut name in names {
        name.category_id = Set(row.id);
        name.insert(&txn).await?;
    }
    txn.commit().await?;
    Ok(row)
}

async fn next_position(db: &DatabaseConnection, parent: Option<i64>) -> DomainResult<i32> {
    let siblings = match parent {
        Some(id) => category::Column::ParentId.eq(id),
        None => category::Column::ParentId.is_null(),
    };
    let last = category::Entity::find()
        .filter(siblings)
        .order_by_desc(category::Column::Position)
        .one(db)
        .await?;
    Ok(last.map_or(1, |c| c.position.saturating_add(1)))
}

/// Renames, moves or reorders a category. A category cannot move under itself or under one
/// of its own subcategories.
pub async fn update(
    db: &DatabaseConnection,
    changes: &Changes,
    now: DateTime<Utc>,
    id: i64,
    patch: CategoryPatch,
) -> DomainResult<category::Model> {
    let _recorded = changes
        .recording(Change::Categories)
        .touching(Touched::Category(id));
    let current = find(db, id).await?;
    let mut row: category::ActiveModel = current.clone().into();
    if let Some(slug) = &patch.slug {
        row.slug = Set(Slug::parse("slug", slug)?.into());
    }
    if let Some(parent) = &patch.parent {
        let parent = match parent {
            Some(slug) => {
                let parent = parent_id(db, slug).await?;
                let below = categories::scope(db, "parent", &current.slug, true).await?;
                if below.contains(&parent) {
                    return Err(DomainError::invalid(
                        "parent",
                        "a category cannot move under itself or one of its subcategories",
                    ));
                }
                Some(parent)
            }
            None => None,
        };
        row.parent_id = Set(parent);
    }
    if let Some(position) = patch.position {
        row.position = Set(position);
    }
    row.updated_at = Set(now);
    // A move changes which licences cover the whole subtree; a new slug what its articles show.
    let subtree = categories::scope(db, "id", &current.slug, true).await?;
    let slug = patch.slug.unwrap_or(current.slug.clone());
    let txn = db.begin().await?;
    let updated = row
        .update(&txn)
        .await
        .map_err(|e| taken(e, "slug", &slug))?;
    if updated.slug != current.slug || updated.parent_id != current.parent_id {
        let concerned = outbox::out_in_categories(&txn, &subtree).await?;
        outbox::record(&txn, now, &concerned, &Entry::Article).await?;
    }
    txn.commit().await?;
    Ok(updated)
}

/// Sets a category's name and description in one locale.
pub async fn upsert_translation(
    db: &DatabaseConnection,
    changes: &Changes,
    now: DateTime<Utc>,
    id: i64,
    text: CategoryText,
) -> DomainResult<category::Model> {
    let _recorded = changes
        .recording(Change::Categories)
        .touching(Touched::Category(id));
    let current = find(db, id).await?;
    let mut name = checked_text(&text)?;
    name.category_id = Set(id);
    let txn = db.begin().await?;
    category_translation::Entity::insert(name)
        .on_conflict(
            OnConflict::columns([
                category_translation::Column::CategoryId,
                category_translation::Column::Locale,
            ])
            .update_columns([
                category_translation::Column::Name,
                category_translation::Column::Description,
            ])
            .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    let mut row: category::ActiveModel = current.into();
    row.updated_at = Set(now);
    let updated = row.update(&txn).await?;
    let concerned = outbox::out_in_categories(&txn, &[id]).await?;
    outbox::record(&txn, now, &concerned, &Entry::Article).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Deletes an empty category: one with no subcategories and no articles (deleted articles
/// count, since they are kept for syndication).
pub async fn delete(
    db: &DatabaseConnection,
    changes: &Changes,
    id: i64,
) -> DomainResult<category::Model> {
    let _recorded = changes
        .recording(Change::Categories)
        .touching(Touched::Category(id));
    let current = find(db, id).await?;
    let children = category::Entity::find()
        .filter(category::Column::ParentId.eq(id))
        .count(db)
        .await?;
    if children > 0 {
        return Err(DomainError::invalid(
            "id",
            format!("the category has {children} subcategories; move or delete them first"),
        ));
    }
    let articles = article::Entity::find()
        .filter(article::Column::CategoryId.eq(id))
        .count(db)
        .await?;
    if articles > 0 {
        return Err(DomainError::invalid(
            "id",
            format!("the category holds {articles} articles; move them to another category first"),
        ));
    }
    let txn = db.begin().await?;
    category::Entity::delete_by_id(id).exec(&txn).await?;
    txn.commit().await?;
    Ok(current)
}
