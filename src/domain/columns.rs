//! Reading a row of a hand-written statement column after column, by position.
//!
//! On PostgreSQL the values are decoded straight from the row, without sqlx's check, for every
//! column of every row, that the column's type fits the Rust type asked for: the statements
//! read this way list their columns and types themselves, and a value that does not decode
//! still fails as an error. On SQLite, and for the enums SeaORM maps, the values go through
//! SeaORM.

use sea_orm::{
    sqlx::{self, postgres::PgRow, Postgres, Row},
    DbErr, QueryResult, TryGetable,
};

/// The columns of one row, read in order.
pub struct Columns<'a> {
    result: &'a QueryResult,
    postgres: Option<&'a PgRow>,
    next: usize,
}

impl<'a> Columns<'a> {
    /// Starts at the first column of `result`.
    pub fn of(result: &'a QueryResult) -> Self {
        Columns {
            result,
            postgres: result.try_as_pg_row(),
            next: 0,
        }
    }

    fn advance(&mut self) -> usize {
        self.next += 1;
        self.next - 1
    }

    /// The next column, as a value sqlx decodes itself.
    pub fn value<T>(&mut self) -> Result<T, DbErr>
    where
        T: TryGetable + sqlx::Type<Postgres> + for<'r> sqlx::Decode<'r, Postgres>,
    {
        let index = self.advance();
        match self.postgres {
            Some(row) => row.try_get_unchecked(index).map_err(crate::db::query_error),
            None => self.result.try_get_by_index(index),
        }
    }

    /// The next column, as a value SeaORM maps (an enum stored as text).
    pub fn mapped<T: TryGetable>(&mut self) -> Result<T, DbErr> {
        let index = self.advance();
        self.result.try_get_by_index(index)
    }

    /// Passes over the next `count` columns without reading them.
    pub fn skip(&mut self, count: usize) {
        self.next += count;
    }
}
