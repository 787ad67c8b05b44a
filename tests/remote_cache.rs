//! The shared remote cache against a real HTTP cache server: an nginx with
//! its WebDAV module, started by each test on a free port of 127.0.0.1 with
//! a temporary root, taking PUTs only with basic auth, as a team would set
//! it up. A remote entry is a hit only when it is exactly what was stored
//! for the key; a server that is down, slow or refuses never fails a run.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};

const USER: &str = "ci";
const PASSWORD: &str = "s3cret";

/// A fake linter that logs the files it was given and flags lines with BAD.
const FAKELINT: &str = r#"#!/bin/sh
if [ "$1" = "--version" ]; then echo "fakelint 1"; exit 0; fi
for f in "$@"; do printf '%s\n' "$f" >> "$FAKE_LOG"; done
status=0
for f in "$@"; do
  grep -n BAD "$f" | while IFS=: read -r line rest; do echo "$f:$line:1: X-BAD found BAD"; done
  grep -q BAD "$f" && status=1
done
exit $status
"#;

const CONFIG: &str = r#"stacks = []
[checks.fake]
kind = "lint"
command = ["./fakelint"]
version = ["./fakelint", "--version"]
files = ["**/*.py"]
parser = "regex"
pattern = '^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<rule>\S+) (?P<message>.*)$'
"#;

/// An HTTP cache server serving `{root}/ac/` over WebDAV, PUT behind basic
/// auth: nginx, or Apache with mod_dav.
struct Server {
    dir: tempfile::TempDir,
    port: u16,
    child: Child,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The server program `name`, on PATH or in /usr/sbin; `None` (the test
/// skips) only when the suite does not require its tools.
fn server_binary(name: &str, package: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin")])
        .map(|d| d.join(name))
        .find(|p| p.is_file());
    if found.is_none() {
        if std::env::var_os("RUNGS_TEST_REQUIRE_TOOLS").is_some() {
            panic!("{name} missing (run scripts/setup-tools as root, or install {package})");
        }
        eprintln!("skipping: {name} not found; run the suite with scripts/test");
    }
    found
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

impl Server {
    /// A temporary folder with `root/ac/` and the password file.
    fn folder() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("root/ac")).unwrap();
        let hash = Command::new("openssl")
            .args(["passwd", "-apr1", PASSWORD])
            .output()
            .expect("openssl");
        let hash = String::from_utf8(hash.stdout).unwrap();
        write(dir.path(), "htpasswd", &format!("{USER}:{}\n", hash.trim()));
        dir
    }

    /// Start `command` and wait for `port` to take connections.
    fn wait(dir: tempfile::TempDir, port: u16, mut command: Command) -> Server {
        let child = command
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start the server");
        let server = Server { dir, port, child };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!(
            "the server did not start: {}",
            std::fs::read_to_string(server.dir.path().join("error.log")).unwrap_or_default()
        );
    }

    /// nginx taking entries of at most `max_body` (nginx's syntax).
    fn nginx(max_body: &str) -> Option<Server> {
        let binary = server_binary("nginx", "nginx-light")?;
        let dir = Server::folder();
        let d = dir.path().display();
        let port = free_port();
        let conf = format!(
            r#"daemon off;
master_process off;
{user}
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 64; }}
http {{
  access_log {d}/access.log;
  client_body_temp_path {d}/body;
  server {{
    listen 127.0.0.1:{port};
    root {d}/root;
    client_max_body_size {max_body};
    location /ac/ {{
      dav_methods PUT;
      create_full_put_path on;
      dav_access user:rw group:r all:r;
      limit_except GET HEAD {{
        auth_basic "rungs cache";
        auth_basic_user_file {d}/htpasswd;
      }}
    }}
  }}
}}
"#,
            user = if running_as_root() { "user root;" } else { "" },
        );
        write(dir.path(), "nginx.conf", &conf);
        let mut command = Command::new(binary);
        command.args(["-p", &d.to_string(), "-c", &format!("{d}/nginx.conf")]);
        Some(Server::wait(dir, port, command))
    }

    /// Apache with mod_dav and mod_dav_fs, as the README sets it up, in one
    /// process (`-X`). Apache will not serve as root: started by root, it
    /// serves as `nobody`, so its folders are open to that user.
    fn apache() -> Option<Server> {
        use std::os::unix::fs::PermissionsExt;
        let binary = server_binary("apache2", "apache2-bin")?;
        let dir = Server::folder();
        let d = dir.path().display();
        std::fs::create_dir_all(dir.path().join("lock")).unwrap();
        for (folder, mode) in [
            ("", 0o755),
            ("root", 0o755),
            ("root/ac", 0o777),
            ("lock", 0o777),
        ] {
            let perms = std::fs::Permissions::from_mode(mode);
            std::fs::set_permissions(dir.path().join(folder), perms).unwrap();
        }
        let port = free_port();
        let modules = "/usr/lib/apache2/modules";
        let load: String = [
            "mpm_event",
            "authz_core",
            "authz_user",
            "authn_core",
            "authn_file",
            "auth_basic",
            "dav",
            "dav_fs",
        ]
        .iter()
        .map(|m| format!("LoadModule {m}_module {modules}/mod_{m}.so\n"))
        .collect();
        let conf = format!(
            r#"ServerRoot {d}
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {d}/httpd.pid
ErrorLog {d}/error.log
{load}{user}
DocumentRoot {d}/root
DavLockDB {d}/lock/dav
LimitRequestBody 1048576
<Directory {d}/root/ac>
    Dav On
    <LimitExcept GET HEAD OPTIONS>
        AuthType Basic
        AuthName "rungs cache"
        AuthUserFile {d}/htpasswd
        Require valid-user
    </LimitExcept>
</Directory>
"#,
            user = if running_as_root() {
                "User nobody\nGroup nogroup"
            } else {
                ""
            },
        );
        write(dir.path(), "httpd.conf", &conf);
        let mut command = Command::new(binary);
        command.args(["-X", "-f", &format!("{d}/httpd.conf")]);
        Some(Server::wait(dir, port, command))
    }

    fn url(&self, password: Option<&str>) -> String {
        match password {
            Some(p) => format!("http://{USER}:{p}@127.0.0.1:{}", self.port),
            None => format!("http://127.0.0.1:{}", self.port),
        }
    }

    /// The entries the server holds.
    fn entries(&self) -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = std::fs::read_dir(self.dir.path().join("root/ac"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        found.sort();
        found
    }
}

