//! The checks [`AwardBuilder::build`] makes of the records as a whole: ids declared,
//! conflicts that name someone, printable ids, attributes the settings name.

use super::{AwardBuilder, MEMORY};
use crate::award::roster::Roster;
use crate::award::score::Score;
use crate::error::{Location, Problem, ProblemKind, Problems};
use crate::ids::{JurorId, ProposalId};
use crate::settings::{Settings, SettingsSource};

impl AwardBuilder {
    /// Ids used but never declared, when a list was given.
    pub(super) fn check_declared(&self, problems: &mut Problems) {
        for (roster, what, list) in [
            (&self.jurors, "juror", "jurors.csv"),
            (&self.proposals, "proposal", "proposals.csv"),
        ] {
            if !roster.any_declared {
                continue;
            }
            for (i, declared) in roster.declared.iter().enumerate() {
                if !declared {
                    let origin = roster.first_seen[i];
                    problems.push(
                        Problem::new(
                            ProblemKind::UnknownId,
                            Location::cell(
                                &self.files[origin.file as usize],
                                origin.line as u64,
                                what,
                            ),
                            format!("unknown {what} id; expected an id listed in {list}"),
                        )
                        .with_value(roster.ids.get(i).to_string()),
                    );
                }
            }
        }
    }

    /// Ids are shown in terminals, tables and messages: one with a control character (an
    /// escape sequence can clear a terminal or overwrite the winner shown) is refused, where
    /// it first appears (a problem shows its value escaped).
    pub(super) fn check_printable(&self, problems: &mut Problems) {
        for (roster, what) in [(&self.jurors, "juror"), (&self.proposals, "proposal")] {
            for i in 0..roster.ids.len() {
                let id = roster.ids.get(i);
                let Some(why) = unprintable(id) else {
                    continue;
                };
                let origin = roster.first_seen[i];
                problems.push(
                    Problem::new(
                        ProblemKind::UnknownId,
                        Location::cell(&self.files[origin.file as usize], origin.line as u64, what),
                        format!("the {what} id {why}"),
                    )
                    .with_value(id.to_string()),
                );
            }
        }
    }

    /// Without a list of jurors (or proposals), a conflict read from a file can only name one
    /// who has scores: a juror or proposal that nothing else names is most likely a misspelt
    /// id, and the conflict would otherwise apply to no score at all, unseen. Conflicts given
    /// in code ([`AwardBuilder::conflict`]) name the platform's own records and may come
    /// before any score.
    pub(super) fn check_conflicted(&self, problems: &mut Problems) {
        if self.conflicts.is_empty() {
            return;
        }
        let juror = |s: &Score| s.juror_index();
        let proposal = |s: &Score| s.proposal_index();
        for (roster, what, list, of_score, side) in [
            (
                &self.jurors,
                "juror",
                "jurors.csv",
                &juror as &dyn Fn(&Score) -> usize,
                0,
            ),
            (&self.proposals, "proposal", "proposals.csv", &proposal, 1),
        ] {
            if roster.any_declared {
                // Ids that the list does not declare are reported as unknown.
                continue;
            }
            let mut scored = vec![false; roster.ids.len()];
            for s in &self.scores {
                scored[of_score(s)] = true;
            }
            for (j, p, _, origin) in &self.conflicts {
                let member = [*j, *p][side] as usize;
                if scored[member] || origin.file == MEMORY {
                    continue;
                }
                // Reported once.
                scored[member] = true;
                problems.push(
                    Problem::new(
                        ProblemKind::UnknownId,
                        Location::cell(&self.files[origin.file as usize], origin.line as u64, what),
                        format!(
                            "no score names this {what}; check the id (if the {what} has no scores, list every {what} in {list})"
                        ),
                    )
                    .with_value(roster.ids.get(member).to_string()),
                );
            }
        }
    }
}

/// Why an id cannot be taken, if it cannot: one that holds a control character (an escape
/// sequence could clear the terminal or overwrite the winner shown) or an invisible one (a
/// zero-width space, a direction mark: it would show as another id), or that begins with a
/// quote (`J2, "P1"`: a space before the opening quote keeps the quotes in the cell, and
/// `"P1"` is another proposal than `P1`).
fn unprintable(id: &str) -> Option<String> {
    if id.starts_with('"') {
        return Some(
            "begins with a quote: a space before an opening quote keeps the quotes in the cell; remove the space (J2,\"P1\", not J2, \"P1\")"
                .to_string(),
        );
    }
    if id.chars().any(char::is_control) {
        return Some("holds a control character; ids must be printable text".to_string());
    }
    if id.is_ascii() {
        return None;
    }
    let invisible = id.chars().find(|&c| invisible(c))?;
    Some(format!(
        "holds an invisible character (U+{:04X}), so it would show as another id; type it again",
        invisible as u32
    ))
}

/// Characters that show as nothing (Unicode's format characters, category Cf, in the
/// ranges text is likely to hold): zero-width spaces and joiners, direction marks and
/// overrides, the byte-order mark, the soft hyphen.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}'
    )
}

/// Every attribute named in settings must exist on the side it is read from.
pub(super) fn check_attributes(
    settings: &Settings,
    source: &SettingsSource,
    (jurors, proposals): (&Roster<JurorId>, &Roster<ProposalId>),
    problems: &mut Problems,
) {
    let has = |names: &[String], name: &str| names.iter().any(|n| n == name);
    let mut unknown = |(table, key), name: &String, whom: &str| {
        // A file's list has no such column; an award built in code has no list file.
        let lacks = match source {
            SettingsSource::File { .. } => format!("{whom}s.csv has no such column"),
            SettingsSource::Code => format!("no {whom} has such an attribute"),
        };
        problems.push(
            Problem::new(
                ProblemKind::Setting,
                source.location(table, key),
                format!(
                    "{} names the attribute '{name}', but {lacks}",
                    source.name(table, key)
                ),
            )
            .with_value(name.clone()),
        );
    };
    for name in &settings.conflicts_same {
        let lists = [
            (jurors.attribute_names(), "juror"),
            (proposals.attribute_names(), "proposal"),
        ];
        for (names, whom) in lists {
            if !has(names, name) {
                unknown(("conflicts", "same"), name, whom);
            }
        }
    }
    for name in settings.max_per.keys() {
        if !has(proposals.attribute_names(), name) {
            unknown(("ranking", "max_per"), name, "proposal");
        }
    }
}
