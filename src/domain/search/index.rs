//! Keeping the index in step with the articles: every write that changes an article's text
//! or tags, or a tag's names, rewrites the documents of the articles concerned inside its own
//! transaction, so that a search never sees a write half done.

use std::collections::{BTreeMap, HashMap};

use entity::{article_tag, article_translation, tag_name, Locale};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, Statement, Value,
};

use super::{
    text,
    tokens::{self, Field},
};
use crate::domain::DomainResult;

/// The text of one document: an article's translation with the names of its tags.
#[derive(Debug, Clone, Default)]
pub struct Document<'a> {
    /// The headline.
    pub title: &'a str,
    /// The names of the article's tags in every language, one after another.
    pub tags: &'a str,
    /// The standfirst.
    pub summary: &'a str,
    /// The body, as HTML.
    pub body: &'a str,
}

impl Document<'_> {
    /// The tokens of each field, in [`Field::ALL`]'s order.
    fn fields(&self) -> [Vec<tokens::Token>; 4] {
        [
            tokens::document(self.title),
            tokens::document(self.tags),
            tokens::document(self.summary),
            tokens::document(&text::plain(self.body)),
        ]
    }
}

/// The SQLite rowid of the document of `article`'s text in `locale`.
pub fn rowid(article: i64, locale: Locale) -> i64 {
    let place = Locale::ALL.iter().position(|l| *l == locale).unwrap_or(0);
    article * 8 + place as i64
}

/// The article and locale of the document with SQLite rowid `rowid`.
pub fn document_of_rowid(rowid: i64) -> (i64, Locale) {
    let place = rowid.rem_euclid(8) as usize;
    (
        rowid.div_euclid(8),
        Locale::ALL[place.min(Locale::ALL.len() - 1)],
    )
}

/// The article a SQLite rowid belongs to, in SQL.
pub const ARTICLE_OF_ROWID: &str = "rowid / 8";

/// The most positions PostgreSQL keeps per term, and the last position it records.
const PG_POSITIONS_PER_TERM: usize = 255;
const PG_LAST_POSITION: usize = 16_383;

/// How many consecutive article ids share a PostgreSQL recency term (see [`recency_term`]).
/// Part of the stored documents: the migration that added the terms uses the same number.
pub const PG_RECENCY_SPAN: i64 = 4096;

/// The term, in every PostgreSQL document of the articles with ids in `bucket`'s span of
/// [`PG_RECENCY_SPAN`], that lets the GIN index find the newest matches without reading
/// the older ones. No text yields it: the tokenizer never keeps `~`.
pub fn recency_term(bucket: i64) -> String {
    format!("~r{bucket}")
}

/// A `tsvector` literal of `article`'s `document`: title terms weighted A, tag names B,
/// summary C, body D, with a gap of one position between fields so that no phrase spans
/// two of them, and the article's recency term (without a position).
fn tsvector(article: i64, document: &Document<'_>) -> String {
    let mut terms: BTreeMap<String, Vec<(usize, char)>> = BTreeMap::new();
    let mut position = 1;
    for (field, tokens) in Field::ALL.iter().zip(document.fields()) {
        let weight = match field {
            Field::Title => 'A',
            Field::Tags => 'B',
            Field::Summary => 'C',
            Field::Body => 'D',
        };
        for token in tokens {
            let at = terms.entry(token.text).or_default();
            if at.len() < PG_POSITIONS_PER_TERM {
                at.push((position.min(PG_LAST_POSITION), weight));
            }
            position += 1;
        }
        position += 1;
    }
    let mut out = String::new();
    for (term, positions) in terms {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push('\'');
        for c in term.chars() {
            if c == '\'' || c == '\\' {
                out.push(c);
            }
            out.push(c);
        }
        out.push_str("':");
        for (i, (p, w)) in positions.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&p.to_string());
            out.push(*w);
        }
    }
    if !out.is_empty() {
        out.push(' ');
    }
    out.push('\'');
    out.push_str(&recency_term(article.div_euclid(PG_RECENCY_SPAN)));
    out.push('\'');
    out
}