/// A project (a clone) with its own local cache and tool log.
struct Clone {
    dir: tempfile::TempDir,
    cache: tempfile::TempDir,
    log: tempfile::NamedTempFile,
}

impl Clone {
    fn new(files: &[(&str, &str)]) -> Clone {
        let dir = tempfile::tempdir().unwrap();
        executable(dir.path(), "fakelint", FAKELINT);
        write(dir.path(), "rungs.toml", CONFIG);
        for (path, text) in files {
            write(dir.path(), path, text);
        }
        Clone {
            dir,
            cache: tempfile::tempdir().unwrap(),
            log: tempfile::NamedTempFile::new().unwrap(),
        }
    }

    fn run(&self, remote: &str, env: &[(&str, &str)]) -> Run {
        let mut all = vec![
            ("FAKE_LOG", self.log.path().to_str().unwrap()),
            ("RUNGS_CACHE_DIR", self.cache.path().to_str().unwrap()),
            ("RUNGS_REMOTE_CACHE", remote),
        ];
        all.extend_from_slice(env);
        rungs_env(self.dir.path(), &["check", "--format", "json"], &all)
    }

    /// Whether the tool was started since the last call.
    fn tool_ran(&self) -> bool {
        let ran = !std::fs::read_to_string(self.log.path()).unwrap().is_empty();
        std::fs::write(self.log.path(), "").unwrap();
        ran
    }

