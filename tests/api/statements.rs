//! The number of SQL statements per request does not grow with the page size.

use entity::Locale;
use sea_orm::{sea_query::Expr, ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::helpers::{ArticleSpec, TestApp};

const HOME: &str = r#"query($n: Int) { articles(first: $n, locales: [JA]) {
  edges { cursor node {
    id slug title summary locale availableLocales likeCount viewerHasLiked publishedAt canonicalUrl
    category { slug name parent { name } children { slug } }
    translations { locale title }
    ja: translation(locale: JA) { title }
  } }
  pageInfo { hasNextPage endCursor }
} }"#;

#[tokio::test]
async fn a_page_of_fifty_costs_no_more_statements_than_a_page_of_five() {
    // A batch collects the keys that arrive within its delay. A debug build can take longer
    // than the default millisecond to walk fifty articles, so the delay is widened here: the
    // test measures how lookups are batched, not how fast this build is.
    let app = TestApp::spawn_with(|c| c.batch_delay_micros = 50_000).await;
    let mut categories = Vec::new();
    for i in 0..6 {
        let parent = app.category(&format!("section-{i}"), None).await;
        categories.push(
            app.category(&format!("section-{i}-desk"), Some(parent.id))
                .await,
        );
    }
    for i in 0..60i64 {
        let mut spec =
            ArticleSpec::published(&format!("a{i}"), categories[(i % 6) as usize].id, i + 1);
        spec.translations = vec![Locale::Ko, Locale::Ja, Locale::En];
        app.article(spec).await;
    }

    app.take_statements();
    let five = app.data(HOME, json!({ "n": 5 })).await;
    let five_count = app.take_statements();
    let fifty = app.data(HOME, json!({ "n": 50 })).await;
    let fifty_count = app.take_statements();

    assert_eq!(five["articles"]["edges"].as_array().unwrap().len(), 5);
    assert_eq!(fifty["articles"]["edges"].as_array().unwrap().len(), 50);
    assert_eq!(fifty["articles"]["edges"][0]["node"]["locale"], "JA");
    assert!(
        fifty_count <= five_count,
        "page of 50: {fifty_count} statements, page of 5: {five_count}"
    );
    // One list query plus one batch per nested kind: translations, categories (article and
    // parent levels), category names (two levels), children, like state.
    assert!(fifty_count <= 8, "page of 50 took {fifty_count} statements");
}

#[tokio::test]
async fn without_caches_a_home_page_takes_two_statements_whatever_its_size() {
    let app = TestApp::spawn_without_caches().await;
    let cat = app.category("news", None).await;
    for i in 0..20 {
        app.article(ArticleSpec::published(&format!("a{i}"), cat.id, i + 1))
            .await;
    }
    for first in [1, 5, 20] {
        app.take_statements();
        app.data(
            r#"query($n: Int) { articles(first: $n, locales: [JA]) { nodes { slug title locale likeCount viewerHasLiked category { name } } } }"#,
            json!({ "n": first }),
        )
        .await;
        // The page with the reader's like state and each article's served headline, then
        // its categories with their names.
        let count = app.take_statements();
        assert_eq!(count, 2, "a home page of {first} took {count} statements");
    }
}

const NAMED_PAGE: &str = r#"{ articles(first: 20, locales: [JA]) { nodes { slug title viewerHasLiked category { name } } } }"#;

#[tokio::test]
async fn with_the_category_copy_and_without_the_response_cache_a_home_page_takes_one_statement() {
    let app = TestApp::spawn_with(|c| {
        c.category_cache_ttl_secs = 60;
        c.response_cache_ttl_ms = 0;
    })
    .await;
    let news = app.category("news", None).await;
    app.article(ArticleSpec::published("first", news.id, 2))
        .await;
    app.data(NAMED_PAGE, json!({})).await;
    app.take_statements();
    let page = app.data(NAMED_PAGE, json!({})).await;
    assert_eq!(
        page["articles"]["nodes"][0]["category"]["name"],
        "news 한국어"
    );
    // The page with the like state and the served headlines; the categories come from the
    // copy.
    assert_eq!(app.take_statements(), 1);

    // A category written by another instance is not in the copy, and is read for the page
    // that needs it.
    let sports = app.category_from_another_instance("sports", None).await;
    app.article(ArticleSpec::published("second", sports.id, 1))
        .await;
    let page = app.data(NAMED_PAGE, json!({})).await;
    assert_eq!(
        page["articles"]["nodes"][0]["category"]["name"],
        "sports 한국어"
    );
}

