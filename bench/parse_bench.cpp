// parse_bench: how fast awsprof's lossless parser reads a config file, next to inih.
//
//   parse_bench [--reps N] [--tsv] FILE     time every parser, then measure each one's peak memory
//   parse_bench --only MODE FILE            read FILE, parse it once with MODE, exit (for peak RSS)
//
// MODE is one of:
//   none      read the file into memory and nothing else (the baseline for peak memory)
//   lossless  awsprof::Document::parse, the lossless tree
//   inih      inih's ini_parse_string with a handler that only counts the key/value calls
//   model     Document::parse, then build_profile_model(..., Dialect::cli)
//
// Every parser reads the same bytes, already in memory. Each timing is the median of --reps runs
// after a few warm-up runs. Document::parse takes its std::string by value: the copy it consumes is
// made before the clock starts, and the Document is destroyed after it stops, so only the parse is
// timed. inih does no allocation of its own and its handler does the least any user could (one
// increment per call), so it is not handicapped. Peak memory is the ru_maxrss of a fresh child
// process (this binary re-run with --only MODE), so each parser's figure is its own.
#include <fcntl.h>
#include <ini.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "awsprof/syntax/document.hpp"
#include "awsprof/model/profile_model.hpp"

extern char** environ;

namespace {

constexpr int kWarmupRuns = 3;
constexpr int kDefaultReps = 60;
constexpr std::string_view kModes[] = {"lossless", "inih", "model"};

struct Options {
  std::string file;
  std::string only;  ///< Set in child mode.
  int reps = kDefaultReps;
  bool tsv = false;
};

/// What a parse produced, as a few counts, so no parser's work can be optimised away and the
/// output shows they all read the same file.
struct Work {
  std::size_t sections = 0;
  std::size_t keys = 0;
};

struct Measurement {
  std::string mode;
  std::string description;
  double median_seconds = 0;
  Work work;
  long peak_kib = 0;
};

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return false;
  out.resize(static_cast<std::size_t>(in.tellg()));
  in.seekg(0);
  return static_cast<bool>(in.read(out.data(), static_cast<std::streamsize>(out.size())));
}

// ---- The parsers -------------------------------------------------------------------------------

Work count_document(const awsprof::Document& doc) {
  Work work{doc.sections().size(), 0};
  for (const awsprof::Line& line : doc.lines())
    if (line.kind == awsprof::LineKind::property || line.kind == awsprof::LineKind::sub_property) ++work.keys;
  return work;
}

int inih_count_handler(void* user, const char* /*section*/, const char* /*name*/, const char* /*value*/) {
  ++static_cast<Work*>(user)->keys;
  return 1;
}

Work run_inih(const std::string& input) {
  Work work;
  ini_parse_string(input.c_str(), inih_count_handler, &work);
  return work;
}

Work run_model(std::string input) {
  awsprof::Document doc = awsprof::Document::parse(std::move(input));
  awsprof::ProfileModel model =
      awsprof::build_profile_model({"config", &doc}, {"credentials", nullptr}, awsprof::Dialect::cli);
  return Work{
      model.profiles.size() + model.sso_sessions.size() + model.services.size() + model.other_sections.size(),
      0};
}

// ---- Timing ------------------------------------------------------------------------------------

using Clock = std::chrono::steady_clock;

