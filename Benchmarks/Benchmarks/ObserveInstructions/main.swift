import SpyglassMetrics

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Observes a histogram a given number of times, for `valgrind --tool=callgrind`: the cost of one observation with
// native buckets on or off is (instructions at N − instructions at 0) / N, the same on any machine; see
// BENCHMARKS.md.
//
//   swift build -c release --product ObserveInstructions
//   valgrind --tool=callgrind --callgrind-out-file=/dev/null .build/release/ObserveInstructions native 100000

let arguments = CommandLine.arguments
guard arguments.count == 3, let count = Int(arguments[2]), count >= 0, ["native", "classic"].contains(arguments[1]) else {
    print("usage: ObserveInstructions native|classic <observations>")
    exit(2)
}
let configuration = MetricsConfiguration(nativeHistograms: arguments[1] == "native" ? NativeHistogramConfiguration() : nil)
let series = MetricRegistry(configuration: configuration)
    .histogram("http_request_duration_seconds", help: "Latency.", unit: "seconds", labels: ["method", "endpoint", "status"])
    .labels("GET", "/v1/jobs/{id}", "200")
// 1 ms to 3 s, cycling: every block of native buckets is made before the counted observations begin.
let seconds: [Double] = (0..<64).reduce(into: [0.001]) { values, _ in values.append(values[values.count - 1] * 1.13) }
for value in seconds { series.observe(value) }
for index in 0..<count { series.observe(seconds[index & 63]) }
print(series.count)