    fn stats(&self) -> String {
        rungs_env(
            self.dir.path(),
            &["cache", "stats"],
            &[("RUNGS_CACHE_DIR", self.cache.path().to_str().unwrap())],
        )
        .stdout
    }
}

const WRITE: (&str, &str) = ("RUNGS_REMOTE_CACHE_WRITE", "1");

fn project() -> Vec<(&'static str, &'static str)> {
    vec![
        ("pkg/a.py", "x = 1\n"),
        ("pkg/b.py", "y = BAD\n"),
        ("pkg/c.py", "z = 3\n"),
    ]
}

fn summary(run: &Run) -> (i32, Vec<String>) {
    (run.code, findings(&run.check("fake")))
}

#[test]
fn a_second_clone_with_an_empty_cache_replays_the_first_ones_results() {
    if let Some(server) = Server::nginx("1m") {
        second_clone_replays_the_first(server);
    }
}

#[test]
fn apache_with_mod_dav_serves_a_second_clone_too() {
    if let Some(server) = Server::apache() {
        second_clone_replays_the_first(server);
    }
}

fn second_clone_replays_the_first(server: Server) {
    let first = Clone::new(&project());
    let stored = first.run(&server.url(Some(PASSWORD)), &[WRITE]);
    assert_eq!(stored.code, 1, "{}", stored.stderr);
    assert!(first.tool_ran());
    // The whole set's result, and each file's.
    assert_eq!(server.entries().len(), 4, "{}", stored.stderr);

    // Another folder, another local cache, and no write credentials.
    let second = Clone::new(&project());
    let replayed = second.run(&server.url(None), &[]);
    assert!(!second.tool_ran(), "the tool ran: {}", replayed.stderr);
    assert_eq!(summary(&replayed), summary(&stored));
    assert_eq!(replayed.check("fake")["cached"], true);
    assert_eq!(replayed.stderr, "", "no warning expected");
    assert!(
        second.stats().contains("1 hits, 0 misses"),
        "{}",
        second.stats()
    );

    // The hit was kept locally: with the server gone, still no tool.
    drop(server);
    let offline = second.run("", &[]);
    assert!(!second.tool_ran());
    assert_eq!(summary(&offline), summary(&stored));
}

#[test]
fn per_file_results_travel_too_so_a_clone_that_differs_rechecks_only_what_differs() {
    let Some(server) = Server::nginx("1m") else {
        return;
    };
    let first = Clone::new(&project());
    let stored = first.run(&server.url(Some(PASSWORD)), &[WRITE]);
    assert_eq!(stored.code, 1, "{}", stored.stderr);

    // A branch without pkg/c.py: a file set never checked as a whole, but
    // every one of its files was.
    let fewer = Clone::new(&project()[..2]);
    let run = fewer.run(&server.url(None), &[]);
    assert!(!fewer.tool_ran(), "the tool ran: {}", run.stderr);
    assert_eq!(summary(&run), (1, vec!["pkg/b.py:1:1 X-BAD".to_string()]));
    assert_eq!(run.stderr, "", "no warning expected");

    // A clone with one file changed: only that file is checked.
    let mut files = project();
    files[0] = ("pkg/a.py", "x = BAD\n");
    let edited = Clone::new(&files);
    let run = edited.run(&server.url(None), &[]);
    assert_eq!(
        std::fs::read_to_string(edited.log.path()).unwrap(),
        "pkg/a.py\n"
    );
    assert_eq!(
        summary(&run),
        (
            1,
            vec![
                "pkg/a.py:1:1 X-BAD".to_string(),
                "pkg/b.py:1:1 X-BAD".to_string()
            ]
        )
    );
}

