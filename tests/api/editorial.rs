//! The editorial workflow: write, translate, validate, schedule, publish, withdraw, delete.

use entity::{article_translation, ApiRole};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{json, Value};

use crate::helpers::{first_code, TestApp};

const CREATE_CATEGORY: &str = "mutation($input: CreateCategoryInput!) { createCategory(input: $input) { category { id slug name } } }";
const CREATE_ARTICLE: &str = "mutation($input: CreateArticleInput!) { createArticle(input: $input) { article { id slug status locale title updatedAt(timeZone: \"UTC\") } } }";
const TRANSLATE: &str = "mutation($id: ID!, $input: ArticleTextInput!) { upsertArticleTranslation(id: $id, input: $input) { article { availableLocales updatedAt(timeZone: \"UTC\") } } }";
const PUBLISH: &str = "mutation($id: ID!, $at: DateTime) { publishArticle(id: $id, at: $at) { article { status publishedAt(timeZone: \"UTC\") updatedAt(timeZone: \"UTC\") } } }";
const READ: &str =
    "query($slug: String) { article(slug: $slug, locales: [EN]) { status locale title body } }";

async fn newsroom(app: &TestApp) -> String {
    let editor = app.api_key(ApiRole::Editor).await;
    app.data_as(
        &editor,
        CREATE_CATEGORY,
        json!({ "input": { "slug": "kpop", "names": [
            { "locale": "KO", "name": "케이팝" }, { "locale": "EN", "name": "K-Pop", "description": "Idols and charts" }
        ] } }),
    )
    .await;
    editor
}

