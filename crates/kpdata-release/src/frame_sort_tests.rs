//! Tests of the primary-key sort of [`super`].

use super::sort_by_text;
use proptest::prelude::*;

/// The plain stable sort by value (nulls first), file position breaking ties.
fn reference(cells: &[Option<String>]) -> Vec<u32> {
    let mut pairs: Vec<(Option<&str>, u32)> = cells
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_deref(), i as u32))
        .collect();
    pairs.sort();
    pairs.into_iter().map(|(_, i)| i).collect()
}

fn sorted(cells: &[Option<String>]) -> Vec<u32> {
    sort_by_text(
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| (c.as_deref(), i as u32)),
    )
}

#[test]
fn shared_prefixes_padding_and_nulls() {
    let cells: Vec<Option<String>> = [
        Some("des-ofac-10001"),
        None,
        Some("des-un-kpi-013-amended-2017-08-05"),
        Some("des-un-kpi-013-amended-2017-08-04"),
        Some("des-"),
        Some("des-\0"),
        Some("des-ofac-10001"),
        None,
        Some("des-ofac-9"),
    ]
    .iter()
    .map(|c| c.map(str::to_string))
    .collect();
    assert_eq!(sorted(&cells), vec![1, 7, 4, 5, 0, 6, 8, 3, 2]);
    assert_eq!(sorted(&cells), reference(&cells));
    assert!(sorted(&[]).is_empty());
}

proptest! {
    #[test]
    fn equals_the_plain_sort(
        prefix in "[a-c\\x00é]{0,20}",
        cells in proptest::collection::vec(
            proptest::option::weighted(0.9, "[a-c\\x00é]{0,20}"),
            0..60,
        ),
    ) {
        let cells: Vec<Option<String>> =
            cells.into_iter().map(|c| c.map(|c| format!("{prefix}{c}"))).collect();
        prop_assert_eq!(sorted(&cells), reference(&cells));
    }
}
