//! Searching: a reader's query as the index reads it, and ranked pages of hits.

use std::sync::Arc;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Utc};
use entity::article;
use entity::Locale;
use sea_orm::{
    sea_query::{Alias, Expr, ExprTrait, Func, JoinType, Query, SelectStatement, UnionType},
    Condition, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Order, QuerySelect,
    QueryTrait,
};

use super::{
    index::{self, ARTICLE_OF_ROWID},
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

    /// The query in FTS5's syntax, matched in `columns` only.
    fn fts5_in(&self, columns: &str) -> String {
        format!("{{{columns}}} : ({})", self.fts5())
    }

    /// The query as a `tsquery` literal: each phrase's terms followed by one another, in
    /// positions of `weights` only (every position when empty).
    fn tsquery_in(&self, weights: &str) -> String {
        self.phrases
            .iter()
            .map(|p| {
                let terms: Vec<String> = p
                    .tokens
                    .iter()
                    .map(|t| term(t, p.prefix, weights))
                    .collect();
                format!("({})", terms.join(" <-> "))
            })
            .collect::<Vec<_>>()
            .join(" & ")
    }

    /// The query as a `tsquery` literal: each phrase's terms followed by one another.
    fn tsquery(&self) -> String {
        self.tsquery_in("")
    }

    /// A `tsquery` that every matching document meets and that the GIN index answers
    /// without reading the documents: of each phrase, bigrams that cover its characters
    /// (every other one, and the last; of a long phrase only the first, the middle and the
    /// last of those), all required, in any order.
    fn tsquery_coarse(&self) -> String {
        let mut terms: Vec<String> = Vec::new();
        for p in &self.phrases {
            let last = p.tokens.len().saturating_sub(1);
            let covering: Vec<&String> = p
                .tokens
                .iter()
                .enumerate()
                .filter(|(i, _)| i % 2 == 0 || *i == last)
                .map(|(_, t)| t)
                .collect();
            let kept = if covering.len() > 3 {
                vec![
                    covering[0],
                    covering[covering.len() / 2],
                    covering[covering.len() - 1],
                ]
            } else {
                covering
            };
            for t in kept {
                let term = term(t, p.prefix, "");
                if !terms.contains(&term) {
                    terms.push(term);
                }
            }
        }
        terms.join(" & ")
    }

    /// The newest documents (at most `size`) that match, of articles below `below`: each
    /// as its article id and locale, newest first. The index answers it: FTS5 in rowid
    /// order, stopping after `size`; on PostgreSQL, the GIN index by
    /// [`Self::tsquery_coarse`] and the recency terms of the newest spans of articles first
    /// (one span, then four, sixteen…), so that older matches are not read.
    async fn newest(
        &self,
        db: &DatabaseConnection,
        below: Option<i64>,
        size: u64,
    ) -> DomainResult<Vec<(i64, Locale)>> {
        if self.backend == DbBackend::Sqlite {
            let mut select = Query::select();
            select
                .expr(Expr::cust("rowid"))
                .from(Alias::new("search_index"))
                .and_where(Expr::cust_with_values(
                    "search_index MATCH ?",
                    [self.fts5()],
                ))
                .order_by_expr(Expr::cust("rowid"), Order::Desc)
                .limit(size);
            if let Some(below) = below {
                select.and_where(Expr::cust_with_values(
                    "rowid < ?",
                    [index::rowid(below, Locale::ALL[0])],
                ));
            }
            let rows = db.query_all_raw(self.backend.build(&select)).await?;
            return rows
                .iter()
                .map(|row| Columns::of(row).value().map(index::document_of_rowid))
                .collect::<Result<Vec<_>, DbErr>>()
                .map_err(Into::into);
        }
        let below = match below {
            Some(below) => below,
            None => {
                let newest = Query::select()
                    .expr(Expr::cust("max(article_id)"))
                    .from(Alias::new("search_document"))
                    .to_owned();
                let row = db.query_one_raw(self.backend.build(&newest)).await?;
                match row.map(|r| Columns::of(&r).value::<Option<i64>>()) {
                    Some(Ok(Some(newest))) => newest + 1,
                    Some(Err(e)) => return Err(e.into()),
                    _ => return Ok(Vec::new()),
                }
            }
        };
        let coarse = self.tsquery_coarse();
        let mut keys: Vec<(i64, Locale)> = Vec::new();
        let mut high = (below - 1).div_euclid(index::PG_RECENCY_SPAN);
        // The newest span is still filling: when it holds less than half a span of
        // articles, the first read takes the span before it too.
        let mut spans = if below - high * index::PG_RECENCY_SPAN < index::PG_RECENCY_SPAN / 2 {
            2
        } else {
            1
        };
        while high >= 0 && (keys.len() as u64) < size {
            let low = Ord::max(high - spans + 1, 0);
            let recent = (low..=high)
                .rev()
                .map(|b| format!("'{}'", index::recency_term(b)))
                .collect::<Vec<_>>()
                .join(" | ");
            let query = if coarse.is_empty() {
                recent
            } else {
                format!("{coarse} & ({recent})")
            };
            let select = Query::select()
                .columns([Alias::new("article_id"), Alias::new("locale")])
                .from(Alias::new("search_document"))
                .and_where(Expr::cust_with_values("document @@ $1::tsquery", [query]))
                // Only the GIN index is worth using: the bound and the order are written so
                // that no plan walks the primary key (backwards, testing each document, or
                // for a bitmap of every document below the bound).
                .and_where(Expr::cust_with_values("article_id + 0 < $1", [below]))
                .order_by_expr(Expr::cust("-article_id"), Order::Asc)
                .order_by(Alias::new("locale"), Order::Desc)
                .limit(size - keys.len() as u64)
                .to_owned();
            let rows = db.query_all_raw(self.backend.build(&select)).await?;
            for row in &rows {
                let mut columns = Columns::of(row);
                let article: i64 = columns.value()?;
                let locale: String = columns.value()?;
                keys.push((
                    article,
                    Locale::from_code(&locale).unwrap_or(Locale::ALL[0]),
                ));
            }
            // The next spans: as many as the matches found so far say the rest of the
            // window needs, one more for safety, at most four times as many as before.
            let read = below - low * index::PG_RECENCY_SPAN;
            let missing = size.saturating_sub(keys.len() as u64) as i64;
            spans = match keys.len() as i64 {
                0 => spans * 4,
                found => {
                    let needed = missing * read / found;
                    Ord::min(needed / index::PG_RECENCY_SPAN + 1, spans * 4)
                }
            };
            high = low - 1;
        }
        Ok(keys)
    }

    /// The matching articles of a window's `documents` (`article_id`) with their best
    /// document's score (`score`): 3 when the whole query is in the headline, 2 when it is
    /// in the tag names and standfirst, 1 when it needs the body.
    fn hits(&self, documents: &Documents) -> SelectStatement {
        let mut hits = Query::select();
        match self.backend {
            DbBackend::Sqlite => {
                let range = |score: &'static str, query: String| {
                    Query::select()
                        .expr_as(Expr::cust(ARTICLE_OF_ROWID), Alias::new("article_id"))
                        .expr_as(Expr::cust(score), Alias::new("score"))
                        .from(Alias::new("search_index"))
                        .and_where(Expr::cust_with_values("search_index MATCH ?", [query]))
                        .and_where(Expr::cust_with_values(
                            "rowid >= ?",
                            [index::rowid(documents.from, Locale::ALL[0])],
                        ))
                        .and_where(Expr::cust_with_values(
                            "rowid < ?",
                            [index::rowid(documents.window.below, Locale::ALL[0])],
                        ))
                        .to_owned()
                };
                // The window's own documents match: they score 1 without another search.
                let rowids: Vec<String> = documents
                    .keys
                    .iter()
                    .map(|(article, locale)| index::rowid(*article, *locale).to_string())
                    .collect();
                let window = Query::select()
                    .expr_as(Expr::cust("value / 8"), Alias::new("article_id"))
                    .expr_as(Expr::cust("1.0"), Alias::new("score"))
                    .from_function(
                        Func::cust(Alias::new("json_each")).arg(format!("[{}]", rowids.join(","))),
                        Alias::new("window_documents"),
                    )
                    .to_owned();
                let mut scored = range("3.0", self.fts5_in("title"));
                scored
                    .union(UnionType::All, range("2.0", self.fts5_in("tags summary")))
                    .union(UnionType::All, window);
                hits.column(Alias::new("article_id"))
                    .expr_as(Expr::cust("max(score)"), Alias::new("score"))
                    .from_subquery(scored, Alias::new("documents"))
                    .add_group_by([Expr::col(Alias::new("article_id"))]);
            }
            _ => {
                let ids: Vec<String> = documents.keys.iter().map(|(a, _)| a.to_string()).collect();
                let locales: Vec<&str> = documents.keys.iter().map(|(_, l)| l.code()).collect();
                hits.column(Alias::new("article_id"))
                    .expr_as(
                        Expr::cust_with_values(
                            "max(CASE WHEN document @@ $1::tsquery THEN 3 \
                             WHEN document @@ $2::tsquery THEN 2 ELSE 1 END)::float8",
                            [self.tsquery_in("A"), self.tsquery_in("BC")],
                        ),
                        Alias::new("score"),
                    )
                    .from(Alias::new("search_document"))
                    .and_where(Expr::cust_with_values(
                        "(article_id, locale) IN \
                         (SELECT * FROM unnest($1::bigint[], $2::varchar[]))",
                        [
                            format!("{{{}}}", ids.join(",")),
                            format!("{{{}}}", locales.join(",")),
                        ],
                    ))
                    .and_where(Expr::cust_with_values(
                        "document @@ $1::tsquery",
                        [self.tsquery()],
                    ))
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

/// Where a ranking looks: the newest `size` matching documents of the articles whose ids
/// are below `below`. A search ranks the newest documents first and goes on to older ones
/// only when a page needs more, so that its cost follows the page, not the number of matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The articles ranked have smaller ids than this.
    pub below: i64,
    /// How many documents the window holds at most.
    pub size: u64,
}

/// How much larger each older window is than the one before it.
const WINDOW_GROWTH: u64 = 4;

/// The largest window a cursor may name.
const MAX_WINDOW: u64 = 1 << 24;

/// The documents of one window, and the window after it.
#[derive(Debug)]
struct Documents {
    /// The window they fill.
    window: Window,
    /// Each document's article id and locale.
    keys: Vec<(i64, Locale)>,
    /// Every matching document of an article in `from..window.below` is in `keys`.
    from: i64,
    /// The next older window, unless this one holds every remaining match.
    next: Option<Window>,
}

impl Match {
    /// The documents of the window of the newest `size` matching documents below `below`
    /// (the newest of all when `None`); `None` when no document is left. A window that is
    /// full leaves out its oldest article, whose other documents may lie beyond it, for the
    /// next window to rank whole.
    async fn window(
        &self,
        db: &DatabaseConnection,
        below: Option<i64>,
        size: u64,
    ) -> DomainResult<Option<Documents>> {
        let mut keys = self.newest(db, below, size).await?;
        let (Some(&(newest, _)), Some(&(oldest, _))) = (keys.first(), keys.last()) else {
            return Ok(None);
        };
        let window = Window {
            below: below.unwrap_or(newest + 1),
            size,
        };
        if (keys.len() as u64) < size {
            return Ok(Some(Documents {
                window,
                keys,
                from: 0,
                next: None,
            }));
        }
        keys.retain(|(article, _)| *article != oldest);
        Ok(Some(Documents {
            window,
            keys,
            from: oldest + 1,
            next: Some(Window {
                below: oldest + 1,
                size: Ord::min(size.saturating_mul(WINDOW_GROWTH), MAX_WINDOW),
            }),
        }))
    }
}

/// An article found, with its score.
#[derive(Debug, Clone)]
pub struct Hit {
    /// The article.
    pub row: Arc<article::Model>,
    /// How well it matches; higher is better. Scores compare within one window only.
    pub score: f64,
    /// The window the hit was ranked in.
    pub window: Window,
    /// The languages of the article's documents in the window, where the query matched.
    pub matched: Vec<Locale>,
}

/// A position in a list of hits: the window, score and id of the last hit a client saw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HitCursor {
    /// The hit's window.
    pub window: Window,
    /// The hit's score.
    pub score: f64,
    /// The hit's article id, the tie-breaker.
    pub id: i64,
}

impl HitCursor {
    /// The cursor of `hit`.
    pub fn of(hit: &Hit) -> Self {
        HitCursor {
            window: hit.window,
            score: hit.score,
            id: hit.row.id,
        }
    }

    /// The cursor as the opaque string clients pass back.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!(
            "S:{}:{}:{:016x}:{}",
            self.window.below,
            self.window.size,
            self.score.to_bits(),
            self.id
        ))
    }

    /// Reads a cursor; one that does not decode is an input error on `field`.
    pub fn decode(field: &'static str, cursor: &str) -> DomainResult<Self> {
        let invalid = || DomainError::invalid(field, format!("`{cursor}` is not a search cursor"));
        let raw = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
        let raw = String::from_utf8(raw).map_err(|_| invalid())?;
        let parts: Vec<&str> = raw.split(':').collect();
        let ["S", below, size, bits, id] = parts[..] else {
            return Err(invalid());
        };
        let window = Window {
            below: below.parse().map_err(|_| invalid())?,
            size: size.parse().map_err(|_| invalid())?,
        };
        let score = u64::from_str_radix(bits, 16)
            .map(f64::from_bits)
            .map_err(|_| invalid())?;
        let id = id.parse().map_err(|_| invalid())?;
        if !score.is_finite() || window.size == 0 || window.size > MAX_WINDOW {
            return Err(invalid());
        }
        Ok(HitCursor { window, score, id })
    }
}

