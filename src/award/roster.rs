//! The jurors or the proposals of an award, and how they are gathered while reading.
//!
//! Ids and labels are held end to end in one string each ([`Texts`]): a roster of 40,000
//! proposals is a few allocations, not 80,000, which a million-score award feels in its peak
//! memory.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::hash::BuildHasher;
use std::marker::PhantomData;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

/// The jurors or the proposals of an award: ids in sorted order, display labels (proposal
/// titles, juror names) and attributes (country, institution, …). `I` is the id type of its
/// members ([`crate::ProposalId`] or [`crate::JurorId`]); a member is named by its id or by
/// its position.
#[derive(Clone, Debug, PartialEq)]
pub struct Roster<I> {
    ids: Texts,
    labels: Texts,
    /// One map per member; empty when no member has an attribute.
    attributes: Vec<BTreeMap<String, String>>,
    attribute_names: Vec<String>,
    member: PhantomData<fn() -> I>,
}

impl<I> Default for Roster<I> {
    fn default() -> Roster<I> {
        Roster {
            ids: Texts::default(),
            labels: Texts::default(),
            attributes: Vec::new(),
            attribute_names: Vec::new(),
            member: PhantomData,
        }
    }
}

impl<I: Copy + From<usize> + Into<usize>> Roster<I> {
    /// How many members.
    pub fn len(&self) -> usize {
        self.ids.len()
    }
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ids.len() == 0
    }
    /// Every member, in id order.
    pub fn members(&self) -> impl ExactSizeIterator<Item = I> + '_ {
        (0..self.len()).map(I::from)
    }
    /// The id of member `i` (an id of this roster's type, or a position).
    ///
    /// # Panics
    ///
    /// When `i` is not below [`Roster::len`].
    pub fn id(&self, i: impl Into<I>) -> &str {
        self.ids.get(i.into().into())
    }
    /// The title or name of member `i` (empty when none was given).
    ///
    /// # Panics
    ///
    /// When `i` is not below [`Roster::len`].
    pub fn label(&self, i: impl Into<I>) -> &str {
        self.labels.get(i.into().into())
    }
    /// The value of an attribute of member `i`, when given and not blank.
    pub fn attribute(&self, i: impl Into<I>, name: &str) -> Option<&str> {
        self.attributes
            .get(i.into().into())?
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
    /// The names of the attributes any member has, sorted.
    pub fn attribute_names(&self) -> &[String] {
        &self.attribute_names
    }
    /// The member with this id.
    pub fn index(&self, id: &str) -> Option<I> {
        self.position(id).map(I::from)
    }
    /// The position of the member with this id.
    pub(crate) fn position(&self, id: &str) -> Option<usize> {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let middle = low + (high - low) / 2;
            match self.ids.get(middle).cmp(id) {
                Ordering::Less => low = middle + 1,
                Ordering::Greater => high = middle,
                Ordering::Equal => return Some(middle),
            }
        }
        None
    }
}

/// Strings held end to end in one buffer, each found by where it ends.
#[derive(Clone, Default, PartialEq, Eq)]
pub(super) struct Texts {
    text: String,
    ends: Vec<usize>,
}

impl Texts {
    fn with_capacity(bytes: usize, strings: usize) -> Texts {
        Texts {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(strings),
        }
    }

    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(self.text.len());
    }

    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    /// String `i`.
    pub(super) fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }
}

impl fmt::Debug for Texts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries((0..self.len()).map(|i| self.get(i)))
            .finish()
    }
}

/// Where a record came from: a file index in the builder and a line.
#[derive(Clone, Copy, Debug)]
pub(super) struct Origin {
    pub(super) file: u16,
    pub(super) line: u32,
}

/// A roster being gathered: members numbered as first met.
#[derive(Clone, Default)]
pub(super) struct RosterBuilder {
    /// Each member's number, found by the hash of its id.
    table: HashTable<u32>,
    pub(super) ids: Texts,
    /// The label and attributes of each declared member, by number.
    given: Vec<(u32, String, BTreeMap<String, String>)>,
    pub(super) declared: Vec<bool>,
    pub(super) first_seen: Vec<Origin>,
    pub(super) any_declared: bool,
    /// The member interned last: rows of one review repeat it, and a comparison is cheaper
    /// than a hash lookup.
    last: u32,
}

impl RosterBuilder {
    /// The number of the member with this id, met first at `origin` when new.
    pub(super) fn intern(&mut self, id: &str, origin: Origin) -> u32 {
        let last = self.last as usize;
        if last < self.ids.len() && self.ids.get(last) == id {
            return self.last;
        }
        let hash = FxBuildHasher.hash_one(id);
        let ids = &self.ids;
        if let Some(&i) = self.table.find(hash, |&i| ids.get(i as usize) == id) {
            self.last = i;
            return i;
        }
        let i = self.ids.len() as u32;
        self.ids.push(id);
        let (table, ids) = (&mut self.table, &self.ids);
        table.insert_unique(hash, i, |&k| FxBuildHasher.hash_one(ids.get(k as usize)));
        self.declared.push(false);
        self.first_seen.push(origin);
        self.last = i;
        i
    }

