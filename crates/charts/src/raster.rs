//! The PNG: the chart's SVG document rasterised by resvg. Its text arrives as glyph outlines
//! of the embedded font ([`crate::svg::TextAs::Outlines`]), so the PNG needs no fonts at all
//! and shows exactly the text the layout measured (resvg is built without its text engine).

use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg::{Options, Tree};

use crate::Error;

/// Draws `svg` (a document of [`crate::svg`]) as PNG bytes.
pub(crate) fn png(svg: &str) -> Result<Vec<u8>, Error> {
    let tree = Tree::from_str(svg, &Options::default()).map_err(|e| Error::Svg(e.to_string()))?;
    let size = tree.size().to_int_size();
    let mut pixmap = Pixmap::new(size.width(), size.height()).ok_or(Error::Size {
        width: size.width(),
        height: size.height(),
    })?;
    resvg::render(&tree, Transform::default(), &mut pixmap.as_mut());
    encode(&pixmap).map_err(|e| Error::Png(e.to_string()))
}

/// The pixmap as an RGB PNG: every chart has an opaque background, so an alpha channel would
/// only add bytes.
fn encode(pixmap: &Pixmap) -> Result<Vec<u8>, png::EncodingError> {
    let rgb: Vec<u8> = pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue()]
        })
        .collect();
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Balanced);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&rgb)?;
    writer.finish()?;
    Ok(out)
}
