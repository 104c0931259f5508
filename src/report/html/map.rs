//! The world map of the HTML report: an inline SVG choropleth of the
//! overall band, each country a link to its section.
//!
//! The shapes are Natural Earth's 1:110m countries (`world-110m.txt`, built
//! by `scripts/build_map.py`, licences in `world-110m.LICENSE`) in longitude
//! and latitude; they are projected here with the Equal Earth projection,
//! which keeps areas in proportion. States too small for that scale are
//! drawn as dots when they are countries of the data. Every shape is drawn,
//! scored or not, so a year with few scores still shows the whole world.

use std::fmt::Write;

use super::context::{Ctx, country_anchor, esc};

/// The shapes, embedded.
const WORLD: &str = include_str!("world-110m.txt");

/// Width of the map in SVG units; the height follows from the projection.
const WIDTH: f64 = 1000.0;

/// Radius of the dot of a small state, in SVG units.
const DOT: f64 = 3.2;

/// What a line of the shape file draws.
enum Geometry {
    /// Rings of longitude and latitude, in degrees.
    Rings(Vec<Vec<(f64, f64)>>),
    /// One point, for a state too small to draw.
    Dot(f64, f64),
}

/// One shape: its ISO 3166 alpha-3 code (empty for shapes without one), its
/// Natural Earth name and what to draw.
struct Shape {
    iso3: &'static str,
    name: &'static str,
    geometry: Geometry,
}

/// A `lon,lat` pair in tenths of a degree, as degrees.
fn point(p: &str) -> Option<(f64, f64)> {
    let (x, y) = p.split_once(',')?;
    Some((
        f64::from(x.parse::<i32>().ok()?) / 10.0,
        f64::from(y.parse::<i32>().ok()?) / 10.0,
    ))
}

/// The shapes of the embedded file; a line that does not parse is left out
/// (the unit tests hold the file to parse whole).
fn shapes() -> Vec<Shape> {
    WORLD
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut f = l.splitn(3, '\t');
            let (iso3, name, geo) = (f.next()?, f.next()?, f.next()?);
            let geometry = match geo.strip_prefix('@') {
                Some(p) => {
                    let (x, y) = point(p)?;
                    Geometry::Dot(x, y)
                }
                None => Geometry::Rings(
                    geo.split(';')
                        .map(|r| r.split(' ').map(point).collect::<Option<Vec<_>>>())
                        .collect::<Option<Vec<_>>>()?,
                ),
            };
            Some(Shape {
                iso3,
                name,
                geometry,
            })
        })
        .collect()
}

/// The Equal Earth projection (Šavrič, Patterson and Jenny, 2018) of a
/// longitude and latitude in degrees: `x` east, `y` north, on a sphere of
/// radius 1.
pub(super) fn equal_earth(lon: f64, lat: f64) -> (f64, f64) {
    const A1: f64 = 1.340264;
    const A2: f64 = -0.081106;
    const A3: f64 = 0.000893;
    const A4: f64 = 0.003796;
    let m = 3f64.sqrt() / 2.0;
    let theta = (m * lat.to_radians().sin()).asin();
    let t2 = theta * theta;
    let t6 = t2 * t2 * t2;
    let x = lon.to_radians() * theta.cos()
        / (m * (A1 + 3.0 * A2 * t2 + t6 * (7.0 * A3 + 9.0 * A4 * t2)));
    let y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2));
    (x, y)
}

/// Rings of points (longitude and latitude, or SVG coordinates).
type Rings = Vec<Vec<(f64, f64)>>;

/// Projected shapes placed on the map: the SVG coordinates of every ring
/// or dot, the map's height, in the order of the shape file.
struct Placed {
    shapes: Vec<(Shape, Rings)>,
    height: f64,
}

