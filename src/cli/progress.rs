//! Progress of long work on stderr: a bar on a terminal, plain lines in a log, or nothing.

use std::io::{self, IsTerminal};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use clap::ValueEnum;

/// How progress is shown (`--progress`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    /// Bars when stderr is a terminal; otherwise a plain line every 5 s for a stage that runs
    /// longer than 5 s.
    Auto,
    /// Plain lines: when a stage starts, every 5 s, and when it ends.
    Always,
    /// Nothing.
    Never,
}

/// The least time between two plain lines of one stage, and how long a stage runs before
/// `auto` prints its first line when stderr is not a terminal.
pub const LINE_EVERY: Duration = Duration::from_secs(5);

/// How one stage shows itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shown {
    Bar,
    /// Plain lines, the first once the stage has run this long.
    Lines(Duration),
    Nothing,
}

/// One stage of long work (`what`, counted in `unit`s up to `total`). Counted from any
/// thread; shown from [`Stage::start`] to [`Stage::finish`].
pub struct Stage {
    what: &'static str,
    unit: &'static str,
    total: u64,
    shown: Shown,
    done: AtomicU64,
    start: OnceLock<Instant>,
    bar: OnceLock<indicatif::ProgressBar>,
    /// When the last plain line was printed; `None` before the first.
    last_line: Mutex<Option<Instant>>,
    finished: AtomicBool,
}

impl Stage {
    /// A stage not started yet; `mode` and whether stderr is a terminal decide how it shows.
    pub fn new(mode: Mode, what: &'static str, unit: &'static str, total: usize) -> Stage {
        let shown = match mode {
            Mode::Never => Shown::Nothing,
            Mode::Always => Shown::Lines(Duration::ZERO),
            Mode::Auto if io::stderr().is_terminal() => Shown::Bar,
            Mode::Auto => Shown::Lines(LINE_EVERY),
        };
        Stage {
            what,
            unit,
            total: total as u64,
            shown,
            done: AtomicU64::new(0),
            start: OnceLock::new(),
            bar: OnceLock::new(),
            last_line: Mutex::new(None),
            finished: AtomicBool::new(false),
        }
    }

    /// Starts the clock, and shows the bar, or the first line under `always`.
    pub fn start(&self) {
        let now = *self.start.get_or_init(Instant::now);
        match self.shown {
            Shown::Bar => {
                self.bar.get_or_init(|| bar(self.total, self.what));
            }
            Shown::Lines(Duration::ZERO) => self.line(now, Duration::ZERO),
            Shown::Lines(_) | Shown::Nothing => {}
        }
    }

    /// Counts one finished unit; returns how many are done.
    pub fn inc(&self) -> u64 {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        match self.shown {
            Shown::Bar => {
                if let Some(bar) = self.bar.get() {
                    bar.inc(1);
                }
            }
            Shown::Lines(after) => self.maybe_line(after),
            Shown::Nothing => {}
        }
        done
    }

    /// Ends the stage: clears the bar, or prints the last line when any was printed. Only the
    /// first call does anything.
    pub fn finish(&self) {
        if self.finished.swap(true, Ordering::Relaxed) {
            return;
        }
        if let Some(bar) = self.bar.get() {
            bar.finish_and_clear();
        }
        let Shown::Lines(_) = self.shown else {
            return;
        };
        let printed = self.last_line.lock().is_ok_and(|last| last.is_some());
        if printed {
            let elapsed = self.start.get().map_or(Duration::ZERO, Instant::elapsed);
            let done = self.done.load(Ordering::Relaxed);
            eprintln!(
                "progress: {} {done} of {} {}, done in {:.1} s",
                self.what,
                self.total,
                self.unit,
                elapsed.as_secs_f64()
            );
        }
    }

    /// A plain line when the stage has run `after` and the last line is `LINE_EVERY` old.
    fn maybe_line(&self, after: Duration) {
        let Some(start) = self.start.get() else {
            return;
        };
        let elapsed = start.elapsed();
        if elapsed >= after {
            self.line(*start, after);
        }
    }

    /// Prints a line unless another thread is printing one or the last is too recent.
    fn line(&self, start: Instant, after: Duration) {
        let Ok(mut last) = self.last_line.try_lock() else {
            return;
        };
        let now = Instant::now();
        let due = match *last {
            None => now.duration_since(start) >= after,
            Some(t) => now.duration_since(t) >= LINE_EVERY,
        };
        if due {
            *last = Some(now);
            eprintln!(
                "progress: {} {} of {} {}, {:.1} s elapsed",
                self.what,
                self.done.load(Ordering::Relaxed),
                self.total,
                self.unit,
                now.duration_since(start).as_secs_f64()
            );
        }
    }
}

/// A bar on stderr.
fn bar(len: u64, what: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} {eta}") {
        bar.set_style(style);
    }
    bar.set_message(what.to_string());
    bar
}
