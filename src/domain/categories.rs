//! The category tree and its names per locale.

use std::collections::HashMap;

use entity::{category, category_translation};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::{locale, locale::Locale, DomainError, DomainResult};

/// Every category, siblings in their editorial order.
pub async fn all(db: &DatabaseConnection) -> DomainResult<Vec<category::Model>> {
    Ok(category::Entity::find()
        .order_by_asc(category::Column::Position)
        .order_by_asc(category::Column::Id)
        .all(db)
        .await?)
}

/// The top-level categories, in editorial order.
pub async fn top_level(db: &DatabaseConnection) -> DomainResult<Vec<category::Model>> {
    Ok(category::Entity::find()
        .filter(category::Column::ParentId.is_null())
        .order_by_asc(category::Column::Position)
        .order_by_asc(category::Column::Id)
        .all(db)
        .await?)
}

/// The category with this slug.
pub async fn by_slug(db: &DatabaseConnection, slug: &str) -> DomainResult<Option<category::Model>> {
    if !super::validate::is_slug(slug) {
        return Ok(None);
    }
    Ok(category::Entity::find()
        .filter(category::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

/// The categories with these ids, by id.
pub async fn by_ids(
    db: &DatabaseConnection,
    ids: &[i64],
) -> DomainResult<HashMap<i64, category::Model>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = category::Entity::find()
        .filter(category::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|c| (c.id, c)).collect())
}

/// The categories with these ids, each with its names in every locale, in one statement.
pub async fn with_names(
    db: &DatabaseConnection,
    ids: &[i64],
) -> DomainResult<Vec<(category::Model, Vec<category_translation::Model>)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(category::Entity::find()
        .filter(category::Column::Id.is_in(ids.iter().copied()))
        .find_with_related(category_translation::Entity)
        .all(db)
        .await?)
}

/// The children of each of these categories, in editorial order.
pub async fn children_of(
    db: &DatabaseConnection,
    parent_ids: &[i64],
) -> DomainResult<HashMap<i64, Vec<category::Model>>> {
    if parent_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = category::Entity::find()
        .filter(category::Column::ParentId.is_in(parent_ids.iter().copied()))
        .order_by_asc(category::Column::Position)
        .order_by_asc(category::Column::Id)
        .all(db)
        .await?;
    let mut map: HashMap<i64, Vec<category::Model>> = HashMap::new();
    for row in rows {
        if let Some(parent) = row.parent_id {
            map.entry(parent).or_default().push(row);
        }
    }
    Ok(map)
}

/// The names of each of these categories, in every locale they have.
pub async fn translations_of(
    db: &DatabaseConnection,
    ids: &[i64],
) -> DomainResult<HashMap<i64, Vec<category_translation::Model>>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = category_translation::Entity::find()
        .filter(category_translation::Column::CategoryId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let mut map: HashMap<i64, Vec<category_translation::Model>> = HashMap::new();
    for row in rows {
        map.entry(row.category_id).or_default().push(row);
    }
    Ok(map)
}

/// The name to show: the first preferred locale that has one, else Korean (the newsroom's
/// home language), else any.
pub fn localized<'a>(
    translations: &'a [category_translation::Model],
    preferred: &[Locale],
) -> Option<&'a category_translation::Model> {
    let has = |l: Locale| translations.iter().any(|t| t.locale == l);
    let chosen = locale::pick(preferred, has, Locale::Ko);
    translations
        .iter()
        .find(|t| t.locale == chosen)
        .or_else(|| translations.first())
}

/// The ids of the category named `slug`, and of all its descendants when `include_descendants`.
///
/// An unknown slug is an input error on `field`, so that a typo is not mistaken for an empty
/// section.
pub async fn scope(
    db: &DatabaseConnection,
    field: &'static str,
    slug: &str,
    include_descendants: bool,
) -> DomainResult<Vec<i64>> {
    let tree = all(db).await?;
    let tree: Vec<&category::Model> = tree.iter().collect();
    scope_in(&tree, slug, include_descendants)
        .ok_or_else(|| DomainError::invalid(field, format!("no category has the slug `{slug}`")))
}

/// [`scope`] within `tree`, every category; `None` when no category in it has `slug`.
pub fn scope_in(
    tree: &[&category::Model],
    slug: &str,
    include_descendants: bool,
) -> Option<Vec<i64>> {
    let root = tree.iter().find(|c| c.slug == slug)?;
    let mut ids = vec![root.id];
    if include_descendants {
        let mut next = 0;
        while next < ids.len() {
            let parent = ids[next];
            ids.extend(
                tree.iter()
                    .filter(|c| c.parent_id == Some(parent))
                    .map(|c| c.id),
            );
            next += 1;
        }
    }
    Some(ids)
}
