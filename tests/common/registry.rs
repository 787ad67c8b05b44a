//! A registry on 127.0.0.1 for tests that must not reach the internet: a tiny
//! HTTP/1.1 server that serves the files of a directory by URL path, and can
//! be told to misbehave for a path (hang, fail, send junk or too much).
//!
//! A path ending in `/` serves that directory's `index.json` or `index.html`.
//! The content type comes from a sidecar `<file>.content-type` when there is
//! one, else from the extension. Percent-escapes in the path are decoded, so
//! npm's `@scope%2Fname` is the file `@scope/name`.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Ways to misbehave for one path.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Wait this long before answering (cut short when the server stops).
    Slow(Duration),
    /// Answer with this status, every time.
    Status(u16),
    /// Answer with this status the first `n` times, then serve the file.
    StatusTimes(u16, usize),
    /// A 200 whose body is not what any registry sends.
    Junk,
    /// A 200 with a body of this many bytes.
    Oversized(u64),
}

/// Connections served at once; more wait in the listener's backlog.
const MAX_CONNECTIONS: usize = 32;

struct Shared {
    root: PathBuf,
    faults: Mutex<HashMap<String, Fault>>,
    hits: Mutex<HashMap<String, usize>>,
    stop: AtomicBool,
    active: AtomicUsize,
    /// Requests being answered right now, and the most there ever were.
    in_flight: AtomicUsize,
    peak_in_flight: AtomicUsize,
    /// Wait this long before answering any request.
    delay: Mutex<Option<Duration>>,
    /// The body of the last POST to each path.
    bodies: Mutex<HashMap<String, String>>,
}

