//! Article text per locale.

use std::collections::HashMap;

use entity::article_translation::{self, Column};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::{access::Audience, locale::Locale, DomainResult};

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
    audience: &Audience,
    article_ids: &[i64],
) -> DomainResult<HashMap<i64, Vec<article_translation::Model>>> {
    if article_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = article_translation::Entity::find()
        .filter(Column::ArticleId.is_in(article_ids.iter().copied()))
        .filter(readable(audience))
        .order_by_asc(Column::ArticleId)
        .order_by_asc(Column::Locale)
        .all(db)
        .await?;
    Ok(by_article(
        rows.into_iter().map(|row| (row.article_id, row)),
    ))
}

/// The headline of every translation of each of these articles, keyed by article id, each
/// article's in the order of their locale codes.
pub async fn headlines_of(
    db: &DatabaseConnection,
    audience: &Audience,
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
        .filter(readable(audience))
        .order_by_asc(Column::ArticleId)
        .order_by_asc(Column::Locale)
        .into_tuple()
        .all(db)
        .await?;
    Ok(by_article(rows.into_iter().map(
        |(article_id, locale, title, summary)| {
            let headline = Headline {
                locale,
                title,
                summary,
            };
            (article_id, headline)
        },
    )))
}

/// The translations `audience` may read: a partner only those in its licensed languages.
pub fn readable(audience: &Audience) -> Condition {
    match audience.licence() {
        Some(licence) => {
            Condition::all().add(Column::Locale.is_in(licence.locales.iter().copied()))
        }
        None => Condition::all(),
    }
}

/// Items grouped by article id, each group in the order the items came.
fn by_article<T>(items: impl IntoIterator<Item = (i64, T)>) -> HashMap<i64, Vec<T>> {
    let mut map: HashMap<i64, Vec<T>> = HashMap::new();
    for (article_id, item) in items {
        map.entry(article_id).or_default().push(item);
    }
    map
}
