//! seaography 2 over newswire's entities, as a benchmark peer (bench/run.sh): the schema
//! seaography generates for the tables, served by axum with async-graphql-axum as
//! seaography's own examples do, read-only (no mutations), on `127.0.0.1:$PEER_PORT/graphql`
//! (POST JSON) over `DATABASE_URL`. With `--sdl` it prints the generated schema instead.

mod entities;

use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::{extract::State, routing::post, Router};
use entities::*;
use sea_orm::{ConnectOptions, Database};
use seaography::{
    async_graphql::dynamic::Schema, lazy_static::lazy_static, Builder, BuilderContext,
};

lazy_static! {
    /// seaography's naming and limits: its defaults.
    static ref CONTEXT: BuilderContext = BuilderContext::default();
}

/// Executes one GraphQL request.
async fn graphql(State(schema): State<Schema>, request: GraphQLRequest) -> GraphQLResponse {
    schema.execute(request.into_inner()).await.into()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL").map_err(|_| "DATABASE_URL is not set")?;
    let port: u16 = std::env::var("PEER_PORT").map_or(Ok(8103), |p| p.parse())?;
    // SeaORM's default pool, without sqlx's log line for every statement.
    let mut options = ConnectOptions::new(url);
    options.sqlx_logging(false);
    let db = Database::connect(options).await?;

    let mut builder = Builder::new(&CONTEXT, db.clone());
    seaography::register_entity!(builder, article, mutation: false);
    seaography::register_entity!(builder, article_translation, mutation: false);
    seaography::register_entity!(builder, article_like, mutation: false);
    seaography::register_entity!(builder, category, mutation: false);
    seaography::register_entity!(builder, category_translation, mutation: false);
    seaography::register_entity!(builder, tag, mutation: false);
    seaography::register_entity!(builder, tag_name, mutation: false);
    seaography::register_entity!(builder, article_tag, mutation: false);
    seaography::register_entity!(builder, media, mutation: false);
    seaography::register_entity!(builder, media_text, mutation: false);
    builder.register_enumeration::<entity::Locale>();
    builder.register_enumeration::<entity::ArticleStatus>();
    builder.register_enumeration::<entity::TagKind>();
    builder.register_enumeration::<entity::MediaKind>();
    builder.register_enumeration::<entity::MediaRole>();
    builder.register_enumeration::<entity::VideoProvider>();
    let schema = builder.schema_builder().data(db).finish()?;

    if std::env::args().any(|a| a == "--sdl") {
        println!("{}", schema.sdl());
        return Ok(());
    }
    let app = Router::new()
        .route("/graphql", post(graphql))
        .with_state(schema);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    axum::serve(listener, app).await?;
    Ok(())
}
