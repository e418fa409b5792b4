//! The admin page's list of a knowledge base's saved versions as a plain value: the pages
//! fetched so far (newest first, older ones a page at a time) and what each listed version
//! offers (the newest is the one in use; one that put the file back has no text to open).
//! `ui::kb_versions` draws it and makes the calls.

use tandem_protocol::agent::{KbVersionInfo, KbVersionPage};

/// The versions listed for one site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionList {
    pub versions: Vec<KbVersionInfo>,
    /// Older versions follow.
    pub more: bool,
}

/// One listed version as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row<'a> {
    pub info: &'a KbVersionInfo,
    /// The newest: what the editor started from.
    pub in_use: bool,
    /// It can be opened into the editor.
    pub openable: bool,
}

impl VersionList {
    /// The list as its newest page.
    pub fn first(page: KbVersionPage) -> VersionList {
        VersionList {
            versions: page.versions,
            more: page.more,
        }
    }

    /// Where the next page starts: before the oldest listed, if older ones follow.
    pub fn next_before(&self) -> Option<i64> {
        self.more
            .then(|| self.versions.last().map(|v| v.version))
            .flatten()
    }

    /// Adds the page fetched before `before`, if the list still ends there (a page that
    /// comes back after the list was asked again is dropped, not added twice).
    pub fn append(&mut self, before: i64, page: KbVersionPage) {
        if self.next_before() == Some(before) {
            self.versions.extend(page.versions);
            self.more = page.more;
        }
    }

    /// The listed versions, newest first.
    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.versions.iter().enumerate().map(|(i, info)| {
            let in_use = i == 0;
            Row {
                info,
                in_use,
                openable: !info.file && !in_use,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use tandem_protocol::agent::KbSaved;

    use super::*;

    fn page(versions: std::ops::RangeInclusive<i64>, more: bool) -> KbVersionPage {
        KbVersionPage {
            versions: versions
                .rev()
                .map(|version| KbVersionInfo {
                    version,
                    saved: KbSaved {
                        by: "Anna".to_owned(),
                        at: version * 1000,
                    },
                    file: version == 3,
                })
                .collect(),
            more,
        }
    }

    fn shown(list: &VersionList) -> Vec<(i64, bool, bool)> {
        list.rows()
            .map(|r| (r.info.version, r.in_use, r.openable))
            .collect()
    }

    #[test]
    fn older_pages_add_up_after_the_newest() {
        let mut list = VersionList::first(page(4..=6, true));
        assert_eq!(list.next_before(), Some(4));
        list.append(4, page(2..=3, true));
        assert_eq!(list.next_before(), Some(2));
        list.append(2, page(1..=1, false));
        assert_eq!(list.next_before(), None, "the oldest is listed");
        let versions: Vec<i64> = list.versions.iter().map(|v| v.version).collect();
        assert_eq!(versions, [6, 5, 4, 3, 2, 1]);
    }

    #[test]
    fn a_page_for_a_list_that_moved_on_is_dropped() {
        let mut list = VersionList::first(page(4..=6, true));
        list.append(4, page(2..=3, true));
        // The same page again (a second click while the first was on its way).
        list.append(4, page(2..=3, true));
        assert_eq!(list.versions.len(), 5);
    }

    #[test]
    fn only_the_newest_is_in_use_and_file_versions_do_not_open() {
        let mut list = VersionList::first(page(4..=6, true));
        list.append(4, page(1..=3, false));
        assert_eq!(
            shown(&list),
            [
                (6, true, false),
                (5, false, true),
                (4, false, true),
                (3, false, false),
                (2, false, true),
                (1, false, true),
            ]
        );
    }
}
