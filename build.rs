//! Tells the integration tests which database they run on: a test that only means something
//! on PostgreSQL carries `#[cfg_attr(not(test_postgres), ignore = …)]`, so that on SQLite it
//! is reported as ignored instead of passing without testing anything.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=TEST_DATABASE_URL");
    println!("cargo::rustc-check-cfg=cfg(test_postgres)");
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|url| url.starts_with("postgres")) {
        println!("cargo::rustc-cfg=test_postgres");
    }
}
