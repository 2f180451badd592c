//! Typed ids: a proposal, a juror or a criterion of one award, by its position in the award's
//! lists. A `ProposalId` cannot be passed where a juror is meant; `index()` gives the position
//! for a platform's own tables, and the award's rosters give the id text and the label.
//!
//! ```
//! let award = jury::load("fixtures/ineli-balkans-2016")?;
//! let first: jury::ProposalId = award.proposals().members().next().unwrap();
//! assert_eq!(first.index(), 0);
//! assert_eq!(award.proposals().index(award.proposals().id(first)), Some(first));
//! # Ok::<(), jury::Error>(())
//! ```

/// Declares an id type: a position in one of the award's lists.
macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u32);

        impl $name {
            /// The position in the award's list (0 for the first).
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }

        /// The id at a position of the award's list. Every list is shorter than `u32::MAX`;
        /// a position beyond it is held as `u32::MAX`, out of every list, never as another
        /// member.
        impl From<usize> for $name {
            fn from(index: usize) -> $name {
                $name(u32::try_from(index).unwrap_or(u32::MAX))
            }
        }

        impl From<$name> for usize {
            fn from(id: $name) -> usize {
                id.index()
            }
        }
    };
}

typed_id!(
    /// A proposal of an award: its position in [`crate::Award::proposals`] (sorted by id).
    ProposalId
);
typed_id!(
    /// A juror of an award: its position in [`crate::Award::jurors`] (sorted by id).
    JurorId
);
typed_id!(
    /// A criterion of a rubric: its position in [`crate::Rubric::criteria`].
    CriterionId
);