#[test]
fn the_commit_hook_reads_the_remote_too() {
    let Some(server) = Server::nginx("1m") else {
        return;
    };
    // CI checked the project and stored its results.
    let ci = Clone::new(&project());
    ci.run(&server.url(Some(PASSWORD)), &[WRITE]);

    // A developer's clone at an older commit brings the same content in:
    // the hook replays what CI found, and starts no tool.
    let mut old = project();
    old[0] = ("pkg/a.py", "x = 0\n");
    old[1] = ("pkg/b.py", "y = 0\n");
    let dev = Clone::new(&old);
    let remote = server.url(None);
    let env = [
        ("FAKE_LOG", dev.log.path().to_str().unwrap()),
        ("RUNGS_CACHE_DIR", dev.cache.path().to_str().unwrap()),
        ("RUNGS_REMOTE_CACHE", remote.as_str()),
        ("NO_COLOR", "1"),
    ];
    let git = |args: &[&str]| {
        git_command(dev.dir.path(), args)
            .envs(env)
            .output()
            .unwrap()
    };
    assert!(git(&["init", "-q", "-b", "main"]).status.success());
    assert!(git(&["add", "-A"]).status.success());
    assert!(
        git(&["commit", "-q", "--no-verify", "-m", "old"])
            .status
            .success()
    );
    let installed = rungs_env(dev.dir.path(), &["hook", "install"], &env);
    assert_eq!(installed.code, 0, "{}", installed.stderr);
    write(dev.dir.path(), "pkg/a.py", "x = 1\n");
    write(dev.dir.path(), "pkg/b.py", "y = BAD\n");
    assert!(git(&["add", "pkg"]).status.success());
    let commit = git(&["commit", "-q", "-m", "as on main"]);
    let said = String::from_utf8_lossy(&commit.stdout).to_string()
        + &String::from_utf8_lossy(&commit.stderr);
    assert!(!commit.status.success(), "{said}");
    assert!(said.contains("pkg/b.py:1:1"), "{said}");
    assert!(said.contains("(cached)"), "{said}");
    assert!(!dev.tool_ran(), "the tool ran: {said}");
    assert!(dev.stats().contains("2 hits"), "{}", dev.stats());
    assert!(server.entries().len() == 4, "a reader wrote");

    // Fixed: the new content, which CI never saw, is checked, and passes.
    write(dev.dir.path(), "pkg/b.py", "y = 2\n");
    assert!(git(&["add", "pkg"]).status.success());
    let commit = git(&["commit", "-q", "-m", "fixed"]);
    assert!(
        commit.status.success(),
        "{}",
        String::from_utf8_lossy(&commit.stderr)
    );
    assert!(dev.tool_ran(), "a file CI never saw is checked");
}

