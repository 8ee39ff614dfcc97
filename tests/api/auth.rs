//! API keys, roles, and the authorization matrix of every mutation.

use axum::http::StatusCode;
use entity::{ApiRole, ArticleStatus, Locale};
use serde_json::{json, Value};

use crate::helpers::{article_id, first_code, ArticleSpec, Reply, TestApp};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    Partner,
    Editor,
    Admin,
    Revoked,
}

async fn send(app: &TestApp, who: Who, keys: &Keys, query: &str, vars: Value) -> Reply {
    match who {
        Who::Anonymous => app.post(query, vars, &[("x-client-id", "anon")]).await,
        Who::Partner => app.post_as(&keys.partner, query, vars).await,
        Who::Editor => app.post_as(&keys.editor, query, vars).await,
        Who::Admin => app.post_as(&keys.admin, query, vars).await,
        Who::Revoked => app.post_as(&keys.revoked, query, vars).await,
    }
}

struct Keys {
    partner: String,
    editor: String,
    admin: String,
    revoked: String,
}

async fn keys(app: &TestApp) -> Keys {
    let revoked =
        newswire::domain::api_keys::create(&app.db, chrono::Utc::now(), "old", ApiRole::Editor)
            .await
            .unwrap();
    newswire::domain::api_keys::revoke(&app.db, chrono::Utc::now(), revoked.key.id)
        .await
        .unwrap();
    Keys {
        partner: app.api_key(ApiRole::Partner).await,
        editor: app.api_key(ApiRole::Editor).await,
        admin: app.api_key(ApiRole::Admin).await,
        revoked: revoked.secret,
    }
}

/// Objects one attempt of one mutation works on, fresh for every attempt.
struct Fixture {
    n: usize,
    category: String,
    empty_category: String,
    article: String,
    key_id: String,
    tag: String,
    other_tag: String,
    photo: String,
}

async fn fixture(app: &TestApp, n: usize) -> Fixture {
    let cat = app.category(&format!("c-{n}"), None).await;
    let empty = app.category(&format!("e-{n}"), None).await;
    let mut spec = ArticleSpec::published(&format!("a-{n}"), cat.id, 1);
    spec.status = ArticleStatus::Draft;
    spec.published_at = None;
    spec.translations = vec![Locale::Ko, Locale::En];
    let article = app.article(spec).await;
    let key =
        newswire::domain::api_keys::create(&app.db, chrono::Utc::now(), "victim", ApiRole::Partner)
            .await
            .unwrap();
    let now = chrono::Utc::now();
    let tag = |slug: String| newswire::domain::editorial::tags::NewTag {
        slug,
        kind: entity::TagKind::Topic,
        names: vec![(Locale::En, "Topic".into())],
    };
    let changes = app.changes();
    let first =
        newswire::domain::editorial::tags::create(&app.db, changes, now, tag(format!("t-{n}")))
            .await
            .unwrap();
    let second =
        newswire::domain::editorial::tags::create(&app.db, changes, now, tag(format!("u-{n}")))
            .await
            .unwrap();
    let photo = newswire::domain::editorial::media::NewPhoto {
        url: "https://img.example.org/a.jpg".into(),
        width: 800,
        height: 600,
        credit: None,
        licence: None,
        texts: Vec::new(),
    };
    let (_, photo) = newswire::domain::editorial::media::attach_photo(
        &app.db, changes, now, article.id, photo, None,
    )
    .await
    .unwrap();
    use newswire::graphql::ids::{encode, Kind};
    Fixture {
        n,
        category: encode(Kind::Category, cat.id).0,
        empty_category: encode(Kind::Category, empty.id).0,
        article: article_id(&article),
        key_id: key.key.id.to_string(),
        tag: encode(Kind::Tag, first.id).0,
        other_tag: encode(Kind::Tag, second.id).0,
        photo: encode(Kind::Photo, photo.id).0,
    }
}