/// One page of the articles `filter` lets through that match `query`, best first, after
/// `after`. Hits are ranked a window at a time (see [`Window`]), newest documents first,
/// starting with the newest `window` documents; each window costs two statements that the
/// index answers, and a page reads older windows only when the newer ones run out.
pub async fn search(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    filter: &ResolvedFilter,
    query: &Match,
    size: u64,
    after: Option<HitCursor>,
    window: u64,
) -> DomainResult<Page<Hit>> {
    let mut items: Vec<Hit> = Vec::new();
    if !query.phrases.is_empty() && size > 0 {
        let (mut below, mut window_size) = match after {
            Some(cursor) => (Some(cursor.window.below), cursor.window.size),
            None => (None, window),
        };
        let mut past = after.map(|c| (c.score, c.id));
        while let Some(mut documents) = query.window(db, below, window_size).await? {
            if let Some(licence) = filter.audience().licence() {
                // A partner's hits are the documents in its licensed languages.
                documents
                    .keys
                    .retain(|(_, locale)| licence.has_locale(*locale));
            }
            let wanted = size + 1 - items.len() as u64;
            items.extend(rank(db, now, filter, query, &documents, past, wanted).await?);
            match documents.next {
                Some(next) if items.len() as u64 <= size => {
                    below = Some(next.below);
                    window_size = next.size;
                    past = None;
                }
                _ => break,
            }
        }
    }
    Ok(Page::of_one_more(items, size, after.is_some()))
}

