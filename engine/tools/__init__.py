"""The command-line tools: the `regie` command, the demo, scenarios, benchmarks."""
