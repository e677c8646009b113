//! The layout of a timeline ([`Gantt`]): lane and row geometry, overlapping bars stacked in
//! tracks, and each lane's time scale.
//!
//! Lanes of very different lengths get their own scales: lanes are grouped so that within a
//! group the longest run is at most twice the shortest, and each group has its own range, so
//! a 160 ms sequential lane no longer squeezes 10 ms parallel lanes into a sliver. When every
//! lane is in one group they share one axis under the last lane; otherwise each lane has its
//! own axis, with its unit at the axis's right end. Every row gets a label: rows are at least
//! as tall as the label digits (the image grows instead, up to [`MAX_HEIGHT`]). A row whose
//! tasks overlap in time (tasks waiting side by side on one thread) is split into tracks of
//! at least [`MIN_TRACK`] pixels with a gap between them, and its label gives the count.

use crate::text::Weight;

use crate::axes::{linear_ticks, Axis};
use crate::format::seconds_unit;
use crate::style::*;
use crate::text::text_width;
use crate::{Bar, Gantt, Unit};

/// Image height bounds: the height follows the number of rows.
const MIN_HEIGHT: f64 = 420.0;
const TARGET_HEIGHT: f64 = 750.0;
pub(crate) const MAX_HEIGHT: f64 = 4000.0;
/// Row height bounds in pixels: below `MIN_ROW` the image grows (up to `MAX_HEIGHT`), so every
/// row label fits.
const MAX_ROW: f64 = 26.0;
const MIN_ROW: f64 = 12.0;
/// A lane is at least this tall, so its label lines fit.
pub(crate) const LANE_MIN: f64 = 46.0;
pub(crate) const LANE_GAP: f64 = 14.0;
/// Extra gap under a lane that has its own axis (tick marks and labels).
pub(crate) const LANE_AXIS: f64 = 26.0;
pub(crate) const LANE_LABEL_SIZE: f64 = 17.0;
pub(crate) const LANE_DETAIL_SIZE: f64 = 14.0;
pub(crate) const ROW_LABEL_SIZE: f64 = 12.0;
pub(crate) const LANE_TICK_SIZE: f64 = 13.0;
pub(crate) const NOTE_SIZE: f64 = 15.0;
/// Overlapping bars of one row get at most this many tracks (later ones share the track that
/// frees first), each at least `MIN_TRACK` pixels tall, gap included.
const MAX_TRACKS: usize = 32;
pub(crate) const MIN_TRACK: f64 = 5.0;
const MAX_ROW_UNITS: f64 = 4.0;
/// Lanes share a time scale while the longest of them is at most this many times the
/// shortest.
const SHARE_WITHIN: f64 = 2.0;

/// Everything measured before drawing a timeline.
pub(crate) struct Layout {
    pub(crate) height: f64,
    pub(crate) lanes: Vec<LaneGeom>,
    /// Left column width (lane labels), and the row label column right of it.
    pub(crate) label_w: f64,
    pub(crate) row_label_w: f64,
    /// Whether all lanes share the axis drawn under the last one.
    pub(crate) shared: bool,
    /// The time axis title, with its unit when the axis is shared.
    pub(crate) x_title: String,
}

pub(crate) struct LaneGeom {
    pub(crate) top: f64,
    pub(crate) height: f64,
    pub(crate) rows: Vec<RowGeom>,
    /// This lane's time axis (its own scale, or the shared one).
    pub(crate) axis: Axis,
    /// The unit of the axis's labels ("ms").
    pub(crate) unit: &'static str,
}

pub(crate) struct RowGeom {
    pub(crate) top: f64,
    pub(crate) height: f64,
    pub(crate) tracks: usize,
    /// The most tasks running at once in this row.
    pub(crate) overlap: usize,
    /// The row's drawable bars in time order, each with its track.
    pub(crate) bars: Vec<(Bar, usize)>,
}

impl RowGeom {
    /// The label of row `index`: its number, and how many tasks overlap in it (if they do).
    pub(crate) fn label(&self, index: usize) -> String {
        if self.overlap > 1 {
            format!("{index} ×{}", self.overlap)
        } else {
            index.to_string()
        }
    }
}