#[tokio::test]
async fn a_category_renamed_through_the_api_shows_at_once() {
    let app = TestApp::spawn_with(|c| c.category_cache_ttl_secs = 60).await;
    let news = app.category("news", None).await;
    app.article(ArticleSpec::published("first", news.id, 1))
        .await;
    app.data(NAMED_PAGE, json!({})).await;

    // A rename written by another instance does not show: the page and its names were kept.
    entity::category_translation::ActiveModel {
        category_id: sea_orm::ActiveValue::Set(news.id),
        locale: sea_orm::ActiveValue::Set(Locale::Ja),
        name: sea_orm::ActiveValue::Set("よそのニュース".into()),
        description: sea_orm::ActiveValue::Set(None),
    }
    .insert(&app.db)
    .await
    .unwrap();
    let kept = app.data(NAMED_PAGE, json!({})).await;
    assert_eq!(
        kept["articles"]["nodes"][0]["category"]["name"],
        "news 한국어"
    );

    let editor = app.api_key(entity::ApiRole::Editor).await;
    let id = crate::helpers::category_id(&news);
    app.data_as(
        &editor,
        "mutation($id: ID!) { upsertCategoryTranslation(id: $id, input: { locale: JA, name: \"ニュース\" }) { category { slug } } }",
        json!({ "id": id }),
    )
    .await;
    let page = app.data(NAMED_PAGE, json!({})).await;
    assert_eq!(page["articles"]["nodes"][0]["category"]["name"], "ニュース");
}