/// The best `limit` articles of `documents` that `filter` lets through, after `past` (a
/// score and id) when given: one statement.
async fn rank(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    filter: &ResolvedFilter,
    query: &Match,
    documents: &Documents,
    past: Option<(f64, i64)>,
    limit: u64,
) -> DomainResult<Vec<Hit>> {
    if documents.keys.is_empty() {
        return Ok(Vec::new());
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
            query.hits(documents),
            hits.clone(),
            Expr::col((hits.clone(), Alias::new("article_id")))
                .equals((article::Entity, article::Column::Id)),
        )
        .expr(score.clone())
        .order_by_expr(score.clone(), Order::Desc)
        .order_by((article::Entity, article::Column::Id), Order::Desc)
        .limit(limit);
    if filter.audience().licence().is_some() {
        statement.and_where(
            Expr::col((article::Entity, article::Column::Id))
                .is_in(documents.keys.iter().map(|(article, _)| *article)),
        );
    }
    if let Some((past_score, past_id)) = past {
        let row = Expr::tuple([score, Expr::col((article::Entity, article::Column::Id))]);
        statement.and_where(row.lt(Expr::tuple([Expr::val(past_score), Expr::val(past_id)])));
    }
    let backend = db.get_database_backend();
    let rows = db.query_all_raw(backend.build(&statement)).await?;
    rows.iter()
        .map(|res| {
            let mut columns = Columns::of(res);
            let row = articles::read_article(&mut columns)?;
            let score: f64 = columns.value()?;
            let matched = documents
                .keys
                .iter()
                .filter(|(article, _)| *article == row.id)
                .map(|(_, locale)| *locale)
                .collect();
            Ok(Hit {
                row: Arc::new(row),
                score,
                window: documents.window,
                matched,
            })
        })
        .collect::<Result<Vec<_>, DbErr>>()
        .map_err(Into::into)
}