pub struct LocalRegistry {
    port: u16,
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl LocalRegistry {
    /// Serve `dir` on a free port of 127.0.0.1 until dropped.
    pub fn start(dir: &Path) -> LocalRegistry {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("local addr").port();
        let shared = Arc::new(Shared {
            root: dir.to_path_buf(),
            faults: Mutex::new(HashMap::new()),
            hits: Mutex::new(HashMap::new()),
            stop: AtomicBool::new(false),
            active: AtomicUsize::new(0),
            in_flight: AtomicUsize::new(0),
            peak_in_flight: AtomicUsize::new(0),
            delay: Mutex::new(None),
            bodies: Mutex::new(HashMap::new()),
        });
        let accept = shared.clone();
        let thread = std::thread::spawn(move || accept_loop(listener, accept));
        LocalRegistry {
            port,
            shared,
            thread: Some(thread),
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Misbehave for requests to `path` (as requested, e.g. `/simple/six/`).
    pub fn misbehave(&self, path: &str, fault: Fault) {
        self.shared
            .faults
            .lock()
            .unwrap()
            .insert(path.to_string(), fault);
    }

    /// Answer every request only after `wait`, so look-ups that overlap show it.
    pub fn delay_every_answer(&self, wait: Duration) {
        *self.shared.delay.lock().unwrap() = Some(wait);
    }

    /// The most requests that were being answered at one time.
    pub fn peak_in_flight(&self) -> usize {
        self.shared.peak_in_flight.load(Ordering::SeqCst)
    }

    /// The body of the last POST to `path`.
    pub fn posted(&self, path: &str) -> Option<String> {
        self.shared.bodies.lock().unwrap().get(path).cloned()
    }

    /// How many requests `path` has had.
    pub fn hits(&self, path: &str) -> usize {
        *self.shared.hits.lock().unwrap().get(path).unwrap_or(&0)
    }
}

impl Drop for LocalRegistry {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    while !shared.stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                if shared.active.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
                    let _ = respond(stream, 503, "text/plain", b"busy");
                    continue;
                }
                shared.active.fetch_add(1, Ordering::SeqCst);
                let shared = shared.clone();
                std::thread::spawn(move || {
                    let _ = serve(stream, &shared);
                    shared.active.fetch_sub(1, Ordering::SeqCst);
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
    // Let connection threads see `stop` and finish.
    let deadline = Instant::now() + Duration::from_secs(2);
    while shared.active.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// One request per connection (`Connection: close`): simple and enough.
fn serve(stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut header_bytes = request_line.len();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        let n = reader.read_line(&mut line)?;
        header_bytes += n;
        if n == 0 || line == "\r\n" || line == "\n" || header_bytes > 64 * 1024 {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    let path = target.split('?').next().unwrap_or("/").to_string();
    if method != "GET" && method != "HEAD" && method != "POST" {
        return respond(stream, 405, "text/plain", b"only GET and POST");
    }
    if method == "POST" {
        // A POST is answered like a GET of its path (npm's bulk advisories);
        // its body is kept for the test to read.
        let mut body = vec![0u8; length.min(1024 * 1024)];
        reader.read_exact(&mut body)?;
        shared
            .bodies
            .lock()
            .unwrap()
            .insert(path.clone(), String::from_utf8_lossy(&body).into_owned());
    }
    let hit = {
        let mut hits = shared.hits.lock().unwrap();
        let n = hits.entry(path.clone()).or_insert(0);
        *n += 1;
        *n
    };
    answer(stream, shared, method, &path, hit)
}

fn answer(
    stream: TcpStream,
    shared: &Shared,
    method: &str,
    path: &str,
    hit: usize,
) -> std::io::Result<()> {
    // In flight while the server holds it: counted down before the answer
    // is written, so a client's next request is never counted with it.
    let now = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    shared.peak_in_flight.fetch_max(now, Ordering::SeqCst);
    let delay = *shared.delay.lock().unwrap();
    if let Some(wait) = delay {
        pause(wait, shared);
    }
    shared.in_flight.fetch_sub(1, Ordering::SeqCst);
    let fault = shared.faults.lock().unwrap().get(path).cloned();
    match fault {
        // Cut short when the server stops: then nothing is answered.
        Some(Fault::Slow(wait)) if !pause(wait, shared) => return Ok(()),
        Some(Fault::Status(code)) => return respond(stream, code, "text/plain", b"fault"),
        Some(Fault::StatusTimes(code, n)) if hit <= n => {
            return respond(stream, code, "text/plain", b"fault");
        }
        Some(Fault::Junk) => {
            return respond(
                stream,
                200,
                "application/json",
                b"<html>\x00\xff{\"not\": [json",
            );
        }
        Some(Fault::Oversized(size)) => return oversized(stream, size, shared),
        _ => {}
    }
    match file_for(&shared.root, path) {
        Some(file) => {
            let body = std::fs::read(&file)?;
            let content_type = content_type(&file);
            if method == "HEAD" {
                return respond(stream, 200, &content_type, b"");
            }
            respond(stream, 200, &content_type, &body)
        }
        None => respond(stream, 404, "text/plain", b"not found"),
    }
}

/// Wait `wait`, cut short (false) when the server stops.
fn pause(wait: Duration, shared: &Shared) -> bool {
    let until = Instant::now() + wait;
    while Instant::now() < until {
        if shared.stop.load(Ordering::SeqCst) {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    true
}

fn file_for(root: &Path, path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(path);
    let mut file = root.to_path_buf();
    for part in decoded.split('/') {
        if part.is_empty() || part == "." {
            continue;
        }
        if part == ".." {
            return None;
        }
        file.push(part);
    }
    if file.is_dir() {
        return ["index.json", "index.html"]
            .iter()
            .map(|name| file.join(name))
            .find(|f| f.is_file());
    }
    file.is_file().then_some(file)
}

fn content_type(file: &Path) -> String {
    let mut sidecar = file.as_os_str().to_owned();
    sidecar.push(".content-type");
    if let Ok(text) = std::fs::read_to_string(PathBuf::from(sidecar)) {
        return text.trim().to_string();
    }
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let ext = name.rsplit('.').next().unwrap_or("");
    match ext {
        "json" => "application/json",
        "html" => "text/html",
        "whl" | "zip" => "application/zip",
        "gz" | "tgz" => "application/gzip",
        "txt" => "text/plain",
        _ => "application/octet-stream",
    }
    .to_string()
}

fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit()
        {
            let hex = |b: u8| (b as char).to_digit(16).unwrap_or(0) as u8;
            out.push(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn respond(
    mut stream: TcpStream,
    code: u16,
    content_type: &str,
    body: &[u8],
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {code} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        reason(code),
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()?;
    let _ = stream.shutdown(Shutdown::Write);
    // Drain what the client still sends so it sees our answer, not a reset.
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let _ = stream.read(&mut [0u8; 1024]);
    Ok(())
}

fn oversized(mut stream: TcpStream, size: u64, shared: &Shared) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes())?;
    let chunk = [b' '; 64 * 1024];
    let mut left = size;
    while left > 0 && !shared.stop.load(Ordering::SeqCst) {
        let n = left.min(chunk.len() as u64) as usize;
        // The client hangs up at its limit: that error ends the loop.
        stream.write_all(&chunk[..n])?;
        left -= n as u64;
    }
    Ok(())
}

fn reason(code: u16) -> &'static str {
    match code {
        200 => "OK",
        404 => "Not Found",
        405 => "Method Not Allowed",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// A PEP 691 project page for `name` under `root/simple/<name>/`, listing
/// `files` (copied to `root/files/`) by relative URL, so pip can install
/// from `--index-url <url>/simple/`.
pub fn write_pypi_project(root: &Path, name: &str, files: &[&Path]) {
    let normalized = normalize(name);
    let files_dir = root.join("files");
    std::fs::create_dir_all(&files_dir).expect("mkdir files");
    let mut entries = Vec::new();
    let mut versions: Vec<String> = Vec::new();
    for file in files {
        let filename = file
            .file_name()
            .and_then(|n| n.to_str())
            .expect("file name");
        std::fs::copy(file, files_dir.join(filename)).expect("copy distribution");
        let version = filename
            .split('-')
            .nth(1)
            .unwrap_or("")
            .trim_end_matches(".tar.gz");
        if !versions.iter().any(|v| v == version) {
            versions.push(version.to_string());
        }
        entries.push(serde_json::json!({
            "filename": filename,
            "url": format!("../../files/{filename}"),
            "hashes": {},
            "requires-python": null,
            "upload-time": "2020-01-01T00:00:00Z",
            "yanked": false,
        }));
    }
    let page = serde_json::json!({
        "meta": {"api-version": "1.1"},
        "name": normalized,
        "files": entries,
        "versions": versions,
    });
    let dir = root.join("simple").join(&normalized);
    std::fs::create_dir_all(&dir).expect("mkdir project");
    std::fs::write(dir.join("index.json"), page.to_string()).expect("write page");
    std::fs::write(
        dir.join("index.json.content-type"),
        "application/vnd.pypi.simple.v1+json",
    )
    .expect("write content type");
}

fn normalize(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// A minimal pure-Python wheel of package `name` whose module says its version.
pub fn build_wheel(out: &Path, name: &str, version: &str) -> std::path::PathBuf {
    let script = r#"
import base64, hashlib, sys, zipfile
out, pkg, version = sys.argv[1], sys.argv[2], sys.argv[3]
name = f"{pkg}-{version}-py3-none-any.whl"
info = f"{pkg}-{version}.dist-info"
files = {
    f"{pkg}/__init__.py": f"VERSION = {version!r}\n",
    f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {pkg}\nVersion: {version}\n",
    f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: rungs-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
}
record = []
for path, text in files.items():
    digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
    record.append(f"{path},sha256={digest},{len(text.encode())}")
record.append(f"{info}/RECORD,,")
files[f"{info}/RECORD"] = "\n".join(record) + "\n"
with zipfile.ZipFile(f"{out}/{name}", "w") as z:
    for path, text in files.items():
        z.writestr(path, text)
print(name)
"#;
    let output = std::process::Command::new("python3")
        .args(["-c", script, out.to_str().unwrap(), name, version])
        .output()
        .expect("python3");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    out.join(String::from_utf8_lossy(&output.stdout).trim())
}
