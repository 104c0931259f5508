//! Skill measures of a score against 0/1 outcomes.

/// Area under the ROC curve: the probability that a random positive row
/// scores higher than a random negative one, ties counting one half (the
/// Mann-Whitney statistic). `None` without both classes.
pub fn auc_roc(scores: &[f64], labels: &[bool]) -> Option<f64> {
    let n_pos = labels.iter().filter(|l| **l).count();
    let n_neg = labels.len() - n_pos;
    if n_pos == 0 || n_neg == 0 {
        return None;
    }
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    // Sum of the average ranks (1-based) of the positives.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && scores[idx[j + 1]] == scores[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        let pos = idx[i..=j].iter().filter(|&&k| labels[k]).count();
        rank_sum += avg * pos as f64;
        i = j + 1;
    }
    let (p, n) = (n_pos as f64, n_neg as f64);
    Some((rank_sum - p * (p + 1.0) / 2.0) / (p * n))
}

/// Area under the precision-recall curve as average precision: the sum,
/// over the distinct score thresholds from the highest down, of the
/// precision at the threshold times the gain in recall (no interpolation;
/// tied rows enter together). `None` without positives.
pub fn average_precision(scores: &[f64], labels: &[bool]) -> Option<f64> {
    let n_pos = labels.iter().filter(|l| **l).count();
    if n_pos == 0 {
        return None;
    }
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let (mut tp, mut seen, mut ap) = (0usize, 0usize, 0.0);
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && scores[idx[j + 1]] == scores[idx[i]] {
            j += 1;
        }
        let gained = idx[i..=j].iter().filter(|&&k| labels[k]).count();
        tp += gained;
        seen += j - i + 1;
        ap += (gained as f64 / n_pos as f64) * (tp as f64 / seen as f64);
        i = j + 1;
    }
    Some(ap)
}

/// Brier score: the mean squared difference between a probability and the
/// 0/1 outcome. `None` for no rows.
pub fn brier(probs: &[f64], labels: &[bool]) -> Option<f64> {
    if probs.is_empty() {
        return None;
    }
    let s: f64 = probs
        .iter()
        .zip(labels)
        .map(|(p, l)| {
            let y = if *l { 1.0 } else { 0.0 };
            (p - y) * (p - y)
        })
        .sum();
    Some(s / probs.len() as f64)
}

/// One bin of a calibration table.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Bin {
    /// Bin number, from 1 (lowest forecasts).
    pub bin: usize,
    /// Rows in the bin.
    pub n: usize,
    /// Lowest forecast in the bin.
    pub low: f64,
    /// Highest forecast in the bin.
    pub high: f64,
    /// Mean forecast.
    pub mean_forecast: f64,
    /// Rows with outcome 1.
    pub positives: usize,
    /// Share of rows with outcome 1.
    pub observed: f64,
}

/// A calibration table: the rows sorted by forecast (ties in their given
/// order) and cut into `bins` bins of equal count (the first bins one row
/// smaller when the count does not divide), each with its mean forecast and
/// its observed rate. Empty bins are left out.
pub fn calibration(probs: &[f64], labels: &[bool], bins: usize) -> Vec<Bin> {
    let n = probs.len();
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by(|&a, &b| probs[a].total_cmp(&probs[b]));
    (0..bins)
        .filter_map(|b| {
            let (lo, hi) = (b * n / bins, (b + 1) * n / bins);
            let rows = &idx[lo..hi];
            (!rows.is_empty()).then(|| {
                let positives = rows.iter().filter(|&&i| labels[i]).count();
                Bin {
                    bin: b + 1,
                    n: rows.len(),
                    low: probs[rows[0]],
                    high: probs[rows[rows.len() - 1]],
                    mean_forecast: rows.iter().map(|&i| probs[i]).sum::<f64>() / rows.len() as f64,
                    positives,
                    observed: positives as f64 / rows.len() as f64,
                }
            })
        })
        .collect()
}

