//! Running one command: its own process group (so a timeout or Ctrl-C kills
//! grandchildren too), output captured whole, a deadline.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Output kept per stream; the rest is drained and counted, not stored.
const MAX_CAPTURE: usize = 16 * 1024 * 1024;

pub struct Invocation {
    pub program: PathBuf,
    pub args: Vec<String>,
    pub cwd: PathBuf,
    pub env: Vec<(String, String)>,
    pub timeout: Duration,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Exit {
    Code(i32),
    Signal(i32),
    TimedOut,
    Interrupted,
    SpawnFailed(String),
}

pub struct Completed {
    pub exit: Exit,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// Bytes dropped because a stream passed the capture limit.
    pub dropped: usize,
    pub duration: Duration,
}

fn reader(mut stream: impl Read + Send + 'static) -> mpsc::Receiver<(Vec<u8>, usize)> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut dropped = 0;
        let mut buf = [0u8; 64 * 1024];
        loop {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let room = MAX_CAPTURE.saturating_sub(kept.len());
                    kept.extend_from_slice(&buf[..n.min(room)]);
                    dropped += n.saturating_sub(room);
                }
            }
        }
        let _ = tx.send((kept, dropped));
    });
    rx
}

fn kill_group(pid: u32) {
    // SAFETY: signalling a process group we created; a stale id only yields ESRCH.
    unsafe {
        libc::kill(-(pid as i32), libc::SIGKILL);
    }
}

/// Run to completion, the deadline, or `cancel`.
pub fn run(inv: &Invocation, cancel: &AtomicBool) -> Completed {
    let start = Instant::now();
    let mut cmd = Command::new(&inv.program);
    cmd.args(&inv.args)
        .current_dir(&inv.cwd)
        .envs(inv.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return Completed {
                exit: Exit::SpawnFailed(format!("could not start {}: {e}", inv.program.display())),
                stdout: Vec::new(),
                stderr: Vec::new(),
                dropped: 0,
                duration: start.elapsed(),
            };
        }
    };
    let pid = child.id();
    let out_rx = reader(child.stdout.take().expect("piped"));
    let err_rx = reader(child.stderr.take().expect("piped"));
    // A thread waits for the child, so its end is seen at once (no polling
    // delay); this thread watches the deadline and Ctrl-C meanwhile.
    let (done_tx, done_rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done_tx.send(child.wait());
    });
    let decode = |status: std::io::Result<std::process::ExitStatus>| {
        use std::os::unix::process::ExitStatusExt;
        match status {
            Ok(status) => match (status.code(), status.signal()) {
                (Some(code), _) => Exit::Code(code),
                (None, Some(sig)) => Exit::Signal(sig),
                _ => Exit::Code(-1),
            },
            Err(e) => Exit::SpawnFailed(format!("could not wait for the tool: {e}")),
        }
    };
    let exit = loop {
        let left = inv.timeout.saturating_sub(start.elapsed());
        match done_rx.recv_timeout(left.min(Duration::from_millis(25))) {
            Ok(status) => break decode(status),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                break Exit::SpawnFailed("lost track of the tool's process".into());
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        let stop = if cancel.load(Ordering::SeqCst) {
            Some(Exit::Interrupted)
        } else if start.elapsed() >= inv.timeout {
            Some(Exit::TimedOut)
        } else {
            None
        };
        if let Some(exit) = stop {
            kill_group(pid);
            let _ = done_rx.recv();
            break exit;
        }
    };
    // Anything the tool left running in its group goes with it, so pipes close.
    kill_group(pid);
    let collect = |rx: mpsc::Receiver<(Vec<u8>, usize)>| {
        rx.recv_timeout(Duration::from_secs(2)).unwrap_or_default()
    };
    let (stdout, d1) = collect(out_rx);
    let (stderr, d2) = collect(err_rx);
    Completed {
        exit,
        stdout,
        stderr,
        dropped: d1 + d2,
        duration: start.elapsed(),
    }
}