/// A row's bars in time order, each with its track, and the number of tracks.
type Tracked = (Vec<(Bar, usize)>, usize);

/// Sorts a row's bars and gives each the first track free at its start.
fn tracks(mut bars: Vec<Bar>) -> Tracked {
    bars.sort_by(|a, b| a.start.total_cmp(&b.start));
    let mut ends: Vec<f64> = Vec::new();
    let placed = bars
        .into_iter()
        .map(|b| {
            let free = ends.iter().position(|&e| e <= b.start);
            let t = match free {
                Some(t) => t,
                None if ends.len() < MAX_TRACKS => {
                    ends.push(f64::NEG_INFINITY);
                    ends.len() - 1
                }
                None => (0..ends.len())
                    .min_by(|&x, &y| ends[x].total_cmp(&ends[y]))
                    .unwrap_or(0),
            };
            ends[t] = ends[t].max(b.end);
            (b, t)
        })
        .collect();
    (placed, ends.len().max(1))
}

/// The most bars of `bars` that overlap at one instant (touching ends do not overlap).
fn max_overlap(bars: &[(Bar, usize)]) -> usize {
    let mut events: Vec<(f64, i32)> = bars
        .iter()
        .flat_map(|(b, _)| [(b.start, 1), (b.end.max(b.start), -1)])
        .collect();
    // Ends before starts at the same instant.
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut now, mut most) = (0i32, 0i32);
    for (_, d) in events {
        now += d;
        most = most.max(now);
    }
    most.max(0) as usize
}

/// Height of a row with `tracks` tracks, in plain rows.
fn row_units(tracks: usize) -> f64 {
    (1.0 + (tracks.max(1) - 1) as f64 / 4.0).min(MAX_ROW_UNITS)
}

/// The end of a lane's time range: its last bar or run end.
fn lane_end(l: &crate::Lane) -> f64 {
    l.bars
        .iter()
        .map(|b| b.end)
        .chain(l.end)
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max)
}

/// For each lane, the end of its group's range: lanes are taken longest first, and each
/// takes along every lane at least 1 / [`SHARE_WITHIN`] as long.
fn group_ends(ends: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..ends.len()).collect();
    order.sort_by(|&a, &b| ends[b].total_cmp(&ends[a]));
    let mut out = vec![0.0; ends.len()];
    let mut done = vec![false; ends.len()];
    for &leader in &order {
        if done[leader] {
            continue;
        }
        let top = ends[leader];
        for &i in &order {
            if !done[i] && ends[i] * SHARE_WITHIN >= top {
                done[i] = true;
                out[i] = top;
            }
        }
    }
    out
}

/// A time axis from 0 to `end` (a little room after it), in the unit its ticks call for.
fn time_axis(end: f64, ticks: usize) -> (Axis, &'static str) {
    let hi = if end > 0.0 { end * 1.02 } else { 1.0 };
    let ticks = linear_ticks(0.0, hi, ticks, false);
    let largest = ticks.iter().fold(0.0_f64, |m, t| m.max(*t));
    let (_, unit) = seconds_unit(if largest > 0.0 { largest } else { hi });
    let axis = Axis::new((0.0, hi), false, (ticks, vec![]), Unit::Seconds, "{unit}");
    (axis, unit)
}