#[test]
fn a_reader_never_writes() {
    let Some(server) = Server::nginx("1m") else {
        return;
    };
    let clone = Clone::new(&project());
    // Even with good credentials, writing is off unless asked for.
    let run = clone.run(&server.url(Some(PASSWORD)), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(server.entries().is_empty());
    let off = clone.run(
        &server.url(Some(PASSWORD)),
        &[("RUNGS_REMOTE_CACHE_WRITE", "0")],
    );
    assert_eq!(summary(&off), summary(&run));
    assert!(server.entries().is_empty());
    assert!(clone.stats().contains("0 uploads"), "{}", clone.stats());
}

#[test]
fn a_wrong_password_warns_once_and_the_run_passes_on_local_results() {
    let Some(server) = Server::nginx("1m") else {
        return;
    };
    let clone = Clone::new(&[("pkg/a.py", "x = 1\n"), ("pkg/b.py", "y = 2\n")]);
    let local = clone.run("", &[]);
    assert_eq!(local.code, 0, "{}", local.stderr);
    clone.tool_ran();
    // One file changed: the other's result comes from the local cache, the
    // new result is offered to the server, which refuses the password.
    write(clone.dir.path(), "pkg/b.py", "y = 3\n");
    let run = clone.run(&server.url(Some("wrong")), &[WRITE]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(clone.log.path()).unwrap(),
        "pkg/b.py\n"
    );
    assert!(
        run.stderr.contains("refused the credentials (HTTP 401)"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.matches("warning").count(), 1, "{}", run.stderr);
    assert!(server.entries().is_empty());
}

/// Store the project's entries (the whole set's and each file's), then let
/// `spoil` change what the server holds; a clone with an empty cache must
/// then run the tool on what is spoiled and find the truth.
fn spoiled_entries_are_misses(rejected: u32, spoil: impl FnOnce(&Server, &[PathBuf])) {
    let Some(server) = Server::nginx("1m") else {
        return;
    };
    let first = Clone::new(&project());
    let truth = first.run(&server.url(Some(PASSWORD)), &[WRITE]);
    let entries = server.entries();
    assert_eq!(entries.len(), 4, "{}", truth.stderr);
    spoil(&server, &entries);
    let second = Clone::new(&project());
    let run = second.run(&server.url(None), &[]);
    assert!(second.tool_ran(), "a spoiled entry was taken as a hit");
    assert_eq!(summary(&run), summary(&truth));
    assert!(
        second.stats().contains(&format!("({rejected} rejected)")),
        "{}",
        second.stats()
    );
}

#[test]
fn a_corrupted_entry_is_a_miss() {
    // The finding gone from the payload: it would pass if believed. It is
    // in the whole set's entry and in pkg/b.py's; the other files' are fine.
    spoiled_entries_are_misses(2, |_, entries| {
        for entry in entries {
            let text = std::fs::read_to_string(entry).unwrap();
            std::fs::write(entry, text.replace("X-BAD", "X-OK!")).unwrap();
        }
    });
}

#[test]
fn a_truncated_entry_is_a_miss() {
    spoiled_entries_are_misses(4, |_, entries| {
        for entry in entries {
            let bytes = std::fs::read(entry).unwrap();
            std::fs::write(entry, &bytes[..bytes.len() / 2]).unwrap();
        }
    });
}

#[test]
fn an_entry_stored_under_another_key_is_a_miss() {
    spoiled_entries_are_misses(4, |_, entries| {
        // Each entry put where the next one was: a passing file's result
        // now sits where the failing one's was, and the other way round.
        let texts: Vec<Vec<u8>> = entries.iter().map(|e| std::fs::read(e).unwrap()).collect();
        for (i, entry) in entries.iter().enumerate() {
            std::fs::write(entry, &texts[(i + 1) % texts.len()]).unwrap();
        }
    });
}

#[test]
fn an_entry_too_large_for_the_server_is_skipped_quietly() {
    let Some(server) = Server::nginx("64") else {
        return;
    };
    let clone = Clone::new(&project());
    let run = clone.run(&server.url(Some(PASSWORD)), &[WRITE]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(server.entries().is_empty());
    assert_eq!(run.stderr, "", "413 is no error");
    // The whole set's entry and each of the three files'.
    assert!(clone.stats().contains("4 skipped"), "{}", clone.stats());
}

/// A run against `url` that cannot answer: the run's own result, and one warning.
fn unreachable_server_costs_one_warning(url: &str) {
    let clone = Clone::new(&project());
    let run = clone.run(url, &[WRITE]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        findings(&run.check("fake")),
        ["pkg/b.py:1:1 X-BAD"],
        "{}",
        run.stderr
    );
    assert!(clone.tool_ran());
    assert_eq!(
        run.stderr
            .matches("not used for the rest of this run")
            .count(),
        1,
        "{}",
        run.stderr
    );
}

#[test]
fn a_server_that_never_answers_costs_one_warning() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accept every connection and say nothing.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            held.push(stream);
        }
    });
    unreachable_server_costs_one_warning(&format!("http://127.0.0.1:{port}"));
}

#[test]
fn a_closed_port_costs_one_warning() {
    let port = free_port();
    unreachable_server_costs_one_warning(&format!("http://127.0.0.1:{port}"));
}

