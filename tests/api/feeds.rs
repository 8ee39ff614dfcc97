//! Atom and RSS feeds, parsed back with the crates that wrote them; and the HTTP validators
//! (`ETag`, `304`) of feeds and of GraphQL over GET, across writes.

use atom_syndication::Feed;
use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use chrono::{DateTime, Utc};
use entity::{ArticleStatus, Locale};
use rss::validation::Validate;
use sea_orm::EntityTrait;
use serde_json::{json, Value};

use crate::helpers::{article_id, hours_ago, ArticleSpec, Reply, TestApp};

async fn get(app: &TestApp, uri: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = Request::builder().uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    app.send(request.body(Body::empty()).unwrap()).await
}

/// A newsroom with a category and a subcategory: a Japanese article with a cover and tags in
/// the subcategory, a Korean-only one, a draft, and one in another category.
async fn newsroom() -> (TestApp, entity::article::Model) {
    newsroom_with(|_| {}).await
}

/// [`newsroom`] on a server with its configuration adjusted first.
async fn newsroom_with(
    adjust: impl FnOnce(&mut newswire::Config),
) -> (TestApp, entity::article::Model) {
    use newswire::domain::editorial::{media, tags};
    let app = TestApp::spawn_with(adjust).await;
    let kpop = app.category("kpop", None).await;
    let comebacks = app.category("comebacks", Some(kpop.id)).await;
    let politics = app.category("politics", None).await;
    let now = Utc::now();
    let mut spec = ArticleSpec::published("stellar-comeback", comebacks.id, 2);
    spec.translations = vec![Locale::Ko, Locale::Ja, Locale::En];
    let illustrated = app.article(spec).await;
    tags::create(
        &app.db,
        app.changes(),
        now,
        tags::NewTag {
            slug: "stellawave".into(),
            kind: entity::TagKind::Group,
            names: vec![
                (Locale::Ko, "스텔라웨이브".into()),
                (Locale::Ja, "ステラウェーブ".into()),
            ],
        },
    )
    .await
    .unwrap();
    tags::set_article_tags(
        &app.db,
        app.changes(),
        now,
        illustrated.id,
        &["stellawave".to_owned()],
    )
    .await
    .unwrap();
    media::set_cover(
        &app.db,
        app.changes(),
        now,
        illustrated.id,
        Some(media::NewPhoto {
            url: "https://img.example.org/stellar/cover.png".into(),
            width: 1600,
            height: 900,
            credit: None,
            licence: None,
            texts: vec![media::MediaText {
                locale: Locale::Ja,
                caption: None,
                alt: Some("ステージの写真".into()),
            }],
        }),
    )
    .await
    .unwrap();
    let mut korean = ArticleSpec::published("korean-only", kpop.id, 1);
    korean.translations = vec![Locale::Ko];
    app.article(korean).await;
    let mut draft = ArticleSpec::published("draft", kpop.id, 1);
    draft.translations = vec![Locale::Ja];
    draft.status = ArticleStatus::Draft;
    draft.published_at = None;
    app.article(draft).await;
    let mut elsewhere = ArticleSpec::published("budget-vote", politics.id, 3);
    elsewhere.translations = vec![Locale::Ja];
    app.article(elsewhere).await;
    (app, illustrated)
}

fn read_atom(reply: &Reply) -> Feed {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(
        reply.headers[header::CONTENT_TYPE],
        "application/atom+xml; charset=utf-8"
    );
    Feed::read_from(reply.raw.as_slice()).expect("an Atom feed")
}

fn read_rss(reply: &Reply) -> rss::Channel {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(
        reply.headers[header::CONTENT_TYPE],
        "application/rss+xml; charset=utf-8"
    );
    rss::Channel::read_from(reply.raw.as_slice()).expect("an RSS channel")
}

