//! Re-sorting the records of a CSV file by primary key (for datasets declared `sorted = true`),
//! moving each record's bytes whole: quoting and the bytes inside a record stay as they were,
//! and every line ending stays where it was (a file without a final newline still has none),
//! so the only change is the order.

use kpdata_package::{compare_keys, KeyOrder};

use crate::spans::Field;

/// One record that moves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    /// The record's key, its parts joined with `, `.
    pub key: String,
    /// The physical line where it started, and where it starts once sorted (1-based).
    pub from_line: u64,
    pub to_line: u64,
}

/// The re-sorting of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reorder {
    /// The key fields sorted by.
    pub key: Vec<String>,
    /// How many records the file has (header excluded).
    pub records: usize,
    /// The records that move, in file order.
    pub moves: Vec<Move>,
}

/// `bytes` (whose parsed records are `records`, the header first) sorted by the fields at
/// `columns` with `orders`, stable; `None` when the records are already in order. A record
/// lacking a key field sorts as a null there.
pub fn reorder(
    bytes: &[u8],
    records: &[Vec<Field>],
    key: &[String],
    columns: &[usize],
    orders: &[KeyOrder],
) -> Option<(Vec<u8>, Reorder)> {
    let data = records.get(1..).unwrap_or_default();
    if data.len() < 2 {
        return None;
    }
    let keys: Vec<Vec<Option<&str>>> = data
        .iter()
        .map(|rec| {
            columns
                .iter()
                .map(|&c| rec.get(c).and_then(|f| std::str::from_utf8(&f.value).ok()))
                .collect()
        })
        .collect();
    let mut order: Vec<usize> = (0..data.len()).collect();
    order.sort_by(|&a, &b| compare_keys(orders, &keys[a], &keys[b]));
    if order.iter().enumerate().all(|(slot, &r)| slot == r) {
        return None;
    }
    // Each record's own bytes (first field to last field), and what follows it up to the next
    // record (its line ending, and any blank lines): the latter stays in place.
    let spans: Vec<(usize, usize)> = data
        .iter()
        .map(|rec| {
            let start = rec.first().map_or(0, |f| f.start);
            let end = rec.last().map_or(start, |f| f.end);
            (start, end)
        })
        .collect();
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..spans[0].0]);
    let mut new_starts = vec![0usize; data.len()];
    for (slot, &r) in order.iter().enumerate() {
        new_starts[r] = out.len();
        out.extend_from_slice(&bytes[spans[r].0..spans[r].1]);
        let after = spans.get(slot + 1).map_or(bytes.len(), |s| s.0);
        out.extend_from_slice(&bytes[spans[slot].1..after]);
    }
    // The records that move, in file order, with the lines where they start before and after
    // (each list of offsets is ascending, so one pass over each file gives all the lines).
    let moved: Vec<usize> = (0..data.len()).filter(|&r| order[r] != r).collect();
    let from = lines_at(bytes, moved.iter().map(|&r| spans[r].0));
    let mut to_line = vec![0u64; data.len()];
    let landed: Vec<usize> = order.iter().copied().filter(|&r| order[r] != r).collect();
    for (r, line) in landed
        .iter()
        .zip(lines_at(&out, landed.iter().map(|&r| new_starts[r])))
    {
        to_line[*r] = line;
    }
    let moves = moved
        .iter()
        .zip(from)
        .map(|(&r, from_line)| Move {
            key: keys[r]
                .iter()
                .map(|k| k.unwrap_or(""))
                .collect::<Vec<_>>()
                .join(", "),
            from_line,
            to_line: to_line[r],
        })
        .collect();
    Some((
        out,
        Reorder {
            key: key.to_vec(),
            records: data.len(),
            moves,
        },
    ))
}

/// The 1-based physical line of each offset (given in ascending order); CR, LF and CRLF each
/// end one line. One pass over the bytes.
fn lines_at(bytes: &[u8], offsets: impl Iterator<Item = usize>) -> Vec<u64> {
    let mut out = Vec::new();
    let mut line = 1u64;
    let mut at = 0usize;
    for off in offsets {
        while at < off.min(bytes.len()) {
            match bytes[at] {
                b'\n' => line += 1,
                b'\r' if bytes.get(at + 1) != Some(&b'\n') => line += 1,
                _ => {}
            }
            at += 1;
        }
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spans::records;

    fn sort(input: &[u8], orders: &[KeyOrder], columns: &[usize]) -> Option<(String, Reorder)> {
        let recs = records(input);
        let key: Vec<String> = columns.iter().map(|c| format!("c{c}")).collect();
        reorder(input, &recs, &key, columns, orders)
            .map(|(b, r)| (String::from_utf8(b).unwrap(), r))
    }

    #[test]
    fn records_move_whole_and_line_endings_stay_in_place() {
        let input = b"id,v\r\nb,\"x\r\ny\"\r\na,1\nc,2";
        let (out, r) = sort(input, &[KeyOrder::Text], &[0]).unwrap();
        assert_eq!(out, "id,v\r\na,1\r\nb,\"x\r\ny\"\nc,2");
        assert_eq!(r.records, 3);
        assert_eq!(
            r.moves,
            vec![
                Move {
                    key: "b".into(),
                    from_line: 2,
                    to_line: 3
                },
                Move {
                    key: "a".into(),
                    from_line: 4,
                    to_line: 2
                },
            ]
        );
    }

    #[test]
    fn a_last_record_without_newline_keeps_the_file_without_one() {
        let (out, _) = sort(b"id\nb\na", &[KeyOrder::Text], &[0]).unwrap();
        assert_eq!(out, "id\na\nb");
        let (out, _) = sort(b"id\nb\na\n", &[KeyOrder::Text], &[0]).unwrap();
        assert_eq!(out, "id\na\nb\n");
    }

    #[test]
    fn typed_and_composite_keys_stable_and_in_order_untouched() {
        let input = b"k,n\na,10\na,9\n,5\na,9\n";
        let (out, r) = sort(input, &[KeyOrder::Text, KeyOrder::Integer], &[0, 1]).unwrap();
        assert_eq!(out, "k,n\n,5\na,9\na,9\na,10\n");
        assert_eq!(r.moves.len(), 3);
        assert!(sort(b"k\na\nb\nb\n", &[KeyOrder::Text], &[0]).is_none());
        assert!(sort(b"k\nb\n", &[KeyOrder::Text], &[0]).is_none());
        assert!(sort(b"k\n", &[KeyOrder::Text], &[0]).is_none());
    }

    #[test]
    fn sorting_is_a_permutation_of_the_records() {
        // Every byte of the input is in the output, and sorting again changes nothing.
        let input = b"\xEF\xBB\xBFid,t\r\nz,\"a,b\"\r\n\r\nm,\xC3\xA9\r\nb,\"\"\"q\"\"\"\r\n";
        let (out, _) = sort(input, &[KeyOrder::Text], &[0]).unwrap();
        let mut a = input.to_vec();
        let mut b = out.as_bytes().to_vec();
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, b);
        assert!(out.starts_with("\u{FEFF}id,t\r\nb,"));
        assert!(sort(out.as_bytes(), &[KeyOrder::Text], &[0]).is_none());
    }
}
