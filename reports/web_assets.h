// The report template and the chart libraries, embedded into the binary at build time by
// reports/embed_assets.cmake from reports/report_template.html and reports/web/node_modules
// (npm, pinned in reports/web/package-lock.json). Empty strings when npm packages are absent.
#pragma once

namespace reports {
extern const char* const kPageHead;  // the <head> every page template starts with (@@HEAD@@)
extern const char* const kReportTemplate;
extern const char* const kSweepTemplate;
extern const char* const kCompareTemplate;
extern const char* const kVegaJs;
extern const char* const kVegaLiteJs;
extern const char* const kVegaEmbedJs;
inline bool charts_available() { return kVegaJs[0] != '\0' && kVegaLiteJs[0] != '\0' && kVegaEmbedJs[0] != '\0'; }
}  // namespace reports
