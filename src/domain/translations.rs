//! Article text per locale.

use std::collections::HashMap;

use entity::article_translation::{self, Column};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{locale::Locale, DomainResult};

/// What a headline shows of a translation: its language, title and summary, without the
/// body and the bookkeeping times that a list of headlines never sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Headline {
    /// The language of the text.
    pub locale: Locale,
    /// Headline.
    pub title: String,
    /// Standfirst, if the text has one.
    pub summary: Option<String>,
}

impl From<&article_translation::Model> for Headline {
    fn from(row: &article_translation::Model) -> Self {
        Headline {
            locale: row.locale,
            title: row.title.clone(),
            summary: row.summary.clone(),
        }
    }
}

/// Every translation of each of these articles, whole, keyed by article id, each article's
/// in the order of their locale codes.
pub async fn of_articles(
    db: &DatabaseConnection,
    article_ids: &[i64],
) -> DomainResult<HashMap<i64, Vec<article_translation::Model>>> {
    if article_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = article_translation::Entity::find()
        .filter(Column::ArticleId.is_in(article_ids.iter().copied()))
        .order_by_asc(Column::ArticleId)
        .order_by_asc(Column::Locale)
        .all(db)
        .await?;
    let mut map: HashMap<i64, Vec<article_translation::Model>> = HashMap::new();
    for row in rows {
        map.entry(row.article_id).or_default().push(row);
    }
    Ok(map)
}

/// The headline of every translation of each of these articles, keyed by article id, each
/// article's in the order of their locale codes.
pub async fn headlines_of(
    db: &DatabaseConnection,
    article_ids: &[i64],
) -> DomainResult<HashMap<i64, Vec<Headline>>> {
    if article_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, Locale, String, Option<String>)> = article_translation::Entity::find()
        .select_only()
        .columns([
            Column::ArticleId,
            Column::Locale,
            Column::Title,
            Column::Summary,
        ])
        .filter(Column::ArticleId.is_in(article_ids.iter().copied()))
        .order_by_asc(Column::ArticleId)
        .order_by_asc(Column::Locale)
        .into_tuple()
        .all(db)
        .await?;
    let mut map: HashMap<i64, Vec<Headline>> = HashMap::new();
    for (article_id, locale, title, summary) in rows {
        map.entry(article_id).or_default().push(Headline {
            locale,
            title,
            summary,
        });
    }
    Ok(map)
}
