//! Partner licences: a PARTNER key sees only the languages and categories it licenses, and
//! only what the rights of articles and photos let partners carry, through every entry point.
//! The licence matrix compares what a partner and a reader find at each one.

use std::collections::BTreeSet;

use axum::{body::Body, http::Request};
use chrono::{Duration, Utc};
use entity::{ApiRole, Locale};
use newswire::domain::editorial::{articles, media, tags};
use serde_json::{json, Value};

use crate::helpers::{first_code, TestApp};

/// A newsroom whose articles each stand differently towards the partner's licence (English,
/// K-pop with its subcategories).
struct Newsroom {
    app: TestApp,
    /// Global ids by slug.
    ids: Vec<(String, String)>,
    /// The global ids of the photos of `in-licence`: one partners may carry, one they may not.
    photos: (String, String),
}

/// What the partner may see.
const PARTNER_SEES: [&str; 2] = ["in-licence", "in-subcategory"];

/// What readers see: everything published.
const READERS_SEE: [&str; 7] = [
    "in-licence",
    "in-subcategory",
    "other-category",
    "other-language",
    "not-syndicatable",
    "embargoed",
    "expired",
];

async fn write(app: &TestApp, slug: &str, category: &str, locales: &[Locale]) -> i64 {
    let now = Utc::now();
    let text = |locale: Locale| articles::ArticleText {
        locale,
        title: format!("Stellawave {slug} {}", locale.code()),
        summary: Some(format!("A story filed as {slug}")),
        body: if locale == Locale::Ko {
            "<p>스텔라웨이브 비밀 무대</p>".into()
        } else {
            "<p>Stellawave on stage</p>".into()
        },
    };
    let row = articles::create(
        &app.db,
        app.changes(),
        now,
        articles::NewArticle {
            slug: slug.into(),
            category: category.into(),
            original: text(locales[0]),
            byline: None,
            source_url: None,
        },
    )
    .await
    .unwrap();
    for locale in &locales[1..] {
        articles::upsert_translation(&app.db, app.changes(), now, row.id, text(*locale))
            .await
            .unwrap();
    }
    tags::set_article_tags(&app.db, app.changes(), now, row.id, &["stellawave".into()])
        .await
        .unwrap();
    row.id
}

async fn newsroom() -> Newsroom {
    let app = TestApp::spawn().await;
    let kpop = app.category("kpop", None).await;
    app.category("comebacks", Some(kpop.id)).await;
    app.category("politics", None).await;
    let now = Utc::now();
    tags::create(
        &app.db,
        app.changes(),
        now,
        tags::NewTag {
            slug: "stellawave".into(),
            kind: entity::TagKind::Group,
            names: vec![
                (Locale::En, "Stellawave".into()),
                (Locale::Ko, "스텔라웨이브".into()),
            ],
        },
    )
    .await
    .unwrap();
    let plan: [(&str, &str, &[Locale]); 8] = [
        ("in-licence", "kpop", &[Locale::Ko, Locale::En]),
        ("in-subcategory", "comebacks", &[Locale::En]),
        ("other-category", "politics", &[Locale::En]),
        ("other-language", "kpop", &[Locale::Ja]),
        ("not-syndicatable", "kpop", &[Locale::En]),
        ("embargoed", "kpop", &[Locale::En]),
        ("expired", "kpop", &[Locale::En]),
        ("draft", "kpop", &[Locale::En]),
    ];
    let mut ids = Vec::new();
    let mut rows = Vec::new();
    for (slug, category, locales) in plan {
        let id = write(&app, slug, category, locales).await;
        if slug != "draft" {
            articles::publish(&app.db, app.changes(), now, id, None)
                .await
                .unwrap();
        }
        rows.push((slug, id));
        ids.push((slug.to_owned(), encode(id)));
    }
    let id_of = |slug: &str| rows.iter().find(|(s, _)| *s == slug).unwrap().1;
    let rights = |patch: articles::RightsPatch, slug: &str| {
        articles::set_rights(&app.db, app.changes(), now, id_of(slug), patch)
    };
    rights(
        articles::RightsPatch {
            syndicatable: Some(false),
            ..Default::default()
        },
        "not-syndicatable",
    )
    .await
    .unwrap();
    rights(
        articles::RightsPatch {
            embargo_until: Some(Some(now + Duration::hours(2))),
            ..Default::default()
        },
        "embargoed",
    )
    .await
    .unwrap();
    rights(
        articles::RightsPatch {
            expires_at: Some(Some(now - Duration::minutes(1))),
            ..Default::default()
        },
        "expired",
    )
    .await
    .unwrap();
    let photo = |url: &str| media::NewPhoto {
        url: url.into(),
        width: 800,
        height: 600,
        credit: None,
        licence: None,
        texts: vec![
            media::MediaText {
                locale: Locale::En,
                caption: Some("On stage".into()),
                alt: None,
            },
            media::MediaText {
                locale: Locale::Ko,
                caption: Some("무대".into()),
                alt: None,
            },
        ],
    };
    let mut photos = Vec::new();
    for url in [
        "https://img.example.org/ok.jpg",
        "https://img.example.org/agency.jpg",
    ] {
        let (_, item) = media::attach_photo(
            &app.db,
            app.changes(),
            now,
            id_of("in-licence"),
            photo(url),
            None,
        )
        .await
        .unwrap();
        photos.push(newswire::graphql::ids::encode(newswire::graphql::ids::Kind::Photo, item.id).0);
    }
    // Likes for the ranking.
    for (slug, id) in &rows {
        if *slug != "draft" {
            newswire::domain::likes::like(
                &app.db,
                app.changes(),
                &newswire::domain::access::Audience::Public,
                now,
                *id,
                "client:fan",
            )
            .await
            .unwrap();
        }
    }
    Newsroom {
        app,
        ids,
        photos: (photos[0].clone(), photos[1].clone()),
    }
}

