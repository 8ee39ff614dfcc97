//! Full-text search over articles in all eight languages, on either database.
//!
//! The server tokenizes (see [`tokens`]): the databases store and match its tokens and never
//! tokenize themselves, so both find the same articles. The index has one document per
//! article translation and follows every write in that write's transaction ([`index`]);
//! [`query`] ranks pages of hits, and [`text`] makes their snippets from the original text.

pub mod index;
pub mod query;
pub mod text;
pub mod tokens;
