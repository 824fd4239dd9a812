//! A throwaway PostgreSQL cluster the test starts itself, in a temporary folder on a free
//! loopback port, so that a test may stop and start it (a database outage) without touching
//! any other server. The binaries come from /usr/lib/postgresql/*/bin (or `PG_BIN`); when
//! they are missing the test fails and says so. `initdb` refuses to run as root: as root the
//! cluster runs as the `postgres` user.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Cluster {
    /// Holds the data folder and the server's socket and log.
    dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
    /// The user the server runs as, when the test runs as root.
    run_as: Option<String>,
    running: bool,
}

/// The folder holding `initdb` and `pg_ctl`: `PG_BIN`, else the newest installed version.
fn binaries() -> PathBuf {
    if let Some(dir) = std::env::var_os("PG_BIN") {
        return PathBuf::from(dir);
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            (bin.join("initdb").is_file() && bin.join("pg_ctl").is_file()).then_some((version, bin))
        })
        .collect();
    found.sort();
    match found.pop() {
        Some((_, bin)) => bin,
        None => panic!(
            "this test needs the PostgreSQL server binaries (initdb, pg_ctl) in /usr/lib/postgresql/<version>/bin \
             or in the folder named by PG_BIN: install the `postgresql` package"
        ),
    }
}

fn running_as_root() -> bool {
    let out = Command::new("id").arg("-u").output().expect("`id -u` runs");
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

impl Cluster {
    /// Creates a cluster (trust authentication, user `postgres`) and starts it.
    pub fn start() -> Cluster {
        let bin = binaries();
        let dir = tempfile::Builder::new().prefix("fw-pg-").tempdir().unwrap();
        let run_as = running_as_root().then(|| "postgres".to_string());
        if let Some(user) = &run_as {
            let status = Command::new("chown").args([user.as_str(), dir.path().to_str().unwrap()]).status().unwrap();
            assert!(status.success(), "cannot give {} to the `{user}` user", dir.path().display());
        }
        let port = super::service::free_port();
        let mut cluster = Cluster { dir, bin, port, run_as, running: false };
        let data = cluster.data();
        let out = cluster.run(
            "initdb",
            &["-D", data.to_str().unwrap(), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"],
        );
        assert!(out.status.success(), "initdb failed: {}", String::from_utf8_lossy(&out.stderr));
        cluster.resume();
        cluster
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Runs one of the cluster's binaries, as the `postgres` user when the test is root.
    fn run(&self, tool: &str, args: &[&str]) -> Output {
        let program = self.bin.join(tool);
        let mut command = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&program);
                c
            }
            None => Command::new(&program),
        };
        command.args(args).current_dir(self.dir.path()).output().unwrap_or_else(|e| {
            panic!("cannot run {}: {e}", program.display());
        })
    }

    /// `postgres://` URL of the cluster's `postgres` database.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Starts the server (again) and waits until it takes connections.
    pub fn resume(&mut self) {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} -c fsync=off -c max_connections=50",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("server.log");
        let data = self.data();
        let out = self.run(
            "pg_ctl",
            &["-D", data.to_str().unwrap(), "-l", log.to_str().unwrap(), "-o", &options, "-w", "-t", "60", "start"],
        );
        assert!(
            out.status.success(),
            "pg_ctl start failed: {}{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        self.running = true;
    }

    /// Stops the server (fast shutdown: sessions are ended, as in a restart or failover).
    pub fn stop(&mut self) {
        let data = self.data();
        let out = self.run("pg_ctl", &["-D", data.to_str().unwrap(), "-m", "fast", "-w", "-t", "60", "stop"]);
        assert!(out.status.success(), "pg_ctl stop failed: {}", String::from_utf8_lossy(&out.stderr));
        self.running = false;
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if self.running {
            let data = self.data();
            let _ = self.run("pg_ctl", &["-D", data.to_str().unwrap(), "-m", "immediate", "-w", "stop"]);
        }
    }
}