#[tokio::test]
async fn the_atom_feed_of_a_language_holds_what_its_readers_see() {
    let (app, illustrated) = newsroom().await;
    let feed = read_atom(&get(&app, "/feeds/ja.xml", &[]).await);

    assert_eq!(feed.lang.as_deref(), Some("ja"));
    let titles: Vec<&str> = feed
        .entries
        .iter()
        .map(|e| e.title.value.as_str())
        .collect();
    // Newest first; neither the Korean-only article nor the draft.
    assert_eq!(
        titles,
        ["stellar-comeback [ja]", "budget-vote [ja]"],
        "{titles:?}"
    );
    let entry = &feed.entries[0];
    let published: DateTime<Utc> = entry.published.unwrap().with_timezone(&Utc);
    assert_eq!(published, illustrated.published_at.unwrap());
    assert_eq!(
        entry.published.unwrap().offset().local_minus_utc(),
        9 * 3600,
        "KST"
    );
    // Tagging it and giving it a cover changed it after its publication.
    let changed = entity::article::Entity::find_by_id(illustrated.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(entry.updated.with_timezone(&Utc), changed.updated_at);
    assert_eq!(
        feed.updated, entry.updated,
        "the feed changed with its newest entry"
    );
    assert!(
        entry.id.starts_with("tag:localhost,2026:article/"),
        "{}",
        entry.id
    );
    assert_eq!(entry.summary.as_ref().unwrap().value, "summary ja");
    assert_eq!(
        entry.content.as_ref().unwrap().value.as_deref(),
        Some("<p>body ja</p>")
    );
    assert_eq!(entry.authors[0].name, "Test Desk");

    let alternates: Vec<(Option<&str>, &str)> = entry
        .links
        .iter()
        .filter(|l| l.rel == "alternate")
        .map(|l| (l.hreflang.as_deref(), l.href.as_str()))
        .collect();
    assert_eq!(
        alternates,
        [
            (
                Some("ja"),
                "http://localhost:8000/ja/articles/stellar-comeback"
            ),
            (
                Some("ko"),
                "http://localhost:8000/ko/articles/stellar-comeback"
            ),
            (
                Some("en"),
                "http://localhost:8000/en/articles/stellar-comeback"
            ),
        ]
    );
    let enclosure = entry.links.iter().find(|l| l.rel == "enclosure").unwrap();
    assert_eq!(enclosure.href, "https://img.example.org/stellar/cover.png");
    assert_eq!(enclosure.mime_type.as_deref(), Some("image/png"));
    let categories: Vec<(&str, Option<&str>)> = entry
        .categories
        .iter()
        .map(|c| (c.term.as_str(), c.label.as_deref()))
        .collect();
    assert_eq!(categories[0].0, "comebacks");
    assert!(
        categories[0].1.unwrap().starts_with("comebacks"),
        "{categories:?}"
    );
    assert_eq!(categories[1], ("stellawave", Some("ステラウェーブ")));

    let links: Vec<(&str, Option<&str>)> = feed
        .links
        .iter()
        .map(|l| (l.rel.as_str(), l.hreflang.as_deref()))
        .collect();
    assert_eq!(links[0], ("self", Some("ja")));
    assert_eq!(
        links.len(),
        2 + 7,
        "self, the site, and the seven other languages"
    );
    assert_eq!(feed.links[0].href, "http://localhost:8000/feeds/ja.xml");
}

#[tokio::test]
async fn the_rss_feed_has_rfc_822_dates_enclosures_and_the_same_entries() {
    let (app, illustrated) = newsroom().await;
    let channel = read_rss(&get(&app, "/feeds/ja.xml?format=rss", &[]).await);
    // The crate's validator wants an enclosure's length above 0; the RSS Best Practices
    // Profile asks for 0 when the size is not known, as a photo's is not here.
    let mut checked = channel.clone();
    for item in &mut checked.items {
        item.enclosure = None;
    }
    checked.validate().expect("a valid RSS 2.0 channel");

    assert_eq!(channel.language.as_deref(), Some("ja"));
    assert_eq!(channel.items.len(), 2);
    let item = &channel.items[0];
    assert_eq!(item.title.as_deref(), Some("stellar-comeback [ja]"));
    let date = DateTime::parse_from_rfc2822(item.pub_date.as_deref().unwrap()).unwrap();
    assert_eq!(date.with_timezone(&Utc), illustrated.published_at.unwrap());
    assert_eq!(
        item.link.as_deref(),
        Some("http://localhost:8000/ja/articles/stellar-comeback")
    );
    let enclosure = item.enclosure.as_ref().unwrap();
    assert_eq!(enclosure.url, "https://img.example.org/stellar/cover.png");
    assert_eq!(enclosure.mime_type, "image/png");
    assert_eq!(enclosure.length, "0");
    let guid = item.guid.as_ref().unwrap();
    assert!(!guid.permalink);
    let categories: Vec<&str> = item.categories.iter().map(|c| c.name.as_str()).collect();
    assert!(categories[0].starts_with("comebacks"), "{categories:?}");
    assert_eq!(categories[1], "ステラウェーブ");
    assert_eq!(item.content.as_deref(), Some("<p>body ja</p>"));
    assert_eq!(
        item.dublin_core_ext.as_ref().unwrap().creators,
        ["Test Desk"]
    );
    let alternates: Vec<Option<&str>> = item
        .atom_ext
        .as_ref()
        .unwrap()
        .links
        .iter()
        .map(|l| l.hreflang.as_deref())
        .collect();
    assert_eq!(alternates, [Some("ko"), Some("en")]);
    // The same entry has the same id in both formats.
    let atom = read_atom(&get(&app, "/feeds/ja.xml", &[]).await);
    assert_eq!(guid.value, atom.entries[0].id);
}

#[tokio::test]
async fn a_category_feed_holds_its_subcategories_and_unknown_names_are_404() {
    let (app, _) = newsroom().await;
    let feed = read_atom(&get(&app, "/feeds/ja/kpop.xml", &[]).await);
    let titles: Vec<&str> = feed
        .entries
        .iter()
        .map(|e| e.title.value.as_str())
        .collect();
    assert_eq!(titles, ["stellar-comeback [ja]"]);
    assert!(
        feed.title.value.starts_with("newswire · kpop"),
        "{}",
        feed.title.value
    );
    let korean = read_rss(&get(&app, "/feeds/ko/kpop.xml?format=rss", &[]).await);
    assert_eq!(korean.items.len(), 2);
    assert!(read_atom(&get(&app, "/feeds/zh-Hant.xml", &[]).await)
        .entries
        .is_empty());

    for uri in [
        "/feeds/xx.xml",
        "/feeds/ja/nope.xml",
        "/feeds/ja",
        "/feeds/ZH-HANS.xml",
    ] {
        let reply = get(&app, uri, &[]).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(reply.body["errors"][0]["extensions"]["code"], "NOT_FOUND");
    }
    let reply = get(&app, "/feeds/ja.xml?format=json", &[]).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_feed_is_cacheable_by_a_cdn_and_named_by_its_surrogate_keys() {
    let (app, illustrated) = newsroom().await;
    let reply = get(&app, "/feeds/ja/kpop.xml", &[]).await;
    assert_eq!(
        reply.headers[header::CACHE_CONTROL],
        "public, max-age=60, stale-while-revalidate=300"
    );
    assert!(reply.headers.get(header::SET_COOKIE).is_none());
    let keys: Vec<&str> = reply.headers["surrogate-key"]
        .to_str()
        .unwrap()
        .split(' ')
        .collect();
    // What a write to the article, a category or its tag purges names this feed.
    let tag = entity::tag::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let expected = [
        "feeds".to_owned(),
        "feeds/ja".to_owned(),
        "feeds/ja/kpop".to_owned(),
        format!("article/{}", illustrated.id),
        "articles".to_owned(),
        "categories".to_owned(),
        format!("tag/{}", tag.id),
    ];
    assert_eq!(keys, expected);
    assert_eq!(reply.headers["cache-tag"].to_str().unwrap(), keys.join(","));

    // A partner's feed is its own: what it licenses, never shared.
    let secret = app
        .partner_key(&[entity::Locale::Ja], &[("kpop", true), ("politics", true)])
        .await;
    let auth = format!("Bearer {secret}");
    let partner = get(&app, "/feeds/ja.xml", &[("authorization", &auth)]).await;
    assert_eq!(read_atom(&partner).entries.len(), 2);
    assert_eq!(
        partner.headers[header::CACHE_CONTROL],
        "private, max-age=60"
    );
    let narrow = app
        .partner_key(&[entity::Locale::Ja], &[("politics", true)])
        .await;
    let auth = format!("Bearer {narrow}");
    let politics_only = get(&app, "/feeds/ja.xml", &[("authorization", &auth)]).await;
    let entries = read_atom(&politics_only).entries;
    assert_eq!(entries.len(), 1);
    assert!(
        entries[0].links[0].href.ends_with("/budget-vote"),
        "{:?}",
        entries[0].links
    );
    // Without its subcategories, K-pop holds no Japanese article of its own.
    let top_only = app
        .partner_key(&[entity::Locale::Ja], &[("kpop", false)])
        .await;
    let top_auth = format!("Bearer {top_only}");
    let top = get(&app, "/feeds/ja.xml", &[("authorization", &top_auth)]).await;
    assert_eq!(read_atom(&top).entries.len(), 0);
    for unlicensed in ["/feeds/en.xml", "/feeds/ja/kpop.xml"] {
        let refused = get(&app, unlicensed, &[("authorization", &auth)]).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "{unlicensed}");
    }
}

#[tokio::test]
async fn a_client_holding_the_feed_gets_304_until_a_write_changes_it() {
    let (app, _) = newsroom().await;
    let first = get(&app, "/feeds/ja.xml", &[]).await;
    let etag = first.headers[header::ETAG].to_str().unwrap().to_owned();
    assert!(
        etag.starts_with('"') && etag.ends_with('"'),
        "a strong tag: {etag}"
    );

    let again = get(&app, "/feeds/ja.xml", &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.raw.is_empty());
    assert_eq!(again.headers[header::ETAG], etag.as_str());
    assert!(again.headers.get("surrogate-key").is_some());

    // The gzipped representation has a tag of its own.
    let gzipped = get(&app, "/feeds/ja.xml", &[("accept-encoding", "gzip")]).await;
    assert_eq!(gzipped.headers[header::CONTENT_ENCODING], "gzip");
    assert_ne!(gzipped.headers[header::ETAG], etag.as_str());
    assert!(Feed::read_from(gzipped.gunzipped().as_bytes()).is_ok());

    let kpop = app.category("kpop-news", None).await;
    let mut spec = ArticleSpec::published("breaking", kpop.id, 0);
    spec.translations = vec![Locale::Ja];
    spec.published_at = Some(hours_ago(0));
    app.article(spec).await;
    let after = get(&app, "/feeds/ja.xml", &[("if-none-match", &etag)]).await;
    assert_eq!(after.status, StatusCode::OK);
    assert_ne!(after.headers[header::ETAG], etag.as_str());
    assert_eq!(read_atom(&after).entries[0].title.value, "breaking [ja]");
}

#[tokio::test]
async fn a_get_answer_is_304_for_its_holder_and_never_outlives_a_write() {
    // The server as it ships, response cache on.
    let app = TestApp::spawn().await;
    let cat = app.category("news", None).await;
    let row = app
        .article(ArticleSpec::published("story", cat.id, 1))
        .await;
    let uri = "/graphql?query=%7Barticles(first%3A5)%7Bnodes%7Bslug%20likeCount%7D%7D%7D";
    let client = [("x-client-id", "reader-1")];
    let first = get(&app, uri, &client).await;
    assert_eq!(first.body["data"]["articles"]["nodes"][0]["likeCount"], 0);
    let etag = first.headers[header::ETAG].to_str().unwrap().to_owned();
    assert_eq!(
        first.headers[header::CACHE_CONTROL],
        "public, max-age=60, stale-while-revalidate=300",
        "as long as its articles may be kept"
    );

    let held = get(&app, uri, &[client[0], ("if-none-match", &etag)]).await;
    assert_eq!(held.status, StatusCode::NOT_MODIFIED);
    assert!(held.raw.is_empty());
    assert_eq!(held.headers[header::ETAG], etag.as_str());

    // A write through the API: no later answer shows the count before it.
    let like = "mutation($id: ID!) { likeArticle(articleId: $id) { likeCount } }";
    let liked = app
        .post(
            like,
            json!({ "id": article_id(&row) }),
            &[("x-client-id", "liker")],
        )
        .await;
    assert_eq!(liked.body["data"]["likeArticle"]["likeCount"], 1);
    for headers in [
        vec![client[0]],
        vec![client[0], ("if-none-match", etag.as_str())],
    ] {
        let after = get(&app, uri, &headers).await;
        assert_eq!(after.status, StatusCode::OK);
        assert_eq!(after.body["data"]["articles"]["nodes"][0]["likeCount"], 1);
        assert_ne!(after.headers[header::ETAG], etag.as_str());
    }

    // POST answers carry no validators.
    let posted = app
        .post(
            "{ articles(first: 5) { nodes { slug } } }",
            json!({}),
            &client,
        )
        .await;
    assert!(posted.headers.get(header::ETAG).is_none());
}

/// A purge hook: an HTTP server that keeps the bodies posted to it.
async fn purge_hook() -> (String, tokio::sync::mpsc::UnboundedReceiver<Value>) {
    let (sent, received) = tokio::sync::mpsc::unbounded_channel();
    let router = axum::Router::new().route(
        "/purge",
        axum::routing::post(move |axum::Json(body): axum::Json<Value>| {
            let sent = sent.clone();
            async move {
                sent.send(body).ok();
                StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    (format!("http://{address}/purge"), received)
}

async fn next_purge(received: &mut tokio::sync::mpsc::UnboundedReceiver<Value>) -> Vec<String> {
    let body = tokio::time::timeout(std::time::Duration::from_secs(5), received.recv())
        .await
        .expect("a purge within 5 s")
        .expect("the hook is up");
    serde_json::from_value(body["keys"].clone()).unwrap()
}

#[tokio::test]
async fn every_write_posts_the_keys_it_purges_to_the_hook() {
    let (url, mut received) = purge_hook().await;
    let app = TestApp::spawn_with(|c| c.purge_url = Some(url)).await;
    let cat = app.category("news", None).await;
    assert_eq!(
        next_purge(&mut received).await,
        ["categories"],
        "the fixture's write"
    );
    let editor = app.api_key(entity::ApiRole::Editor).await;
    let created = app
        .data_as(
            &editor,
            "mutation($input: CreateArticleInput!) { createArticle(input: $input) { article { id } } }",
            json!({ "input": { "slug": "breaking", "category": cat.slug,
                "text": { "locale": "EN", "title": "Breaking", "body": "<p>b</p>" } } }),
        )
        .await;
    let id = created["createArticle"]["article"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let row = entity::article::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let article = format!("article/{}", row.id);
    assert_eq!(
        next_purge(&mut received).await,
        [article.clone(), "articles".into()]
    );

    app.data_as(
        &editor,
        "mutation($id: ID!) { publishArticle(id: $id) { article { status } } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(
        next_purge(&mut received).await,
        [article.clone(), "articles".into()]
    );

    // A like moves one count: only the article's own answers.
    let like = "mutation($id: ID!) { likeArticle(articleId: $id) { likeCount } }";
    app.post(like, json!({ "id": id }), &[("x-client-id", "liker")])
        .await;
    assert_eq!(next_purge(&mut received).await, [article]);

    // A request refused before it reaches a write purges nothing: the next purge is the
    // next write's.
    let refused = app
        .post_as(
            &editor,
            "mutation($id: ID!) { publishArticle(id: $id) { article { status } } }",
            json!({ "id": "nope" }),
        )
        .await;
    assert!(refused.body.get("errors").is_some());
    app.data_as(
        &editor,
        "mutation($input: CreateCategoryInput!) { createCategory(input: $input) { category { id } } }",
        json!({ "input": { "slug": "sport", "names": [{ "locale": "EN", "name": "Sport" }] } }),
    )
    .await;
    let sport = entity::category::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.slug == "sport")
        .unwrap();
    assert_eq!(
        next_purge(&mut received).await,
        [format!("category/{}", sport.id), "categories".into()]
    );
}

#[tokio::test]
async fn feeds_share_the_clients_rate_limit() {
    let app = TestApp::spawn_with(|c| {
        c.rate_limit_per_second = 1;
        c.rate_limit_burst = 2;
    })
    .await;
    let from = |uri: &str| {
        let mut request = Request::builder().uri(uri).body(Body::empty()).unwrap();
        let remote: std::net::SocketAddr = "203.0.113.51:6000".parse().unwrap();
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(remote));
        request
    };
    assert_eq!(app.send(from("/feeds/en.xml")).await.status, StatusCode::OK);
    assert_eq!(
        app.send(from("/graphql?query=%7Blocales%7Bcode%7D%7D"))
            .await
            .status,
        StatusCode::OK
    );
    let refused = app.send(from("/feeds/en.xml?format=rss")).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        refused.body["errors"][0]["extensions"]["code"],
        "RATE_LIMITED"
    );
}

/// Waits until the hook has been quiet for a moment: the purges of a fixture's writes.
async fn drain(received: &mut tokio::sync::mpsc::UnboundedReceiver<Value>) {
    while tokio::time::timeout(std::time::Duration::from_millis(300), received.recv())
        .await
        .is_ok()
    {}
}

fn keys_of(reply: &Reply) -> Vec<String> {
    reply
        .headers
        .get("surrogate-key")
        .map(|v| v.to_str().unwrap().split(' ').map(str::to_owned).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_public_get_answer_names_what_it_shows_as_writes_name_what_they_touch() {
    let (url, mut received) = purge_hook().await;
    let (app, illustrated) = newsroom_with(|c| c.purge_url = Some(url)).await;
    drain(&mut received).await;
    let tag = entity::tag::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let page = "/graphql?query=%7Barticles(first%3A5%2Clocales%3A%5BJA%5D)%7Bnodes%7Bslug%20category%7Bslug%7D%20tags%7Bslug%7D%20coverImage%7Burl%7D%7D%7D%7D";
    let reply = get(&app, page, &[("x-client-id", "reader")]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let keys = keys_of(&reply);
    let article = format!("article/{}", illustrated.id);
    for key in [
        article.as_str(),
        "articles",
        "categories",
        &format!("tag/{}", tag.id),
    ] {
        assert!(keys.iter().any(|k| k == key), "{key} in {keys:?}");
    }
    assert_eq!(reply.headers["cache-tag"].to_str().unwrap(), keys.join(","));

    // A like purges a key the page carries.
    let like = "mutation($id: ID!) { likeArticle(articleId: $id) { likeCount } }";
    app.post(
        like,
        json!({ "id": article_id(&illustrated) }),
        &[("x-client-id", "liker")],
    )
    .await;
    let purged = next_purge(&mut received).await;
    assert_eq!(purged, std::slice::from_ref(&article));
    assert!(purged.iter().all(|k| keys.contains(k)));

    // One tag, the category tree: their own keys.
    let tag_page = get(
        &app,
        "/graphql?query=%7Btag(slug%3A%22stellawave%22)%7Bname%7D%7D",
        &[],
    )
    .await;
    assert_eq!(keys_of(&tag_page), [format!("tag/{}", tag.id)]);
    let tree = get(&app, "/graphql?query=%7Bcategories%7Bslug%7D%7D", &[]).await;
    assert_eq!(keys_of(&tree), ["categories"]);
    // An answer about its reader is private: no CDN keeps it, and it names nothing.
    let private = get(
        &app,
        "/graphql?query=%7Barticles(first%3A5)%7Bnodes%7BviewerHasLiked%7D%7D%7D",
        &[("x-client-id", "reader")],
    )
    .await;
    assert!(private.headers.get("surrogate-key").is_none());
}