/// The tokens of each field of `document` as one space-separated text, for FTS5.
fn fts5_columns(document: &Document<'_>) -> [String; 4] {
    document.fields().map(|tokens| {
        tokens
            .into_iter()
            .map(|t| t.text)
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// Rewrites the documents of these articles from their current texts and tags, on `conn`
/// (the transaction of the write that changed them).
pub async fn reindex<C: ConnectionTrait>(conn: &C, article_ids: &[i64]) -> DomainResult<()> {
    if article_ids.is_empty() {
        return Ok(());
    }
    let texts = article_translation::Entity::find()
        .filter(article_translation::Column::ArticleId.is_in(article_ids.iter().copied()))
        .order_by_asc(article_translation::Column::ArticleId)
        .all(conn)
        .await?;
    let tags = tag_names(conn, article_ids).await?;
    let documents: Vec<(i64, Locale, Document<'_>)> = texts
        .iter()
        .map(|t| {
            let document = Document {
                title: &t.title,
                tags: tags.get(&t.article_id).map_or("", String::as_str),
                summary: t.summary.as_deref().unwrap_or(""),
                body: &t.body,
            };
            (t.article_id, t.locale, document)
        })
        .collect();
    write(conn, article_ids, &documents).await
}

/// The names, in every language, of each article's tags, as one text per article.
async fn tag_names<C: ConnectionTrait>(
    conn: &C,
    article_ids: &[i64],
) -> DomainResult<HashMap<i64, String>> {
    let links = article_tag::Entity::find()
        .filter(article_tag::Column::ArticleId.is_in(article_ids.iter().copied()))
        .all(conn)
        .await?;
    if links.is_empty() {
        return Ok(HashMap::new());
    }
    let mut tag_ids: Vec<i64> = links.iter().map(|l| l.tag_id).collect();
    tag_ids.sort_unstable();
    tag_ids.dedup();
    let names = tag_name::Entity::find()
        .filter(tag_name::Column::TagId.is_in(tag_ids))
        .all(conn)
        .await?;
    let mut by_tag: HashMap<i64, Vec<&str>> = HashMap::new();
    for name in &names {
        by_tag.entry(name.tag_id).or_default().push(&name.name);
    }
    let mut out: HashMap<i64, String> = HashMap::new();
    for link in links {
        let text = out.entry(link.article_id).or_default();
        for name in by_tag.get(&link.tag_id).into_iter().flatten() {
            text.push_str(name);
            text.push_str(" | ");
        }
    }
    Ok(out)
}

/// Replaces the documents of `article_ids` by `documents` (each article's, by locale).
pub async fn write<C: ConnectionTrait>(
    conn: &C,
    article_ids: &[i64],
    documents: &[(i64, Locale, Document<'_>)],
) -> DomainResult<()> {
    let backend = conn.get_database_backend();
    for chunk in article_ids.chunks(100) {
        let (sql, values): (String, Vec<Value>) = match backend {
            DbBackend::Sqlite => {
                let rowids: Vec<Value> = chunk
                    .iter()
                    .flat_map(|id| Locale::ALL.map(|l| Value::from(rowid(*id, l))))
                    .collect();
                let marks = vec!["?"; rowids.len()].join(", ");
                (
                    format!("DELETE FROM search_index WHERE rowid IN ({marks})"),
                    rowids,
                )
            }
            _ => (
                format!(
                    "DELETE FROM search_document WHERE article_id IN ({})",
                    numbered(1, chunk.len())
                ),
                chunk.iter().map(|id| Value::from(*id)).collect(),
            ),
        };
        conn.execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
    }
    for chunk in documents.chunks(200) {
        let mut values: Vec<Value> = Vec::new();
        let rows: Vec<String> = match backend {
            DbBackend::Sqlite => chunk
                .iter()
                .map(|(article, locale, document)| {
                    values.push(rowid(*article, *locale).into());
                    values.extend(fts5_columns(document).map(Value::from));
                    "(?, ?, ?, ?, ?)".to_owned()
                })
                .collect(),
            _ => chunk
                .iter()
                .map(|(article, locale, document)| {
                    let n = values.len();
                    values.push((*article).into());
                    values.push(locale.code().into());
                    values.push(tsvector(*article, document).into());
                    format!("(${}, ${}, ${}::tsvector)", n + 1, n + 2, n + 3)
                })
                .collect(),
        };
        if rows.is_empty() {
            continue;
        }
        let sql = match backend {
            DbBackend::Sqlite => format!(
                "INSERT INTO search_index (rowid, title, tags, summary, body) VALUES {}",
                rows.join(", ")
            ),
            _ => format!(
                "INSERT INTO search_document (article_id, locale, document) VALUES {}",
                rows.join(", ")
            ),
        };
        conn.execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
    }
    Ok(())
}

/// `$from, $from+1, …`: `count` numbered PostgreSQL parameters.
fn numbered(from: usize, count: usize) -> String {
    (from..from + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tsvector_literal_quotes_terms_and_weighs_fields() {
        let document = Document {
            title: "BTS 컴백",
            tags: "방탄소년단",
            summary: "",
            body: "<p>it's BTS</p>",
        };
        let vector = tsvector(4097, &document);
        assert!(vector.ends_with(" '~r1'"), "{vector}");
        assert!(vector.contains("'bts':1A,"), "{vector}");
        assert!(vector.contains("'컴백':2A"), "{vector}");
        assert!(vector.contains("'방탄':"), "{vector}");
        assert!(vector.contains("'it':"), "{vector}");
    }

    #[test]
    fn rowids_keep_an_articles_documents_together() {
        assert_eq!(rowid(3, Locale::Ko), 24);
        assert_eq!(rowid(3, Locale::Vi), 31);
        assert_eq!(document_of_rowid(31), (3, Locale::Vi));
        assert_eq!(document_of_rowid(24), (3, Locale::Ko));
    }
}
