//! The plan types: what a chart shows, as plain data (no pixels, no drawing). A [`Figure`] is
//! either line charts over numbers ([`Chart`]: series of points, a reference line, fitted
//! curves) or a timeline of bars ([`Gantt`]).

/// Anything a chart kind draws: the line charts, or a timeline of bars.
#[derive(Debug, Clone, PartialEq)]
pub enum Figure {
    Lines(Box<Chart>),
    Gantt(Gantt),
}

/// A timeline as data: lanes stacked top to bottom, each a group of rows (workers) with a bar
/// per task, on a time axis shared by lanes of similar length.
#[derive(Debug, Clone, PartialEq)]
pub struct Gantt {
    pub title: String,
    pub subtitle: String,
    /// The time axis title: `{unit}` in it becomes the unit of a shared axis ("ms"), or says
    /// that each lane has its own scale.
    pub x_label: String,
    pub lanes: Vec<Lane>,
    /// A line of text under the plot (e.g. what was not recorded); may be empty.
    pub note: String,
}

/// One lane: one recorded run.
#[derive(Debug, Clone, PartialEq)]
pub struct Lane {
    /// Bold lane title, e.g. the model.
    pub label: String,
    /// Smaller line under it, e.g. "2 threads, run 4".
    pub detail: String,
    /// Stable colour (as for [`Series::color_index`]).
    pub color_index: usize,
    /// Number of rows; bars name theirs by index.
    pub rows: u32,
    /// What a row is ("thread", "process" ...), for the row labels.
    pub row_label: String,
    pub bars: Vec<Bar>,
    /// Where the run ended (a mark after the last bar: the rest is teardown).
    pub end: Option<f64>,
    /// A stretch of the run outside its measurement, drawn shaded under the bars with its
    /// label (an interpreter starting before the program's own clock).
    pub excluded: Option<Excluded>,
}

/// A labelled stretch of a lane's time axis that the measurement leaves out.
#[derive(Debug, Clone, PartialEq)]
pub struct Excluded {
    pub start: f64,
    pub end: f64,
    /// E.g. "interpreter start (excluded)".
    pub label: String,
}

/// One task: its row and its start and end on the x axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    pub row: u32,
    pub start: f64,
    pub end: f64,
}

/// One chart, as data: what to draw, not how.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// Main title, e.g. "cpu-vs-io / primes: speedup vs workers".
    pub title: String,
    /// Second, smaller line under the title (kernel, tasks, baseline ...).
    pub subtitle: String,
    pub x_label: String,
    /// The y axis title; with [`Unit::Seconds`], `{unit}` in it becomes the unit the renderer
    /// picks for the ticks ("s", "ms", "µs", "ns"), so title and ticks always agree.
    pub y_label: String,
    pub y_unit: Unit,
    /// Logarithmic x axis (base 2 ticks look best for worker counts). A linear x axis without
    /// [`Chart::x_values`] gets round-number ticks (e.g. seconds into a session).
    pub x_log: bool,
    /// Logarithmic y axis.
    pub y_log: bool,
    /// What the renderer does when a few series lie far above the others (see [`Outliers`]).
    pub outliers: Outliers,
    /// The x values every chart of the workload shows (its measured worker counts and the core
    /// count): they set the x range and ticks, so the charts of a workload share one x axis
    /// whatever each has points for. Empty: taken from the points.
    pub x_values: Vec<f64>,
    pub series: Vec<Series>,
    /// Dashed grey reference line (e.g. ideal speedup y = x), drawn under the series.
    pub reference: Option<Reference>,
    /// Vertical dotted marker at this x (e.g. the logical core count), with its label.
    pub marker: Option<(f64, String)>,
    /// Fitted model curves, dashed, possibly reaching past the data into a shaded
    /// prediction region; `None` on charts without fits.
    pub fits: Option<Fits>,
    /// The legend entry of hollow points ([`Point::hollow`]), shown when any point is hollow.
    pub hollow_label: Option<String>,
    /// Sentences shown under the legend (e.g. why no curve was fitted).
    pub notes: Vec<String>,
}

/// The unit of an axis's values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Unit {
    /// Plain numbers (the title names any unit itself, e.g. "peak RSS (MiB)").
    #[default]
    Plain,
    /// Seconds, written in s, ms, µs or ns as the values call for.
    Seconds,
}

/// How a linear y axis copes with outlier series: one or a few series whose largest value is
/// several times every other series' (e.g. a model whose "workers" mean something else),
/// which would flatten the others into a line at the bottom.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Outliers {
    /// Switch to a logarithmic y axis (when every value is positive; else as `Break`).
    #[default]
    LogScale,
    /// Keep the linear axis (e.g. so the ideal speedup stays a straight line) and cut it above
    /// the other series, with a marked break; points above it are drawn at the break.
    Break,
}

/// Curves fitted to the series (e.g. the USL per model) and how far the data goes.
#[derive(Debug, Clone, PartialEq)]
pub struct Fits {
    /// One legend entry for every curve, e.g. "USL fit (prediction)".
    pub label: String,
    pub curves: Vec<FitCurve>,
    /// The largest measured x: beyond it the chart shows predictions only, in a shaded region
    /// labelled `region_label`.
    pub measured_to: f64,
    pub region_label: String,
}

/// One fitted curve, drawn dashed in the colour of the series it was fitted to.
#[derive(Debug, Clone, PartialEq)]
pub struct FitCurve {
    pub color_index: usize,
    pub points: Vec<(f64, f64)>,
}

/// A reference line such as "ideal".
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub label: String,
    pub points: Vec<(f64, f64)>,
}

/// One line of the chart: one model.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub label: String,
    /// Stable colour for this series across every chart of a run (an index into the renderer's
    /// palette).
    pub color_index: usize,
    pub points: Vec<Point>,
    /// How its line and markers are drawn (solid unless said otherwise).
    pub style: SeriesStyle,
}

/// How a series is drawn.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SeriesStyle {
    /// Solid line, filled markers: the data the chart is about.
    #[default]
    Solid,
    /// Dashed line, hollow markers: data shown for reference beside it (e.g. the base run of
    /// a comparison, drawn in the same colour as its new run).
    Dashed,
    /// Filled markers and no line: one mark per measurement where joining them would suggest
    /// a trend between them (e.g. each run at its time in the session); the legend shows the
    /// marker only.
    Scatter,
}

/// One measured point, with an optional confidence interval drawn as an error bar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
    pub ci: Option<(f64, f64)>,
    /// Drawn hollow and explained by [`Chart::hollow_label`]: measured, but not what the
    /// chart is about (e.g. more workers than cores on CPU-bound work).
    pub hollow: bool,
}

impl Point {
    /// A filled point.
    pub fn new(x: f64, y: f64, ci: Option<(f64, f64)>) -> Point {
        Point {
            x,
            y,
            ci,
            hollow: false,
        }
    }
}