#[tokio::test]
async fn a_page_of_headlines_reads_no_bodies_yet_an_article_beside_it_gets_its_own() {
    let app = TestApp::spawn().await;
    let news = app.category("news", None).await;
    app.article(ArticleSpec::published("lead", news.id, 1))
        .await;
    let data = app
        .data(
            r#"{ articles(first: 5) { nodes { slug title } }
                 article(slug: "lead") { title body translations { locale body } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["articles"]["nodes"][0]["title"], "lead [ko]");
    assert_eq!(data["article"]["title"], "lead [ko]");
    assert_eq!(data["article"]["body"], "<p>body ko</p>");
    assert_eq!(data["article"]["translations"][1]["body"], "<p>body en</p>");
}

#[tokio::test]
async fn headlines_read_in_each_root_fields_own_languages_in_one_request() {
    let app = TestApp::spawn().await;
    let news = app.category("news", None).await;
    let mut both = ArticleSpec::published("both", news.id, 1);
    both.translations = vec![Locale::Ko, Locale::Ja, Locale::Th];
    app.article(both).await;
    let mut english = ArticleSpec::published("english", news.id, 2);
    english.translations = vec![Locale::En, Locale::Ko];
    app.article(english).await;

    let data = app
        .data(
            r#"{ ja: articles(first: 5, locales: [JA]) { nodes { slug locale title } }
                 th: articles(first: 5, locales: [TH, JA]) { nodes { slug locale title } }
                 all: articles(first: 5, locales: [JA]) { nodes { slug locale availableLocales } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["ja"]["nodes"],
        json!([{ "slug": "both", "locale": "JA", "title": "both [ja]" },
               { "slug": "english", "locale": "EN", "title": "english [en]" }])
    );
    assert_eq!(data["th"]["nodes"][0]["locale"], "TH");
    assert_eq!(data["th"]["nodes"][1]["locale"], "EN");
    assert_eq!(
        data["all"]["nodes"][0]["availableLocales"],
        json!(["KO", "JA", "TH"])
    );
}

const SECTION_PAGE: &str = r#"{ category(slug: "news") { name articles(first: 20) { nodes { slug title viewerHasLiked category { name } } } } }"#;

#[tokio::test]
async fn with_the_category_copy_and_without_the_response_cache_a_category_page_takes_one_statement()
{
    let app = TestApp::spawn_with(|c| {
        c.category_cache_ttl_secs = 60;
        c.response_cache_ttl_ms = 0;
    })
    .await;
    let news = app.category("news", None).await;
    let desk = app.category("news-desk", Some(news.id)).await;
    app.article(ArticleSpec::published("top", news.id, 2)).await;
    app.article(ArticleSpec::published("inside", desk.id, 1))
        .await;
    app.data(SECTION_PAGE, json!({})).await;
    app.take_statements();
    let page = app.data(SECTION_PAGE, json!({})).await;
    assert_eq!(page["category"]["name"], "news 한국어");
    assert_eq!(
        page["category"]["articles"]["nodes"][0]["category"]["name"],
        "news-desk 한국어"
    );
    assert_eq!(
        page["category"]["articles"]["nodes"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // The category, its name and its subcategories come from the copy: one statement reads
    // the page with the like state and the served headlines.
    assert_eq!(app.take_statements(), 1);
}

#[tokio::test]
async fn a_subcategory_added_through_the_api_joins_its_parents_page_at_once() {
    let app = TestApp::spawn_with(|c| c.category_cache_ttl_secs = 60).await;
    let news = app.category("news", None).await;
    app.article(ArticleSpec::published("top", news.id, 2)).await;
    let before = app.data(SECTION_PAGE, json!({})).await;
    assert_eq!(
        before["category"]["articles"]["nodes"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let editor = app.api_key(entity::ApiRole::Editor).await;
    let created = app
        .data_as(
            &editor,
            r#"mutation { createCategory(input: { slug: "news-world", parent: "news", names: [{ locale: KO, name: "세계" }] }) { category { id slug } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(created["createCategory"]["category"]["slug"], "news-world");
    let world = entity::category::Entity::find()
        .filter(entity::category::Column::Slug.eq("news-world"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    app.article(ArticleSpec::published("abroad", world.id, 1))
        .await;
    let after = app.data(SECTION_PAGE, json!({})).await;
    assert_eq!(after["category"]["articles"]["nodes"][0]["slug"], "abroad");
    assert_eq!(
        after["category"]["articles"]["nodes"][0]["category"]["name"],
        "세계"
    );
}

const HEADLINES: &str = r#"query($l: [Locale!]) { articles(first: 5, locales: $l) { nodes { slug locale title summary canonicalUrl } } }"#;

#[tokio::test]
async fn a_headline_read_with_its_page_comes_whole_from_one_translation() {
    let app = TestApp::spawn().await;
    let news = app.category("news", None).await;
    let mut spec = ArticleSpec::published("story", news.id, 1);
    spec.translations = vec![Locale::Ko, Locale::Ja, Locale::En];
    let story = app.article(spec).await;
    // The Japanese text has no standfirst: the page must not borrow another language's.
    entity::article_translation::Entity::update_many()
        .col_expr(
            entity::article_translation::Column::Summary,
            Expr::value(Option::<String>::None),
        )
        .filter(entity::article_translation::Column::ArticleId.eq(story.id))
        .filter(entity::article_translation::Column::Locale.eq(Locale::Ja))
        .exec(&app.db)
        .await
        .unwrap();

    app.take_statements();
    let data = app.data(HEADLINES, json!({ "l": ["TH", "JA"] })).await;
    assert_eq!(app.take_statements(), 1, "the page reads its headlines");
    assert_eq!(
        data["articles"]["nodes"][0],
        json!({ "slug": "story", "locale": "JA", "title": "story [ja]", "summary": null,
                "canonicalUrl": "http://localhost:8000/ja/articles/story" })
    );
    let data = app.data(HEADLINES, json!({ "l": ["TH"] })).await;
    assert_eq!(
        data["articles"]["nodes"][0],
        json!({ "slug": "story", "locale": "KO", "title": "story [ko]", "summary": "summary ko",
                "canonicalUrl": "http://localhost:8000/ko/articles/story" })
    );
}

#[tokio::test]
async fn an_article_without_its_original_text_still_gets_a_headline() {
    let app = TestApp::spawn().await;
    let news = app.category("news", None).await;
    let mut spec = ArticleSpec::published("orphan", news.id, 1);
    spec.translations = vec![Locale::Ko, Locale::Th, Locale::En];
    let orphan = app.article(spec).await;
    app.article(ArticleSpec::published("plain", news.id, 2))
        .await;
    // Written straight to the database, as no API call can: the original text is gone.
    entity::article_translation::Entity::delete_many()
        .filter(entity::article_translation::Column::ArticleId.eq(orphan.id))
        .filter(entity::article_translation::Column::Locale.eq(Locale::Ko))
        .exec(&app.db)
        .await
        .unwrap();

    app.take_statements();
    let data = app.data(HEADLINES, json!({ "l": ["JA"] })).await;
    // The page finds no Japanese and no original text for it, so its headlines are read
    // once more, and the first language there is serves.
    assert_eq!(app.take_statements(), 2);
    assert_eq!(data["articles"]["nodes"][0]["locale"], "EN");
    assert_eq!(data["articles"]["nodes"][0]["title"], "orphan [en]");
    assert_eq!(data["articles"]["nodes"][1]["title"], "plain [ko]");
}

#[tokio::test]
async fn a_home_page_with_covers_tags_media_and_related_costs_the_same_for_1_5_and_20() {
    let app = illustrated_newsroom().await;
    let query = r#"query($n: Int) { articles(first: $n, locales: [JA]) { nodes {
        slug title locale likeCount viewerHasLiked category { name }
        coverImage { url srcset width height alt }
        tags { slug name kind }
        media { __typename ... on Photo { url caption } ... on Video { embedUrl } }
        related(first: 3) { slug title coverImage { url } tags { name } }
        openGraph { image { url } }
    } } }"#;
    let mut counts = Vec::new();
    for first in [1, 5, 20] {
        app.take_statements();
        let data = app.data(query, json!({ "n": first })).await;
        counts.push(app.take_statements());
        let nodes = data["articles"]["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), first as usize);
        assert!(nodes[0]["coverImage"]["url"]
            .as_str()
            .unwrap()
            .contains("cover"));
        assert_eq!(nodes[0]["tags"][0]["name"], "idol-ja", "{data}");
        assert_eq!(nodes[0]["media"][0]["caption"], "写真");
        assert!(
            !nodes[0]["related"].as_array().unwrap().is_empty(),
            "{data}"
        );
    }
    assert_eq!(counts[0], counts[1], "first 1 and 5: {counts:?}");
    assert_eq!(counts[1], counts[2], "first 5 and 20: {counts:?}");
}

#[tokio::test]
async fn a_page_of_search_hits_with_covers_and_tags_costs_the_same_for_1_5_and_20() {
    let app = illustrated_newsroom().await;
    let query = r#"query($n: Int) { search(query: "idol", first: $n, locales: [JA]) {
        edges { cursor score snippet node { slug title coverImage { url } tags { name } } }
        pageInfo { hasNextPage }
    } }"#;
    let mut counts = Vec::new();
    for first in [1, 5, 20] {
        app.take_statements();
        let data = app.data(query, json!({ "n": first })).await;
        counts.push(app.take_statements());
        let edges = data["search"]["edges"].as_array().unwrap();
        assert_eq!(edges.len(), first as usize, "{data}");
        assert_eq!(edges[0]["score"], 2.0, "matched by a tag name: {data}");
        assert!(edges[0]["node"]["coverImage"]["url"].is_string(), "{data}");
    }
    assert_eq!(counts[0], counts[1], "first 1 and 5: {counts:?}");
    assert_eq!(counts[1], counts[2], "first 5 and 20: {counts:?}");
}

#[tokio::test]
async fn a_page_of_the_change_feed_costs_the_same_for_1_5_and_20() {
    let app = illustrated_newsroom().await;
    let partner = app
        .partner_key(&[Locale::Ko, Locale::Ja], &[("news", true)])
        .await;
    let query = r#"query($n: Int) { changes(first: $n) {
        nodes { kind articleId article { slug title translations { locale title body }
            coverImage { url } tags { slug name } media { ... on Photo { url caption } } related(first: 2) { slug } } }
        checkpoint pageInfo { hasNextPage }
    } }"#;
    let mut counts = Vec::new();
    for first in [1, 5, 20] {
        app.take_statements();
        let reply = app.post_as(&partner, query, json!({ "n": first })).await;
        counts.push(app.take_statements());
        assert!(reply.body["errors"].is_null(), "{}", reply.text);
        let nodes = reply.body["data"]["changes"]["nodes"]
            .as_array()
            .unwrap()
            .clone();
        assert_eq!(nodes.len(), first as usize);
        let article = &nodes[0]["article"];
        assert_eq!(article["translations"][0]["locale"], "KO", "{article}");
        assert_eq!(article["tags"][0]["name"], "idol-ko", "{article}");
        assert_eq!(article["media"][0]["caption"], "写真", "{article}");
    }
    assert_eq!(counts[0], counts[1], "first 1 and 5: {counts:?}");
    assert_eq!(counts[1], counts[2], "first 5 and 20: {counts:?}");
}

/// TOPIC tags with these slugs, named `<slug>-ko` and `<slug>-ja`, written as the API writes.
async fn topics(app: &TestApp, slugs: &[&str]) -> Vec<entity::tag::Model> {
    use newswire::domain::editorial::tags;
    let mut made = Vec::new();
    for slug in slugs {
        let new = tags::NewTag {
            slug: (*slug).into(),
            kind: entity::TagKind::Topic,
            names: vec![
                (Locale::Ko, format!("{slug}-ko")),
                (Locale::Ja, format!("{slug}-ja")),
            ],
        };
        made.push(
            tags::create(&app.db, app.changes(), chrono::Utc::now(), new)
                .await
                .unwrap(),
        );
    }
    made
}

/// 24 published articles, each with a cover, a photo in its gallery and one to three of the
/// tags idol, drama and seoul, on a server without caches.
async fn illustrated_newsroom() -> TestApp {
    use newswire::domain::editorial::{media, tags};
    let app = TestApp::spawn_without_caches().await;
    let cat = app.category("news", None).await;
    let now = chrono::Utc::now();
    topics(&app, &["idol", "drama", "seoul"]).await;
    for i in 0..24i64 {
        let row = app
            .article(ArticleSpec::published(&format!("a{i}"), cat.id, i + 1))
            .await;
        let chosen: Vec<String> = ["idol", "drama", "seoul"]
            .iter()
            .take(1 + (i as usize % 3))
            .map(|s| (*s).to_owned())
            .collect();
        tags::set_article_tags(&app.db, app.changes(), now, row.id, &chosen)
            .await
            .unwrap();
        let photo = |name: &str| media::NewPhoto {
            url: format!("https://img.example.org/{i}/{name}.jpg"),
            width: 1600,
            height: 900,
            credit: None,
            licence: None,
            texts: vec![media::MediaText {
                locale: Locale::Ja,
                caption: Some("写真".into()),
                alt: Some("代替".into()),
            }],
        };
        media::set_cover(&app.db, app.changes(), now, row.id, Some(photo("cover")))
            .await
            .unwrap();
        media::attach_photo(&app.db, app.changes(), now, row.id, photo("g"), None)
            .await
            .unwrap();
    }
    app
}

const TAGGED_PAGE: &str =
    r#"{ articles(first: 20, locales: [JA]) { nodes { slug tags { slug name } } } }"#;

/// The tag names of the first article of [`TAGGED_PAGE`].
async fn first_tag_names(app: &TestApp) -> Vec<String> {
    let page = app.data(TAGGED_PAGE, json!({})).await;
    page["articles"]["nodes"][0]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_page_takes_its_tags_from_the_kept_ones_until_a_write_changes_them() {
    use newswire::domain::editorial::tags;
    let app = TestApp::spawn_with(|c| {
        c.tag_cache_ttl_secs = 60;
        c.response_cache_ttl_ms = 0;
    })
    .await;
    let news = app.category("news", None).await;
    let row = app
        .article(ArticleSpec::published("tagged", news.id, 1))
        .await;
    let now = chrono::Utc::now();
    let idol = topics(&app, &["idol", "drama"]).await.remove(0);
    tags::set_article_tags(&app.db, app.changes(), now, row.id, &["idol".to_owned()])
        .await
        .unwrap();

    // The first page reads which tags its article carries, then the tag it lacks; the next
    // one only which tags it carries.
    app.take_statements();
    assert_eq!(first_tag_names(&app).await, ["idol-ja"]);
    let cold = app.take_statements();
    assert_eq!(first_tag_names(&app).await, ["idol-ja"]);
    assert_eq!(app.take_statements(), cold - 1, "the tag was kept");

    // A name written straight to the database, as no API call can, is not seen while kept.
    entity::tag_name::ActiveModel {
        tag_id: sea_orm::ActiveValue::Set(idol.id),
        locale: sea_orm::ActiveValue::Set(Locale::Ja),
        name: sea_orm::ActiveValue::Set("よそのアイドル".into()),
    }
    .update(&app.db)
    .await
    .unwrap();
    assert_eq!(first_tag_names(&app).await, ["idol-ja"]);

    // A rename through the API shows at once.
    let editor = app.api_key(entity::ApiRole::Editor).await;
    let id = newswire::graphql::ids::encode(newswire::graphql::ids::Kind::Tag, idol.id).0;
    app.data_as(
        &editor,
        r#"mutation($id: ID!) { updateTag(id: $id, input: { names: [{ locale: JA, name: "アイドル" }] }) { tag { slug } } }"#,
        json!({ "id": id }),
    )
    .await;
    assert_eq!(first_tag_names(&app).await, ["アイドル"]);

    // So do the tags set on an article: which tags it carries is read for every page.
    app.data_as(
        &editor,
        r#"mutation($id: ID!) { setArticleTags(articleId: $id, tags: ["drama", "idol"]) { article { slug } } }"#,
        json!({ "id": crate::helpers::article_id(&row) }),
    )
    .await;
    assert_eq!(first_tag_names(&app).await, ["drama-ja", "アイドル"]);
}
