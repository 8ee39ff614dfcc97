//! Which language a reader gets: argument, Accept-Language, defaults, then the original.

use entity::Locale;
use serde_json::json;

use crate::helpers::{ArticleSpec, TestApp};

const ARTICLE: &str = r#"query($l: [Locale!]) { article(slug: "story", locales: $l) {
  locale title originalLocale availableLocales canonicalUrl category { name } } }"#;

async fn story(app: &TestApp, translations: Vec<Locale>) {
    let cat = app.category("news", None).await;
    let mut spec = ArticleSpec::published("story", cat.id, 1);
    spec.translations = translations;
    app.article(spec).await;
}

#[tokio::test]
async fn the_locales_argument_wins_first_available_first() {
    let app = TestApp::spawn().await;
    story(&app, vec![Locale::Ko, Locale::Ja, Locale::En]).await;
    let data = app.data(ARTICLE, json!({ "l": ["TH", "JA", "EN"] })).await;
    assert_eq!(data["article"]["locale"], "JA");
    assert_eq!(data["article"]["title"], "story [ja]");
    assert_eq!(
        data["article"]["availableLocales"],
        json!(["KO", "JA", "EN"])
    );
    assert_eq!(
        data["article"]["canonicalUrl"],
        "http://localhost:8000/ja/articles/story"
    );
}

#[tokio::test]
async fn accept_language_applies_when_no_argument_is_given() {
    let app = TestApp::spawn().await;
    story(
        &app,
        vec![Locale::Ko, Locale::ZhHant, Locale::ZhHans, Locale::En],
    )
    .await;
    for (header, expected) in [
        ("zh-TW,zh;q=0.9", "ZH_HANT"),
        ("zh-HK", "ZH_HANT"),
        ("zh-CN", "ZH_HANS"),
        ("zh", "ZH_HANS"),
        ("de-DE, en-US;q=0.8, zh-TW;q=0.5", "EN"),
        ("en;q=0.1, zh-MO;q=0.9", "ZH_HANT"),
    ] {
        let reply = app
            .post(
                ARTICLE,
                json!({}),
                &[("accept-language", header), ("x-client-id", "t")],
            )
            .await;
        assert_eq!(
            reply.body["data"]["article"]["locale"], expected,
            "{header}"
        );
    }
    let reply = app
        .post(
            ARTICLE,
            json!({ "l": ["KO"] }),
            &[("accept-language", "zh-TW")],
        )
        .await;
    assert_eq!(
        reply.body["data"]["article"]["locale"], "KO",
        "the argument beats the header"
    );
}

#[tokio::test]
async fn the_server_defaults_apply_without_argument_or_header() {
    let app = TestApp::spawn().await;
    story(&app, vec![Locale::Th, Locale::En]).await;
    let data = app.data(ARTICLE, json!({})).await;
    assert_eq!(
        data["article"]["locale"], "EN",
        "ko is missing, so en from the defaults ko,en"
    );
    let unknown_only = app
        .post(ARTICLE, json!({}), &[("accept-language", "fr-FR, de")])
        .await;
    assert_eq!(unknown_only.body["data"]["article"]["locale"], "EN");

    let app = TestApp::spawn_with(|c| {
        c.default_locales = newswire::config::LocaleList(vec![Locale::Vi]);
    })
    .await;
    story(&app, vec![Locale::Th, Locale::Vi]).await;
    assert_eq!(
        app.data(ARTICLE, json!({})).await["article"]["locale"],
        "VI"
    );
}

#[tokio::test]
async fn an_article_never_comes_back_without_text() {
    let app = TestApp::spawn().await;
    story(&app, vec![Locale::Id, Locale::Vi]).await;
    let data = app.data(ARTICLE, json!({ "l": ["JA", "EN"] })).await;
    assert_eq!(data["article"]["locale"], "ID");
    assert_eq!(data["article"]["originalLocale"], "ID");
    assert_eq!(data["article"]["title"], "story [id]");
}

#[tokio::test]
async fn the_choice_cascades_to_nested_objects() {
    let app = TestApp::spawn().await;
    story(&app, vec![Locale::Ko, Locale::En]).await;
    let data = app.data(ARTICLE, json!({ "l": ["EN"] })).await;
    assert_eq!(data["article"]["category"]["name"], "news English");
    let data = app
        .data(
            r#"{ articles(locales: [JA]) { nodes { locale category { name } } } }"#,
            json!({}),
        )
        .await;
    // Neither has Japanese: the article falls back to its original, the category to Korean.
    assert_eq!(data["articles"]["nodes"][0]["locale"], "KO");
    assert_eq!(
        data["articles"]["nodes"][0]["category"]["name"],
        "news 한국어"
    );
}

#[tokio::test]
async fn translation_is_exact_and_translations_lists_the_original_first() {
    let app = TestApp::spawn().await;
    story(&app, vec![Locale::Ja, Locale::Ko, Locale::En]).await;
    let data = app
        .data(
            r#"{ article(slug: "story") {
                 en: translation(locale: EN) { locale title isOriginal }
                 th: translation(locale: TH) { title }
                 translations { locale isOriginal } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["article"]["en"],
        json!({ "locale": "EN", "title": "story [en]", "isOriginal": false })
    );
    assert_eq!(data["article"]["th"], serde_json::Value::Null);
    assert_eq!(
        data["article"]["translations"],
        json!([
            { "locale": "JA", "isOriginal": true },
            { "locale": "KO", "isOriginal": false },
            { "locale": "EN", "isOriginal": false }
        ])
    );
}

#[tokio::test]
async fn times_render_in_kst_by_default_and_in_any_iana_zone() {
    let app = TestApp::spawn().await;
    let cat = app.category("news", None).await;
    let mut spec = ArticleSpec::published("timed", cat.id, 0);
    spec.published_at = Some("2026-03-01T15:30:00Z".parse().unwrap());
    app.article(spec).await;
    let data = app
        .data(
            r#"{ article(slug: "timed") { kst: publishedAt utc: publishedAt(timeZone: "UTC")
                 ny: publishedAt(timeZone: "America/New_York") copyright } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["article"]["kst"], "2026-03-02T00:30:00+09:00");
    assert_eq!(data["article"]["utc"], "2026-03-01T15:30:00+00:00");
    assert_eq!(data["article"]["ny"], "2026-03-01T10:30:00-05:00");
    assert_eq!(
        data["article"]["copyright"],
        "© 2026 newswire. All rights reserved."
    );
}

#[tokio::test]
async fn locales_lists_the_eight_languages() {
    let app = TestApp::spawn().await;
    let data = app
        .data(
            "{ locales { locale code nativeName englishName } }",
            json!({}),
        )
        .await;
    let codes: Vec<&str> = data["locales"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["ko", "ja", "en", "zh-Hans", "zh-Hant", "th", "id", "vi"]
    );
    assert_eq!(data["locales"][4]["nativeName"], "繁體中文");
    assert_eq!(data["locales"][3]["locale"], "ZH_HANS");
}
