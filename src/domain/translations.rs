//! Article text per locale.

use std::collections::HashMap;

use entity::article_translation::{self, Column};
use sea_orm::{
    sea_query::Expr, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::DomainResult;

/// How much of each translation to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    /// Every column.
    Full,
    /// Every column but the body, which is left empty: what a list of headlines needs, without
    /// reading each article's full text in every language.
    Headline,
}

/// Every translation of each of these articles, keyed by article id.
pub async fn of_articles(
    db: &DatabaseConnection,
    article_ids: &[i64],
    text: Text,
) -> DomainResult<HashMap<i64, Vec<article_translation::Model>>> {
    if article_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut select = article_translation::Entity::find()
        .filter(Column::ArticleId.is_in(article_ids.iter().copied()))
        .order_by_asc(Column::ArticleId)
        .order_by_asc(Column::Locale);
    if text == Text::Headline {
        select = select
            .select_only()
            .columns([
                Column::ArticleId,
                Column::Locale,
                Column::Title,
                Column::Summary,
                Column::CreatedAt,
                Column::UpdatedAt,
            ])
            .expr_as(Expr::val(""), "body");
    }
    let rows = select.all(db).await?;
    let mut map: HashMap<i64, Vec<article_translation::Model>> = HashMap::new();
    for row in rows {
        map.entry(row.article_id).or_default().push(row);
    }
    Ok(map)
}