    /// Declares a member; false when it was declared before.
    pub(super) fn declare(
        &mut self,
        id: &str,
        label: &str,
        attributes: BTreeMap<String, String>,
        origin: Origin,
    ) -> bool {
        let i = self.intern(id, origin);
        self.any_declared = true;
        if self.declared[i as usize] {
            return false;
        }
        self.declared[i as usize] = true;
        self.given.push((i, label.to_string(), attributes));
        true
    }

    /// The roster in sorted id order and the map from builder number to roster index.
    pub(super) fn finish<I>(self) -> (Roster<I>, Vec<u32>) {
        let n = self.ids.len();
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_unstable_by(|&a, &b| self.ids.get(a as usize).cmp(self.ids.get(b as usize)));
        let mut remap = vec![0u32; n];
        for (new, &old) in order.iter().enumerate() {
            remap[old as usize] = new as u32;
        }
        let mut ids = Texts::with_capacity(self.ids.text.len(), n);
        for &i in &order {
            ids.push(self.ids.get(i as usize));
        }
        drop(self.ids);
        let mut given = self.given;
        for g in &mut given {
            g.0 = remap[g.0 as usize];
        }
        given.sort_unstable_by_key(|g| g.0);
        let mut names: Vec<String> = given
            .iter()
            .flat_map(|(_, _, a)| a.keys().cloned())
            .collect();
        names.sort();
        names.dedup();
        let bytes = given.iter().map(|g| g.1.len()).sum();
        let mut labels = Texts::with_capacity(bytes, n);
        let mut attributes = Vec::new();
        if !names.is_empty() {
            attributes.resize_with(n, BTreeMap::new);
        }
        let mut next = given.into_iter().peekable();
        for member in 0..n {
            match next.next_if(|g| g.0 as usize == member) {
                Some((_, label, attrs)) => {
                    labels.push(&label);
                    if !attributes.is_empty() {
                        attributes[member] = attrs;
                    }
                }
                None => labels.push(""),
            }
        }
        let roster = Roster {
            ids,
            labels,
            attributes,
            attribute_names: names,
            member: PhantomData,
        };
        (roster, remap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32) -> Origin {
        Origin { file: 0, line }
    }

    #[test]
    fn a_roster_lists_its_members_in_id_order_with_their_labels_and_attributes() {
        let mut b = RosterBuilder::default();
        // Met in this order: P3, P1, Ж, P10 (numbers 0, 1, 2, 3); P1 met twice.
        assert_eq!(b.intern("P3", at(2)), 0);
        assert_eq!(b.intern("P1", at(3)), 1);
        assert_eq!(b.intern("P3", at(4)), 0);
        assert_eq!(b.intern("Ж", at(5)), 2);
        let country = BTreeMap::from([("country".to_string(), "GE".to_string())]);
        assert!(b.declare("P10", "Mobile library", country, at(6)));
        assert!(b.declare("P1", "Job club", BTreeMap::new(), at(7)));
        assert!(!b.declare("P1", "again", BTreeMap::new(), at(8)));
        assert_eq!(b.intern("P1", at(9)), 1);
        let (roster, remap) = b.finish();
        // Sorted by bytes: "P1" < "P10" < "P3" < "Ж".
        let ids: Vec<&str> = (0..roster.len()).map(|i| roster.id(i)).collect();
        assert_eq!(ids, ["P1", "P10", "P3", "Ж"]);
        assert_eq!(remap, [2, 0, 3, 1]);
        let labels: Vec<&str> = (0..roster.len()).map(|i| roster.label(i)).collect();
        assert_eq!(labels, ["Job club", "Mobile library", "", ""]);
        assert_eq!(roster.attribute(1usize, "country"), Some("GE"));
        assert_eq!(roster.attribute(0usize, "country"), None);
        assert_eq!(roster.attribute_names(), ["country"]);
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(roster.index(id), Some(i));
        }
        for absent in ["", "P0", "P2", "P4", "Я", "ЖЖ"] {
            assert_eq!(roster.index(absent), None, "{absent}");
        }
    }

    #[test]
    fn a_roster_without_attributes_answers_none_for_any() {
        let mut b = RosterBuilder::default();
        b.intern("J1", at(2));
        assert!(b.declare("J2", "Ana", BTreeMap::new(), at(3)));
        let (roster, _): (Roster<crate::ids::ProposalId>, _) = b.finish();
        assert_eq!(roster.attribute(0usize, "country"), None);
        assert_eq!(roster.attribute(5usize, "country"), None);
        assert!(roster.attribute_names().is_empty());
        assert_eq!(roster.label(1), "Ana");
    }
}
