//! The command line that admins manage keys and licences with, run as they run it.

use std::process::Output;

use sea_orm::Database;

/// Runs `newswire args…` on the SQLite file `file`.
async fn newswire(file: &std::path::Path, args: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_newswire"))
        .args(args)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", file.display()),
        )
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("run newswire")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[tokio::test]
async fn admins_license_a_partner_key_from_the_command_line() {
    let file = std::env::temp_dir().join(format!("newswire-cli-{}.db", uuid::Uuid::new_v4()));
    let seeded = newswire(&file, &["seed", "--demo"]).await;
    assert!(seeded.status.success(), "{}", text(&seeded));
    let created = newswire(
        &file,
        &["apikey", "create", "--role", "partner", "--name", "portal"],
    )
    .await;
    assert!(created.status.success(), "{}", text(&created));
    let id: i64 = text(&created)
        .split_whitespace()
        .nth(3)
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no key id in {}", text(&created)));
    let id_arg = id.to_string();

    let granted = newswire(
        &file,
        &[
            "apikey",
            "licence",
            &id_arg,
            "--locales",
            "en,ja",
            "--categories",
            "kpop",
            "--only-categories",
            "kpop-concerts",
        ],
    )
    .await;
    assert!(granted.status.success(), "{}", text(&granted));
    assert!(text(&granted).contains("in: ja, en"), "{}", text(&granted));
    let db = Database::connect(format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    let licence = newswire::domain::licences::of_key(&db, id).await.unwrap();
    assert_eq!(licence.locales, [entity::Locale::Ja, entity::Locale::En]);
    assert_eq!(licence.categories.len(), 2);
    assert!(
        licence.category_ids.len() > 2,
        "K-pop with its subcategories: {licence:?}"
    );

    for (args, says) in [
        (vec!["--locales", "fr"], "`fr` is not one of"),
        (
            vec!["--locales", "en", "--categories", "nope"],
            "no category has the slug `nope`",
        ),
    ] {
        let mut all = vec!["apikey", "licence", &id_arg];
        all.extend(args);
        let refused = newswire(&file, &all).await;
        assert!(!refused.status.success(), "{}", text(&refused));
        assert!(text(&refused).contains(says), "{}", text(&refused));
    }
    let editor = newswire(
        &file,
        &["apikey", "create", "--role", "editor", "--name", "cms"],
    )
    .await;
    let editor_id = text(&editor).split_whitespace().nth(3).unwrap().to_owned();
    let refused = newswire(&file, &["apikey", "licence", &editor_id, "--locales", "en"]).await;
    assert!(!refused.status.success());
    assert!(
        text(&refused).contains("only PARTNER keys carry licences"),
        "{}",
        text(&refused)
    );
    // What was refused changed nothing.
    assert_eq!(
        newswire::domain::licences::of_key(&db, id).await.unwrap(),
        licence
    );
    drop(db);
    for suffix in ["", "-wal", "-shm"] {
        std::fs::remove_file(format!("{}{suffix}", file.display())).ok();
    }
}