fn place(shapes: Vec<Shape>) -> Placed {
    let projected: Vec<(Shape, Rings)> = shapes
        .into_iter()
        .map(|s| {
            let rings = match &s.geometry {
                Geometry::Rings(rings) => rings
                    .iter()
                    .map(|r| r.iter().map(|&(x, y)| equal_earth(x, y)).collect())
                    .collect(),
                Geometry::Dot(x, y) => vec![vec![equal_earth(*x, *y)]],
            };
            (s, rings)
        })
        .collect();
    let all = || projected.iter().flat_map(|(_, r)| r.iter().flatten());
    let fold = |f: fn(f64, f64) -> f64, start: f64, pick: fn(&(f64, f64)) -> f64| {
        all().map(pick).fold(start, f)
    };
    let (x0, x1) = (
        fold(f64::min, f64::INFINITY, |p| p.0),
        fold(f64::max, f64::NEG_INFINITY, |p| p.0),
    );
    let (y0, y1) = (
        fold(f64::min, f64::INFINITY, |p| p.1),
        fold(f64::max, f64::NEG_INFINITY, |p| p.1),
    );
    let pad = DOT + 1.0;
    let scale = if x1 > x0 {
        (WIDTH - 2.0 * pad) / (x1 - x0)
    } else {
        1.0
    };
    let shapes = projected
        .into_iter()
        .map(|(s, rings)| {
            let rings = rings
                .into_iter()
                .map(|r| {
                    r.into_iter()
                        .map(|(x, y)| (pad + (x - x0) * scale, pad + (y1 - y) * scale))
                        .collect()
                })
                .collect();
            (s, rings)
        })
        .collect();
    Placed {
        shapes,
        height: ((y1 - y0).max(0.0) * scale + 2.0 * pad).ceil(),
    }
}

/// An SVG path of rings: absolute start, then relative steps in tenths of
/// a unit (steps that round to nothing are left out).
fn path(rings: &[Vec<(f64, f64)>]) -> String {
    let tenth = |v: f64| (v * 10.0).round() as i64;
    let num = |v: i64| {
        let sign = if v < 0 { "-" } else { "" };
        let a = v.abs();
        if a % 10 == 0 {
            format!("{sign}{}", a / 10)
        } else {
            format!("{sign}{}.{}", a / 10, a % 10)
        }
    };
    let mut d = String::new();
    for r in rings {
        let Some(&(x, y)) = r.first() else { continue };
        let (mut px, mut py) = (tenth(x), tenth(y));
        let _ = write!(d, "M{} {}", num(px), num(py));
        for &(x, y) in &r[1..] {
            let (qx, qy) = (tenth(x), tenth(y));
            if (qx, qy) != (px, py) {
                let _ = write!(d, "l{} {}", num(qx - px), num(qy - py));
                (px, py) = (qx, qy);
            }
        }
        d.push('z');
    }
    d
}

/// Writes the map, its legend and its text alternative.
pub(super) fn world_map(out: &mut String, c: &Ctx<'_, '_>) {
    let panel = c.run.panel;
    let placed = place(shapes());
    let h = placed.height;
    let noun = if c.s.probability {
        "probability"
    } else {
        "overall score"
    };
    let _ = writeln!(
        out,
        "<figure class=\"map\" id=\"map\"><svg viewBox=\"0 0 {WIDTH} {h}\" aria-labelledby=\"map-title\" preserveAspectRatio=\"xMidYMid meet\"><title id=\"map-title\">Map of the {noun} band by country, {}</title>\n<defs><pattern id=\"hatch\" width=\"5\" height=\"5\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect class=\"hatch-bg\" width=\"5\" height=\"5\"/><line class=\"hatch-line\" x1=\"0\" y1=\"0\" x2=\"0\" y2=\"5\"/></pattern></defs>",
        c.s.year
    );
    for (shape, rings) in &placed.shapes {
        let in_panel = (!shape.iso3.is_empty())
            .then(|| panel.countries.iter().find(|x| x.iso3 == shape.iso3))
            .flatten();
        let name = in_panel.map_or(shape.name, |x| x.name.as_str());
        let profile = c.profile(shape.iso3);
        let is_dot = matches!(shape.geometry, Geometry::Dot(..));
        if is_dot && in_panel.is_none() {
            continue;
        }
        let drawn = |attrs: &str, title: &str| {
            if is_dot {
                let (x, y) = rings[0][0];
                format!(
                    "<circle {attrs} class=\"dot\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{DOT}\"><title>{title}</title></circle>"
                )
            } else {
                format!(
                    "<path {attrs} d=\"{}\"><title>{title}</title></path>",
                    path(rings)
                )
            }
        };
        match profile {
            Some(b) => {
                let band = b.band.as_deref().unwrap_or("");
                let class = c.band_class(band);
                let title = esc(&format!(
                    "{name}: {} ({band}), rank {}",
                    c.level(b.score),
                    b.rank
                ));
                let _ = writeln!(
                    out,
                    "<a href=\"#{}\">{}</a>",
                    country_anchor(&b.iso3),
                    drawn(&format!("class=\"{class}\""), &title)
                );
            }
            None if in_panel.is_some() => {
                let title = esc(&format!("{name}: no score in {}", c.s.year));
                let _ = writeln!(out, "{}", drawn("class=\"ns\"", &title));
            }
            None => {
                let title = esc(&format!("{name}: not in the data"));
                let _ = writeln!(out, "{}", drawn("class=\"na\"", &title));
            }
        }
    }
    out.push_str("</svg>\n");
    legend(out, c);
    text_alternative(out, c, noun);
    out.push_str("</figure>\n");
}

