//! Searching: a reader's query as the index reads it, and ranked pages of hits.

use std::sync::Arc;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Utc};
use entity::article;
use sea_orm::{
    sea_query::{Alias, Expr, ExprTrait, JoinType, Query, SelectStatement},
    Condition, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Order, QuerySelect,
    QueryTrait,
};

use super::{
    index::ARTICLE_OF_ROWID,
    tokens::{self, Phrase},
};
use crate::domain::{
    articles::{self, ResolvedFilter},
    columns::Columns,
    page::Page,
    DomainError, DomainResult,
};

/// A reader's query, tokenized as documents are. Whatever the text holds (quotes, operators
/// of either database's query syntax, SQL, NUL) is only words to look for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    phrases: Vec<Phrase>,
    backend: DbBackend,
}

impl Match {
    /// The query `text` for `backend`; a blank query is an input error on `field`.
    pub fn parse(field: &'static str, text: &str, backend: DbBackend) -> DomainResult<Match> {
        if text.trim().is_empty() {
            return Err(DomainError::invalid(
                field,
                "give at least one word to search for",
            ));
        }
        Ok(Match {
            phrases: tokens::query(text),
            backend,
        })
    }

    /// What a document must contain, every phrase of it.
    pub fn phrases(&self) -> &[Phrase] {
        &self.phrases
    }

    /// The query in FTS5's syntax: each phrase quoted, a lone character as a prefix.
    fn fts5(&self) -> String {
        self.phrases
            .iter()
            .map(|p| {
                let quoted = format!("\"{}\"", p.tokens.join(" ").replace('"', "\"\""));
                if p.prefix {
                    quoted + "*"
                } else {
                    quoted
                }
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// The query as a `tsquery` literal: each phrase's terms followed by one another.
    fn tsquery(&self) -> String {
        self.phrases
            .iter()
            .map(|p| {
                let terms: Vec<String> = p
                    .tokens
                    .iter()
                    .map(|t| {
                        let quoted = format!("'{}'", t.replace('\\', "\\\\").replace('\'', "''"));
                        if p.prefix {
                            quoted + ":*"
                        } else {
                            quoted
                        }
                    })
                    .collect();
                format!("({})", terms.join(" <-> "))
            })
            .collect::<Vec<_>>()
            .join(" & ")
    }

    /// The matching articles' ids (`article_id`) with their best document's score
    /// (`score`, higher is better).
    fn hits(&self) -> SelectStatement {
        let mut hits = Query::select();
        match self.backend {
            DbBackend::Sqlite => {
                // FTS5's rank function works on matched rows only, so the documents are
                // ranked in a subquery and grouped by article around it.
                let documents = Query::select()
                    .expr_as(Expr::cust(ARTICLE_OF_ROWID), Alias::new("article_id"))
                    .expr_as(
                        Expr::cust("bm25(search_index, 10.0, 6.0, 3.0, 1.0)"),
                        Alias::new("weight"),
                    )
                    .from(Alias::new("search_index"))
                    .and_where(Expr::cust_with_values(
                        "search_index MATCH ?",
                        [self.fts5()],
                    ))
                    // A subquery with a LIMIT is not merged into the grouping around it.
                    .limit(i64::MAX as u64)
                    .to_owned();
                hits.column(Alias::new("article_id"))
                    .expr_as(Expr::cust("-min(weight)"), Alias::new("score"))
                    .from_subquery(documents, Alias::new("documents"))
                    .add_group_by([Expr::col(Alias::new("article_id"))]);
            }
            _ => {
                let query = self.tsquery();
                hits.column(Alias::new("article_id"))
                    .expr_as(
                        Expr::cust_with_values(
                            "max(ts_rank(document, $1::tsquery))::float8",
                            [query.clone()],
                        ),
                        Alias::new("score"),
                    )
                    .from(Alias::new("search_document"))
                    .and_where(Expr::cust_with_values("document @@ $1::tsquery", [query]))
                    .add_group_by([Expr::col(Alias::new("article_id"))]);
            }
        }
        hits
    }

    /// The condition that an article matches.
    pub fn condition(&self) -> Condition {
        if self.phrases.is_empty() {
            return Condition::all().add(Expr::cust("1 = 0"));
        }
        let ids = match self.backend {
            DbBackend::Sqlite => Query::select()
                .expr(Expr::cust(ARTICLE_OF_ROWID))
                .from(Alias::new("search_index"))
                .and_where(Expr::cust_with_values(
                    "search_index MATCH ?",
                    [self.fts5()],
                ))
                .to_owned(),
            _ => Query::select()
                .column(Alias::new("article_id"))
                .from(Alias::new("search_document"))
                .and_where(Expr::cust_with_values(
                    "document @@ $1::tsquery",
                    [self.tsquery()],
                ))
                .to_owned(),
        };
        Condition::all().add(Expr::col((article::Entity, article::Column::Id)).in_subquery(ids))
    }
}

/// An article found, with its score.
#[derive(Debug, Clone)]
pub struct Hit {
    /// The article.
    pub row: Arc<article::Model>,
    /// How well it matches; higher is better. Scores compare within one search only.
    pub score: f64,
}

/// A position in a list of hits: the score and id of the last hit a client saw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HitCursor {
    /// The hit's score.
    pub score: f64,
    /// The hit's article id, the tie-breaker.
    pub id: i64,
}

impl HitCursor {
    /// The cursor of `hit`.
    pub fn of(hit: &Hit) -> Self {
        HitCursor {
            score: hit.score,
            id: hit.row.id,
        }
    }

    /// The cursor as the opaque string clients pass back.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("S:{:016x}:{}", self.score.to_bits(), self.id))
    }

    /// Reads a cursor; one that does not decode is an input error on `field`.
    pub fn decode(field: &'static str, cursor: &str) -> DomainResult<Self> {
        let invalid = || DomainError::invalid(field, format!("`{cursor}` is not a search cursor"));
        let raw = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
        let raw = String::from_utf8(raw).map_err(|_| invalid())?;
        let mut parts = raw.split(':');
        let (Some("S"), Some(bits), Some(id), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid());
        };
        let score = u64::from_str_radix(bits, 16)
            .map(f64::from_bits)
            .map_err(|_| invalid())?;
        let id = id.parse().map_err(|_| invalid())?;
        if !score.is_finite() {
            return Err(invalid());
        }
        Ok(HitCursor { score, id })
    }
}

