// gbench: the C API over Google Benchmark (see gbench.h). The only C++ in the harness.
#include "gbench.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <regex.h>
#include <string>
#include <vector>
#include <unistd.h>

namespace {

struct Registered {
	std::string name;
	std::vector<std::vector<int64_t>> args;
	std::vector<std::string> arg_names;
	bool manual_time = false;
};

std::map<gb_bench *, Registered> &registry()
{
	static std::map<gb_bench *, Registered> r;
	return r;
}

benchmark::State &S(gb_state *st)
{
	return *reinterpret_cast<benchmark::State *>(st);
}

benchmark::internal::Benchmark *B(gb_bench *b)
{
	return reinterpret_cast<benchmark::internal::Benchmark *>(b);
}

// min and max beside Google Benchmark's own aggregates (mean, median, stddev, cv). They exist only
// for csplab-bench run by hand with several repetitions (--profile quick, or
// --benchmark_repetitions): those aggregates are Google Benchmark's, computed inside it, and these
// two complete them to the set bench/py/csplab_bench/aggregates.py computes. bench/run.py runs one
// repetition per call and gets none of them; results.json's aggregates come from
// bench/py/csplab_bench/aggregates.py only.
double stat_min(const std::vector<double> &v)
{
	return v.empty() ? 0 : *std::min_element(v.begin(), v.end());
}

double stat_max(const std::vector<double> &v)
{
	return v.empty() ? 0 : *std::max_element(v.begin(), v.end());
}

// The instance names Google Benchmark will give a registered benchmark.
std::vector<std::string> instance_names(const Registered &r)
{
	std::vector<std::string> out;
	std::vector<std::vector<int64_t>> combos = r.args;
	if (combos.empty())
		combos.push_back({});
	for (const auto &c : combos) {
		std::string n = r.name;
		for (size_t i = 0; i < c.size(); i++) {
			n += "/";
			if (i < r.arg_names.size() && !r.arg_names[i].empty())
				n += r.arg_names[i] + ":";
			n += std::to_string(c[i]);
		}
		if (r.manual_time)
			n += "/manual_time";
		out.push_back(n);
	}
	return out;
}

// Google Benchmark's filter: a regex searched in the name; a leading '-' negates it. POSIX
// extended regexes, as Google Benchmark uses where std::regex is not its choice.
struct Filter {
	bool all = true, negate = false, ok = true;
	regex_t re;
	explicit Filter(const std::string &f)
	{
		if (f.empty() || f == "all" || f == ".")
			return;
		all = false;
		negate = f[0] == '-';
		ok = regcomp(&re, (negate ? f.substr(1) : f).c_str(), REG_EXTENDED | REG_NOSUB) == 0;
	}
	~Filter()
	{
		if (!all && ok)
			regfree(&re);
	}
	bool matches(const std::string &name) const
	{
		return all || ((regexec(&re, name.c_str(), 0, nullptr, 0) == 0) != negate);
	}
};

void json_string(FILE *f, const std::string &s)
{
	fputc('"', f);
	for (unsigned char c : s) {
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

// JSON has no NaN or infinity (a cv over a zero mean): write null.
void json_number(FILE *f, double v)
{
	if (std::isfinite(v))
		fprintf(f, "%.17g", v);
	else
		fputs("null", f);
}

std::string clock_text(double seconds)
{
	long s = std::lround(seconds);
	char buf[32];
	snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
	return buf;
}

// Writes every result as one JSON line the moment it arrives (an interrupted run keeps all it
// finished), prints one console line per benchmark (the median when there are repetitions), and
// reports progress with an estimate of the time left on stderr.
class StreamReporter : public benchmark::BenchmarkReporter {
public:
	StreamReporter(FILE *jsonl, size_t expected) : jsonl_(jsonl), expected_(expected)
	{
		start_ = std::chrono::steady_clock::now();
		tty_ = isatty(STDERR_FILENO);
	}

	bool ReportContext(const Context &) override
	{
		printf("%-64s %12s %12s %10s\n", "benchmark (the median when repeated)",
			"wall ns/op", "cpu ns/op", "iterations");
		fflush(stdout);
		return true;
	}

	void ReportRuns(const std::vector<Run> &runs) override
	{
		bool instance_done = false;
		for (const Run &r : runs) {
			write_json(r);
			bool single = r.run_type == Run::RT_Iteration && r.repetitions <= 1;
			bool median = r.run_type == Run::RT_Aggregate && r.aggregate_name == "median";
			if (r.error_occurred) {
				printf("%-64s ERROR: %s\n", r.benchmark_name().c_str(),
					r.error_message.c_str());
				instance_done = r.repetition_index <= 0;
			} else if (single || median) {
				print_row(r);
				instance_done = true;
			}
		}
		fflush(stdout);
		if (instance_done)
			progress();
	}

	void Finalize() override
	{
		if (tty_)
			fprintf(stderr, "\n");
	}

private:
	static double cpu_of(const Run &r)
	{
		// The harness measures process CPU over its own window ("cpu_ns" per op); it replaces
		// Google Benchmark's, which covers only the benchmark's own thread.
		auto it = r.counters.find("cpu_ns");
		if (it != r.counters.end())
			return double(it->second);
		bool ratio = r.run_type == Run::RT_Aggregate && r.aggregate_unit == benchmark::kPercentage;
		return ratio ? r.cpu_accumulated_time : r.GetAdjustedCPUTime();
	}

	void print_row(const Run &r)
	{
		// A median row is named like its runs; its iteration count would be the repetitions.
		bool agg = r.run_type == Run::RT_Aggregate;
		printf("%-64s %12.1f %12.1f %10s", (agg ? r.run_name.str() : r.benchmark_name()).c_str(),
			r.GetAdjustedRealTime(), cpu_of(r),
			agg ? "-" : std::to_string((long long)r.iterations).c_str());
		// hist_<bucket>: a latency histogram (bench/c/hist.h), for the report, not the terminal.
		for (const auto &kv : r.counters)
			if (kv.first != "cpu_ns" && kv.first.compare(0, 5, "hist_") != 0)
				printf(" %s=%.4g", kv.first.c_str(), double(kv.second));
		printf("\n");
	}

	void write_json(const Run &r)
	{
		if (!jsonl_)
			return;
		FILE *f = jsonl_;
		fprintf(f, "{\"name\":");
		json_string(f, r.benchmark_name());
		fprintf(f, ",\"run_name\":");
		json_string(f, r.run_name.str());
		fprintf(f, ",\"run_type\":\"%s\"",
			r.run_type == Run::RT_Iteration ? "iteration" : "aggregate");
		fprintf(f, ",\"family_index\":%lld,\"per_family_instance_index\":%lld",
			(long long)r.family_index, (long long)r.per_family_instance_index);
		fprintf(f, ",\"repetitions\":%lld", (long long)r.repetitions);
		if (r.run_type == Run::RT_Iteration)
			fprintf(f, ",\"repetition_index\":%lld", (long long)r.repetition_index);
		fprintf(f, ",\"threads\":%lld", (long long)r.threads);
		if (r.run_type == Run::RT_Aggregate) {
			fprintf(f, ",\"aggregate_name\":");
			json_string(f, r.aggregate_name);
			fprintf(f, ",\"aggregate_unit\":\"%s\"",
				r.aggregate_unit == benchmark::kPercentage ? "percentage" : "time");
		}
		if (r.error_occurred) {
			fprintf(f, ",\"error_occurred\":true,\"error_message\":");
			json_string(f, r.error_message);
		}
		// A percentage aggregate (cv) carries its ratio in the accumulated fields; Google
		// Benchmark's per-iteration adjustment does not apply to it.
		bool ratio = r.run_type == Run::RT_Aggregate && r.aggregate_unit == benchmark::kPercentage;
		fprintf(f, ",\"iterations\":%lld,\"real_time\":", (long long)r.iterations);
		json_number(f, ratio ? r.real_accumulated_time : r.GetAdjustedRealTime());
		fprintf(f, ",\"cpu_time\":");
		json_number(f, cpu_of(r));
		fprintf(f, ",\"time_unit\":\"ns\"");
		for (const auto &kv : r.counters) {
			if (kv.first == "cpu_ns")
				continue;
			fprintf(f, ",");
			json_string(f, kv.first);
			fprintf(f, ":");
			json_number(f, double(kv.second));
		}
		fprintf(f, "}\n");
		fflush(f);
	}

	void progress()
	{
		done_++;
		double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() -
			start_).count();
		std::string left = "?";
		if (expected_ >= done_ && done_ > 0)
			left = clock_text(elapsed / done_ * (expected_ - done_));
		fprintf(stderr, "%scsplab-bench: %zu/%zu done, %s elapsed, about %s left%s",
			tty_ ? "\r" : "", done_, expected_, clock_text(elapsed).c_str(), left.c_str(),
			tty_ ? "   " : "\n");
		fflush(stderr);
	}

	FILE *jsonl_;
	size_t expected_;
	size_t done_ = 0;
	bool tty_;
	std::chrono::steady_clock::time_point start_;
};

} // namespace

extern "C" {

gb_bench *gb_register(const char *name, gb_fn fn, void *ctx)
{
	auto *b = benchmark::RegisterBenchmark(name,
		[fn, ctx](benchmark::State &st) { fn(reinterpret_cast<gb_state *>(&st), ctx); });
	b->Unit(benchmark::kNanosecond);
	b->ComputeStatistics("min", stat_min);
	b->ComputeStatistics("max", stat_max);
	auto *h = reinterpret_cast<gb_bench *>(b);
	registry()[h].name = name;
	return h;
}

void gb_args(gb_bench *b, const int64_t *args, size_t n)
{
	std::vector<int64_t> v(args, args + n);
	B(b)->Args(v);
	registry()[b].args.push_back(v);
}

void gb_arg_names(gb_bench *b, const char *const *names, size_t n)
{
	std::vector<std::string> v(names, names + n);
	B(b)->ArgNames(v);
	registry()[b].arg_names = v;
}

void gb_use_manual_time(gb_bench *b)
{
	B(b)->UseManualTime();
	registry()[b].manual_time = true;
}

void gb_repetitions(gb_bench *b, int n)
{
	B(b)->Repetitions(n);
}

void gb_min_time(gb_bench *b, double seconds)
{
	B(b)->MinTime(seconds);
}

int64_t gb_range(gb_state *st, int i)
{
	return S(st).range(i);
}

bool gb_keep_running_batch(gb_state *st, int64_t n)
{
	return S(st).KeepRunningBatch(n);
}

int64_t gb_max_iterations(gb_state *st)
{
	return S(st).max_iterations;
}

void gb_set_iteration_time(gb_state *st, double seconds)
{
	S(st).SetIterationTime(seconds);
}

void gb_counter(gb_state *st, const char *name, double value, unsigned flags)
{
	benchmark::Counter::Flags f = benchmark::Counter::kDefaults;
	if (flags & GB_COUNTER_AVG_ITERATIONS)
		f = benchmark::Counter::Flags(f | benchmark::Counter::kAvgIterations);
	if (flags & GB_COUNTER_RATE)
		f = benchmark::Counter::Flags(f | benchmark::Counter::kIsRate);
	S(st).counters[name] = benchmark::Counter(value, f);
}

void gb_skip_with_error(gb_state *st, const char *msg)
{
	S(st).SkipWithError(msg);
}

void gb_add_context(const char *key, const char *value)
{
	benchmark::AddCustomContext(key, value);
}

size_t gb_matching(const char *filter, void (*fn)(const char *name, void *arg), void *arg)
{
	size_t n = 0;
	Filter f(filter ? filter : "");
	if (!f.ok) {
		fprintf(stderr, "csplab-bench: bad filter regex '%s'\n", filter);
		return 0;
	}
	for (const auto &kv : registry()) {
		for (const auto &name : instance_names(kv.second)) {
			if (!f.matches(name))
				continue;
			n++;
			if (fn)
				fn(name.c_str(), arg);
		}
	}
	return n;
}

int gb_main(int argc, char **argv, const char *jsonl_path)
{
	benchmark::Initialize(&argc, argv);
	if (benchmark::ReportUnrecognizedArguments(argc, argv))
		return 2;
	std::string filter = benchmark::GetBenchmarkFilter();
	size_t expected = gb_matching(filter.c_str(), nullptr, nullptr);
	if (expected == 0) {
		fprintf(stderr, "csplab-bench: no benchmark matches the filter '%s'\n", filter.c_str());
		return 2;
	}
	FILE *jsonl = nullptr;
	if (jsonl_path && !(jsonl = fopen(jsonl_path, "a"))) {
		perror(jsonl_path);
		return 2;
	}
	StreamReporter rep(jsonl, expected);
	benchmark::RunSpecifiedBenchmarks(&rep);
	benchmark::Shutdown();
	if (jsonl)
		fclose(jsonl);
	return 0;
}

} // extern "C"