impl Layout {
    pub(crate) fn new(g: &Gantt) -> Layout {
        let ends: Vec<f64> = g.lanes.iter().map(lane_end).collect();
        let groups = group_ends(&ends);
        let mut distinct = groups.clone();
        distinct.sort_by(f64::total_cmp);
        distinct.dedup();
        let shared = distinct.len() <= 1;

        let (top, bottom) = margins(g, shared);
        let gap = if shared {
            LANE_GAP
        } else {
            LANE_GAP + LANE_AXIS
        };
        let gaps = gap * g.lanes.len().saturating_sub(1) as f64;
        let placed: Vec<Vec<Tracked>> = g.lanes.iter().map(lane_rows).collect();
        let fixed = top + bottom + gaps + if shared { 0.0 } else { LANE_AXIS };
        let row = row_height(&placed, fixed);
        let mut lanes = Vec::with_capacity(g.lanes.len());
        let mut y = top;
        for (rows, group_end) in placed.into_iter().zip(&groups) {
            let end = if shared {
                ends.iter().copied().fold(0.0, f64::max)
            } else {
                *group_end
            };
            let time = time_axis(end, if shared { 8 } else { 6 });
            let lane = lane_geom(rows, y, row, time);
            y += lane.height + gap;
            lanes.push(lane);
        }
        let height = (y - gap + bottom + if shared { 0.0 } else { LANE_AXIS })
            .clamp(MIN_HEIGHT, MAX_HEIGHT.max(y));
        let (label_w, row_label_w) = label_widths(g, &lanes);
        let x_title = match (shared, lanes.first()) {
            (true, Some(l)) => g.x_label.replace("{unit}", l.unit),
            (true, None) => g.x_label.replace("{unit}", "s"),
            (false, _) => g.x_label.replace("{unit}", "each lane on its own scale"),
        };
        Layout {
            height,
            lanes,
            label_w,
            row_label_w,
            shared,
            x_title,
        }
    }
}

/// The space above the first lane (titles) and below the last (axis and note).
fn margins(g: &Gantt, shared: bool) -> (f64, f64) {
    let mut top = 14.0;
    if !g.title.is_empty() {
        top += TITLE_SIZE + 12.0;
    }
    if !g.subtitle.is_empty() {
        top += SUBTITLE_SIZE + 10.0;
    }
    top += 16.0;
    let axis = 12.0 + TICK_SIZE + 14.0 + AXIS_DESC_SIZE + 10.0;
    let axis = if shared {
        axis
    } else {
        axis - TICK_SIZE - 12.0
    };
    let note = if g.note.is_empty() {
        0.0
    } else {
        NOTE_SIZE + 12.0
    };
    (top, axis + note + 12.0)
}

/// A lane's rows with their bars in tracks.
fn lane_rows(l: &crate::Lane) -> Vec<Tracked> {
    let mut by_row: Vec<Vec<Bar>> = vec![Vec::new(); l.rows.max(1) as usize];
    for b in &l.bars {
        let drawable = b.start.is_finite() && b.end.is_finite();
        if let (true, Some(v)) = (drawable, by_row.get_mut(b.row as usize)) {
            v.push(*b);
        }
    }
    by_row.into_iter().map(tracks).collect()
}

/// The height of a plain row: what fits the target height beside the `fixed` parts, or,
/// below [`MIN_ROW`], what fits the largest image.
fn row_height(placed: &[Vec<Tracked>], fixed: f64) -> f64 {
    let units: f64 = placed
        .iter()
        .flat_map(|rows| rows.iter().map(|(_, t)| row_units(*t)))
        .sum::<f64>()
        .max(1.0);
    let mut row = ((TARGET_HEIGHT - fixed) / units).min(MAX_ROW);
    if row < MIN_ROW {
        row = ((MAX_HEIGHT - fixed) / units).min(MIN_ROW);
    }
    row
}

