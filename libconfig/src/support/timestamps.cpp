#include "awsprof/support/timestamps.hpp"

#include <cstdio>

namespace awsprof {
namespace {

using SysClock = std::chrono::system_clock;

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

bool digits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > text.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

}  // namespace

std::optional<SysClock::time_point> parse_expiration_time(std::string_view text) {
  // Blanks around the value are ignored, as dateutil does.
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(text, 0, 4, year) || text.size() < 10 || text[4] != '-' || !digits(text, 5, 2, month) ||
      text[7] != '-' || !digits(text, 8, 2, day))
    return std::nullopt;
  std::size_t pos = 10;
  if (pos < text.size() && (text[pos] == 'T' || text[pos] == 't' || text[pos] == ' ')) {
    ++pos;
    if (!digits(text, pos, 2, hour) || pos + 2 >= text.size() || text[pos + 2] != ':' ||
        !digits(text, pos + 3, 2, minute))
      return std::nullopt;
    pos += 5;
    if (pos < text.size() && text[pos] == ':') {
      if (!digits(text, pos + 1, 2, second)) return std::nullopt;
      pos += 3;
      if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
        ++pos;
        const std::size_t start = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
        if (pos == start) return std::nullopt;  // fractions are dropped
      }
    }
  } else if (pos != text.size()) {
    return std::nullopt;
  }
  int offset_minutes = 0;
  std::string_view zone = text.substr(pos);
  if (zone.empty() || zone == "Z" || zone == "z" || zone == "UTC" || zone == "GMT") {
    offset_minutes = 0;
  } else if (zone[0] == '+' || zone[0] == '-') {
    int oh = 0, om = 0;
    if (zone.size() == 6 && zone[3] == ':' && digits(zone, 1, 2, oh) && digits(zone, 4, 2, om)) {
    } else if (zone.size() == 5 && digits(zone, 1, 2, oh) && digits(zone, 3, 2, om)) {
    } else if (zone.size() == 3 && digits(zone, 1, 2, oh)) {
    } else {
      return std::nullopt;
    }
    if (oh > 23 || om > 59) return std::nullopt;
    offset_minutes = (zone[0] == '-' ? -1 : 1) * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1] || (month == 2 && day == 29 && !leap) ||
      hour > 23 || minute > 59 || second > 59)
    return std::nullopt;
  const long long seconds =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400LL +
      hour * 3600LL + minute * 60LL + second - offset_minutes * 60LL;
  // system_clock counts nanoseconds in 64 bits (about 1678..2261): clamp what lies beyond.
  using Seconds = std::chrono::seconds;
  const long long limit = std::chrono::duration_cast<Seconds>(SysClock::duration::max()).count() - 1;
  if (seconds >= limit) return SysClock::time_point::max();
  if (seconds <= -limit) return SysClock::time_point::min();
  return SysClock::time_point(std::chrono::duration_cast<SysClock::duration>(Seconds(seconds)));
}

std::string format_expiration_time(SysClock::time_point time) {
  const auto days = std::chrono::floor<std::chrono::days>(time);
  const std::chrono::year_month_day ymd(days);
  const auto in_day = std::chrono::floor<std::chrono::seconds>(time - days).count();
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long long>(in_day / 3600), static_cast<long long>(in_day / 60 % 60),
                static_cast<long long>(in_day % 60));
  return buffer;
}

}  // namespace awsprof
