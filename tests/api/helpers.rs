//! `TestApp`: the real router over a fresh database, and helpers to talk to it.
//!
//! Each test gets its own database: a SQLite file in the temp directory by default, or a new
//! PostgreSQL database when `TEST_DATABASE_URL` names a server (it is dropped afterwards).

use std::{
    net::SocketAddr,
    sync::atomic::{AtomicU64, Ordering},
};

use axum::{
    body::Body,
    extract::ConnectInfo,
    http::{header, HeaderMap, Method, Request, StatusCode},
    Router,
};
use chrono::{DateTime, Duration, SubsecRound, Utc};
use entity::{
    article, article_like, article_translation, category, category_translation, ArticleStatus,
    Locale,
};
use http_body_util::BodyExt;
use newswire::{
    config::SeedMode,
    db,
    domain::changes::{Change, Changes},
    metrics::Metrics,
    AppState, Config,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, Database, DatabaseConnection, EntityTrait,
};
use serde_json::{json, Value};
use tower::ServiceExt;

/// Where this test's database lives, so that it can be removed afterwards.
enum Store {
    SqliteFile(std::path::PathBuf),
    Postgres {
        admin_url: String,
        name: String,
    },
    /// A database someone else removes, at this URL.
    Kept(String),
}

/// The application under test.
pub struct TestApp {
    router: Router,
    /// The database the app serves, for fixtures and checks.
    pub db: DatabaseConnection,
    /// The app's metrics, as `/metrics` serves them.
    pub metrics: Metrics,
    /// The app's write generations, which fixtures move on.
    changes: Changes,
    counted: AtomicU64,
    store: Store,
}

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
    /// The body as it came, before any decoding.
    pub raw: Vec<u8>,
}

impl Reply {
    /// The body inflated from gzip; panics if it is not gzip.
    pub fn gunzipped(&self) -> String {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&self.raw[..]), &mut text)
            .expect("a gzip body");
        text
    }
}