/// Each mutation: its document, its variables for a fixture, and whether only admins may run it.
fn mutations(f: &Fixture) -> Vec<(&'static str, String, Value, bool)> {
    let n = f.n;
    vec![
        ("createCategory", "mutation($slug: String!) { createCategory(input: {slug: $slug, names: [{locale: EN, name: \"New\"}]}) { category { slug } } }".into(), json!({ "slug": format!("new-{n}") }), false),
        ("updateCategory", "mutation($id: ID!) { updateCategory(id: $id, input: {position: 9}) { category { position } } }".into(), json!({ "id": f.category }), false),
        ("upsertCategoryTranslation", "mutation($id: ID!) { upsertCategoryTranslation(id: $id, input: {locale: JA, name: \"ニュース\"}) { category { slug } } }".into(), json!({ "id": f.category }), false),
        ("deleteCategory", "mutation($id: ID!) { deleteCategory(id: $id) { slug } }".into(), json!({ "id": f.empty_category }), false),
        ("createArticle", "mutation($slug: String!, $cat: String!) { createArticle(input: {slug: $slug, category: $cat, text: {locale: KO, title: \"제목\", body: \"<p>본문</p>\"}}) { article { slug } } }".into(), json!({ "slug": format!("new-article-{n}"), "cat": format!("c-{n}") }), false),
        ("updateArticle", "mutation($id: ID!) { updateArticle(id: $id, input: {byline: \"Desk\"}) { article { byline } } }".into(), json!({ "id": f.article }), false),
        ("upsertArticleTranslation", "mutation($id: ID!) { upsertArticleTranslation(id: $id, input: {locale: JA, title: \"題\", body: \"<p>本文</p>\"}) { article { slug } } }".into(), json!({ "id": f.article }), false),
        ("deleteArticleTranslation", "mutation($id: ID!) { deleteArticleTranslation(id: $id, locale: EN) { article { slug } } }".into(), json!({ "id": f.article }), false),
        ("publishArticle", "mutation($id: ID!) { publishArticle(id: $id) { article { status } } }".into(), json!({ "id": f.article }), false),
        ("unpublishArticle", "mutation($id: ID!) { unpublishArticle(id: $id) { article { status } } }".into(), json!({ "id": f.article }), false),
        ("archiveArticle", "mutation($id: ID!) { archiveArticle(id: $id) { article { status } } }".into(), json!({ "id": f.article }), false),
        ("deleteArticle", "mutation($id: ID!) { deleteArticle(id: $id) { slug } }".into(), json!({ "id": f.article }), false),
        ("attachPhoto", "mutation($id: ID!) { attachPhoto(articleId: $id, input: {url: \"https://img.example.org/b.jpg\", width: 640, height: 480}) { media { id } } }".into(), json!({ "id": f.article }), false),
        ("attachVideo", "mutation($id: ID!) { attachVideo(articleId: $id, input: {provider: YOUTUBE, externalId: \"dQw4w9WgXcQ\"}) { media { id } } }".into(), json!({ "id": f.article }), false),
        ("setCoverImage", "mutation($id: ID!) { setCoverImage(articleId: $id, input: {url: \"https://img.example.org/c.jpg\", width: 1600, height: 900}) { article { slug } } }".into(), json!({ "id": f.article }), false),
        ("updateMedia", "mutation($id: ID!) { updateMedia(id: $id, input: {credit: \"Desk\"}) { article { slug } } }".into(), json!({ "id": f.photo }), false),
        ("reorderMedia", "mutation($id: ID!, $media: [ID!]!) { reorderMedia(articleId: $id, mediaIds: $media) { article { slug } } }".into(), json!({ "id": f.article, "media": [f.photo] }), false),
        ("detachMedia", "mutation($id: ID!) { detachMedia(id: $id) { article { slug } } }".into(), json!({ "id": f.photo }), false),
        ("createTag", "mutation($slug: String!) { createTag(input: {slug: $slug, kind: GROUP, names: [{locale: KO, name: \"그룹\"}]}) { tag { slug } } }".into(), json!({ "slug": format!("new-tag-{n}") }), false),
        ("updateTag", "mutation($id: ID!) { updateTag(id: $id, input: {names: [{locale: JA, name: \"話題\"}]}) { tag { slug } } }".into(), json!({ "id": f.tag }), false),
        ("mergeTags", "mutation($a: ID!, $b: ID!) { mergeTags(sourceId: $a, targetId: $b) { tag { slug } } }".into(), json!({ "a": f.tag, "b": f.other_tag }), false),
        ("setArticleTags", "mutation($id: ID!, $tags: [String!]!) { setArticleTags(articleId: $id, tags: $tags) { article { slug } } }".into(), json!({ "id": f.article, "tags": [format!("t-{n}")] }), false),
        ("setArticleRights", "mutation($id: ID!) { setArticleRights(id: $id, input: {syndicatable: false, credit: \"Desk\"}) { article { syndicatable credit } } }".into(), json!({ "id": f.article }), false),
        ("setLicence", "mutation($id: ID!, $cat: String!) { setLicence(keyId: $id, input: {locales: [EN], categories: [{slug: $cat}]}) { apiKey { licence { locales } } } }".into(), json!({ "id": f.key_id, "cat": format!("c-{n}") }), true),
        ("createApiKey", "mutation { createApiKey(input: {name: \"cms\", role: EDITOR}) { secret } }".into(), json!({}), true),
        ("revokeApiKey", "mutation($id: ID!) { revokeApiKey(id: $id) { apiKey { revokedAt } } }".into(), json!({ "id": f.key_id }), true),
    ]
}

