// Fills one of the embedded page templates (report, sweep, compare): title, the three chart
// libraries inlined, and the page's data as JSON (made safe inside <script>).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace reports {

std::string render_page(const char* page_template, const std::string& title, const nlohmann::json& data);
std::string html_escape(const std::string& s);

}  // namespace reports
