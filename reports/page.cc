#include "reports/page.h"

#include "reports/web_assets.h"

namespace reports {

namespace {

// JSON inside <script>: "</script" would end the element early, and "<!--" followed by
// "<script" would make the parser skip the real "</script>" and swallow the rest of the page.
// In JSON '<', '>' and '&' occur only inside strings, where \u escapes mean the same text.
std::string script_safe(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      default: out += c;
    }
  }
  return out;
}

void replace_once(std::string& s, const std::string& token, const std::string& with) {
  size_t i = s.find(token);
  if (i != std::string::npos) s.replace(i, token.size(), with);
}

}  // namespace

std::string html_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string render_page(const char* page_template, const std::string& title, const nlohmann::json& data) {
  std::string page = page_template;
  // The pages share one <head> (styles and the chart libraries); each template starts with it.
  replace_once(page, "@@HEAD@@", kPageHead);
  replace_once(page, "@@TITLE@@", html_escape(title));
  replace_once(page, "@@VEGA@@", kVegaJs);
  replace_once(page, "@@VEGALITE@@", kVegaLiteJs);
  replace_once(page, "@@VEGAEMBED@@", kVegaEmbedJs);
  // Last: the data must not be searched for tokens.
  replace_once(page, "@@DATA@@", script_safe(data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
  return page;
}

}  // namespace reports