fn encode(id: i64) -> String {
    newswire::graphql::ids::encode(newswire::graphql::ids::Kind::Article, id).0
}

impl Newsroom {
    fn id(&self, slug: &str) -> &str {
        &self.ids.iter().find(|(s, _)| s == slug).unwrap().1
    }
}

/// A reader or a partner asking.
async fn ask(app: &TestApp, secret: Option<&str>, query: &str, vars: Value) -> Value {
    let reply = match secret {
        Some(secret) => app.post_as(secret, query, vars).await,
        None => app.post(query, vars, &[("x-client-id", "reader")]).await,
    };
    assert!(reply.body["errors"].is_null(), "{}", reply.text);
    reply.body["data"].clone()
}

fn slugs(items: &Value) -> BTreeSet<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["slug"].as_str().unwrap().to_owned())
        .collect()
}

fn set(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// What `secret` (a reader when `None`) finds at each entry point, by entry point.
async fn found(room: &Newsroom, secret: Option<&str>) -> Vec<(&'static str, BTreeSet<String>)> {
    let app = &room.app;
    let mut out = Vec::new();
    let list = ask(
        app,
        secret,
        "{ articles(first: 100) { nodes { slug } } }",
        json!({}),
    )
    .await;
    out.push(("articles", slugs(&list["articles"]["nodes"])));
    let searched = ask(
        app,
        secret,
        "{ search(query: \"stellawave\", first: 50) { edges { node { slug } } } }",
        json!({}),
    )
    .await;
    let hits: Vec<Value> = searched["search"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect();
    out.push(("search", slugs(&Value::Array(hits))));
    let filtered = ask(
        app,
        secret,
        "{ articles(first: 100, filter: {search: \"stellawave\"}) { nodes { slug } } }",
        json!({}),
    )
    .await;
    out.push(("filter.search", slugs(&filtered["articles"]["nodes"])));
    let tagged = ask(
        app,
        secret,
        "{ tag(slug: \"stellawave\") { articles(first: 100) { nodes { slug } } } }",
        json!({}),
    )
    .await;
    out.push(("tag.articles", slugs(&tagged["tag"]["articles"]["nodes"])));
    let mut sections = BTreeSet::new();
    for category in ["kpop", "politics"] {
        let section = ask(
            app,
            secret,
            "query($c: String!) { category(slug: $c) { articles(first: 100) { nodes { slug } } } }",
            json!({ "c": category }),
        )
        .await;
        sections.extend(slugs(&section["category"]["articles"]["nodes"]));
    }
    out.push(("category.articles", sections));
    let ranked = ask(
        app,
        secret,
        "{ mostLiked(window: ALL_TIME, first: 20) { slug } }",
        json!({}),
    )
    .await;
    out.push(("mostLiked", slugs(&ranked["mostLiked"])));
    let mut direct = BTreeSet::new();
    let mut by_node = BTreeSet::new();
    for (slug, id) in &room.ids {
        let one = ask(
            app,
            secret,
            "query($s: String!) { article(slug: $s) { slug } }",
            json!({ "s": slug }),
        )
        .await;
        if !one["article"].is_null() {
            direct.insert(slug.clone());
        }
        let node = ask(
            app,
            secret,
            "query($id: ID!) { node(id: $id) { ... on Article { slug } } }",
            json!({ "id": id }),
        )
        .await;
        if !node["node"].is_null() {
            by_node.insert(slug.clone());
        }
    }
    out.push(("article(slug:)", direct));
    out.push(("node(id:)", by_node));
    let related = ask(
        app,
        secret,
        "query($id: ID!) { node(id: $id) { ... on Article { related(first: 20) { slug } } } }",
        json!({ "id": room.id("in-licence") }),
    )
    .await;
    let mut beside = slugs(&related["node"]["related"]);
    // The article itself is never among its related ones; count it in like every list.
    beside.insert("in-licence".into());
    out.push(("related", beside));
    let mut feed = BTreeSet::new();
    for code in ["en", "ja"] {
        let mut request = Request::builder().uri(format!("/feeds/{code}.xml"));
        if let Some(secret) = secret {
            request = request.header("authorization", format!("Bearer {secret}"));
        }
        let reply = app.send(request.body(Body::empty()).unwrap()).await;
        if reply.status != axum::http::StatusCode::OK {
            continue;
        }
        let atom: atom_syndication::Feed = reply.text.parse().unwrap();
        for entry in atom.entries {
            let link = entry.links[0].href.clone();
            feed.insert(link.rsplit('/').next().unwrap().to_owned());
        }
    }
    out.push(("feeds", feed));
    if let Some(secret) = secret {
        let mut synced = BTreeSet::new();
        let mut since = Value::Null;
        loop {
            let page = ask(
                app,
                Some(secret),
                "query($since: String) { changes(since: $since, first: 3) { nodes { kind slug } checkpoint pageInfo { hasNextPage } } }",
                json!({ "since": since }),
            )
            .await;
            // On PostgreSQL the log after the first listing may repeat changes the listing
            // already showed; applied in order they leave the same copy.
            for change in page["changes"]["nodes"].as_array().unwrap() {
                let slug = change["slug"].as_str().unwrap().to_owned();
                if change["kind"] == "UPSERT" {
                    synced.insert(slug);
                } else {
                    synced.remove(&slug);
                }
            }
            since = page["changes"]["checkpoint"].clone();
            if page["changes"]["pageInfo"]["hasNextPage"] == false {
                break;
            }
        }
        out.push(("changes", synced));
    }
    out
}

#[tokio::test]
async fn a_partner_sees_only_its_licence_at_every_entry_point_and_readers_keep_their_rules() {
    let room = newsroom().await;
    let app = &room.app;
    let partner = app.partner_key(&[Locale::En], &[("kpop", true)]).await;
    for (entry, seen) in found(&room, Some(&partner)).await {
        assert_eq!(seen, set(&PARTNER_SEES), "partner at {entry}");
    }
    for (entry, seen) in found(&room, None).await {
        assert_eq!(seen, set(&READERS_SEE), "reader at {entry}");
    }

    // Without its subcategories, K-pop is only K-pop.
    let narrow = app.partner_key(&[Locale::En], &[("kpop", false)]).await;
    let list = ask(
        app,
        Some(&narrow),
        "{ articles(first: 100) { nodes { slug } } }",
        json!({}),
    )
    .await;
    assert_eq!(slugs(&list["articles"]["nodes"]), set(&["in-licence"]));

    // A key licensing nothing sees nothing; one for another language sees only that.
    let empty = app.api_key(ApiRole::Partner).await;
    let none = ask(
        app,
        Some(&empty),
        "{ articles(first: 100) { nodes { slug } } }",
        json!({}),
    )
    .await;
    assert_eq!(slugs(&none["articles"]["nodes"]), BTreeSet::new());
    let japanese = app.partner_key(&[Locale::Ja], &[("kpop", true)]).await;
    let ja = ask(
        app,
        Some(&japanese),
        "{ articles(first: 100) { nodes { slug } } }",
        json!({}),
    )
    .await;
    assert_eq!(slugs(&ja["articles"]["nodes"]), set(&["other-language"]));
}

#[tokio::test]
async fn a_partner_reads_only_its_languages_and_the_media_it_may_carry() {
    let room = newsroom().await;
    let app = &room.app;
    let editor = app.api_key(ApiRole::Editor).await;
    let withheld = app
        .post_as(
            &editor,
            "mutation($id: ID!) { updateMedia(id: $id, input: {syndicatable: false}) { article { slug } } }",
            json!({ "id": room.photos.1 }),
        )
        .await;
    assert!(withheld.body["errors"].is_null(), "{}", withheld.text);
    let partner = app.partner_key(&[Locale::En], &[("kpop", true)]).await;
    let query = r#"query($id: ID!) { node(id: $id) { ... on Article {
        title availableLocales translations { locale }
        alternates { locale }
        media { ... on Photo { id url caption syndicatable } }
        syndicatable credit
    } } }"#;
    let vars = json!({ "id": room.id("in-licence") });
    let as_partner = ask(app, Some(&partner), query, vars.clone()).await["node"].clone();
    // Asked for Korean first, a partner licensed for English gets English.
    let korean_first = app
        .post(
            query,
            vars.clone(),
            &[
                ("authorization", &format!("Bearer {partner}")),
                ("accept-language", "ko"),
            ],
        )
        .await;
    assert_eq!(
        korean_first.body["data"]["node"]["title"],
        "Stellawave in-licence en"
    );
    assert_eq!(as_partner["availableLocales"], json!(["EN"]));
    assert_eq!(as_partner["translations"], json!([{ "locale": "EN" }]));
    assert_eq!(as_partner["alternates"], json!([{ "locale": "EN" }]));
    assert_eq!(
        as_partner["media"],
        json!([{ "id": room.photos.0, "url": "https://img.example.org/ok.jpg",
                 "caption": "On stage", "syndicatable": true }])
    );
    let as_reader = ask(app, None, query, vars).await["node"].clone();
    assert_eq!(as_reader["availableLocales"], json!(["KO", "EN"]));
    assert_eq!(as_reader["media"].as_array().unwrap().len(), 2);
    assert_eq!(as_reader["syndicatable"], true);

    // The withheld photo does not exist for the partner; readers keep it.
    let photo = "query($id: ID!) { node(id: $id) { id } }";
    let for_partner = ask(app, Some(&partner), photo, json!({ "id": room.photos.1 })).await;
    assert_eq!(for_partner["node"], Value::Null);
    let for_reader = ask(app, None, photo, json!({ "id": room.photos.1 })).await;
    assert_eq!(for_reader["node"]["id"], room.photos.1);

    // Text in a language it does not license is nowhere: not as a filter, not in search.
    let filtered = ask(
        app,
        Some(&partner),
        "{ articles(first: 100, filter: {availableIn: KO}) { nodes { slug } } }",
        json!({}),
    )
    .await;
    assert_eq!(slugs(&filtered["articles"]["nodes"]), BTreeSet::new());
    let korean_word = "{ search(query: \"비밀\") { edges { node { slug } } } }";
    let hits = ask(app, Some(&partner), korean_word, json!({})).await;
    assert_eq!(hits["search"]["edges"], json!([]));
    let reader_hits = ask(app, None, korean_word, json!({})).await;
    assert_eq!(reader_hits["search"]["edges"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn an_embargo_lifts_and_an_expiry_falls_at_their_time_for_partners() {
    let room = newsroom().await;
    let app = &room.app;
    let partner = app.partner_key(&[Locale::En], &[("kpop", true)]).await;
    let editor = app.api_key(ApiRole::Editor).await;
    let soon = (Utc::now() + Duration::seconds(2)).to_rfc3339();
    let rights = |id: &str, input: Value| {
        let id = id.to_owned();
        let editor = editor.clone();
        async move {
            let reply = app
                .post_as(
                    &editor,
                    "mutation($id: ID!, $input: ArticleRightsInput!) { setArticleRights(id: $id, input: $input) { article { embargoUntil expiresAt } } }",
                    json!({ "id": id, "input": input }),
                )
                .await;
            assert!(reply.body["errors"].is_null(), "{}", reply.text);
        }
    };
    rights(room.id("embargoed"), json!({ "embargoUntil": soon })).await;
    rights(room.id("in-subcategory"), json!({ "expiresAt": soon })).await;
    let list = "{ articles(first: 100) { nodes { slug } } }";
    let before = ask(app, Some(&partner), list, json!({})).await;
    assert_eq!(
        slugs(&before["articles"]["nodes"]),
        set(&["in-licence", "in-subcategory"])
    );
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let after = ask(app, Some(&partner), list, json!({})).await;
    assert_eq!(
        slugs(&after["articles"]["nodes"]),
        set(&["in-licence", "embargoed"])
    );

    // An expiry before the embargo is refused, and so is a licence for a key of another role.
    let wrong = app
        .post_as(
            &editor,
            "mutation($id: ID!) { setArticleRights(id: $id, input: {embargoUntil: \"2030-01-02T00:00:00Z\", expiresAt: \"2030-01-01T00:00:00Z\"}) { article { slug } } }",
            json!({ "id": room.id("in-licence") }),
        )
        .await;
    assert_eq!(first_code(&wrong.body), "BAD_USER_INPUT");
}

#[tokio::test]
async fn admins_grant_licences_over_graphql_and_partners_see_theirs() {
    let room = newsroom().await;
    let app = &room.app;
    let admin = app.api_key(ApiRole::Admin).await;
    let editor_key =
        newswire::domain::api_keys::create(&app.db, Utc::now(), "cms", ApiRole::Editor)
            .await
            .unwrap();
    let issued =
        newswire::domain::api_keys::create(&app.db, Utc::now(), "portal", ApiRole::Partner)
            .await
            .unwrap();
    let grant = "mutation($id: ID!, $input: LicenceInput!) { setLicence(keyId: $id, input: $input) { apiKey { licence { locales categories { category { slug } withSubcategories } } } } }";
    let input = json!({ "locales": ["EN", "JA", "EN"], "categories": [{ "slug": "kpop" }, { "slug": "politics", "withSubcategories": false }] });
    let granted = app
        .post_as(
            &admin,
            grant,
            json!({ "id": issued.key.id.to_string(), "input": input }),
        )
        .await;
    assert!(granted.body["errors"].is_null(), "{}", granted.text);
    assert_eq!(
        granted.body["data"]["setLicence"]["apiKey"]["licence"],
        json!({ "locales": ["JA", "EN"], "categories": [
            { "category": { "slug": "kpop" }, "withSubcategories": true },
            { "category": { "slug": "politics" }, "withSubcategories": false }
        ] })
    );
    let viewer = ask(
        app,
        Some(&issued.secret),
        "{ viewer { role licence { locales } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        viewer["viewer"],
        json!({ "role": "PARTNER", "licence": { "locales": ["JA", "EN"] } })
    );
    let list = ask(
        app,
        Some(&issued.secret),
        "{ articles(first: 100) { nodes { slug } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        slugs(&list["articles"]["nodes"]),
        set(&[
            "in-licence",
            "in-subcategory",
            "other-category",
            "other-language"
        ])
    );

    // Only admins grant; only PARTNER keys carry licences; unknown categories are named.
    let partner_try = app
        .post_as(
            &issued.secret,
            grant,
            json!({ "id": issued.key.id.to_string(), "input": input }),
        )
        .await;
    assert_eq!(first_code(&partner_try.body), "FORBIDDEN");
    for (id, input, field) in [
        (
            editor_key.key.id.to_string(),
            json!({ "locales": ["EN"], "categories": [] }),
            "keyId",
        ),
        (
            issued.key.id.to_string(),
            json!({ "locales": ["EN"], "categories": [{ "slug": "nope" }] }),
            "categories",
        ),
        (
            "999999".to_owned(),
            json!({ "locales": ["EN"], "categories": [] }),
            "",
        ),
    ] {
        let refused = app
            .post_as(&admin, grant, json!({ "id": id, "input": input }))
            .await;
        let code = first_code(&refused.body);
        if field.is_empty() {
            assert_eq!(code, "NOT_FOUND", "{}", refused.text);
        } else {
            assert_eq!(code, "BAD_USER_INPUT", "{}", refused.text);
            assert_eq!(refused.body["errors"][0]["extensions"]["field"], field);
        }
    }
    let keys = ask(
        app,
        Some(&admin),
        "{ apiKeys { name licence { locales } } }",
        json!({}),
    )
    .await;
    let portal = keys["apiKeys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == "portal")
        .unwrap()
        .clone();
    assert_eq!(portal["licence"]["locales"], json!(["JA", "EN"]));
    let cms = keys["apiKeys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == "cms")
        .unwrap()
        .clone();
    assert_eq!(cms["licence"], Value::Null);
}
