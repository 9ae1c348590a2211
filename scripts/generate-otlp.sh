#!/bin/bash
# Regenerates Sources/SpyglassOTLP/Generated from the official OTLP definitions. Run by hand when moving to a new
# opentelemetry-proto release; the output is committed, so a build needs neither protoc nor swift-protobuf's plugin.
#
#   scripts/generate-otlp.sh /path/to/opentelemetry-proto /path/to/protoc-gen-swift
#
# Needs protoc (Debian: protobuf-compiler) and protoc-gen-swift built from the swift-protobuf version Package.swift
# resolves (`swift build -c release --product protoc-gen-swift` in its checkout).
# Generated here from opentelemetry-proto v1.11.0 with swift-protobuf 1.39.0 and libprotoc 3.21.12.
set -euo pipefail
proto=${1:?path to an opentelemetry-proto checkout}
plugin=${2:?path to protoc-gen-swift}
out=$(cd "$(dirname "$0")/.." && pwd)/Sources/SpyglassOTLP/Generated
rm -f "$out"/*.pb.swift
cd "$proto"
protoc --plugin="$plugin" --swift_out="$out" --swift_opt=Visibility=Internal --swift_opt=FileNaming=PathToUnderscores \
    opentelemetry/proto/common/v1/common.proto opentelemetry/proto/resource/v1/resource.proto \
    opentelemetry/proto/trace/v1/trace.proto opentelemetry/proto/collector/trace/v1/trace_service.proto \
    opentelemetry/proto/logs/v1/logs.proto opentelemetry/proto/collector/logs/v1/logs_service.proto
