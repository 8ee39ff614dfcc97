//! The `newswire` command: serve (default), migrate, seed, schema.

use clap::{Parser, Subcommand};
use newswire::{config::Config, db, seed, telemetry};

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
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
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
        Command::Seed { demo, synthetic } => {
            telemetry::init(cli.config.log_format);
            let db = db::connect(&cli.config).await?;
            db::migrate(&db).await?;
            match (demo, synthetic) {
                (_, Some(n)) => seed::synthetic::seed(&db, n).await?,
                (true, None) => seed::demo::seed(&db).await?,
                (false, None) => anyhow::bail!("say what to seed: --demo or --synthetic N"),
            }
        }
    }
    Ok(())
}
