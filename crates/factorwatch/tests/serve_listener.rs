//! `factorwatch serve` against hostile clients, as a process: request lines that stall are
//! cut after `header_read_timeout`; a flood of idle connections holds at most
//! `max_connections` file descriptors and, out of descriptors, the service keeps going; HTTPS
//! with a certificate made here; request traces at debug level carry no secret; the data
//! folder and the database files are the service user's alone.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::service::free_port;
use common::{factorwatch, text};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `factorwatch serve` child on a loopback port, its stderr in `log`.
struct Served {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
    log: PathBuf,
}

impl Served {
    /// Starts the service with `server` as the `[server]` table (data folder added), `env`
    /// set, and the command run through `wrapper` (e.g. `prlimit …`) when given.
    fn start(server: &str, env: &[(&str, &str)], wrapper: &[&str]) -> Served {
        let dir = tempfile::tempdir().unwrap();
        Served::start_in(dir, server, env, wrapper)
    }

    fn start_in(dir: tempfile::TempDir, server: &str, env: &[(&str, &str)], wrapper: &[&str]) -> Served {
        let config = write_config(dir.path(), server);
        let port = free_port();
        let log = dir.path().join("service.log");
        let binary = env!("CARGO_BIN_EXE_factorwatch").to_string();
        let mut argv: Vec<String> = wrapper.iter().map(|s| s.to_string()).collect();
        argv.push(binary);
        argv.extend(["serve", "--config", config.to_str().unwrap(), "--listen"].map(String::from));
        argv.push(format!("127.0.0.1:{port}"));
        if !wrapper.is_empty() {
            assert!(
                Command::new(wrapper[0]).arg("--version").output().is_ok(),
                "this test needs `{}` (util-linux) on the PATH",
                wrapper[0]
            );
        }
        let child = Command::new(&argv[0])
            .args(&argv[1..])
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(std::fs::File::create(&log).unwrap()))
            .spawn()
            .unwrap();
        Served { child, port, dir, log }
    }

    fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn assert_alive(&mut self) {
        if let Some(status) = self.child.try_wait().unwrap() {
            panic!("the service exited: {status}\n{}", self.log_text());
        }
    }

    /// Waits until `GET /readyz` answers 200 through `client` on `base`.
    fn wait_ready(&mut self, client: &reqwest::blocking::Client, base: &str) {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            self.assert_alive();
            if client.get(format!("{base}/readyz")).send().is_ok_and(|r| r.status().is_success()) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("the service did not become ready within 60 s\n{}", self.log_text());
    }

    /// File descriptors the process holds now.
    fn open_fds(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.child.id())).unwrap().count()
    }

    /// SIGTERM, then a clean exit.
    fn terminate(mut self) -> String {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let status = self.child.wait().unwrap();
        assert!(status.success(), "the service did not stop cleanly: {status}\n{}", self.log_text());
        self.log_text()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn write_config(dir: &Path, server: &str) -> PathBuf {
    let path = dir.join("service.toml");
    let data = dir.join("data");
    std::fs::write(&path, format!("[server]\ndata_dir = \"{}\"\n{server}\n", data.display())).unwrap();
    path
}

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder().timeout(Duration::from_secs(60)).build().unwrap()
}

/// Reads until the service closes the connection (whatever it wrote first, such as a 408);
/// panics if it is still open after `limit`.
fn wait_closed(stream: &mut TcpStream, limit: Duration) {
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut buf = [0u8; 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return,
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return,
            Err(e) => panic!("the connection is still open after {limit:?}: {e}"),
        }
    }
}