impl TestApp {
    /// The app on a fresh, migrated, empty database.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// The app on a fresh database, with the configuration adjusted first.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let unique = uuid::Uuid::new_v4().simple().to_string();
        let (url, store) = match std::env::var("TEST_DATABASE_URL") {
            Ok(admin_url) if admin_url.starts_with("postgres") => {
                let name = format!("newswire_test_{unique}");
                let admin = Database::connect(&admin_url)
                    .await
                    .expect("connect to TEST_DATABASE_URL");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create the test database");
                admin.close().await.ok();
                let base = admin_url
                    .rsplit_once('/')
                    .map_or(admin_url.as_str(), |(b, _)| b);
                (
                    format!("{base}/{name}"),
                    Store::Postgres { admin_url, name },
                )
            }
            _ => {
                let path = std::env::temp_dir().join(format!("newswire-test-{unique}.db"));
                (
                    format!("sqlite://{}?mode=rwc", path.display()),
                    Store::SqliteFile(path),
                )
            }
        };
        Self::serve(url, store, None, adjust).await
    }

    /// The app on the existing database `url` (removed by whoever made it), with its reads
    /// on `replica`, if one is named.
    pub async fn spawn_on(
        url: String,
        replica: Option<String>,
        adjust: impl FnOnce(&mut Config),
    ) -> TestApp {
        let store = Store::Kept(url.clone());
        Self::serve(url, store, replica, adjust).await
    }

    async fn serve(
        url: String,
        store: Store,
        replica: Option<String>,
        adjust: impl FnOnce(&mut Config),
    ) -> TestApp {
        // The server as it ships: rate limits, response cache, category copy and rankings all
        // on, with their defaults. Requests come from loopback (as a local client's would),
        // and fixtures record their writes as the domain's writes do.
        let mut config = Config::with_database(url);
        config.seed = SeedMode::None;
        config.database_read_url = replica;
        adjust(&mut config);
        let conn = db::connect(&config)
            .await
            .expect("connect to the test database");
        db::migrate(&conn).await.expect("migrate the test database");
        // The app counts the statements it sends (as `/metrics` shows); fixtures written
        // through `db` are not counted.
        let replica = db::connect_replica(&config)
            .await
            .expect("connect to the replica");
        let state = AppState::with_replica(conn.clone(), replica, config);
        assert!(
            state
                .live
                .until_listening(std::time::Duration::from_secs(10))
                .await,
            "the instance hears the others"
        );
        let metrics = state.metrics.clone();
        let changes = state.changes.clone();
        TestApp {
            router: newswire::app(state),
            db: conn,
            metrics,
            changes,
            counted: AtomicU64::new(0),
            store,
        }
    }

    /// The app with the response cache, the category copy and the ranking cache off: for a
    /// test about what a write through another instance (or straight to the database) does,
    /// which this instance's caches cannot know of.
    pub async fn spawn_without_caches() -> TestApp {
        Self::spawn_with(|c| {
            c.response_cache_ttl_ms = 0;
            c.category_cache_ttl_secs = 0;
            c.tag_cache_ttl_secs = 0;
            c.ranking_ttl_secs = 0;
        })
        .await
    }

    /// Records a fixture's write as a domain write of `kind` would, so that the app's caches
    /// follow it.
    fn wrote(&self, kind: Change) {
        drop(self.changes.recording(kind));
    }

    /// The URL of the app's database, for another instance to serve.
    pub fn database_url(&self) -> String {
        match &self.store {
            Store::SqliteFile(path) => format!("sqlite://{}?mode=rwc", path.display()),
            Store::Kept(url) => url.clone(),
            Store::Postgres { admin_url, name } => {
                let base = admin_url
                    .rsplit_once('/')
                    .map_or(admin_url.as_str(), |(b, _)| b);
                format!("{base}/{name}")
            }
        }
    }

    /// SQL statements the app ran since the last call, as its `/metrics` counts them.
    pub fn take_statements(&self) -> u64 {
        let now = self.metrics.sql_statements.get();
        now - self.counted.swap(now, Ordering::SeqCst)
    }

    /// Sends any request through the router; one that names no peer comes from loopback.
    pub async fn send(&self, mut request: Request<Body>) -> Reply {
        if request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .is_none()
        {
            let local = SocketAddr::from(([127, 0, 0, 1], 40_000));
            request.extensions_mut().insert(ConnectInfo(local));
        }
        // On a task of its own, as the server runs each connection: the request's future
        // lives on the heap, not on the test thread's stack.
        let response = tokio::spawn(self.router.clone().oneshot(request))
            .await
            .expect("the request's task ends")
            .expect("the router is infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("read the body")
            .to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
            text,
            raw: bytes.to_vec(),
        }
    }

    /// Serves the same router on a loopback port, for outside clients (a browser, an
    /// audit); it serves until the test ends. Returns the address.
    pub async fn listen(&self) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let address = listener.local_addr().expect("the bound address");
        let service = self
            .router
            .clone()
            .into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, service).await });
        address
    }

    /// POSTs a GraphQL request with extra headers.
    pub async fn post(&self, query: &str, variables: Value, headers: &[(&str, &str)]) -> Reply {
        self.send(graphql_request(query, variables, headers)).await
    }

    /// POSTs a GraphQL request with extra headers as if it came over a connection from
    /// `peer`.
    pub async fn post_from(&self, peer: &str, query: &str, headers: &[(&str, &str)]) -> Reply {
        let mut request = graphql_request(query, json!({}), headers);
        let peer: SocketAddr = peer.parse().expect("a socket address");
        request.extensions_mut().insert(ConnectInfo(peer));
        self.send(request).await
    }

    /// POSTs a GraphQL request as client `test-client` and returns the JSON body.
    pub async fn graphql(&self, query: &str, variables: Value) -> Value {
        self.post(query, variables, &[("x-client-id", "test-client")])
            .await
            .body
    }

    /// Runs a query that must succeed and returns its `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let body = self.graphql(query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// Creates an API key with `role` and returns its secret.
    pub async fn api_key(&self, role: entity::ApiRole) -> String {
        newswire::domain::api_keys::create(&self.db, Utc::now(), "test key", role)
            .await
            .expect("create an API key")
            .secret
    }

    /// Creates a PARTNER key licensing these languages and categories (slug, with
    /// subcategories) and returns its secret.
    pub async fn partner_key(
        &self,
        locales: &[entity::Locale],
        categories: &[(&str, bool)],
    ) -> String {
        let issued = newswire::domain::api_keys::create(
            &self.db,
            Utc::now(),
            "partner",
            entity::ApiRole::Partner,
        )
        .await
        .expect("create a partner key");
        let grants: Vec<_> = categories
            .iter()
            .map(
                |(slug, with_subcategories)| newswire::domain::licences::CategoryGrant {
                    slug: (*slug).to_owned(),
                    with_subcategories: *with_subcategories,
                },
            )
            .collect();
        newswire::domain::licences::grant(
            &self.db,
            self.changes(),
            Utc::now(),
            issued.key.id,
            locales,
            &grants,
        )
        .await
        .expect("grant a licence");
        issued.secret
    }

    /// POSTs a GraphQL request with `Authorization: Bearer <secret>`.
    pub async fn post_as(&self, secret: &str, query: &str, variables: Value) -> Reply {
        let bearer = format!("Bearer {secret}");
        self.post(
            query,
            variables,
            &[("authorization", &bearer), ("x-client-id", "staff")],
        )
        .await
    }

    /// Runs a query as the holder of `secret`; it must succeed. Returns its `data`.
    pub async fn data_as(&self, secret: &str, query: &str, variables: Value) -> Value {
        let reply = self.post_as(secret, query, variables).await;
        assert!(
            reply.body.get("errors").is_none(),
            "unexpected errors: {}",
            reply.text
        );
        reply.body["data"].clone()
    }

    /// Every row of the content and key tables, to show that a refused write changed nothing.
    pub async fn fingerprint(&self) -> String {
        format!(
            "{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}",
            category::Entity::find().all(&self.db).await.unwrap(),
            category_translation::Entity::find()
                .all(&self.db)
                .await
                .unwrap(),
            article::Entity::find().all(&self.db).await.unwrap(),
            article_translation::Entity::find()
                .all(&self.db)
                .await
                .unwrap(),
            article_like::Entity::find().all(&self.db).await.unwrap(),
            entity::api_key::Entity::find().all(&self.db).await.unwrap(),
            entity::tag::Entity::find().all(&self.db).await.unwrap(),
            entity::tag_name::Entity::find()
                .all(&self.db)
                .await
                .unwrap(),
            entity::article_tag::Entity::find()
                .all(&self.db)
                .await
                .unwrap(),
            entity::media::Entity::find().all(&self.db).await.unwrap(),
            entity::media_text::Entity::find()
                .all(&self.db)
                .await
                .unwrap(),
            (
                entity::article_syndication::Entity::find()
                    .all(&self.db)
                    .await
                    .unwrap(),
                entity::licence_locale::Entity::find()
                    .all(&self.db)
                    .await
                    .unwrap(),
                entity::licence_category::Entity::find()
                    .all(&self.db)
                    .await
                    .unwrap(),
                entity::change_log::Entity::find()
                    .all(&self.db)
                    .await
                    .unwrap(),
                entity::change_due::Entity::find()
                    .all(&self.db)
                    .await
                    .unwrap(),
            ),
        )
    }

    /// Creates a category with names in Korean and English, as a write through this
    /// instance would.
    pub async fn category(&self, slug: &str, parent: Option<i64>) -> category::Model {
        let row = self.category_from_another_instance(slug, parent).await;
        self.wrote(Change::Categories);
        row
    }

    /// Creates a category as another instance would: this instance's caches do not know.
    pub async fn category_from_another_instance(
        &self,
        slug: &str,
        parent: Option<i64>,
    ) -> category::Model {
        let now = Utc::now();
        let row = category::ActiveModel {
            slug: Set(slug.to_owned()),
            parent_id: Set(parent),
            position: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .expect("insert a category");
        for (locale, name) in [
            (Locale::Ko, format!("{slug} 한국어")),
            (Locale::En, format!("{slug} English")),
        ] {
            category_translation::ActiveModel {
                category_id: Set(row.id),
                locale: Set(locale),
                name: Set(name),
                description: Set(None),
            }
            .insert(&self.db)
            .await
            .expect("insert a category name");
        }
        row
    }

    /// Creates an article from a spec, as a write through this instance would.
    /// The app's write generations, for domain writes a test makes itself.
    pub fn changes(&self) -> &Changes {
        &self.changes
    }

    pub async fn article(&self, spec: ArticleSpec) -> article::Model {
        let row = self.article_from_another_instance(spec).await;
        self.wrote(Change::Articles);
        row
    }

    /// Creates an article as another instance would: this instance's caches do not know.
    pub async fn article_from_another_instance(&self, spec: ArticleSpec) -> article::Model {
        let published_at = spec.published_at;
        let updated_at = spec
            .updated_at
            .unwrap_or(published_at.unwrap_or_else(Utc::now));
        let row = article::ActiveModel {
            slug: Set(spec.slug.clone()),
            category_id: Set(spec.category_id),
            original_locale: Set(spec.translations[0]),
            status: Set(spec.status),
            published_at: Set(published_at),
            created_at: Set(updated_at),
            updated_at: Set(updated_at),
            deleted_at: Set(spec.deleted.then(Utc::now)),
            byline: Set(Some("Test Desk".into())),
            source_url: Set(None),
            like_count: Set(spec.likes),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .expect("insert an article");
        for locale in &spec.translations {
            article_translation::ActiveModel {
                article_id: Set(row.id),
                locale: Set(*locale),
                title: Set(format!("{} [{}]", spec.slug, locale.code())),
                summary: Set(Some(format!("summary {}", locale.code()))),
                body: Set(format!("<p>body {}</p>", locale.code())),
                created_at: Set(updated_at),
                updated_at: Set(updated_at),
            }
            .insert(&self.db)
            .await
            .expect("insert a translation");
        }
        row
    }

    /// Records a like given at `at`, keeping `like_count` in step, as the domain does.
    pub async fn like_at(&self, article: &article::Model, liker: &str, at: DateTime<Utc>) {
        article_like::Entity::insert(article_like::ActiveModel {
            article_id: Set(article.id),
            liker: Set(liker.to_owned()),
            created_at: Set(at),
        })
        .exec_without_returning(&self.db)
        .await
        .expect("insert a like");
        let current = article::Entity::find_by_id(article.id)
            .one(&self.db)
            .await
            .expect("read the article")
            .expect("the article exists");
        article::ActiveModel {
            id: Set(article.id),
            like_count: Set(current.like_count + 1),
            ..Default::default()
        }
        .update(&self.db)
        .await
        .expect("update the count");
        self.wrote(Change::Likes);
    }
}

/// A GraphQL POST request with extra headers.
fn graphql_request(query: &str, variables: Value, headers: &[(&str, &str)]) -> Request<Body> {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri("/graphql")
        .header(header::CONTENT_TYPE, "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let body = json!({ "query": query, "variables": variables }).to_string();
    request.body(Body::from(body)).expect("a valid request")
}

impl Drop for TestApp {
    fn drop(&mut self) {
        match &self.store {
            Store::Kept(_) => {}
            Store::SqliteFile(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut file = path.clone().into_os_string();
                    file.push(suffix);
                    std::fs::remove_file(file).ok();
                }
            }
            Store::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs inside the test's runtime; the database is dropped from a thread
                // with a runtime of its own.
                std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("a runtime");
                    runtime.block_on(async {
                        if let Ok(admin) = Database::connect(&admin_url).await {
                            admin
                                .execute_unprepared(&format!(
                                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                                ))
                                .await
                                .ok();
                            admin.close().await.ok();
                        }
                    });
                })
                .join()
                .ok();
            }
        }
    }
}

