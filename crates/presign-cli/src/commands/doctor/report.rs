//! The checklist: each check's status, summary, details and fix, rendered as
//! text or JSON.

use std::fmt::Write as _;

use serde::Serialize;

/// How a check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Status {
    Pass,
    Warn,
    Fail,
    /// Not run: an earlier check failed, or it needs a bucket or key.
    Skip,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Self::Pass => "ok  ",
            Self::Warn => "warn",
            Self::Fail => "FAIL",
            Self::Skip => "skip",
        }
    }
}

/// A named value shown under a check (`region`, `eu-de (from the endpoint host)`).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Detail {
    pub(crate) name: String,
    pub(crate) value: String,
}

/// One check of the list.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Check {
    pub(crate) name: &'static str,
    pub(crate) status: Status,
    pub(crate) summary: String,
    pub(crate) details: Vec<Detail>,
    /// What to change, when the check failed or warned.
    pub(crate) fix: Option<String>,
}

impl Check {
    pub(crate) fn new(name: &'static str, status: Status, summary: impl Into<String>) -> Self {
        Self {
            name,
            status,
            summary: summary.into(),
            details: Vec::new(),
            fix: None,
        }
    }

    pub(crate) fn fail(
        name: &'static str,
        summary: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self::new(name, Status::Fail, summary).with_fix(fix)
    }

    pub(crate) fn skip(name: &'static str, why: impl Into<String>) -> Self {
        Self::new(name, Status::Skip, why)
    }

    pub(crate) fn with_fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }

    pub(crate) fn detail(mut self, name: &str, value: impl Into<String>) -> Self {
        self.details.push(Detail {
            name: name.to_owned(),
            value: value.into(),
        });
        self
    }
}

/// Every check, in order.
#[derive(Debug, Serialize)]
pub(crate) struct Report {
    /// `s3://BUCKET[/KEY]` as given, if any.
    pub(crate) target: Option<String>,
    pub(crate) checks: Vec<Check>,
    /// `fail` when any check failed, else `pass`.
    pub(crate) status: Status,
}

impl Report {
    pub(crate) fn new(target: Option<String>, checks: Vec<Check>) -> Self {
        let status = if checks.iter().any(|c| c.status == Status::Fail) {
            Status::Fail
        } else {
            Status::Pass
        };
        Self {
            target,
            checks,
            status,
        }
    }

    pub(crate) fn failed(&self) -> bool {
        self.status == Status::Fail
    }

    pub(crate) fn text(&self) -> String {
        let mut out = String::new();
        for check in &self.checks {
            let _ = writeln!(
                out,
                "[{}] {:<24} {}",
                check.status.label(),
                check.name,
                check.summary
            );
            for detail in &check.details {
                let _ = writeln!(out, "       {:<24} {}", detail.name, detail.value);
            }
            if let Some(fix) = &check.fix {
                let _ = writeln!(out, "       fix: {fix}");
            }
        }
        let count = |status| self.checks.iter().filter(|c| c.status == status).count();
        let (failed, warned) = (count(Status::Fail), count(Status::Warn));
        let _ = writeln!(
            out,
            "\n{}",
            match (failed, warned) {
                (0, 0) => "Every check passed.".to_owned(),
                (0, w) => format!("Every check passed, {w} with a warning."),
                (f, w) => format!(
                    "{f} check{} failed{}.",
                    if f == 1 { "" } else { "s" },
                    if w > 0 {
                        format!(", {w} warned")
                    } else {
                        String::new()
                    }
                ),
            }
        );
        out
    }

    pub(crate) fn json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }
}