#[test]
fn stalled_request_lines_are_cut_after_the_header_timeout_while_others_are_served() {
    let mut served = Served::start("header_read_timeout = \"1s\"", &[], &[]);
    let http = client();
    let base = format!("http://{}", served.address());
    served.wait_ready(&http, &base);

    let started = Instant::now();
    let mut stalled: Vec<TcpStream> = (0..50)
        .map(|_| {
            let mut s = TcpStream::connect(served.address()).unwrap();
            s.write_all(b"GET /healthz HT").unwrap();
            s
        })
        .collect();
    // The classic slowloris: a byte now and then, to look alive.
    let trickler = {
        let mut s = TcpStream::connect(served.address()).unwrap();
        std::thread::spawn(move || {
            let started = Instant::now();
            for byte in b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" {
                if s.write_all(&[*byte]).is_err() {
                    return started.elapsed();
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            panic!("a client sending a byte every 100 ms was never cut");
        })
    };
    // Answered, then idle on keep-alive: the same timeout closes it.
    let mut kept_alive = TcpStream::connect(served.address()).unwrap();
    kept_alive.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let answered = http.get(format!("{base}/healthz")).send().unwrap();
    assert_eq!(answered.status(), 200);
    let served_in = started.elapsed();

    for stream in &mut stalled {
        wait_closed(stream, Duration::from_secs(10));
    }
    let all_cut = started.elapsed();
    wait_closed(&mut kept_alive, Duration::from_secs(10));
    let idle_cut = started.elapsed();
    let trickler_cut = trickler.join().unwrap();
    eprintln!(
        "normal request served in {served_in:?}; 50 stalled connections all cut after {all_cut:?}; \
         trickler cut after {trickler_cut:?}; idle keep-alive closed after {idle_cut:?} (header_read_timeout 1 s)"
    );
    assert!(idle_cut < Duration::from_secs(5), "an idle keep-alive connection stayed open: {idle_cut:?}");
    assert!(all_cut >= Duration::from_millis(900), "cut before the timeout: {all_cut:?}");
    assert!(all_cut < Duration::from_secs(5), "cut too late: {all_cut:?}");
    assert!(trickler_cut < Duration::from_secs(4), "the trickler kept its connection: {trickler_cut:?}");
    served.assert_alive();
    let _ = served.terminate();
}

/// Opens `count` connections that never send a byte.
fn idle_connections(address: &str, count: usize) -> Vec<TcpStream> {
    (0..count).map(|_| TcpStream::connect(address).unwrap()).collect()
}

/// The most descriptors the service held while sampling for `during`.
fn peak_fds(served: &Served, during: Duration) -> usize {
    let started = Instant::now();
    let mut peak = 0;
    while started.elapsed() < during {
        peak = peak.max(served.open_fds());
        std::thread::sleep(Duration::from_millis(20));
    }
    peak
}

#[test]
fn a_flood_of_idle_connections_holds_at_most_max_connections_descriptors() {
    const MAX: usize = 32;
    const FLOOD: usize = 300;
    let mut served = Served::start(&format!("max_connections = {MAX}\nheader_read_timeout = \"1s\""), &[], &[]);
    let http = client();
    let base = format!("http://{}", served.address());
    served.wait_ready(&http, &base);
    let baseline = served.open_fds();

    let flood = idle_connections(&served.address(), FLOOD);
    let asked = Instant::now();
    let request = {
        let http = http.clone();
        let base = base.clone();
        std::thread::spawn(move || {
            let status = http.get(format!("{base}/healthz")).send().map(|r| r.status().as_u16());
            (status, asked.elapsed())
        })
    };
    let peak = peak_fds(&served, Duration::from_secs(3));
    let (status, waited) = request.join().unwrap();
    eprintln!(
        "{FLOOD} idle connections, max_connections {MAX}: {baseline} descriptors before, at most {peak} during; \
         a request behind them answered after {waited:?}"
    );
    assert!(peak <= baseline + MAX + 8, "{peak} descriptors open (baseline {baseline}, limit {MAX})");
    assert_eq!(status.unwrap(), 200);
    // Behind the flood in the kernel's queue: about FLOOD / MAX rounds of the 1 s timeout.
    assert!(waited < Duration::from_secs(30), "answered after {waited:?}");
    drop(flood);
    served.assert_alive();
    assert_eq!(http.get(format!("{base}/healthz")).send().unwrap().status(), 200);
    let _ = served.terminate();
}

#[test]
fn out_of_file_descriptors_the_service_keeps_accepting_once_some_close() {
    // 96 descriptors in all, far below the 512 connections allowed: accept meets EMFILE.
    let mut served =
        Served::start("max_connections = 512\nheader_read_timeout = \"1s\"", &[], &["prlimit", "--nofile=96:96", "--"]);
    let http = client();
    let base = format!("http://{}", served.address());
    served.wait_ready(&http, &base);
    let baseline = served.open_fds();
    assert!(baseline < 90, "the service already holds {baseline} descriptors");

    let flood = idle_connections(&served.address(), 200);
    let peak = peak_fds(&served, Duration::from_millis(500));
    served.assert_alive();
    let asked = Instant::now();
    let status = http.get(format!("{base}/healthz")).send().unwrap().status();
    let waited = asked.elapsed();
    eprintln!(
        "nofile 96: {baseline} descriptors idle, peak {peak} under 200 idle connections; request answered after {waited:?}"
    );
    assert_eq!(status, 200);
    drop(flood);
    served.assert_alive();
    let log = served.terminate();
    assert!(log.contains("cannot accept a connection"), "EMFILE was never met:\n{log}");
}

/// A self-signed certificate for localhost and 127.0.0.1, as PEM files in `dir`.
fn certificate(dir: &Path) -> (PathBuf, PathBuf, String) {
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let pem = made.cert.pem();
    std::fs::write(&cert, &pem).unwrap();
    std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
    (cert, key, pem)
}

#[test]
fn with_a_certificate_every_connection_is_https_and_the_cli_trusts_a_given_ca() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key, pem) = certificate(dir.path());
    let server = format!(
        "tls_certificate = \"{}\"\ntls_private_key = \"{}\"\nheader_read_timeout = \"1s\"",
        cert.display(),
        key.display()
    );
    let approver = {
        let config = write_config(dir.path(), &server);
        let out = factorwatch(&[
            "token",
            "create",
            "--role",
            "approver",
            "--name",
            "a",
            "--config",
            config.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout).trim().to_string()
    };
    let mut served = Served::start_in(dir, &server, &[], &[]);
    let https = reqwest::blocking::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(pem.as_bytes()).unwrap())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let base = format!("https://localhost:{}", served.port);
    served.wait_ready(&https, &base);
    assert_eq!(https.get(format!("{base}/healthz")).send().unwrap().status(), 200);

    let plain = client().get(format!("http://{}/healthz", served.address())).send();
    assert!(plain.is_err(), "plain HTTP was answered on the TLS port: {plain:?}");

    // Connects and never starts the handshake: cut like a request that never sends headers.
    let started = Instant::now();
    let mut silent = TcpStream::connect(served.address()).unwrap();
    wait_closed(&mut silent, Duration::from_secs(10));
    let cut = started.elapsed();
    eprintln!("a connection that never starts the TLS handshake was closed after {cut:?}");
    assert!(cut >= Duration::from_millis(900) && cut < Duration::from_secs(5), "{cut:?}");

    let run = |ca: Option<&Path>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_factorwatch"));
        command.args(["revalidate", "--json"]).env("FACTORWATCH_URL", &base).env("FACTORWATCH_TOKEN", &approver);
        command.env_remove("FACTORWATCH_CA_CERT");
        if let Some(ca) = ca {
            command.args(["--ca-cert", ca.to_str().unwrap()]);
        }
        command.output().unwrap()
    };
    let out = run(None);
    assert!(!out.status.success(), "an unknown certificate was trusted");
    let out = run(Some(&served.dir.path().join("cert.pem")));
    assert!(out.status.success(), "{}", text(&out.stderr));

    let url = format!("https://{}", served.address());
    let log = served.terminate();
    assert!(log.contains(&url), "the https URL is logged:\n{log}");
}