#[tokio::test]
async fn every_mutation_is_refused_to_those_without_the_role_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let keys = keys(&app).await;
    let mut n = 0;
    let names: Vec<&str> = mutations(&fixture(&app, 9999).await)
        .iter()
        .map(|m| m.0)
        .collect();
    for (index, name) in names.iter().enumerate() {
        for who in [
            Who::Anonymous,
            Who::Partner,
            Who::Editor,
            Who::Admin,
            Who::Revoked,
        ] {
            n += 1;
            let f = fixture(&app, n).await;
            let (_, query, vars, admin_only) = mutations(&f).swap_remove(index);
            let before = app.fingerprint().await;
            let reply = send(&app, who, &keys, &query, vars).await;
            let allowed = who == Who::Admin || (who == Who::Editor && !admin_only);
            if allowed {
                assert!(
                    reply.body.get("errors").is_none(),
                    "{name} as {who:?}: {}",
                    reply.text
                );
                assert_ne!(
                    app.fingerprint().await,
                    before,
                    "{name} as {who:?} changed nothing"
                );
                continue;
            }
            let expected = match who {
                Who::Anonymous | Who::Revoked => "UNAUTHENTICATED",
                _ => "FORBIDDEN",
            };
            assert_eq!(
                first_code(&reply.body),
                expected,
                "{name} as {who:?}: {}",
                reply.text
            );
            if who == Who::Revoked {
                assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
            }
            assert_eq!(
                app.fingerprint().await,
                before,
                "{name} as {who:?} changed the database"
            );
        }
    }
}

#[tokio::test]
async fn viewer_says_who_is_asking() {
    let app = TestApp::spawn().await;
    let keys = keys(&app).await;
    let query = "{ viewer { name role keyId } }";
    assert_eq!(app.data(query, json!({})).await["viewer"], Value::Null);
    for (secret, role) in [
        (&keys.partner, "PARTNER"),
        (&keys.editor, "EDITOR"),
        (&keys.admin, "ADMIN"),
    ] {
        let data = app.data_as(secret, query, json!({})).await;
        assert_eq!(data["viewer"]["role"], role);
        assert_eq!(data["viewer"]["name"], "test key");
    }
}