/// One lane from its rows, starting at `y`, with plain rows `row` pixels tall.
fn lane_geom(rows: Vec<Tracked>, y: f64, row: f64, (axis, unit): (Axis, &'static str)) -> LaneGeom {
    // Overlapping tasks get tracks they can be counted in.
    let height_of = |tracks: usize| (row_units(tracks) * row).max(tracks as f64 * MIN_TRACK);
    // A lane shorter than its labels gets taller rows rather than blank space.
    let natural: f64 = rows.iter().map(|(_, t)| height_of(*t)).sum();
    let stretch = (LANE_MIN / natural.max(f64::MIN_POSITIVE)).max(1.0);
    let mut ry = y;
    let rows: Vec<RowGeom> = rows
        .into_iter()
        .map(|(bars, tracks)| {
            let height = height_of(tracks) * stretch;
            let r = RowGeom {
                top: ry,
                height,
                tracks,
                overlap: max_overlap(&bars),
                bars,
            };
            ry += height;
            r
        })
        .collect();
    LaneGeom {
        top: y,
        height: (ry - y).max(LANE_MIN),
        rows,
        axis,
        unit,
    }
}

/// The widths of the lane label column and of the row label column.
fn label_widths(g: &Gantt, lanes: &[LaneGeom]) -> (f64, f64) {
    let label_w = g
        .lanes
        .iter()
        .flat_map(|l| {
            [
                text_width(&l.label, LANE_LABEL_SIZE, Weight::Bold),
                text_width(&l.detail, LANE_DETAIL_SIZE, Weight::Normal),
            ]
        })
        .max()
        .map_or(120.0, f64::from)
        .clamp(120.0, 320.0);
    let row_label_w = lanes
        .iter()
        .flat_map(|l| l.rows.iter().enumerate().map(|(i, r)| r.label(i)))
        .map(|t| text_width(&t, ROW_LABEL_SIZE, Weight::Normal))
        .max()
        .map_or(10.0, f64::from)
        + 10.0;
    (label_w, row_label_w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_of_similar_length_share_a_scale() {
        // The demo's sleep timeline: a 165 ms sequential lane, parallel lanes of 7 to 42 ms.
        let ends = [0.165, 0.011, 0.011, 0.042, 0.012, 0.007, 0.0116];
        let g = group_ends(&ends);
        assert_eq!(g[0], 0.165);
        assert_eq!(g[3], 0.042);
        // 11-12 ms lanes share the 12.4 ms range; 7 ms is more than half of 12: it joins too.
        assert_eq!(g[1], 0.012);
        assert_eq!(g[5], 0.012);
        assert_eq!(group_ends(&[0.1, 0.06, 0.07]), [0.1, 0.1, 0.1]);
    }

    fn lane(rows: u32, bars: Vec<Bar>, end: f64) -> crate::Lane {
        crate::Lane {
            label: "m".into(),
            detail: String::new(),
            color_index: 0,
            rows,
            row_label: "thread".into(),
            bars,
            end: Some(end),
            excluded: None,
        }
    }

    #[test]
    fn every_row_and_track_has_room() {
        // Seven lanes of 16 rows, one with 24 tasks waiting at once in its first row.
        let waits: Vec<Bar> = (0..24)
            .map(|_| Bar {
                row: 0,
                start: 0.0003,
                end: 0.0064,
            })
            .collect();
        let mut lanes: Vec<_> = (0..6).map(|_| lane(16, vec![], 0.011)).collect();
        lanes.push(lane(16, waits, 0.0068));
        let g = Gantt {
            title: "t".into(),
            subtitle: String::new(),
            x_label: "time ({unit})".into(),
            lanes,
            note: String::new(),
        };
        let l = Layout::new(&g);
        for lane in &l.lanes {
            for r in &lane.rows {
                // Digits of the row label are 0.75 em tall, plus a gap.
                assert!(r.height >= ROW_LABEL_SIZE * 0.75 + 2.0, "{}", r.height);
                assert!(r.height / r.tracks as f64 >= MIN_TRACK - 1e-9);
            }
        }
        let busy = &l.lanes[6].rows[0];
        assert_eq!(
            (busy.tracks, busy.overlap, busy.label(0).as_str()),
            (24, 24, "0 ×24")
        );
        // 11 and 6.8 ms are within a factor of two: one shared axis, in ms.
        assert!(l.shared);
        assert_eq!(l.x_title, "time (ms)");
    }

    #[test]
    fn overlap_counts_tasks_running_at_once() {
        let bar = |start, end| (Bar { row: 0, start, end }, 0);
        assert_eq!(max_overlap(&[bar(0.0, 1.0), bar(1.0, 2.0)]), 1);
        assert_eq!(
            max_overlap(&[bar(0.0, 3.0), bar(1.0, 2.0), bar(1.5, 4.0)]),
            3
        );
        assert_eq!(max_overlap(&[]), 0);
    }
}