#[test]
fn a_result_keyed_by_a_place_outside_the_project_stays_local() {
    let Some(server) = Server::nginx("1m") else {
        return;
    };
    // The tool named by its absolute path in the project: the same on any
    // clone once the project's folder is read as a placeholder.
    let clone = Clone::new(&project());
    let inside = format!("{}/fakelint", clone.dir.path().display());
    let config = CONFIG.replace(
        r#"command = ["./fakelint"]"#,
        &format!("command = [{inside:?}]"),
    );
    write(clone.dir.path(), "rungs.toml", &config);
    clone.run(&server.url(Some(PASSWORD)), &[WRITE]);
    let shared = server.entries().len();
    assert_eq!(shared, 4);
    let other = Clone::new(&project());
    let there = format!("{}/fakelint", other.dir.path().display());
    write(
        other.dir.path(),
        "rungs.toml",
        &CONFIG.replace(
            r#"command = ["./fakelint"]"#,
            &format!("command = [{there:?}]"),
        ),
    );
    other.run(&server.url(None), &[]);
    assert!(
        !other.tool_ran(),
        "the project's own folder kept the key apart"
    );

    // An environment variable naming a folder of this machine only.
    let host = Clone::new(&[("pkg/a.py", "x = 1\n")]);
    write(
        host.dir.path(),
        "rungs.toml",
        &format!("{CONFIG}env = [\"LINT_HOME\"]\n"),
    );
    let run = host.run(
        &server.url(Some(PASSWORD)),
        &[WRITE, ("LINT_HOME", "/opt/lint")],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        server.entries().len(),
        shared,
        "a host-specific result was shared"
    );
}

/// A virtualenv outside any project, made from the Python in `home`, with
/// fakelint installed: what `python -m venv` and pip leave that rungs reads.
fn venv_at(dir: &Path, home: &str) -> String {
    write(
        dir,
        "pyvenv.cfg",
        &format!("home = {home}\ninclude-system-site-packages = false\nversion = 3.11.2\n"),
    );
    write(
        dir,
        "lib/python3.11/site-packages/fakelint-1.dist-info/METADATA",
        "Name: fakelint\nVersion: 1\n",
    );
    executable(dir, "bin/fakelint", FAKELINT);
    dir.to_str().unwrap().to_string()
}

