//! The `newswire` command: serve (default), migrate, seed, schema.

use chrono::Utc;
use clap::{Parser, Subcommand};
use entity::{ApiRole, Locale};
use mimalloc::MiMalloc;
use newswire::{
    config::Config,
    db,
    domain::{
        api_keys,
        changes::Changes,
        licences::{self, CategoryGrant},
    },
    seed, telemetry,
};

/// mimalloc: a request allocates many small, short-lived objects, which glibc's allocator
/// serves markedly slower across worker threads (see BENCH.md).
#[global_allocator]
static GLOBAL: MiMalloc = MiMalloc;

/// A multilingual GraphQL news backend.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Fill the database with content.
    Seed {
        /// The demo newsroom (categories, articles in eight languages, likes).
        #[arg(long, conflicts_with = "synthetic")]
        demo: bool,
        /// N synthetic articles with multilingual text, categories and likes.
        #[arg(long, value_name = "N")]
        synthetic: Option<u64>,
    },
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Manage API keys.
    Apikey {
        #[command(subcommand)]
        action: ApiKeyAction,
    },
}

#[derive(Subcommand)]
enum ApiKeyAction {
    /// Create a key and print its secret (shown this once).
    Create {
        /// What the key may do.
        #[arg(long, value_enum)]
        role: RoleArg,
        /// What the key is for.
        #[arg(long)]
        name: String,
    },
    /// List keys, without their secrets.
    List,
    /// Revoke a key by id; it stops working at once.
    Revoke {
        /// The key's id, as `apikey list` shows it.
        id: i64,
    },
    /// Set what a PARTNER key licenses; the new licence replaces the old one.
    Licence {
        /// The key's id, as `apikey list` shows it.
        id: i64,
        /// Licensed languages, comma-separated codes such as `en,ja,zh-Hant`.
        #[arg(long, value_delimiter = ',', value_parser = parse_locale)]
        locales: Vec<Locale>,
        /// Licensed categories with all their subcategories, comma-separated slugs.
        #[arg(long, value_delimiter = ',')]
        categories: Vec<String>,
        /// Licensed categories without their subcategories, comma-separated slugs.
        #[arg(long, value_delimiter = ',')]
        only_categories: Vec<String>,
    },
}

/// A locale code as the command line takes it.
fn parse_locale(code: &str) -> Result<Locale, String> {
    Locale::from_code(code).ok_or_else(|| {
        let known: Vec<&str> = Locale::ALL.iter().map(|l| l.code()).collect();
        format!("`{code}` is not one of {}", known.join(", "))
    })
}

/// Roles as the command line spells them.
#[derive(Clone, Copy, clap::ValueEnum)]
enum RoleArg {
    Editor,
    Admin,
    Partner,
}

impl From<RoleArg> for ApiRole {
    fn from(role: RoleArg) -> Self {
        match role {
            RoleArg::Editor => ApiRole::Editor,
            RoleArg::Admin => ApiRole::Admin,
            RoleArg::Partner => ApiRole::Partner,
        }
    }
}

/// The stack of each runtime thread. A query resolves its nested selections in nested
/// calls, one set of frames per level; this leaves room for the deepest query the depth
/// limit lets through (`NEWSWIRE_MAX_DEPTH`, 15 by default) with a wide margin.
const THREAD_STACK_BYTES: usize = 32 << 20;

fn main() -> anyhow::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(THREAD_STACK_BYTES)
        .build()?
        .block_on(run())
}

async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Schema => print!("{}", newswire::graphql::sdl()),
        Command::Serve => {
            telemetry::init(cli.config.log_format);
            newswire::serve(cli.config).await?;
        }
        Command::Migrate => {
            telemetry::init(cli.config.log_format);
            let db = db::connect(&cli.config).await?;
            db::migrate(&db).await?;
            tracing::info!("migrations applied");
        }
        Command::Apikey { action } => {
            let db = db::connect(&cli.config).await?;
            db::migrate(&db).await?;
            match action {
                ApiKeyAction::Create { role, name } => {
                    let issued = api_keys::create(&db, Utc::now(), &name, role.into()).await?;
                    println!(
                        "created API key {} ({:?}, {})",
                        issued.key.id, issued.key.role, issued.key.name
                    );
                    println!("secret (shown only now): {}", issued.secret);
                }
                ApiKeyAction::List => {
                    println!(
                        "{:>5}  {:<8}  {:<10}  {:<25}  {:<9}  name",
                        "id", "role", "prefix", "created", "state"
                    );
                    for key in api_keys::list(&db).await? {
                        let state = if key.revoked_at.is_some() {
                            "revoked"
                        } else {
                            "active"
                        };
                        println!(
                            "{:>5}  {:<8}  {:<10}  {:<25}  {:<9}  {}",
                            key.id,
                            format!("{:?}", key.role).to_lowercase(),
                            key.secret_prefix,
                            key.created_at
                                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                            state,
                            key.name
                        );
                    }
                }
                ApiKeyAction::Revoke { id } => {
                    let key = api_keys::revoke(&db, Utc::now(), id).await?;
                    println!("revoked API key {} ({})", key.id, key.name);
                }
                ApiKeyAction::Licence {
                    id,
                    locales,
                    categories,
                    only_categories,
                } => {
                    let grants: Vec<CategoryGrant> = categories
                        .into_iter()
                        .map(|slug| (slug, true))
                        .chain(only_categories.into_iter().map(|slug| (slug, false)))
                        .map(|(slug, with_subcategories)| CategoryGrant {
                            slug,
                            with_subcategories,
                        })
                        .collect();
                    let changes = Changes::default();
                    let licence =
                        licences::grant(&db, &changes, Utc::now(), id, &locales, &grants).await?;
                    let codes: Vec<&str> = licence.locales.iter().map(|l| l.code()).collect();
                    println!(
                        "API key {id} now licenses {} categories in: {}",
                        licence.category_ids.len(),
                        if codes.is_empty() {
                            "no language".to_owned()
                        } else {
                            codes.join(", ")
                        }
                    );
                }
            }
        }
        Command::Seed { demo, synthetic } => {
            telemetry::init(cli.config.log_format);
            let db = db::connect(&cli.config).await?;
            db::migrate(&db).await?;
            match (demo, synthetic) {
                (_, Some(n)) => seed::synthetic::seed(&db, n, &cli.config.site_url).await?,
                (true, None) if seed::is_empty(&db).await? => {
                    seed::demo::seed(&db, &cli.config.site_url).await?
                }
                (true, None) => anyhow::bail!(
                    "the database already has content; the demo newsroom goes into an empty one"
                ),
                (false, None) => anyhow::bail!("say what to seed: --demo or --synthetic N"),
            }
        }
    }
    Ok(())
}
