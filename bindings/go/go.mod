module github.com/mycelium-telemetry/mycelium-telemetry/bindings/go

go 1.24