#[test]
fn tools_in_other_places_on_other_machines_share_results() {
    let Some(server) = Server::nginx("1m") else {
        return;
    };
    let by_name = CONFIG.replace("./fakelint", "fakelint");
    let with = |clone: &Clone, config: &str| {
        write(clone.dir.path(), "rungs.toml", config);
        std::fs::remove_file(clone.dir.path().join("fakelint")).unwrap();
    };
    let path = std::env::var("PATH").unwrap();

    // Each clone in its own folder, its tool in a virtualenv of its own,
    // each made from a Python in another place.
    let places = tempfile::tempdir().unwrap();
    let ci = Clone::new(&project());
    with(&ci, &by_name);
    let venv = venv_at(&places.path().join("ci/venv"), "/usr/bin");
    let stored = ci.run(
        &server.url(Some(PASSWORD)),
        &[WRITE, ("VIRTUAL_ENV", &venv)],
    );
    assert_eq!(stored.code, 1, "{}", stored.stderr);
    assert!(ci.tool_ran());
    assert_eq!(server.entries().len(), 4, "{}", stored.stderr);
    let dev = Clone::new(&project());
    with(&dev, &by_name);
    let venv = venv_at(
        &places.path().join("home/dev/.virtualenvs/x"),
        "/opt/python3.11/bin",
    );
    let replayed = dev.run(&server.url(None), &[("VIRTUAL_ENV", &venv)]);
    assert!(!dev.tool_ran(), "the tool ran: {}", replayed.stderr);
    assert_eq!(summary(&replayed), summary(&stored));

    // The same tool found on the PATH, in two places.
    let on_path = |bin: &Path| {
        executable(bin, "fakelint", FAKELINT);
        format!("{}:{path}", bin.display())
    };
    let ci = Clone::new(&[("pkg/a.py", "x = 1\n")]);
    with(&ci, &by_name);
    let ci_path = on_path(&places.path().join("usr/local/bin"));
    ci.run(&server.url(Some(PASSWORD)), &[WRITE, ("PATH", &ci_path)]);
    assert!(ci.tool_ran());
    let dev = Clone::new(&[("pkg/a.py", "x = 1\n")]);
    with(&dev, &by_name);
    let dev_path = on_path(&places.path().join("home/dev/bin"));
    let run = dev.run(&server.url(None), &[("PATH", &dev_path)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!dev.tool_ran(), "the tool ran: {}", run.stderr);

    // A tool named by its absolute path outside the project, and a tool
    // whose version names a place of this machine: their keys hold
    // something true on this machine only, so nothing of them is stored
    // there (neither the whole result nor any file's).
    let before = server.entries().len();
    let elsewhere = places.path().join("opt/lint/fakelint");
    executable(places.path(), "opt/lint/fakelint", FAKELINT);
    let absolute = Clone::new(&[("pkg/new.py", "n = BAD\n")]);
    with(
        &absolute,
        &CONFIG.replace("./fakelint", elsewhere.to_str().unwrap()),
    );
    let run = absolute.run(&server.url(Some(PASSWORD)), &[WRITE]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let printing = Clone::new(&[("pkg/new.py", "n = BAD\n")]);
    let says_where = FAKELINT.replace(
        r#"echo "fakelint 1""#,
        &format!(r#"echo "fakelint 1 from {}""#, elsewhere.display()),
    );
    executable(printing.dir.path(), "fakelint", &says_where);
    let run = printing.run(&server.url(Some(PASSWORD)), &[WRITE]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        server.entries().len(),
        before,
        "a host-specific result was shared"
    );
    // And they are still kept locally.
    printing.tool_ran();
    printing.run("", &[]);
    assert!(!printing.tool_ran());
}

#[test]
fn with_a_public_key_only_entries_signed_by_its_pair_are_hits() {
    let Some(server) = Server::nginx("1m") else {
        return;
    };
    let pair = rungs(Path::new("."), &["cache", "keygen"]).stdout;
    let private = pair
        .lines()
        .find_map(|l| l.strip_prefix("RUNGS_REMOTE_CACHE_SIGNING_KEY="))
        .unwrap()
        .to_string();
    let public = pair
        .lines()
        .find(|l| l.starts_with("remote-public-key"))
        .unwrap()
        .to_string();
    let signed_config = format!("{CONFIG}\n[cache]\n{public}\n");

    // Unsigned writes (a config without the key) are no hits for a reader
    // who asks for signatures.
    let unsigned = Clone::new(&project());
    unsigned.run(&server.url(Some(PASSWORD)), &[WRITE]);
    let reader = Clone::new(&project());
    write(reader.dir.path(), "rungs.toml", &signed_config);
    reader.run(&server.url(None), &[]);
    assert!(reader.tool_ran(), "an unsigned entry was a hit");

    // A writer must sign when the project asks for signatures.
    let writer = Clone::new(&[("pkg/a.py", "x = 1\n")]);
    write(writer.dir.path(), "rungs.toml", &signed_config);
    let refused = writer.run(&server.url(Some(PASSWORD)), &[WRITE]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains("RUNGS_REMOTE_CACHE_SIGNING_KEY"));
    let signed = writer.run(
        &server.url(Some(PASSWORD)),
        &[WRITE, ("RUNGS_REMOTE_CACHE_SIGNING_KEY", &private)],
    );
    assert_eq!(signed.code, 0, "{}", signed.stderr);
    let reader = Clone::new(&[("pkg/a.py", "x = 1\n")]);
    write(reader.dir.path(), "rungs.toml", &signed_config);
    reader.run(&server.url(None), &[]);
    assert!(!reader.tool_ran(), "a signed entry was not a hit");
}

/// A small Python project whose suite runs under coverage: two test files,
/// each running one function of `app/calc.py`.
fn python_project(dir: &Path) {
    write(
        dir,
        "pyproject.toml",
        "[project]\nname = \"shared\"\nversion = \"0\"\n\n[tool.pytest.ini_options]\npythonpath = [\".\"]\n\n[tool.coverage.run]\nsource = [\"app\"]\n",
    );
    write(dir, "app/__init__.py", "");
    write(
        dir,
        "app/calc.py",
        "def double(x):\n    return x * 2\n\n\ndef triple(x):\n    return x * 3\n",
    );
    write(
        dir,
        "tests/test_double.py",
        "from app.calc import double\n\n\ndef test_double():\n    assert double(2) == 4\n",
    );
    write(
        dir,
        "tests/test_triple.py",
        "from app.calc import triple\n\n\ndef test_triple():\n    assert triple(2) == 6\n",
    );
}

#[test]
fn a_test_record_travels_so_a_fresh_clone_runs_only_the_tests_its_change_affects() {
    if !require(&["pytest", "coverage"]) {
        return;
    }
    let Some(server) = Server::nginx("8m") else {
        return;
    };
    let args = [
        "check", "--only", "coverage", "--tier", "standard", "--format", "json",
    ];
    let selection = |run: &Run| {
        let check = run.check("coverage");
        let first = check["output"].as_str().unwrap_or("").lines().next();
        (
            first.unwrap_or("").to_string(),
            check["tests"]["total"].as_u64().unwrap_or(0),
            check["coverage"]["percent"].as_f64().unwrap_or(-1.0),
        )
    };
    // CI on the default branch: runs every test file, shares its record.
    let ci = tempfile::tempdir().unwrap();
    python_project(ci.path());
    let ci_cache = tempfile::tempdir().unwrap();
    let url = server.url(Some(PASSWORD));
    let stored = rungs_env(
        ci.path(),
        &args,
        &[
            ("RUNGS_CACHE_DIR", ci_cache.path().to_str().unwrap()),
            ("RUNGS_REMOTE_CACHE", &url),
            WRITE,
        ],
    );
    assert_eq!(stored.code, 0, "{}{}", stored.stdout, stored.stderr);
    assert_eq!(selection(&stored).1, 2);

    // A developer's fresh clone elsewhere, an empty cache, no write
    // access; one function edited: only the test file that runs it.
    let mine = tempfile::tempdir().unwrap();
    python_project(mine.path());
    let edited = "def double(x):\n    return x * 2\n\n\ndef triple(x):\n    return x * 4\n";
    write(mine.path(), "app/calc.py", edited);
    let my_cache = tempfile::tempdir().unwrap();
    let reader = [
        ("RUNGS_CACHE_DIR", my_cache.path().to_str().unwrap()),
        ("RUNGS_REMOTE_CACHE", url.as_str()),
    ];
    let selected = rungs_env(mine.path(), &args, &reader);
    let (line, ran, percent) = selection(&selected);
    assert!(
        line.starts_with("rungs: 1 of 2 test files run")
            && line.contains("tests/test_triple.py (runs triple in app/calc.py)"),
        "{line}\n{}",
        selected.stderr
    );
    assert_eq!(ran, 1);
    assert_eq!(selected.code, 1, "test_triple fails now");
    assert_eq!(
        findings(&selected.check("coverage")),
        vec!["tests/test_triple.py:4 tests/test_triple.py::test_triple".to_string()]
    );
    // The coverage a full run of the same tree reports.
    let mut all = args.to_vec();
    all.push("--all-tests");
    let full = rungs_env(mine.path(), &all, &reader);
    assert_eq!(selection(&full).1, 2);
    assert_eq!(percent, selection(&full).2);

    // Without the remote, the same clone's first run knows nothing.
    let alone = tempfile::tempdir().unwrap();
    python_project(alone.path());
    write(alone.path(), "app/calc.py", edited);
    let other_cache = tempfile::tempdir().unwrap();
    let cold = rungs_env(
        alone.path(),
        &args,
        &[("RUNGS_CACHE_DIR", other_cache.path().to_str().unwrap())],
    );
    assert!(
        selection(&cold)
            .0
            .contains("every test file runs: no record"),
        "{:?}",
        selection(&cold)
    );
}
