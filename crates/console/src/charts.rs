//! The dashboard's charts as plain geometry: bars in a fixed coordinate box (the SVG's
//! `viewBox`), so the component only draws rectangles and native tests check the scaling.

use tandem_protocol::dashboard::DayFigures;

/// The chart's coordinate box; the SVG scales it to its width.
pub const WIDTH: f64 = 600.0;
pub const HEIGHT: f64 = 200.0;

/// One day's stacked bar: what the assistant answered at the bottom, handed over on top.
#[derive(Debug, Clone, PartialEq)]
pub struct DayBar {
    pub day: String,
    pub x: f64,
    pub width: f64,
    pub answered: (f64, f64),
    pub handed_over: (f64, f64),
}

/// Bars for every day, scaled so the busiest day fills the height.
pub fn day_bars(days: &[DayFigures]) -> Vec<DayBar> {
    let most = days
        .iter()
        .map(|d| d.answered + d.handed_over)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let slot = WIDTH / days.len().max(1) as f64;
    days.iter()
        .enumerate()
        .map(|(i, d)| {
            let answered = d.answered as f64 / most * HEIGHT;
            let handed = d.handed_over as f64 / most * HEIGHT;
            DayBar {
                day: d.day.clone(),
                x: i as f64 * slot + slot * 0.1,
                width: slot * 0.8,
                // (y, height) in SVG coordinates, y growing downwards.
                answered: (HEIGHT - answered, answered),
                handed_over: (HEIGHT - answered - handed, handed),
            }
        })
        .collect()
}

/// A share as a whole percentage, or a dash when there is nothing to share.
pub fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "–".to_owned(), |s| format!("{:.0} %", s * 100.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(day: &str, answered: u64, handed_over: u64) -> DayFigures {
        DayFigures {
            day: day.into(),
            answered,
            handed_over,
            ..DayFigures::default()
        }
    }

    #[test]
    fn the_busiest_day_fills_the_height_and_bars_stack() {
        let bars = day_bars(&[day("d1", 30, 10), day("d2", 10, 10), day("d3", 0, 0)]);
        assert_eq!(bars.len(), 3);
        assert_eq!(bars[0].answered, (50.0, 150.0));
        assert_eq!(
            bars[0].handed_over,
            (0.0, 50.0),
            "on top, up to the full height"
        );
        assert_eq!(bars[1].answered, (150.0, 50.0));
        assert_eq!(bars[2].answered.1 + bars[2].handed_over.1, 0.0);
        assert!(bars[1].x > bars[0].x + bars[0].width, "bars do not overlap");
        assert!(bars[2].x + bars[2].width <= WIDTH);
    }

    #[test]
    fn an_empty_range_draws_nothing_and_shares_read_as_a_dash() {
        assert!(day_bars(&[]).is_empty());
        assert_eq!(percent(None), "–");
        assert_eq!(percent(Some(0.756)), "76 %");
    }
}