#[tokio::test]
async fn unknown_malformed_and_revoked_keys_are_never_anonymous() {
    let app = TestApp::spawn().await;
    let keys = keys(&app).await;
    for authorization in [
        format!("Bearer {}", keys.revoked),
        "Bearer nw_unknownunknownunknownunknownunknown000000".to_owned(),
        "Bearer not-a-key".to_owned(),
        format!("Basic {}", keys.editor),
        "Bearer".to_owned(),
    ] {
        let reply = app
            .post(
                "{ locales { code } }",
                json!({}),
                &[("authorization", &authorization)],
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{authorization}");
        assert_eq!(
            first_code(&reply.body),
            "UNAUTHENTICATED",
            "{authorization}"
        );
        assert!(reply.headers.contains_key("www-authenticate"));
    }
}

#[tokio::test]
async fn admins_create_list_and_revoke_keys_and_a_revoked_key_stops_at_once() {
    let app = TestApp::spawn().await;
    let keys = keys(&app).await;
    let created = app
        .data_as(
            &keys.admin,
            "mutation { createApiKey(input: {name: \"Busan desk\", role: EDITOR}) { secret apiKey { id name role prefix revokedAt } } }",
            json!({}),
        )
        .await;
    let secret = created["createApiKey"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = created["createApiKey"]["apiKey"]["id"].clone();
    assert!(secret.starts_with(
        created["createApiKey"]["apiKey"]["prefix"]
            .as_str()
            .unwrap()
    ));
    assert_eq!(
        app.data_as(&secret, "{ viewer { name role } }", json!({}))
            .await["viewer"]["name"],
        "Busan desk"
    );

    let listed = app
        .data_as(&keys.admin, "{ apiKeys { id name prefix } }", json!({}))
        .await;
    let text = listed.to_string();
    assert!(
        text.contains("Busan desk") && !text.contains(&secret),
        "{text}"
    );
    let editor_list = app
        .post_as(&keys.editor, "{ apiKeys { id } }", json!({}))
        .await;
    assert_eq!(first_code(&editor_list.body), "FORBIDDEN");

    let revoked = app
        .data_as(
            &keys.admin,
            "mutation($id: ID!) { revokeApiKey(id: $id) { apiKey { revokedAt } } }",
            json!({ "id": id }),
        )
        .await;
    assert!(revoked["revokeApiKey"]["apiKey"]["revokedAt"].is_string());
    let after = app.post_as(&secret, "{ viewer { name } }", json!({})).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    let stored = <entity::api_key::Entity as sea_orm::EntityTrait>::find()
        .all(&app.db)
        .await
        .unwrap();
    assert!(stored
        .iter()
        .all(|k| !k.secret_hash.contains(&secret) && k.secret_hash.len() == 64));
}

#[tokio::test]
async fn staff_see_unpublished_articles_partners_and_readers_never_do() {
    let app = TestApp::spawn().await;
    let keys = keys(&app).await;
    let cat = app.category("news", None).await;
    let mut draft = ArticleSpec::published("draft", cat.id, 1);
    draft.status = ArticleStatus::Draft;
    draft.published_at = None;
    let draft = app.article(draft).await;
    let mut archived = ArticleSpec::published("archived", cat.id, 30);
    archived.status = ArticleStatus::Archived;
    app.article(archived).await;
    let mut scheduled = ArticleSpec::published("scheduled", cat.id, 0);
    scheduled.published_at = Some(chrono::Utc::now() + chrono::Duration::hours(5));
    app.article(scheduled).await;
    app.article(ArticleSpec::published("live", cat.id, 2)).await;

    let by_slug = r#"{ article(slug: "draft") { status } }"#;
    let by_node = "query($id: ID!) { node(id: $id) { ... on Article { status } } }";
    let list =
        "query($s: [ArticleStatus!]) { articles(filter: {status: $s}) { nodes { slug status } } }";
    let all = json!({ "s": ["DRAFT", "SCHEDULED", "PUBLISHED", "ARCHIVED"] });

    for secret in [&keys.editor, &keys.admin] {
        assert_eq!(
            app.data_as(secret, by_slug, json!({})).await["article"]["status"],
            "DRAFT"
        );
        assert_eq!(
            app.data_as(secret, by_node, json!({ "id": article_id(&draft) }))
                .await["node"]["status"],
            "DRAFT"
        );
        let data = app.data_as(secret, list, all.clone()).await;
        let slugs: Vec<&str> = data["articles"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["slug"].as_str().unwrap())
            .collect();
        assert_eq!(slugs.len(), 4, "{slugs:?}");
        let default = app.data_as(secret, list, json!({})).await;
        assert_eq!(
            default["articles"]["nodes"],
            json!([{ "slug": "live", "status": "PUBLISHED" }])
        );
        let scheduled_only = app
            .data_as(secret, list, json!({ "s": ["SCHEDULED"] }))
            .await;
        assert_eq!(
            scheduled_only["articles"]["nodes"],
            json!([{ "slug": "scheduled", "status": "SCHEDULED" }])
        );
    }
    for reply in [
        app.post_as(&keys.partner, by_slug, json!({})).await,
        app.post(by_slug, json!({}), &[]).await,
    ] {
        assert_eq!(reply.body["data"]["article"], Value::Null);
    }
    let partner_node = app
        .post_as(&keys.partner, by_node, json!({ "id": article_id(&draft) }))
        .await;
    assert_eq!(partner_node.body["data"]["node"], Value::Null);
    for reply in [
        app.post_as(&keys.partner, list, all.clone()).await,
        app.post(list, all.clone(), &[]).await,
    ] {
        assert_eq!(first_code(&reply.body), "FORBIDDEN", "{}", reply.text);
    }
}

#[tokio::test]
async fn responses_for_staff_are_never_publicly_cacheable() {
    let app = TestApp::spawn().await;
    let keys = keys(&app).await;
    let request = axum::http::Request::builder()
        .uri("/graphql?query=%7Blocales%7Bcode%7D%7D")
        .header("authorization", format!("Bearer {}", keys.editor))
        .header("accept", "application/json")
        .body(axum::body::Body::empty())
        .unwrap();
    let reply = app.send(request).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.headers["cache-control"]
        .to_str()
        .unwrap()
        .contains("private"));
}