/// One page of the articles `filter` lets through that match `query`, best first, after
/// `after`: one statement, whose matching part the index answers.
pub async fn search(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    filter: &ResolvedFilter,
    query: &Match,
    size: u64,
    after: Option<HitCursor>,
) -> DomainResult<Page<Hit>> {
    if query.phrases.is_empty() || size == 0 {
        return Ok(Page {
            items: Vec::new(),
            has_next_page: false,
            has_previous_page: after.is_some(),
        });
    }
    let hits = Alias::new("hits");
    let score = Expr::col((hits.clone(), Alias::new("score")));
    let mut statement = filter
        .apply(now)
        .select_only()
        .columns(articles::PAGE_COLUMNS)
        .into_query();
    statement
        .join_subquery(
            JoinType::InnerJoin,
            query.hits(),
            hits.clone(),
            Expr::col((hits.clone(), Alias::new("article_id")))
                .equals((article::Entity, article::Column::Id)),
        )
        .expr(score.clone())
        .order_by_expr(score.clone(), Order::Desc)
        .order_by((article::Entity, article::Column::Id), Order::Desc)
        .limit(size + 1);
    if let Some(cursor) = after {
        let row = Expr::tuple([score, Expr::col((article::Entity, article::Column::Id))]);
        statement.and_where(row.lt(Expr::tuple([Expr::val(cursor.score), Expr::val(cursor.id)])));
    }
    let backend = db.get_database_backend();
    let rows = db.query_all_raw(backend.build(&statement)).await?;
    let mut items = rows
        .iter()
        .map(|res| {
            let mut columns = Columns::of(res);
            let row = articles::read_article(&mut columns)?;
            let score: f64 = columns.value()?;
            Ok(Hit {
                row: Arc::new(row),
                score,
            })
        })
        .collect::<Result<Vec<_>, DbErr>>()?;
    let more = items.len() as u64 > size;
    items.truncate(size as usize);
    Ok(Page {
        items,
        has_next_page: more,
        has_previous_page: after.is_some(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_become_each_databases_syntax() {
        let q = Match::parse("query", "검색 \"BTS\" 曲", DbBackend::Sqlite).unwrap();
        assert_eq!(q.fts5(), "\"검색\" AND \"bts\" AND \"曲\"*");
        assert_eq!(q.tsquery(), "('검색') & ('bts') & ('曲':*)");
        let thai = Match::parse("query", "เพลง", DbBackend::Postgres).unwrap();
        assert_eq!(thai.tsquery(), "('เพ' <-> 'พล' <-> 'ลง')");
        assert!(Match::parse("query", "  ", DbBackend::Sqlite).is_err());
    }

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let cursor = HitCursor {
            score: 0.1 + 0.2,
            id: 42,
        };
        assert_eq!(
            HitCursor::decode("after", &cursor.encode()).unwrap(),
            cursor
        );
        assert!(HitCursor::decode("after", "nope").is_err());
        assert!(
            HitCursor::decode("after", &URL_SAFE_NO_PAD.encode("S:7ff8000000000000:1")).is_err()
        );
    }
}
