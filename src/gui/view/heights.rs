//! Segment heights with prefix sums that update in O(log n): a Fenwick tree.
//!
//! The article view keeps one height per display segment (estimated, then measured). Laying
//! out a newly visible segment changes one height; recomputing every prefix sum would make
//! each such frame cost O(segments) — 20,000 additions for a 10 MB article.

/// Heights of segments, with the y of each segment's top in O(log n).
#[derive(Clone, Debug, Default)]
pub struct Heights {
    h: Vec<f32>,
    /// 1-based Fenwick tree of `h`, in f64 so 20,000 additions do not drift.
    tree: Vec<f64>,
    /// Space above the first segment.
    header: f32,
}

impl Heights {
    /// Heights from a list, with `header` px above the first segment.
    pub fn new(h: Vec<f32>, header: f32) -> Self {
        let n = h.len();
        let mut tree = vec![0.0; n + 1];
        for (i, &v) in h.iter().enumerate() {
            tree[i + 1] += f64::from(v);
            let parent = (i + 1) + ((i + 1) & (!(i + 1) + 1));
            if parent <= n {
                tree[parent] += tree[i + 1];
            }
        }
        Self { h, tree, header }
    }

    /// Number of segments.
    pub fn len(&self) -> usize {
        self.h.len()
    }

    /// `true` when there are no segments.
    pub fn is_empty(&self) -> bool {
        self.h.is_empty()
    }

    /// Height of segment `i`.
    pub fn get(&self, i: usize) -> f32 {
        self.h[i]
    }

    /// Sets the height of segment `i`.
    pub fn set(&mut self, i: usize, v: f32) {
        let delta = f64::from(v) - f64::from(self.h[i]);
        self.h[i] = v;
        let mut k = i + 1;
        while k < self.tree.len() {
            self.tree[k] += delta;
            k += k & (!k + 1);
        }
    }

    /// y of the top of segment `i` (`i == len()` gives the total height).
    pub fn top(&self, i: usize) -> f32 {
        let mut sum = 0.0;
        let mut k = i.min(self.h.len());
        while k > 0 {
            sum += self.tree[k];
            k &= k - 1;
        }
        self.header + sum as f32
    }

    /// Total height, header included.
    pub fn total(&self) -> f32 {
        self.top(self.h.len())
    }

    /// The segment containing content y (clamped to the first and last).
    pub fn index_at(&self, y: f32) -> usize {
        let n = self.h.len();
        if n == 0 {
            return 0;
        }
        // Largest k with prefix(k) <= y - header: segment k is the one whose top is below y.
        let target = f64::from(y - self.header);
        let mut pos = 0;
        let mut rem = target;
        let mut step = n.next_power_of_two();
        while step > 0 {
            let next = pos + step;
            if next <= n && self.tree[next] <= rem {
                pos = next;
                rem -= self.tree[next];
            }
            step >>= 1;
        }
        pos.min(n - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn agrees_with_plain_prefix_sums(
            hs in proptest::collection::vec(0.0f32..200.0, 1..300),
            edits in proptest::collection::vec((0usize..300, 0.0f32..200.0), 0..40),
            ys in proptest::collection::vec(-50.0f32..60_000.0, 1..20),
        ) {
            let mut h = Heights::new(hs.clone(), 12.0);
            let mut plain = hs;
            for (i, v) in edits {
                let i = i % plain.len();
                h.set(i, v);
                plain[i] = v;
            }
            let mut top = 12.0f64;
            for (i, &v) in plain.iter().enumerate() {
                prop_assert!((f64::from(h.top(i)) - top).abs() < 0.05, "top({i})");
                top += f64::from(v);
            }
            prop_assert!((f64::from(h.total()) - top).abs() < 0.05);
            for y in ys {
                // The plain answer: the last segment whose top is <= y.
                let mut want = 0;
                let mut t = 12.0f64;
                for (i, &v) in plain.iter().enumerate() {
                    if t <= f64::from(y) { want = i; }
                    t += f64::from(v);
                }
                let got = h.index_at(y);
                // Zero-height segments make several answers equally right.
                prop_assert!((f64::from(h.top(got)) - f64::from(h.top(want))).abs() < 0.05, "y {y}: got {got}, want {want}");
            }
        }
    }
}