/// Ranks within one group (such as one year): 1 plus the number of rows
/// that score strictly higher, so tied rows share the best rank.
pub fn ranks(scores: &[f64]) -> Vec<usize> {
    let mut sorted: Vec<f64> = scores.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    scores
        .iter()
        .map(|s| sorted.partition_point(|x| x.total_cmp(s) == std::cmp::Ordering::Greater) + 1)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // All cases below are small synthetic examples worked by hand.

    #[test]
    fn auc_counts_pairs_and_half_ties() {
        // positives 0.9, 0.4; negatives 0.8, 0.4, 0.1
        // pairs won: 0.9 beats all 3; 0.4 beats 0.1, ties 0.4 (0.5), loses to 0.8
        // (3 + 1.5) / 6 = 0.75
        let s = [0.9, 0.8, 0.4, 0.4, 0.1];
        let l = [true, false, true, false, false];
        assert!((auc_roc(&s, &l).unwrap() - 0.75).abs() < 1e-12);
        assert_eq!(auc_roc(&[0.1, 0.2], &[false, true]), Some(1.0));
        assert_eq!(auc_roc(&[0.1, 0.2], &[true, false]), Some(0.0));
        assert_eq!(auc_roc(&[0.5, 0.5], &[true, false]), Some(0.5));
        assert_eq!(auc_roc(&[0.5, 0.7], &[false, false]), None);
    }

    #[test]
    fn average_precision_by_hand() {
        // order: 0.9 (pos), 0.8 (neg), 0.7 (pos), 0.1 (neg)
        // AP = 1/2 * 1/1 + 1/2 * 2/3 = 5/6
        let s = [0.9, 0.8, 0.7, 0.1];
        let l = [true, false, true, false];
        assert!((average_precision(&s, &l).unwrap() - 5.0 / 6.0).abs() < 1e-12);
        // a tie of one positive and one negative at the top: precision 1/2
        let s = [0.5, 0.5, 0.1];
        let l = [true, false, false];
        assert!((average_precision(&s, &l).unwrap() - 0.5).abs() < 1e-12);
        assert_eq!(average_precision(&[0.3], &[false]), None);
    }

    #[test]
    fn brier_by_hand() {
        // (0.8-1)^2 + (0.3-0)^2 = 0.04 + 0.09, over 2
        let b = brier(&[0.8, 0.3], &[true, false]).unwrap();
        assert!((b - 0.065).abs() < 1e-12);
        assert_eq!(brier(&[], &[]), None);
    }

    #[test]
    fn calibration_bins_by_forecast() {
        // synthetic: 5 rows in 2 bins of 2 and 3
        let p = [0.9, 0.1, 0.5, 0.2, 0.7];
        let l = [true, false, false, false, true];
        let c = calibration(&p, &l, 2);
        assert_eq!((c[0].n, c[1].n), (2, 3));
        assert_eq!((c[0].low, c[0].high), (0.1, 0.2));
        assert!((c[0].mean_forecast - 0.15).abs() < 1e-12);
        assert_eq!((c[1].positives, c[1].low, c[1].high), (2, 0.5, 0.9));
        assert!((c[1].observed - 2.0 / 3.0).abs() < 1e-12);
        assert!(calibration(&[], &[], 10).is_empty());
    }

    #[test]
    fn ties_share_the_best_rank() {
        assert_eq!(ranks(&[0.2, 0.9, 0.5, 0.9]), vec![4, 1, 3, 1]);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Synthetic scores on a coarse grid (many ties): reversing the
        /// order turns AUC into 1 - AUC; a monotone transform changes
        /// nothing; the pair count agrees with a direct count.
        #[test]
        fn auc_is_a_pair_count(
            rows in proptest::collection::vec((0u8..6, proptest::bool::ANY), 2..40)
        ) {
            let s: Vec<f64> = rows.iter().map(|r| f64::from(r.0)).collect();
            let l: Vec<bool> = rows.iter().map(|r| r.1).collect();
            let Some(a) = auc_roc(&s, &l) else { return Ok(()) };
            let neg: Vec<f64> = s.iter().map(|v| -v).collect();
            proptest::prop_assert!((a + auc_roc(&neg, &l).unwrap() - 1.0).abs() < 1e-12);
            let exp: Vec<f64> = s.iter().map(|v| v.exp()).collect();
            proptest::prop_assert!((a - auc_roc(&exp, &l).unwrap()).abs() < 1e-12);
            let (mut won, mut pairs) = (0.0, 0.0);
            for i in 0..s.len() {
                for j in 0..s.len() {
                    if l[i] && !l[j] {
                        pairs += 1.0;
                        won += if s[i] > s[j] { 1.0 } else if s[i] == s[j] { 0.5 } else { 0.0 };
                    }
                }
            }
            proptest::prop_assert!((a - won / pairs).abs() < 1e-12);
            let ap = average_precision(&s, &l).unwrap();
            proptest::prop_assert!(ap > 0.0 && ap <= 1.0 + 1e-12);
        }
    }
}
