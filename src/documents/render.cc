#include "documents/render.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include <memory>

namespace madoguchi::documents {
namespace {

// A4 in points, margins of 20 mm.
constexpr double kA4Width = 595.276;
constexpr double kA4Height = 841.890;
constexpr double kPageMargin = 56.7;
constexpr double kLabelWidth = 150;
constexpr double kQrSize = 85;
constexpr const char* kDocumentFont = "Noto Sans CJK JP";

cairo_status_t append_pdf_bytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// Lays `text` out `width` wide at (x, y) in `size` points, and returns its height. Nothing is
// drawn when `draw` is false (to measure).
double layout_text_at(cairo_t* cr, const std::string& text, double x, double y, double width, double size,
                      bool bold = false, PangoAlignment align = PANGO_ALIGN_LEFT, bool draw = true) {
  PangoLayout* layout = pango_cairo_create_layout(cr);
  PangoFontDescription* font = pango_font_description_from_string(kDocumentFont);
  pango_font_description_set_absolute_size(font, size * PANGO_SCALE);
  if (bold) pango_font_description_set_weight(font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description(layout, font);
  pango_layout_set_width(layout, static_cast<int>(width * PANGO_SCALE));
  pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment(layout, align);
  pango_layout_set_text(layout, text.c_str(), static_cast<int>(text.size()));
  int w = 0, h = 0;
  pango_layout_get_size(layout, &w, &h);
  if (draw) {
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, layout);
  }
  pango_font_description_free(font);
  g_object_unref(layout);
  return static_cast<double>(h) / PANGO_SCALE;
}

void draw_qr_code(cairo_t* cr, const std::string& url, double x, double y, double size) {
  QRcode* qr = QRcode_encodeString(url.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (!qr) return;
  const int quiet = 4;  // the quiet zone scanners need, in modules
  const double module = size / (qr->width + 2 * quiet);
  cairo_set_source_rgb(cr, 0, 0, 0);
  for (int r = 0; r < qr->width; ++r) {
    for (int c = 0; c < qr->width; ++c) {
      if (qr->data[r * qr->width + c] & 1) {
        cairo_rectangle(cr, x + (c + quiet) * module, y + (r + quiet) * module, module, module);
      }
    }
  }
  cairo_fill(cr);
  QRcode_free(qr);
}

void draw_page_footer(cairo_t* cr, const Content& c, int page_no) {
  const double w = kA4Width - 2 * kPageMargin;
  std::string line = c.footer;
  if (!c.number_line.empty()) line = c.number_line + (line.empty() ? "" : "  ") + line;
  line += "  (" + std::to_string(page_no) + ")";
  layout_text_at(cr, line, kPageMargin, kA4Height - kPageMargin + 12, w, 8, false, PANGO_ALIGN_CENTER);
}

}  // namespace

Result<std::string> render_pdf(const Content& c) {
  std::string out;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(append_pdf_bytes, &out, kA4Width, kA4Height);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, c.title.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, c.issuer.c_str());
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 0, 0, 0);
  const double w = kA4Width - 2 * kPageMargin;
  const double bottom = kA4Height - kPageMargin - (c.qr_url.empty() ? 0 : kQrSize + 10);
  int page_no = 1;
  double y = kPageMargin;

  // Title block: number and date on the right, issuer and division on the left, the title.
  double right = 0;
  if (!c.number_line.empty())
    right += layout_text_at(cr, c.number_line, kPageMargin, y, w, 10, false, PANGO_ALIGN_RIGHT);
  right += layout_text_at(cr, c.date_line, kPageMargin, y + right, w, 10, false, PANGO_ALIGN_RIGHT);
  y += right + 14;
  y += layout_text_at(cr, c.issuer, kPageMargin, y, w, 12, true);
  y += layout_text_at(cr, c.department, kPageMargin, y, w, 10) + 28;
  y += layout_text_at(cr, c.title, kPageMargin, y, w, 22, true, PANGO_ALIGN_CENTER) + 24;

  // The table: a rule above each row, label and value side by side.
  cairo_set_line_width(cr, 0.6);
  for (const Row& row : c.rows) {
    const double value_w = w - kLabelWidth - 12;
    const double h = std::max(layout_text_at(cr, row.label, 0, 0, kLabelWidth - 8, 10.5, true, PANGO_ALIGN_LEFT, false),
                              layout_text_at(cr, row.value, 0, 0, value_w, 10.5, false, PANGO_ALIGN_LEFT, false)) +
                     10;
    if (y + h > bottom) {
      draw_page_footer(cr, c, page_no++);
      cairo_show_page(cr);
      y = kPageMargin;
    }
    cairo_move_to(cr, kPageMargin, y);
    cairo_line_to(cr, kPageMargin + w, y);
    cairo_stroke(cr);
    layout_text_at(cr, row.label, kPageMargin + 4, y + 5, kLabelWidth - 8, 10.5, true);
    layout_text_at(cr, row.value, kPageMargin + kLabelWidth + 8, y + 5, value_w, 10.5);
    y += h;
  }
  cairo_move_to(cr, kPageMargin, y);
  cairo_line_to(cr, kPageMargin + w, y);
  cairo_stroke(cr);
  y += 18;
  if (!c.statement.empty()) {
    const double h = layout_text_at(cr, c.statement, 0, 0, w, 11, false, PANGO_ALIGN_LEFT, false);
    if (y + h > bottom) {
      draw_page_footer(cr, c, page_no++);
      cairo_show_page(cr);
      y = kPageMargin;
    }
    y += layout_text_at(cr, c.statement, kPageMargin, y, w, 11);
  }
  if (!c.qr_url.empty()) {
    const double qy = kA4Height - kPageMargin - kQrSize;
    draw_qr_code(cr, c.qr_url, kPageMargin, qy, kQrSize);
    const double cap = layout_text_at(cr, c.qr_caption, kPageMargin + kQrSize + 10, qy + 8, w - kQrSize - 10, 8.5);
    layout_text_at(cr, c.qr_url, kPageMargin + kQrSize + 10, qy + 12 + cap, w - kQrSize - 10, 7.5);
  }
  draw_page_footer(cr, c, page_no);
  cairo_show_page(cr);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  const cairo_status_t status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) return Status::Internal(std::string("cairo: ") + cairo_status_to_string(status));
  return out;
}

}  // namespace madoguchi::documents