/// One `tsquery` term: quoted, a prefix when `prefix`, limited to positions of `weights`.
fn term(token: &str, prefix: bool, weights: &str) -> String {
    let quoted = format!("'{}'", token.replace('\\', "\\\\").replace('\'', "''"));
    match (prefix, weights.is_empty()) {
        (true, _) => format!("{quoted}:*{weights}"),
        (false, false) => format!("{quoted}:{weights}"),
        (false, true) => quoted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_become_each_databases_syntax() {
        let q = Match::parse("query", "검색 \"BTS\" 曲", DbBackend::Sqlite).unwrap();
        assert_eq!(q.fts5(), "\"검색\" AND \"bts\" AND \"曲\"*");
        assert_eq!(q.tsquery(), "('검색') & ('bts') & ('曲':*)");
        assert_eq!(
            q.fts5_in("title"),
            "{title} : (\"검색\" AND \"bts\" AND \"曲\"*)"
        );
        assert_eq!(q.tsquery_in("A"), "('검색':A) & ('bts':A) & ('曲':*A)");
        let thai = Match::parse("query", "เพลง", DbBackend::Postgres).unwrap();
        assert_eq!(thai.tsquery(), "('เพ' <-> 'พล' <-> 'ลง')");
        assert_eq!(thai.tsquery_coarse(), "'เพ' & 'ลง'");
        let name = Match::parse("query", "스텔라웨이브 'x'", DbBackend::Postgres).unwrap();
        assert_eq!(name.tsquery_coarse(), "'스텔' & '라웨' & '이브' & 'x'");
        let long = Match::parse("query", "สเตลลาเวฟ", DbBackend::Postgres).unwrap();
        assert_eq!(long.tsquery_coarse(), "'สเ' & 'ลา' & 'วฟ'");
        assert!(Match::parse("query", "  ", DbBackend::Sqlite).is_err());
    }

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let cursor = HitCursor {
            window: Window {
                below: 1234,
                size: 100,
            },
            score: 0.1 + 0.2,
            id: 42,
        };
        assert_eq!(
            HitCursor::decode("after", &cursor.encode()).unwrap(),
            cursor
        );
        assert!(HitCursor::decode("after", "nope").is_err());
        assert!(HitCursor::decode(
            "after",
            &URL_SAFE_NO_PAD.encode("S:9:100:7ff8000000000000:1")
        )
        .is_err());
        assert!(
            HitCursor::decode("after", &URL_SAFE_NO_PAD.encode("S:9:0:0000000000000000:1"))
                .is_err(),
            "an empty window"
        );
        assert!(
            HitCursor::decode("after", &URL_SAFE_NO_PAD.encode("S:0000000000000000:1")).is_err(),
            "a cursor without its window"
        );
    }
}
