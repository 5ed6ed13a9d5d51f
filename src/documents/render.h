// The PDF of a document: A4 portrait, laid out with pango (HarfBuzz shaping, so Japanese,
// and the other scripts residents write in, come out as written) and drawn with cairo, whose
// PDF embeds the subset of each font it uses. The fonts are Debian's Noto CJK (fonts-noto-cjk);
// fontconfig finds them by family name.
#pragma once

#include <string>
#include <vector>

#include "core/date.h"
#include "core/status.h"

namespace madoguchi::documents {

struct Row {
  std::string label;
  std::string value;  // may hold several lines ("\n")
};

// Everything printed; the renderer adds no words of its own, so each string comes from the
// caller (definitions and locales/*/documents.json).
struct Content {
  std::string issuer;       // the title block's first line: the ward (its head) issuing it
  std::string department;   // the issuing division, under it
  std::string title;        // large, centred: 住民票の写し, 罹災証明書, 決定通知書 …
  std::string number_line;  // e.g. "文書番号 2026-000001"; "" prints none
  std::string date_line;    // e.g. "発行日 2026年12月8日(令和8年12月8日)"
  std::vector<Row> rows;    // the table of answers and decision fields
  std::string statement;    // under the table, e.g. "上記のとおり証明します。"
  std::string qr_url;       // "" = no QR code
  std::string qr_caption;   // beside the QR code: how to verify
  std::string footer;       // small print at the foot of each page
};

// The PDF bytes. Rows that do not fit continue on a new page (title block on the first only;
// the footer and the number on every page). Internal when cairo reports an error.
Result<std::string> render_pdf(const Content& content);

}  // namespace madoguchi::documents
