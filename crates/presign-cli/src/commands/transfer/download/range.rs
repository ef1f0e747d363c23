//! A download of the range the request asks for (`--header 'range: ...'`,
//! or a URL that signs `range`): one GET, whose bytes go to the file as the
//! server sends them, and a note of what they are. A range is not resumed
//! (`--continue` is refused with it): a transfer that breaks starts the
//! range again, as `--retries` allows.

use std::path::Path;

use anyhow::anyhow;

use super::super::retry::io_is_retryable;
use super::super::{Outcome, progress, status_line};
use super::{
    Download, Fetched, PartialFiles, Streamed, check_folder_of, finish, stream_into_partial,
};

/// The `range` header among `headers`, if any.
pub(super) fn asked_range(headers: &[(String, String)]) -> Option<&str> {
    headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("range"))
        .map(|(_, value)| value.as_str())
}

/// The refusal of `--continue` with a range.
pub(super) fn no_resume(range: &str) -> anyhow::Error {
    anyhow!(
        "--continue cannot resume a download of a range (range: {range}); drop --continue (the \
         range is fetched again)"
    )
}

impl Download<'_> {
    /// Into `target`, the answer to a request with `range`.
    pub(super) fn save_range_to_file(
        &self,
        target: &Path,
        range: &str,
        force: bool,
    ) -> anyhow::Result<Outcome> {
        check_folder_of(target)?;
        let partial = PartialFiles::of(target);
        let bar = progress::bar(None, self.quiet);
        let mut tries = 0;
        loop {
            let Fetched::Answer(mut response) = self.get(&[], &mut tries, false) else {
                bar.finish_and_clear();
                return Ok(Outcome::Rejected);
            };
            if !self.quiet && tries == 1 {
                eprintln!("presign: {}", status_line(response.status()));
            }
            let status = response.status().as_u16();
            let sent_range = response
                .headers()
                .get("content-range")
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned);
            let total = response.body().content_length();
            let (streamed, received) =
                stream_into_partial(&mut response, &partial, 0, total, &bar)?;
            let error = match streamed {
                Streamed::Complete if total.is_none_or(|total| received == total) => {
                    bar.finish_and_clear();
                    finish(&partial, target, force)?;
                    eprintln!(
                        "presign: {}",
                        what_was_written(status, range, sent_range.as_deref(), received, target)
                    );
                    return Ok(Outcome::Accepted);
                }
                Streamed::Complete => std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    format!("the answer ended after {received} bytes"),
                ),
                Streamed::Broken(error) => error,
            };
            if !self.retry.allows(tries, io_is_retryable(&error)) {
                bar.finish_and_clear();
                let _ = std::fs::remove_file(&partial.data);
                eprintln!(
                    "presign: error: the download of range {range} stopped after {received} \
                     bytes: {error}"
                );
                return Ok(Outcome::Rejected);
            }
            bar.suspend(|| {
                self.announce_retry(
                    &format!(
                        "the download of range {range} broke after {received} bytes ({error})"
                    ),
                    tries,
                );
            });
        }
    }
}

/// The note after a ranged download: which bytes of the object the file
/// holds.
fn what_was_written(
    status: u16,
    range: &str,
    content_range: Option<&str>,
    received: u64,
    target: &Path,
) -> String {
    match (status, content_range) {
        (206, Some(sent)) => format!(
            "{} holds {sent} of the object ({received} bytes; the request asked for range: {range})",
            target.display()
        ),
        (206, None) => format!(
            "{} holds {received} bytes of the object, the range the request asked for ({range})",
            target.display()
        ),
        _ => format!(
            "{} holds the whole object ({received} bytes): the server ignored range: {range}",
            target.display()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::{asked_range, what_was_written};
    use std::path::Path;

    #[test]
    fn the_range_header_is_found_whatever_its_case() {
        let headers = vec![
            ("content-type".to_owned(), "x".to_owned()),
            ("Range".to_owned(), "bytes=0-2".to_owned()),
        ];
        assert_eq!(asked_range(&headers), Some("bytes=0-2"));
        assert_eq!(asked_range(&headers[..1]), None);
    }

    #[test]
    fn the_note_says_which_bytes_the_file_holds() {
        let file = Path::new("part.bin");
        assert_eq!(
            what_was_written(206, "bytes=0-2", Some("bytes 0-2/10"), 3, file),
            "part.bin holds bytes 0-2/10 of the object (3 bytes; the request asked for range: bytes=0-2)"
        );
        assert!(what_was_written(200, "bytes=0-2", None, 10, file).contains("ignored"));
    }
}
