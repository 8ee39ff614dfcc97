//! newswire as it runs in production: a process of the built binary, on a port of its own,
//! talked to over real connections.

use std::{net::SocketAddr, time::Duration};

use serde_json::{json, Value};

/// One server process; it is killed when dropped.
pub struct Server {
    /// Where it listens.
    pub address: SocketAddr,
    process: tokio::process::Child,
}

impl Server {
    /// Starts the binary with `env` on a free loopback port, and waits until it accepts
    /// connections.
    pub async fn start(env: &[(&str, String)]) -> Server {
        Self::launch(env, None).await
    }

    /// As [`Server::start`], with what the process prints written to `log`.
    pub async fn start_logging(env: &[(&str, String)], log: &std::path::Path) -> Server {
        Self::launch(env, Some(log)).await
    }

    async fn launch(env: &[(&str, String)], log: Option<&std::path::Path>) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let address: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_newswire"));
        command
            .env("NEWSWIRE_BIND", address.to_string())
            .env("NEWSWIRE_SEED", "none")
            .env("RUST_LOG", "warn")
            .kill_on_drop(true);
        for (name, value) in env {
            command.env(name, value);
        }
        if let Some(log) = log {
            let file = std::fs::File::create(log).expect("create the log");
            command
                .stdout(file.try_clone().expect("the log, twice"))
                .stderr(file);
        }
        let process = command.spawn().expect("start newswire");
        for _ in 0..400 {
            if tokio::net::TcpStream::connect(address).await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Server { address, process }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.process.id().expect("a running process")
    }

    /// Waits until the process has exited.
    pub async fn exited(&mut self) -> std::process::ExitStatus {
        self.process.wait().await.expect("the process exits")
    }

    /// POSTs `query` with `variables` and extra headers over a new connection; the status
    /// and the JSON body.
    pub async fn post(
        &self,
        query: &str,
        variables: Value,
        headers: &[(&str, &str)],
    ) -> (u16, Value) {
        let (status, _, body) = self
            .request(
                "POST",
                "/graphql",
                &json!({ "query": query, "variables": variables }).to_string(),
                headers,
            )
            .await;
        (status, serde_json::from_str(&body).unwrap_or(Value::Null))
    }

    /// Sends one HTTP/1.1 request over a new connection: the status, the head and the body.
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        body: &str,
        headers: &[(&str, &str)],
    ) -> (u16, String, String) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = tokio::net::TcpStream::connect(self.address).await.unwrap();
        let extra: String = headers
            .iter()
            .map(|(name, value)| format!("{name}: {value}\r\n"))
            .collect();
        let request = format!(
            "{method} {path} HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n{extra}\r\n{body}",
            self.address,
            body.len()
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.unwrap();
        let text = String::from_utf8_lossy(&raw);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        (status, head.to_owned(), body.to_owned())
    }
}