async fn draft(app: &TestApp, editor: &str, slug: &str) -> String {
    let data = app
        .data_as(
            editor,
            CREATE_ARTICLE,
            json!({ "input": { "slug": slug, "category": "kpop", "byline": "김기자",
                "text": { "locale": "KO", "title": "새 앨범 발표", "summary": "요약", "body": "<p>본문</p>" } } }),
        )
        .await;
    data["createArticle"]["article"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn error_field(body: &Value) -> &str {
    body["errors"][0]["extensions"]["field"]
        .as_str()
        .unwrap_or("")
}

#[tokio::test]
async fn an_article_goes_from_draft_to_published_in_two_languages() {
    let app = TestApp::spawn().await;
    let editor = newsroom(&app).await;
    let created = app
        .data_as(
            &editor,
            CREATE_ARTICLE,
            json!({ "input": { "slug": "comeback", "category": "kpop",
                "text": { "locale": "KO", "title": "컴백", "body": "<p>본문</p>" } } }),
        )
        .await;
    let article = &created["createArticle"]["article"];
    assert_eq!(article["status"], "DRAFT");
    let id = article["id"].as_str().unwrap().to_owned();
    let first_update = article["updatedAt"].as_str().unwrap().to_owned();
    assert_eq!(
        app.data(READ, json!({ "slug": "comeback" })).await["article"],
        Value::Null
    );

    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let translated = app
        .data_as(&editor, TRANSLATE, json!({ "id": id, "input": { "locale": "EN", "title": "Comeback", "body": "<p>Body</p>" } }))
        .await;
    assert_eq!(
        translated["upsertArticleTranslation"]["article"]["availableLocales"],
        json!(["KO", "EN"])
    );
    let second_update = translated["upsertArticleTranslation"]["article"]["updatedAt"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        second_update > first_update,
        "{second_update} after {first_update}"
    );

    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let published = app.data_as(&editor, PUBLISH, json!({ "id": id })).await;
    assert_eq!(
        published["publishArticle"]["article"]["status"],
        "PUBLISHED"
    );
    assert!(
        published["publishArticle"]["article"]["updatedAt"]
            .as_str()
            .unwrap()
            > second_update.as_str()
    );

    let read = app.data(READ, json!({ "slug": "comeback" })).await;
    assert_eq!(
        read["article"],
        json!({ "status": "PUBLISHED", "locale": "EN", "title": "Comeback", "body": "<p>Body</p>" })
    );

    app.data_as(
        &editor,
        "mutation($id: ID!) { archiveArticle(id: $id) { article { status } } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(
        app.data(READ, json!({ "slug": "comeback" })).await["article"],
        Value::Null
    );
    let staff = app
        .data_as(&editor, READ, json!({ "slug": "comeback" }))
        .await;
    assert_eq!(staff["article"]["status"], "ARCHIVED");

    app.data_as(&editor, PUBLISH, json!({ "id": id })).await;
    app.data_as(
        &editor,
        "mutation($id: ID!) { unpublishArticle(id: $id) { article { status publishedAt } } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(
        app.data(READ, json!({ "slug": "comeback" })).await["article"],
        Value::Null
    );

    let deleted = app
        .data_as(
            &editor,
            "mutation($id: ID!) { deleteArticle(id: $id) { deletedArticleId slug deletedAt } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(deleted["deleteArticle"]["slug"], "comeback");
    assert_eq!(
        app.data_as(&editor, READ, json!({ "slug": "comeback" }))
            .await["article"],
        Value::Null
    );
    let again = app.post_as(&editor, PUBLISH, json!({ "id": id })).await;
    assert_eq!(first_code(&again.body), "NOT_FOUND");
}

#[tokio::test]
async fn a_scheduled_article_appears_at_its_time_without_any_job() {
    let app = TestApp::spawn().await;
    let editor = newsroom(&app).await;
    let id = draft(&app, &editor, "at-noon").await;
    let at = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    let scheduled = app
        .data_as(&editor, PUBLISH, json!({ "id": id, "at": at }))
        .await;
    assert_eq!(
        scheduled["publishArticle"]["article"]["status"],
        "SCHEDULED"
    );
    assert_eq!(
        app.data(READ, json!({ "slug": "at-noon" })).await["article"],
        Value::Null
    );
    tokio::time::sleep(std::time::Duration::from_millis(2200)).await;
    assert_eq!(
        app.data(READ, json!({ "slug": "at-noon" })).await["article"]["status"],
        "PUBLISHED"
    );

    let id = draft(&app, &editor, "backdated").await;
    let past = app
        .data_as(
            &editor,
            PUBLISH,
            json!({ "id": id, "at": "2020-01-01T00:00:00Z" }),
        )
        .await;
    let published_at = past["publishArticle"]["article"]["publishedAt"]
        .as_str()
        .unwrap();
    assert!(
        published_at > "2026",
        "a past time publishes now: {published_at}"
    );
}

#[tokio::test]
async fn bodies_are_sanitized_on_write() {
    let app = TestApp::spawn().await;
    let editor = newsroom(&app).await;
    let id = draft(&app, &editor, "xss").await;
    let evil = r#"<p onclick="steal()">Hello<script>alert(1)</script> <a href="javascript:alert(2)">x</a> <img src=x onerror="alert(3)"> <a href="https://ok.example/">ok</a></p>"#;
    app.data_as(
        &editor,
        TRANSLATE,
        json!({ "id": id, "input": { "locale": "EN", "title": "T", "body": evil } }),
    )
    .await;
    let body = app
        .data_as(
            &editor,
            r#"{ article(slug: "xss") { translation(locale: EN) { body } } }"#,
            json!({}),
        )
        .await["article"]["translation"]["body"]
        .as_str()
        .unwrap()
        .to_owned();
    for bad in ["<script", "onclick", "onerror", "javascript:", "alert("] {
        assert!(!body.contains(bad), "{bad} survived: {body}");
    }
    assert!(
        body.contains("Hello") && body.contains(r#"href="https://ok.example/""#),
        "{body}"
    );
}

#[tokio::test]
async fn invalid_input_names_the_field_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let editor = newsroom(&app).await;
    let id = draft(&app, &editor, "first").await;
    let texts_before = article_translation::Entity::find()
        .count(&app.db)
        .await
        .unwrap();

    let article = |slug: &str, category: &str, title: String, url: &str| {
        json!({ "input": { "slug": slug, "category": category, "sourceUrl": url,
            "text": { "locale": "KO", "title": title, "body": "<p>b</p>" } } })
    };
    for (vars, field) in [
        (
            article("Bad Slug", "kpop", "t".into(), "https://a.example"),
            "slug",
        ),
        (
            article("first", "kpop", "t".into(), "https://a.example"),
            "slug",
        ),
        (
            article("fine", "nope", "t".into(), "https://a.example"),
            "category",
        ),
        (
            article("fine", "kpop", "t".repeat(301), "https://a.example"),
            "title",
        ),
        (
            article("fine", "kpop", "t".into(), "javascript:alert(1)"),
            "sourceUrl",
        ),
    ] {
        let reply = app.post_as(&editor, CREATE_ARTICLE, vars).await;
        assert_eq!(first_code(&reply.body), "BAD_USER_INPUT", "{}", reply.text);
        assert_eq!(error_field(&reply.body), field, "{}", reply.text);
    }
    let duplicate = app
        .post_as(
            &editor,
            CREATE_ARTICLE,
            article("first", "kpop", "t".into(), ""),
        )
        .await;
    assert!(duplicate.body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("already taken"));
    assert_eq!(
        article_translation::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        texts_before
    );

    let untranslated = app
        .post_as(
            &editor,
            TRANSLATE,
            json!({ "id": id, "input": { "locale": "JA", "title": " ", "body": "<p>b</p>" } }),
        )
        .await;
    assert_eq!(error_field(&untranslated.body), "title");
    let original = app
        .post_as(&editor, "mutation($id: ID!) { deleteArticleTranslation(id: $id, locale: KO) { article { slug } } }", json!({ "id": id }))
        .await;
    assert_eq!(error_field(&original.body), "locale");
    let missing = app
        .post_as(&editor, "mutation($id: ID!) { deleteArticleTranslation(id: $id, locale: TH) { article { slug } } }", json!({ "id": id }))
        .await;
    assert_eq!(first_code(&missing.body), "NOT_FOUND");
    let duplicate_category = app
        .post_as(
            &editor,
            CREATE_CATEGORY,
            json!({ "input": { "slug": "kpop", "names": [{ "locale": "EN", "name": "K" }] } }),
        )
        .await;
    assert_eq!(error_field(&duplicate_category.body), "slug");
    let nameless = app
        .post_as(
            &editor,
            CREATE_CATEGORY,
            json!({ "input": { "slug": "film", "names": [] } }),
        )
        .await;
    assert_eq!(error_field(&nameless.body), "names");
}

#[tokio::test]
async fn an_article_needs_its_original_title_before_it_is_published() {
    let app = TestApp::spawn().await;
    let editor = newsroom(&app).await;
    let created = app
        .data_as(
            &editor,
            CREATE_ARTICLE,
            json!({ "input": { "slug": "untitled", "category": "kpop", "text": { "locale": "JA", "title": "", "body": "" } } }),
        )
        .await;
    let id = created["createArticle"]["article"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let refused = app.post_as(&editor, PUBLISH, json!({ "id": id })).await;
    assert_eq!(first_code(&refused.body), "BAD_USER_INPUT");
    assert_eq!(error_field(&refused.body), "id");
    app.data_as(
        &editor,
        TRANSLATE,
        json!({ "id": id, "input": { "locale": "JA", "title": "題名", "body": "<p>本文</p>" } }),
    )
    .await;
    assert_eq!(
        app.data_as(&editor, PUBLISH, json!({ "id": id })).await["publishArticle"]["article"]
            ["status"],
        "PUBLISHED"
    );
    let emptied = app
        .post_as(
            &editor,
            TRANSLATE,
            json!({ "id": id, "input": { "locale": "JA", "title": "", "body": "<p>x</p>" } }),
        )
        .await;
    assert_eq!(
        error_field(&emptied.body),
        "title",
        "a published article keeps its title"
    );
}

#[tokio::test]
async fn categories_move_and_rename_and_are_deleted_only_when_empty() {
    let app = TestApp::spawn().await;
    let editor = newsroom(&app).await;
    let concerts = app
        .data_as(
            &editor,
            "mutation { createCategory(input: {slug: \"concerts\", parent: \"kpop\", names: [{locale: EN, name: \"Concerts\"}]}) { category { id parent { slug } position } } }",
            json!({}),
        )
        .await;
    let concerts_id = concerts["createCategory"]["category"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        concerts["createCategory"]["category"]["parent"]["slug"],
        "kpop"
    );
    let kpop = app
        .data(r#"{ category(slug: "kpop") { id } }"#, json!({}))
        .await["category"]["id"]
        .clone();

    let cycle = app
        .post_as(&editor, "mutation($id: ID!) { updateCategory(id: $id, input: {parent: \"concerts\"}) { category { slug } } }", json!({ "id": kpop }))
        .await;
    assert_eq!(error_field(&cycle.body), "parent");
    let refused = app
        .post_as(
            &editor,
            "mutation($id: ID!) { deleteCategory(id: $id) { slug } }",
            json!({ "id": kpop }),
        )
        .await;
    assert_eq!(first_code(&refused.body), "BAD_USER_INPUT");
    assert!(refused.text.contains("subcategories"));

    let moved = app
        .data_as(
            &editor,
            "mutation($id: ID!) { updateCategory(id: $id, input: {parent: null, slug: \"live\"}) { category { slug parent { slug } } } }",
            json!({ "id": concerts_id }),
        )
        .await;
    assert_eq!(
        moved["updateCategory"]["category"],
        json!({ "slug": "live", "parent": null })
    );
    let renamed = app
        .data_as(
            &editor,
            "mutation($id: ID!) { upsertCategoryTranslation(id: $id, input: {locale: JA, name: \"ライブ\"}) { category { name } } }",
            json!({ "id": concerts_id }),
        )
        .await;
    assert_eq!(
        renamed["upsertCategoryTranslation"]["category"]["name"], "Concerts",
        "served in the defaults ko,en"
    );
    let ja = app
        .data(
            r#"{ category(slug: "live", locales: [JA]) { name } }"#,
            json!({}),
        )
        .await;
    assert_eq!(ja["category"]["name"], "ライブ");

    draft(&app, &editor, "holds-kpop").await;
    let holding = app
        .post_as(
            &editor,
            "mutation($id: ID!) { deleteCategory(id: $id) { slug } }",
            json!({ "id": kpop }),
        )
        .await;
    assert!(
        holding.text.contains("holds 1 articles"),
        "{}",
        holding.text
    );
    let deleted = app
        .data_as(
            &editor,
            "mutation($id: ID!) { deleteCategory(id: $id) { slug } }",
            json!({ "id": concerts_id }),
        )
        .await;
    assert_eq!(deleted["deleteCategory"]["slug"], "live");
    assert_eq!(
        app.data(r#"{ category(slug: "live") { id } }"#, json!({}))
            .await["category"],
        Value::Null
    );
}

#[tokio::test]
async fn a_staff_walk_over_every_status_visits_each_article_once() {
    let app = TestApp::spawn().await;
    let editor = newsroom(&app).await;
    for i in 0..7 {
        let id = draft(&app, &editor, &format!("story-{i}")).await;
        if i % 2 == 0 {
            app.data_as(&editor, PUBLISH, json!({ "id": id })).await;
        }
    }
    let query = "query($after: String) { articles(first: 2, after: $after, filter: {status: [DRAFT, PUBLISHED]}) { nodes { slug } pageInfo { hasNextPage endCursor } } }";
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = app.data_as(&editor, query, json!({ "after": after })).await;
        for node in data["articles"]["nodes"].as_array().unwrap() {
            seen.push(node["slug"].as_str().unwrap().to_owned());
        }
        if data["articles"]["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = data["articles"]["pageInfo"]["endCursor"].clone();
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 7, "{seen:?}");
}
