//! Article text per locale.

use std::collections::HashMap;

use entity::article_translation;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::DomainResult;

/// Every translation of each of these articles, keyed by article id.
pub async fn of_articles(
    db: &DatabaseConnection,
    article_ids: &[i64],
) -> DomainResult<HashMap<i64, Vec<article_translation::Model>>> {
    if article_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = article_translation::Entity::find()
        .filter(article_translation::Column::ArticleId.is_in(article_ids.iter().copied()))
        .order_by_asc(article_translation::Column::ArticleId)
        .order_by_asc(article_translation::Column::Locale)
        .all(db)
        .await?;
    let mut map: HashMap<i64, Vec<article_translation::Model>> = HashMap::new();
    for row in rows {
        map.entry(row.article_id).or_default().push(row);
    }
    Ok(map)
}
