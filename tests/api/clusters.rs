//! PostgreSQL clusters of a test's own, made with Debian's PostgreSQL tools on ports of their
//! own: a test that stops the database, or needs a streaming replica, never touches the
//! shared server on 5432. Each is stopped and removed when dropped.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

/// A running cluster.
pub struct Cluster {
    /// Its data directory.
    dir: PathBuf,
    /// Its port on 127.0.0.1.
    pub port: u16,
    bin: PathBuf,
}

/// The directory of the newest PostgreSQL's programs.
fn bin_dir() -> PathBuf {
    let mut versions: Vec<u32> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("Debian's PostgreSQL under /usr/lib/postgresql")
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    versions.sort_unstable();
    let newest = versions.last().expect("a PostgreSQL version");
    PathBuf::from(format!("/usr/lib/postgresql/{newest}/bin"))
}

/// A free port on 127.0.0.1.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs `program` of PostgreSQL as the `postgres` user (the server refuses to run as root).
fn as_postgres(bin: &Path, program: &str, args: &[&str]) {
    let output = Command::new("runuser")
        .args(["-u", "postgres", "--"])
        .arg(bin.join(program))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run {program}: {e}"));
    assert!(
        output.status.success(),
        "{program} {args:?} failed: {}\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// An empty data directory the `postgres` user owns.
fn data_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("newswire-{name}-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let status = Command::new("chown")
        .args(["postgres:postgres", dir.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
    // The server starts only on a directory no one else may read.
    std::fs::set_permissions(&dir, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    dir
}

impl Cluster {
    /// A new primary that accepts replication connections from loopback.
    pub fn primary() -> Cluster {
        let bin = bin_dir();
        let dir = data_dir("primary");
        let path = dir.to_str().unwrap();
        as_postgres(
            &bin,
            "initdb",
            &[
                "-D",
                path,
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        );
        std::fs::write(
            dir.join("pg_hba.conf"),
            "local all all trust\nhost all all 127.0.0.1/32 trust\n\
             host replication all 127.0.0.1/32 trust\n",
        )
        .unwrap();
        let cluster = Cluster {
            port: free_port(),
            dir,
            bin,
        };
        cluster.configure(&["wal_level = replica", "max_wal_senders = 4"]);
        cluster.start();
        cluster
    }

    /// A streaming replica of `primary`.
    pub fn replica_of(primary: &Cluster) -> Cluster {
        let bin = bin_dir();
        let dir = data_dir("replica");
        let port = primary.port.to_string();
        as_postgres(
            &bin,
            "pg_basebackup",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &port,
                "-U",
                "postgres",
                "-D",
                dir.to_str().unwrap(),
                "-R",
                "-X",
                "stream",
                "--no-sync",
            ],
        );
        let cluster = Cluster {
            port: free_port(),
            dir,
            bin,
        };
        cluster.configure(&["hot_standby = on"]);
        cluster.start();
        cluster
    }

    /// Appends settings, with this cluster's port and socket directory, to its configuration.
    fn configure(&self, settings: &[&str]) {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(self.dir.join("postgresql.conf"))
            .unwrap();
        writeln!(
            file,
            "\nport = {}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{}'\nfsync = off",
            self.port,
            self.dir.display()
        )
        .unwrap();
        for setting in settings {
            writeln!(file, "{setting}").unwrap();
        }
    }

    /// Starts the server and waits until it answers.
    pub fn start(&self) {
        let log = self.dir.join("log");
        as_postgres(
            &self.bin,
            "pg_ctl",
            &[
                "-D",
                self.dir.to_str().unwrap(),
                "-l",
                log.to_str().unwrap(),
                "-w",
                "start",
            ],
        );
    }

    /// Stops the server (fast shutdown: sessions are ended, as in a restart).
    pub fn stop(&self) {
        as_postgres(
            &self.bin,
            "pg_ctl",
            &["-D", self.dir.to_str().unwrap(), "-m", "fast", "-w", "stop"],
        );
    }

    /// The URL of database `name` on this cluster.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(self.bin.join("pg_ctl"))
            .args(["-D", self.dir.to_str().unwrap(), "-m", "immediate", "stop"])
            .output()
            .ok();
        std::fs::remove_dir_all(&self.dir).ok();
    }
}