fn legend(out: &mut String, c: &Ctx<'_, '_>) {
    out.push_str("<p class=\"legend\">");
    for (name, min) in c.bands.iter().rev() {
        let _ = write!(
            out,
            "<span><i class=\"{}\"></i>{} <span class=\"small\">from {}</span></span> ",
            c.band_class(name),
            esc(name),
            c.level(Some(*min))
        );
    }
    out.push_str("<span><i class=\"ns\"></i>no score</span> <span><i class=\"na\"></i>not in the data</span></p>\n");
}

/// The map in words: the countries of the two top bands, and where the
/// rest are.
fn text_alternative(out: &mut String, c: &Ctx<'_, '_>, noun: &str) {
    let mut parts = Vec::new();
    for (name, _) in c.bands.iter().rev().take(2) {
        let names: Vec<String> =
            c.s.profiles
                .iter()
                .filter(|b| b.band.as_deref() == Some(name.as_str()))
                .map(|b| esc(&b.country))
                .collect();
        if !names.is_empty() {
            parts.push(format!(
                "{} ({}): {}",
                esc(name),
                names.len(),
                names.join(", ")
            ));
        }
    }
    let _ = writeln!(
        out,
        "<figcaption class=\"small\">The {noun} band of every country with a score, by colour; hatched: no score this year; grey: not in the data. Small states are dots. Click a country for its section. {} Every country is listed with its score in the <a href=\"#ranking\">full ranking</a>. Borders are Natural Earth's de facto lines (public domain) and take no position on any dispute.</figcaption>",
        if parts.is_empty() {
            String::new()
        } else {
            format!("In the two top bands: {}.", parts.join("; "))
        }
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_file_parses_whole() {
        let lines = WORLD
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .count();
        let shapes = shapes();
        assert_eq!(shapes.len(), lines);
        let drawn = shapes
            .iter()
            .filter(|s| matches!(s.geometry, Geometry::Rings(_)))
            .count();
        assert!(drawn >= 150, "{drawn} shapes");
        assert!(shapes.iter().any(|s| s.iso3 == "SDN"));
        assert!(shapes.iter().any(|s| s.iso3 == "XKX"));
        // Small states of the shipped panel are dots.
        assert!(
            shapes
                .iter()
                .any(|s| s.iso3 == "BHR" && matches!(s.geometry, Geometry::Dot(..)))
        );
    }

    #[test]
    fn equal_earth_matches_its_published_extent() {
        // x at the equator and the antimeridian: 2.7066; y at the pole: 1.3174.
        let (x, y) = equal_earth(180.0, 0.0);
        assert!((x - 2.706_6).abs() < 1e-3 && y.abs() < 1e-12, "{x} {y}");
        let (x, y) = equal_earth(0.0, 90.0);
        assert!(x.abs() < 1e-12 && (y - 1.317_4).abs() < 1e-3, "{x} {y}");
        let (x, y) = equal_earth(-90.0, -45.0);
        assert!(x < 0.0 && y < 0.0);
    }

    #[test]
    fn paths_are_relative_and_skip_steps_that_round_away() {
        let d = path(&[vec![(1.0, 2.0), (1.01, 2.0), (3.5, 2.25), (1.0, 2.0)]]);
        assert_eq!(d, "M1 2l2.5 0.3l-2.5 -0.3z");
    }

    #[test]
    fn placed_shapes_fit_the_map() {
        let p = place(shapes());
        assert!(p.height > 300.0 && p.height < 500.0, "{}", p.height);
        for (_, rings) in &p.shapes {
            for &(x, y) in rings.iter().flatten() {
                assert!((0.0..=WIDTH).contains(&x) && (0.0..=p.height).contains(&y));
            }
        }
    }
}
