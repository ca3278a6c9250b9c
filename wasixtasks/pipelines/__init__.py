"""Per-kind pipelines (library, toolchain package, wheel), their shared stages and stamps."""