/// What an article fixture looks like; `Default` is a visible Korean article published an hour ago.
#[derive(Clone)]
pub struct ArticleSpec {
    pub slug: String,
    pub category_id: i64,
    /// The first is the original language.
    pub translations: Vec<Locale>,
    pub status: ArticleStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub deleted: bool,
    pub likes: i32,
}

impl ArticleSpec {
    /// A draft in `category_id`: never published, invisible to readers.
    pub fn draft(slug: &str, category_id: i64) -> Self {
        ArticleSpec {
            status: ArticleStatus::Draft,
            published_at: None,
            ..Self::published(slug, category_id, 0)
        }
    }

    /// A visible article in `category_id`, published `hours` ago.
    pub fn published(slug: &str, category_id: i64, hours: i64) -> Self {
        ArticleSpec {
            slug: slug.to_owned(),
            category_id,
            translations: vec![Locale::Ko, Locale::En],
            status: ArticleStatus::Published,
            published_at: Some(hours_ago(hours)),
            updated_at: None,
            deleted: false,
            likes: 0,
        }
    }
}

/// A time `hours` before now, to the second.
pub fn hours_ago(hours: i64) -> DateTime<Utc> {
    Utc::now().trunc_subsecs(0) - Duration::hours(hours)
}

/// The `extensions.code` of the first error of a response body.
pub fn first_code(body: &Value) -> String {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {body}"))
        .to_owned()
}

/// The global id of an article row.
pub fn article_id(row: &article::Model) -> String {
    newswire::graphql::ids::encode(newswire::graphql::ids::Kind::Article, row.id).0
}

/// The global id of a category row.
pub fn category_id(row: &category::Model) -> String {
    newswire::graphql::ids::encode(newswire::graphql::ids::Kind::Category, row.id).0
}