#[test]
fn a_missing_or_unreadable_key_is_a_start_up_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, _, _) = certificate(dir.path());
    let missing = dir.path().join("no-such-key.pem");
    let config = write_config(
        dir.path(),
        &format!("tls_certificate = \"{}\"\ntls_private_key = \"{}\"", cert.display(), missing.display()),
    );
    let port = free_port().to_string();
    let out = factorwatch(&["serve", "--config", config.to_str().unwrap(), "--listen", &format!("127.0.0.1:{port}")]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains(&missing.display().to_string()), "{stderr}");
    assert!(stderr.contains("private key"), "{stderr}");

    // A key file with no PEM key in it.
    std::fs::write(&missing, "not pem at all").unwrap();
    let out = factorwatch(&["serve", "--config", config.to_str().unwrap(), "--listen", &format!("127.0.0.1:{port}")]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains(&missing.display().to_string()), "{}", text(&out.stderr));
}

#[cfg(unix)]
#[test]
fn debug_traces_hold_no_token_and_the_data_folder_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    // An older data folder anyone could read: the service narrows it.
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut served = Served::start_in(dir, "", &[("RUST_LOG", "debug")], &[]);
    let http = client();
    let base = format!("http://{}", served.address());
    served.wait_ready(&http, &base);
    let answer = http
        .get(format!("{base}/v1/incidents?limit=5&token=SECRETVALUE"))
        .header("Authorization", "Bearer fw_SECRETBEARER")
        .header("Cookie", "fw_session=SECRETCOOKIE")
        .send()
        .unwrap();
    assert_eq!(answer.status(), 401);

    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700, "the data folder");
    for name in ["factorwatch.db", "factorwatch.db-wal", "factorwatch.db-shm"] {
        assert_eq!(mode(&data.join(name)), 0o600, "{name}");
    }

    let log = plain_text(&served.terminate());
    assert!(log.contains("path=/v1/incidents"), "the request was traced at debug level:\n{log}");
    assert!(log.contains("query=limit,token"), "the query's parameter names are kept:\n{log}");
    for secret in ["SECRETVALUE", "SECRETBEARER", "SECRETCOOKIE"] {
        assert!(!log.contains(secret), "`{secret}` is in the log:\n{log}");
    }
}

/// The log without its terminal colours.
fn plain_text(log: &str) -> String {
    let mut out = String::with_capacity(log.len());
    let mut chars = log.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // ESC [ … letter
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