double seconds_between(Clock::time_point start, Clock::time_point stop) {
  return std::chrono::duration<double>(stop - start).count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/// Runs one mode reps times (after warm-up) and returns the median seconds of one parse.
double time_mode(std::string_view mode, const std::string& input, int reps, Work& work) {
  std::vector<double> samples;
  for (int i = 0; i < kWarmupRuns + reps; ++i) {
    double elapsed = 0;
    if (mode == "lossless") {
      std::string copy = input;  // Consumed by parse; copied before the clock starts.
      Clock::time_point start = Clock::now();
      awsprof::Document doc = awsprof::Document::parse(std::move(copy));
      Clock::time_point stop = Clock::now();
      elapsed = seconds_between(start, stop);
      work = count_document(doc);
    } else if (mode == "inih") {
      Clock::time_point start = Clock::now();
      work = run_inih(input);
      Clock::time_point stop = Clock::now();
      elapsed = seconds_between(start, stop);
    } else {
      std::string copy = input;
      Clock::time_point start = Clock::now();
      work = run_model(std::move(copy));
      Clock::time_point stop = Clock::now();
      elapsed = seconds_between(start, stop);
    }
    if (i >= kWarmupRuns) samples.push_back(elapsed);
  }
  return median(std::move(samples));
}

// ---- Peak memory -------------------------------------------------------------------------------

/// Parses once in this (fresh) process and prints the counts; the parent reads our ru_maxrss.
int run_only(const Options& options) {
  std::string input;
  if (!read_file(options.file, input)) {
    std::cerr << "parse_bench: cannot read " << options.file << "\n";
    return 2;
  }
  Work work;
  if (options.only == "lossless") {
    awsprof::Document doc = awsprof::Document::parse(std::move(input));
    work = count_document(doc);
  } else if (options.only == "inih") {
    work = run_inih(input);
  } else if (options.only == "model") {
    work = run_model(std::move(input));
  } else {
    work.keys = input.size();
  }
  std::cout << options.only << " sections=" << work.sections << " keys=" << work.keys << "\n";
  return 0;
}

/// Re-runs this binary as `--only MODE FILE` and returns the child's peak RSS in KiB (-1 on failure).
long one_child_peak_kib(const std::string& mode, const std::string& file) {
  std::string self = "/proc/self/exe";
  std::string only = "--only";
  std::vector<char*> argv = {self.data(), only.data(), const_cast<char*>(mode.c_str()),
                             const_cast<char*>(file.c_str()), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, self.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
  return usage.ru_maxrss;  // KiB on Linux.
}

/// The median of three children's peaks, to steady the figure on a busy machine.
long child_peak_kib(const std::string& mode, const std::string& file) {
  std::vector<long> peaks;
  for (int i = 0; i < 3; ++i) {
    long peak = one_child_peak_kib(mode, file);
    if (peak < 0) return -1;
    peaks.push_back(peak);
  }
  std::sort(peaks.begin(), peaks.end());
  return peaks[1];
}

// ---- Output ------------------------------------------------------------------------------------

double mb_per_second(std::size_t bytes, double seconds) {
  return seconds > 0 ? bytes / 1e6 / seconds : 0;
}

void print_table(const std::vector<Measurement>& rows, std::size_t bytes, long baseline_kib) {
  std::printf("input: %zu bytes, already in memory; median of the runs; MB = 10^6 bytes\n", bytes);
  std::printf("peak RSS of a fresh process that only reads the file: %ld KiB\n\n", baseline_kib);
  std::printf("%-10s %10s %10s %12s %14s  %s\n", "parser", "median ms", "MB/s", "peak KiB", "over baseline",
              "what it does");
  for (const Measurement& m : rows)
    std::printf("%-10s %10.3f %10.1f %12ld %14ld  %s\n", m.mode.c_str(), m.median_seconds * 1e3,
                mb_per_second(bytes, m.median_seconds), m.peak_kib, m.peak_kib - baseline_kib,
                m.description.c_str());
}

void print_tsv(const std::vector<Measurement>& rows, std::size_t bytes, long baseline_kib) {
  std::printf("mode\tmedian_s\tmb_per_s\tpeak_kib\tbaseline_kib\tdescription\n");
  for (const Measurement& m : rows)
    std::printf("%s\t%.9f\t%.3f\t%ld\t%ld\t%s\n", m.mode.c_str(), m.median_seconds,
                mb_per_second(bytes, m.median_seconds), m.peak_kib, baseline_kib, m.description.c_str());
}

std::string describe(std::string_view mode, const Work& work) {
  std::ostringstream out;
  if (mode == "lossless")
    out << "Document::parse: full line tree; " << work.sections << " sections, " << work.keys
        << " key lines (properties + sub-properties)";
  else if (mode == "inih")
    out << "ini_parse_string, handler only counts its calls: " << work.keys << " key/value calls";
  else
    out << "Document::parse + build_profile_model(cli): " << work.sections << " sections";
  return out.str();
}

int usage() {
  std::cerr << "usage: parse_bench [--reps N] [--tsv] FILE\n"
               "       parse_bench --only none|lossless|inih|model FILE\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--tsv") {
      options.tsv = true;
    } else if (arg == "--reps" && i + 1 < argc) {
      std::string_view value = argv[++i];
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), options.reps);
      if (ec != std::errc() || end != value.data() + value.size() || options.reps < 1) return usage();
    } else if (arg == "--only" && i + 1 < argc) {
      options.only = argv[++i];
      if (options.only != "none" &&
          std::find(std::begin(kModes), std::end(kModes), options.only) == std::end(kModes))
        return usage();
    } else if (!arg.empty() && arg.front() != '-' && options.file.empty()) {
      options.file = arg;
    } else {
      return usage();
    }
  }
  if (options.file.empty()) return usage();
  if (!options.only.empty()) return run_only(options);

  // Peak memory first, while this process is still small: Linux carries the parent's high-water
  // RSS into ru_maxrss across posix_spawn's exec, so the children must start before we grow.
  std::vector<Measurement> rows;
  for (std::string_view mode : kModes) rows.push_back(Measurement{std::string(mode), "", 0, {}, 0});
  const long baseline_kib = child_peak_kib("none", options.file);
  for (Measurement& m : rows) m.peak_kib = child_peak_kib(m.mode, options.file);
  if (baseline_kib < 0 ||
      std::any_of(rows.begin(), rows.end(), [](const Measurement& m) { return m.peak_kib < 0; })) {
    std::cerr << "parse_bench: a --only child failed\n";
    return 2;
  }

  std::string input;
  if (!read_file(options.file, input)) {
    std::cerr << "parse_bench: cannot read " << options.file << "\n";
    return 2;
  }
  for (Measurement& m : rows) {
    m.median_seconds = time_mode(m.mode, input, options.reps, m.work);
    m.description = describe(m.mode, m.work);
  }
  if (options.tsv)
    print_tsv(rows, input.size(), baseline_kib);
  else
    print_table(rows, input.size(), baseline_kib);
  return 0;
}
