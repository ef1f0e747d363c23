//! Ctrl-C (SIGINT) during a transfer: presign says what the interruption
//! leaves behind (a partial download that `--continue` resumes, a multipart
//! upload that `--resume` continues) and exits with 130, as a shell reports
//! a process ended by SIGINT.
//!
//! A signal is process-wide, so the note is too: the one piece of global
//! state in the program, set by the transfer running and cleared when it
//! ends ([`Note`]'s drop).

use std::sync::{Mutex, Once, PoisonError};

/// The exit code after SIGINT (128 + 2).
pub(crate) const EXIT_INTERRUPTED: i32 = 130;

static NOTE: Mutex<Option<String>> = Mutex::new(None);
static INSTALL: Once = Once::new();

/// Says `note` (one or more lines, without `presign: `) if Ctrl-C comes
/// while the returned value lives.
#[must_use = "the note is cleared when the value is dropped"]
pub(crate) fn note(note: String) -> Note {
    INSTALL.call_once(|| {
        // If the handler cannot be set, Ctrl-C keeps its default (ending the
        // process without a word), which loses nothing.
        let _ = ctrlc::set_handler(|| {
            let note = NOTE.lock().unwrap_or_else(PoisonError::into_inner).clone();
            // A progress bar may be half-drawn on this line.
            eprintln!();
            match note {
                Some(note) => eprintln!("presign: interrupted: {note}"),
                None => eprintln!("presign: interrupted"),
            }
            std::process::exit(EXIT_INTERRUPTED);
        });
    });
    *NOTE.lock().unwrap_or_else(PoisonError::into_inner) = Some(note);
    Note(())
}

/// Clears the note when dropped.
#[derive(Debug)]
pub(crate) struct Note(());

impl Drop for Note {
    fn drop(&mut self) {
        *NOTE.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }
}
