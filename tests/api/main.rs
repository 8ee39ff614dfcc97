//! Integration tests: the real router over a real database (SQLite by default, PostgreSQL when
//! `TEST_DATABASE_URL` is set), one module per feature.

#![allow(clippy::unwrap_used)]

mod helpers;

mod arguments;
mod auth;
mod budgets;
mod changes;
mod cli;
mod clients;
mod clusters;
mod connections;
mod editorial;
mod errors;
mod faults;
mod feeds;
mod http;
mod instances;
mod licences;
mod likes;
mod listing;
mod locales;
mod related;
mod replica;
mod response_cache;
mod schema;
mod search;
mod seeding;
mod servers;
mod sharing;
mod statements;
mod strings;
mod subscriptions;
mod visibility;
